import {
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
  type Logger as SlackLogger,
  type WebClientOptions,
} from '@slack/web-api';

export { WebClient };

/**
 * How the Web API client behaves in each role.
 * - `worker`: retries belong to BullMQ (backoff, attempts, delays that do not use up attempts), so
 *   the client neither retries nor pauses its whole queue on one channel's 429: it rejects at once
 *   and the job decides. Listeners post with it too: a post retried blindly may land twice.
 * - `app`: listeners answer people: a couple of quick retries, and a 429 still rejects at once
 *   instead of freezing every other call.
 */
export const CLIENT_OPTIONS: Record<'worker' | 'app', WebClientOptions> = {
  worker: { retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 10_000 },
  app: {
    retryConfig: { retries: 2, maxTimeout: 2_000 },
    rejectRateLimitedCalls: true,
    timeout: 5_000,
  },
};

export function createSlackClient(options: {
  token: string;
  apiUrl: string;
  logger: SlackLogger;
  role: 'worker' | 'app';
}): WebClient {
  return new WebClient(options.token, {
    ...CLIENT_OPTIONS[options.role],
    slackApiUrl: options.apiUrl,
    logger: options.logger,
  });
}

/** Seconds Slack asked us to wait, when the error is a 429. */
export function retryAfterSeconds(error: unknown): number | undefined {
  return error instanceof WebAPIRateLimitedError ? error.retryAfter : undefined;
}

/** The `error` string of an `ok:false` answer (`channel_not_found`, `invalid_blocks`, …). */
export function platformErrorCode(error: unknown): string | undefined {
  return error instanceof WebAPIPlatformError ? error.data.error : undefined;
}

/**
 * `ok:false` answers that no retry can fix: the job fails at once with a reason an operator can
 * act on, instead of burning its attempts.
 */
export const PERMANENT_SLACK_ERRORS: Readonly<Record<string, string>> = {
  channel_not_found: 'the channel does not exist or the bot cannot see it',
  not_in_channel: 'the bot is not a member of the channel (invite it with /invite @Paperboy)',
  is_archived: 'the channel is archived',
  invalid_blocks: 'Slack rejected the card (a Block Kit limit); this is a bug in Paperboy',
  msg_blocks_too_long: 'Slack rejected the card as too long; this is a bug in Paperboy',
  invalid_auth: 'SLACK_BOT_TOKEN is not valid',
  not_authed: 'SLACK_BOT_TOKEN is missing',
  account_inactive: 'the bot token belongs to a deactivated app or workspace',
  token_revoked: 'the bot token was revoked',
  missing_scope: 'the app lacks a scope it needs (reinstall it from manifest.yml)',
  restricted_action: 'a workspace setting prevents the bot from posting there',
  // Alert DMs (conversations.open) to a member Slack cannot reach.
  user_not_found: 'the member no longer exists',
  user_disabled: 'the member was deactivated',
  cannot_dm_bot: 'the member is a bot',
};
