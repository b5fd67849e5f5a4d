import { z } from 'zod';
import { DEFAULT_QUEUE_PREFIX } from './queue/names';

/**
 * Every setting Paperboy reads, validated in one go. Nothing else in the code reads `process.env`:
 * the rest of the program receives a `Config`.
 */

/** `30s`, `15m`, `2h`, `1d` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms'];
  return Number(match[1]) * unit;
}

/** 900000 → `15m`: the inverse of `parseDuration`, for messages. */
export function describeInterval(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const MIN_POLL_MS = 10_000;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const httpUrl = (example: string) =>
  z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
      message: `must be an http(s) URL, like ${example}`,
    });

const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string({
      message:
        'is required: the Bot User OAuth Token (xoxb-…) from your Slack app’s OAuth & Permissions page',
    })
    .trim()
    .startsWith('xoxb-', { message: 'must be a bot token starting with xoxb-' }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(
    z
      .string()
      .startsWith('xapp-', { message: 'must be an app-level token starting with xapp-' })
      .optional(),
  ),
  SLACK_API_URL: httpUrl('https://slack.com/api/')
    .default('https://slack.com/api/')
    // The Web API client joins method names onto this base: it must end with a slash.
    .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be between 1 and 65535' })
    .max(65535, { message: 'must be between 1 and 65535' })
    .default(3000),
  REDIS_URL: z
    .string()
    .trim()
    .refine((value) => /^rediss?:\/\//.test(value) && URL.canParse(value), {
      message: 'must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379',
    })
    .default('redis://127.0.0.1:6379'),
  DATABASE_URL: z.string().trim().min(1).default('./data/paperboy.db'),
  HF_API_URL: httpUrl('https://huggingface.co/api')
    .default('https://huggingface.co/api')
    .transform((url) => url.replace(/\/+$/, '')),
  ARXIV_API_URL: httpUrl('https://export.arxiv.org/api')
    .default('https://export.arxiv.org/api')
    .transform((url) => url.replace(/\/+$/, '')),
  POLL_EVERY: z
    .string()
    .trim()
    .default('15m')
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `'${value}' is not a duration like 30s, 15m or 1h`,
        });
        return z.NEVER;
      }
      if (ms < MIN_POLL_MS) {
        ctx.addIssue({ code: 'custom', message: 'must be at least 10s (the feeds rate-limit us)' });
        return z.NEVER;
      }
      return ms;
    }),
  ANNOUNCE_CHANNELS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const ids = value
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== '');
      const bad = ids.filter((id) => !/^[CG][A-Z0-9]{2,}$/.test(id));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${bad.join(', ')} ${bad.length === 1 ? 'is not a channel id' : 'are not channel ids'} (like C0123ABCD; names such as #general do not work)`,
        });
        return z.NEVER;
      }
      return [...new Set(ids)];
    }),
  /** The workspace's IANA time zone: `/papers top today` and `since:7d` count its calendar days. */
  WORKSPACE_TIME_ZONE: z.string().trim().default('UTC').refine(isTimeZone, {
    message: 'must be an IANA time zone like Europe/Paris, America/New_York or UTC',
  }),
  /** BullMQ key prefix: instances sharing one Redis need different ones. Braces: a Cluster hash tag. */
  QUEUE_PREFIX: z
    .string()
    .trim()
    .regex(/^[^:\s]+$/, { message: 'must be one word without spaces or colons, like {paperboy}' })
    .default(DEFAULT_QUEUE_PREFIX),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error'], { message: 'must be debug, info, warn or error' })
    .default('info'),
  /** `json`: one JSON object per line (pino), for a log collector; `text`: for a terminal. */
  LOG_FORMAT: z.enum(['json', 'text'], { message: 'must be json or text' }).default('json'),
  /**
   * Port of the operations endpoints every process serves: `/healthz`, `/metrics` and, with
   * ADMIN_PASSWORD, the queue dashboard at `/admin/queues`. `off` serves none.
   */
  OPS_PORT: z
    .string()
    .trim()
    .default('9090')
    .transform((value, ctx): number | 'off' => {
      if (value.toLowerCase() === 'off') return 'off';
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        ctx.addIssue({ code: 'custom', message: 'must be a port number (1 to 65535) or off' });
        return z.NEVER;
      }
      return port;
    }),
  /** The queue dashboard's password (user `admin`); without it the dashboard is not served. */
  ADMIN_PASSWORD: optionalText.pipe(
    z.string().min(12, { message: 'must be at least 12 characters' }).optional(),
  ),
});

export type Config = z.output<typeof schema>;

/** Every setting's name, as `.env.example` documents them. */
export const SETTING_NAMES = Object.keys(schema.shape) as ReadonlyArray<keyof Config>;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
export type Environment = Record<string, string | undefined>;

/** Which process roles a command runs: the Slack app, the queue workers, or both. */
export type Role = 'app' | 'worker' | 'all';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `PORT=` (empty, as .env files and compose files often leave it) means "use the default". */
function withoutEmptyValues(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim() !== ''));
}

/**
 * Validates the environment. Throws a `ConfigError` listing every problem, one line each, each
 * naming its variable.
 */
export function loadConfig(env: Environment = process.env, role: Role = 'all'): Config {
  const result = schema.safeParse(withoutEmptyValues(env));
  const problems = result.success
    ? []
    : result.error.issues.map(
        (issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`,
      );
  // Checked beside the schema, not in it, so that it is reported together with every other problem.
  const receivesSlackRequests = role !== 'worker';
  if (receivesSlackRequests && !env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim()) {
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information → App Credentials), or set SLACK_APP_TOKEN to use Socket Mode',
    );
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/**
 * The process's environment as it is, unvalidated: for `npm run doctor`, which reports on settings
 * that do not validate, and for finding every secret to redact. Nothing else reads it.
 */
export function processEnvironment(): Environment {
  return process.env;
}

/** The process's own configuration: what `npm start` runs with. */
export function loadProcessConfig(role: Role): Config {
  return loadConfig(process.env, role);
}

/**
 * The demo's few settings: it makes up the rest (a local Slack, a local feed, a temp database).
 * `HF_API_URL` is the feed `npm run demo -- --live` polls.
 */
export function loadDemoConfig(
  env: Environment = process.env,
): Pick<Config, 'REDIS_URL' | 'LOG_LEVEL' | 'HF_API_URL'> {
  const result = schema
    .pick({ REDIS_URL: true, LOG_LEVEL: true, HF_API_URL: true })
    .safeParse(withoutEmptyValues(env));
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`),
  );
}

/**
 * Every secret among the settings, which no log line or report may show: the tokens, the signing secret, the dashboard password,
 * and the passwords inside REDIS_URL and DATABASE_URL. (`redact` also catches anything shaped
 * like a Slack token.)
 */
export function secretsIn(env: Environment): string[] {
  const values = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'ADMIN_PASSWORD']
    .map((name) => env[name]?.trim() ?? '')
    .filter((value) => value !== '');
  for (const name of ['REDIS_URL', 'DATABASE_URL']) values.push(...urlPassword(env[name]));
  return values;
}

/** A URL's password as written and decoded; none when there is no URL or no password. */
function urlPassword(url: string | undefined): string[] {
  try {
    const password = url ? new URL(url.trim()).password : '';
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}
