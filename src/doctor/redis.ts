import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Environment } from '../config';
import { QUEUE_NAMES } from '../queue/names';
import {
  errorCode,
  errorMessage,
  fail,
  pass,
  seconds,
  warn,
  withDeadline,
  withoutPassword,
  type CheckResult,
} from './check';
import { isCheckResult, needing, settingsFor } from './settings';

/**
 * Connects to REDIS_URL, PINGs, and reports the server's version, its `maxmemory-policy` (BullMQ
 * needs `noeviction`: any other policy may delete queued jobs when memory runs short) and how many
 * jobs Paperboy's queues hold under QUEUE_PREFIX.
 */
export async function checkRedis(env: Environment, timeoutMs: number): Promise<CheckResult> {
  const settings = needing(env, ['REDIS_URL'], 'Redis');
  if (isCheckResult(settings)) return settings;
  const url = settings.REDIS_URL;
  const shown = withoutPassword(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // One attempt: the doctor reports an outage, it does not wait it out.
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    connectionName: 'paperboy-doctor',
  });
  let lastError: Error | undefined;
  // The connection's own error says why (ECONNREFUSED…); `connect()` only says it closed.
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  // Connecting has `timeoutMs`; the few small commands after it as long again.
  const deadlineMs = timeoutMs * 2;
  try {
    return await withDeadline(
      inspect(redis, shown, env, timeoutMs, () => lastError),
      deadlineMs,
      () =>
        fail(
          'Redis',
          `${shown} answered too slowly (more than ${seconds(deadlineMs)} for a few small commands); is it overloaded?`,
        ),
    );
  } finally {
    redis.disconnect();
  }
}

async function inspect(
  redis: Redis,
  shown: string,
  env: Environment,
  timeoutMs: number,
  lastError: () => Error | undefined,
): Promise<CheckResult> {
  // ioredis's own timeouts do not cover a server that accepts the connection and then says
  // nothing (its ready check waits, then retries): one deadline over connect and PING does.
  const failure = await withDeadline(
    redis.connect().then(
      () => redis.ping().then(() => undefined),
      (error: unknown) => error ?? new Error('connection failed'),
    ),
    timeoutMs,
    () => 'timeout' as const,
  ).catch((error: unknown) => error ?? new Error('PING failed'));
  if (failure === 'timeout') {
    return fail(
      'Redis',
      `no answer from ${shown} within ${seconds(timeoutMs)}; is Redis what listens there (a TLS-only server needs rediss://)? Check REDIS_URL`,
    );
  }
  if (failure) {
    return fail(
      'Redis',
      `cannot reach Redis at ${shown}: ${unreachable(lastError() ?? failure, redis, timeoutMs)}`,
    );
  }
  const version = /^redis_version:(\S+)/m.exec(await redis.info('server').catch(() => ''))?.[1];
  const policy = await maxmemoryPolicy(redis);
  const facts = [version ? `Redis ${version}` : 'version not reported', policy.text].join(', ');
  const queues = await queueSummary(redis, env);
  const message = `${shown} answers (${facts})${queues ? `; ${queues}` : ''}`;
  return policy.ok ? pass('Redis', message) : warn('Redis', message, [policy.hint]);
}

type Policy = { ok: true; text: string } | { ok: false; text: string; hint: string };

/** CONFIG GET is often refused on managed Redis: then the policy is unknown, not wrong. */
async function maxmemoryPolicy(redis: Redis): Promise<Policy> {
  try {
    const [, value] = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (value === undefined) {
      return { ok: true, text: 'maxmemory-policy not reported; BullMQ needs noeviction' };
    }
    if (value === 'noeviction') return { ok: true, text: 'maxmemory-policy noeviction' };
    return {
      ok: false,
      text: `maxmemory-policy ${value}`,
      hint: `BullMQ needs maxmemory-policy noeviction: with ${value}, Redis may delete queued jobs when memory runs short. Set it (redis.conf, CONFIG SET maxmemory-policy noeviction, or your provider's settings).`,
    };
  } catch (error) {
    return {
      ok: true,
      text: `maxmemory-policy could not be checked (CONFIG GET refused: ${errorMessage(error)}); make sure it is noeviction in your provider's settings`,
    };
  }
}

/** The jobs waiting, delayed and failed in Paperboy's queues; empty when they cannot be read. */
async function queueSummary(redis: Redis, env: Environment): Promise<string> {
  const settings = settingsFor(env, ['QUEUE_PREFIX']);
  if (!settings) return '';
  const prefix = settings.QUEUE_PREFIX;
  const totals = { waiting: 0, delayed: 0, failed: 0 };
  try {
    for (const name of Object.values(QUEUE_NAMES)) {
      // The doctor's connection is shared: closing the queue leaves it open.
      const queue = new Queue(name, { connection: redis, prefix });
      queue.on('error', () => undefined);
      try {
        const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed', 'failed');
        totals.waiting += (counts.wait ?? 0) + (counts.prioritized ?? 0);
        totals.delayed += counts.delayed ?? 0;
        totals.failed += counts.failed ?? 0;
      } finally {
        await queue.close();
      }
    }
  } catch (error) {
    return `queue sizes under ${prefix} could not be read (${errorMessage(error)})`;
  }
  return `queues under ${prefix}: ${totals.waiting} waiting, ${totals.delayed} delayed, ${totals.failed} failed`;
}

/** Why the connection failed, in words, with what to do. */
function unreachable(error: unknown, redis: Redis, timeoutMs: number): string {
  const { host, port } = redis.options;
  const where = `${host ?? 'localhost'}:${port ?? 6379}`;
  const code = errorCode(error);
  // A Redis error reply starts with its error code (`-NOAUTH …`, `-WRONGPASS …`): the protocol's
  // own way of naming it, not free text.
  const replyCode = /^([A-Z]+)\b/.exec(errorMessage(error))?.[1];
  switch (code ?? replyCode) {
    case 'ECONNREFUSED':
      return `nothing listens at ${where} (connection refused); is Redis running there? Check REDIS_URL`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${host ?? ''} does not resolve (${code}); check REDIS_URL and the network`;
    case 'ETIMEDOUT':
      return `no answer from ${where} within ${seconds(timeoutMs)}; a firewall, or the wrong host in REDIS_URL?`;
    case 'NOAUTH':
      return 'Redis asks for a password; put it in REDIS_URL, like redis://:PASSWORD@host:6379';
    case 'WRONGPASS':
      return 'Redis refused the user name or password in REDIS_URL';
    default:
      return `${errorMessage(error)}; check REDIS_URL`;
  }
}
