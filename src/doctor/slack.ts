import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import type { Environment } from '../config';
import { createLogger } from '../logger';
import { WebClient } from '../slack/client';
import {
  errorMessage,
  fail,
  networkCause,
  pass,
  skipped,
  unknown,
  withDeadline,
  seconds,
  type CheckResult,
} from './check';
import { isCheckResult, needing } from './settings';

/**
 * The bot scopes manifest.yml asks for (`oauth_config.scopes.bot`). Kept here rather than read
 * from the file so that the doctor works where only the code is deployed; test/doctor.test.ts
 * keeps the two lists equal.
 */
export const MANIFEST_BOT_SCOPES: readonly string[] = [
  'commands',
  'chat:write',
  'channels:history',
  'groups:history',
  'links:read',
  'links:write',
  'im:write',
  'im:history',
  'users:read',
  'channels:read',
  'groups:read',
];

const DEFAULT_API_URL = 'https://slack.com/api/';

const HOW_TO_GET = {
  SLACK_BOT_TOKEN:
    'copy the Bot User OAuth Token (xoxb-…) again from the app’s OAuth & Permissions page (install the app to the workspace if it is not there)',
  SLACK_APP_TOKEN:
    'generate an app-level token with the connections:write scope under Basic Information → App-Level Tokens',
} as const;

type TokenName = keyof typeof HOW_TO_GET;

/**
 * Three lines: who SLACK_BOT_TOKEN is (`auth.test`), whether it has the scopes manifest.yml asks
 * for, and how Slack's requests reach Paperboy (Socket Mode: `apps.connections.open` with
 * SLACK_APP_TOKEN; HTTP mode: what must be reachable).
 */
export async function checkSlack(env: Environment, timeoutMs: number): Promise<CheckResult[]> {
  const [identity, requests] = await Promise.all([
    bounded(checkIdentity(env, timeoutMs), timeoutMs, ['Slack', 'Scopes']),
    bounded(checkRequests(env, timeoutMs), timeoutMs, [modeLabel(env)]),
  ]);
  return [...identity, ...requests];
}

/** A Slack call that neither answers nor fails within the client's timeout still ends the check. */
function bounded(
  work: Promise<CheckResult[]>,
  timeoutMs: number,
  labels: string[],
): Promise<CheckResult[]> {
  // A little longer than the client's own timeout, whose error says more.
  return withDeadline(work, timeoutMs + 1_000, () =>
    labels.map((label) => fail(label, `Slack did not answer within ${seconds(timeoutMs)}`)),
  );
}

async function checkIdentity(env: Environment, timeoutMs: number): Promise<CheckResult[]> {
  const settings = needing(env, ['SLACK_BOT_TOKEN', 'SLACK_API_URL'], 'Slack');
  const scopesNotChecked = skipped('Scopes', 'not checked: needs auth.test to succeed first');
  if (isCheckResult(settings)) return [settings, scopesNotChecked];
  const apiUrl = settings.SLACK_API_URL;
  try {
    const auth = await webClient(settings.SLACK_BOT_TOKEN, apiUrl, timeoutMs).auth.test();
    const where = apiUrl === DEFAULT_API_URL ? '' : ` (Slack Web API at ${apiUrl})`;
    return [
      pass(
        'Slack',
        `connected to workspace ${auth.team ?? auth.team_id ?? '(unnamed)'} as @${auth.user ?? auth.user_id ?? '(unnamed)'}${where}`,
      ),
      scopesResult(auth.response_metadata?.scopes),
    ];
  } catch (error) {
    return [
      fail('Slack', slackFailure(error, 'SLACK_BOT_TOKEN', apiUrl, timeoutMs)),
      scopesNotChecked,
    ];
  }
}

/**
 * Compares the scopes Slack says the token has (its `x-oauth-scopes` header, which the client
 * puts in `response_metadata.scopes`) with the ones manifest.yml asks for. Slack sends that header
 * on every call, but a proxy or an emulator may not: then the scopes cannot be checked, which is
 * not a problem in itself.
 */
export function scopesResult(granted: readonly string[] | undefined): CheckResult {
  if (granted === undefined) {
    return unknown(
      'Scopes',
      'not checked: Slack did not report the granted scopes (no x-oauth-scopes header); compare OAuth & Permissions with manifest.yml by hand',
    );
  }
  const missing = MANIFEST_BOT_SCOPES.filter((scope) => !granted.includes(scope));
  if (missing.length === 0) {
    return pass(
      'Scopes',
      `all ${MANIFEST_BOT_SCOPES.length} scopes manifest.yml asks for are granted`,
    );
  }
  return fail(
    'Scopes',
    `the app lacks ${missing.length === 1 ? 'a scope' : `${missing.length} scopes`} manifest.yml asks for: ${missing.join(', ')}; update the app from manifest.yml (app settings → App Manifest), then reinstall it to the workspace (OAuth & Permissions)`,
  );
}

