import { Redis, type RedisOptions } from 'ioredis';

/**
 * How long a producer command may wait for Redis's answer. A Redis that is down is refused at
 * once (no offline queue); this bounds one that hangs (a stuck host, a full network buffer), so
 * that a Slack request that needs Redis can still answer within Slack's 3 seconds.
 */
export const PRODUCER_COMMAND_TIMEOUT_MS = 2_000;

/**
 * Redis connections for BullMQ. Workers block on Redis and must wait through outages
 * (`maxRetriesPerRequest: null`, BullMQ insists); producers fail fast instead and leave the
 * retrying to their caller: a poll that cannot enqueue fails and BullMQ retries it, and a Slack
 * request can answer "try again" rather than hang past Slack's 3 seconds.
 */
export function createRedisConnection(url: string, role: 'worker' | 'producer'): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    ...(role === 'producer'
      ? {
          // Workers block on purpose (BullMQ waits for jobs in BZPOPMIN): only producers get a bound.
          commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS,
          // A command cut off by a dropped connection has failed for its caller already: sent
          // again after the reconnect, it would run behind the caller's back (a lock nobody holds).
          autoResendUnfulfilledCommands: false,
        }
      : {}),
    connectionName: `paperboy-${role}`,
    lazyConnect: false,
  };
  return new Redis(url, options);
}

/**
 * Paperboy could not use Redis for something a request needs (down, restarting, or not
 * answering). Thrown by the producers' adapters (post locks) in place of the client's own error,
 * so that listeners can tell the member to try again instead of reporting a bug.
 */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';

  constructor(what: string, cause: unknown) {
    super(`${what}: Redis did not answer (${describeCause(cause)})`, { cause });
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** Resolves once Redis answers, or rejects after `timeoutMs` with the connection's own error. */
export async function waitForRedis(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `Redis did not answer within ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`,
        ),
      );
    }, timeoutMs);
    let lastError: Error | undefined;
    const onError = (error: Error) => {
      lastError = error;
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
    };
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}

/** Deletes every key under a queue prefix: a throwaway run (demo, test) leaves Redis as it found it. */
export async function purgeKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Logs an emitter's `error` events without flooding: while Redis is down every reconnect fails,
 * so the first error is logged at once and the rest are summed up at most once per `everyMs`.
 */
export function logErrorsQuietly(
  emitter: { on(event: 'error', listener: (error: Error) => void): unknown },
  log: (...message: unknown[]) => void,
  label: string,
  everyMs = 30_000,
): void {
  let lastLoggedAt = 0;
  let suppressed = 0;
  emitter.on('error', (error) => {
    const now = Date.now();
    if (now - lastLoggedAt < everyMs) {
      suppressed += 1;
      return;
    }
    const more = suppressed > 0 ? ` (and ${suppressed} more since the last report)` : '';
    log(`${label}: ${error.message}${more}`);
    lastLoggedAt = now;
    suppressed = 0;
  });
}