function modeLabel(env: Environment): string {
  return env.SLACK_APP_TOKEN?.trim() ? 'Socket Mode' : 'HTTP mode';
}

async function checkRequests(env: Environment, timeoutMs: number): Promise<CheckResult[]> {
  const label = modeLabel(env);
  if (label === 'HTTP mode') {
    if (!env.SLACK_SIGNING_SECRET?.trim()) {
      return [
        skipped(
          label,
          'SLACK_SIGNING_SECRET is not set (see Config): Slack’s requests could not be verified',
        ),
      ];
    }
    const settings = needing(env, ['PORT'], label);
    const port = isCheckResult(settings) ? 'PORT' : `port ${settings.PORT}`;
    return [
      pass(
        label,
        `Slack must reach POST /slack/events on ${port} (the request URLs in manifest.yml, over public HTTPS); SLACK_SIGNING_SECRET is set`,
      ),
    ];
  }
  const settings = needing(env, ['SLACK_APP_TOKEN', 'SLACK_API_URL'], label);
  if (isCheckResult(settings)) return [settings];
  try {
    await webClient(
      settings.SLACK_APP_TOKEN ?? '',
      settings.SLACK_API_URL,
      timeoutMs,
    ).apps.connections.open();
    return [
      pass(
        label,
        'SLACK_APP_TOKEN opens a Socket Mode connection (socket_mode_enabled must be true in the app settings)',
      ),
    ];
  } catch (error) {
    return [fail(label, slackFailure(error, 'SLACK_APP_TOKEN', settings.SLACK_API_URL, timeoutMs))];
  }
}

/** A Web API client that fails at once: the doctor reports, it does not retry. */
function webClient(token: string, apiUrl: string, timeoutMs: number): WebClient {
  return new WebClient(token, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    // The report says what went wrong; the client's own warnings would only repeat it.
    logger: createLogger({ sink: () => undefined }),
  });
}

const REJECTED_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

/** Why a Slack call failed, in plain words, with what to do. */
export function slackFailure(
  error: unknown,
  tokenName: TokenName,
  apiUrl: string,
  timeoutMs: number,
): string {
  const known = error as Partial<WebAPICallError>;
  switch (known.code) {
    case ErrorCode.PlatformError: {
      const code = (error as Extract<WebAPICallError, { code: ErrorCode.PlatformError }>).data
        .error;
      if (REJECTED_TOKEN.has(code)) {
        return `Slack rejected ${tokenName} (${code}); ${HOW_TO_GET[tokenName]}`;
      }
      if (code === 'not_allowed_token_type') {
        return `${tokenName} is not the right kind of token (${code}); ${HOW_TO_GET[tokenName]}`;
      }
      return `Slack refused the call (${code}); ${HOW_TO_GET[tokenName]}, and check the app’s settings against manifest.yml`;
    }
    case ErrorCode.RateLimitedError: {
      const { retryAfter } = error as Extract<
        WebAPICallError,
        { code: ErrorCode.RateLimitedError }
      >;
      return `Slack asked to slow down (rate limited for ${retryAfter} s); run the doctor again in a minute`;
    }
    case ErrorCode.HTTPError: {
      const { statusCode } = error as Extract<WebAPICallError, { code: ErrorCode.HTTPError }>;
      return `${apiUrl} answered HTTP ${statusCode}, not the Slack Web API; check SLACK_API_URL (normally ${DEFAULT_API_URL})`;
    }
    case ErrorCode.RequestError: {
      const { original } = error as Extract<WebAPICallError, { code: ErrorCode.RequestError }>;
      if (original.name === 'TimeoutError' || original.name === 'AbortError') {
        return `no answer from Slack at ${apiUrl} within ${seconds(timeoutMs)}; check SLACK_API_URL and the network (a firewall or a proxy that drops the requests?)`;
      }
      return `cannot reach Slack at ${apiUrl} (${networkCause(original)}); check SLACK_API_URL and the network (no network? a firewall or a proxy?)`;
    }
    default:
      return `the call to Slack at ${apiUrl} failed (${errorMessage(error)})`;
  }
}
