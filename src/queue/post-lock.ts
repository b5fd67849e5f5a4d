import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChannelRef } from '../store/store';
import { QueueUnavailableError } from './connection';

/** Deletes the lock only if it is still ours (it may have expired and been taken since). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * How long a post may hold its lock: well past the Slack client's timeout. A holder that dies
 * frees it when this runs out.
 */
export const POST_LOCK_MS = 60_000;

/**
 * One poster at a time per (channel, paper), across processes: the announce job and a member's
 * share both check the ledger, post and record, and two doing that at once would both post. The
 * ledger stays the durable guard; the lock only closes the window between its check and its write.
 */
export interface PostLocks {
  /**
   * Takes the lock, or answers undefined when someone holds it; the result releases it. Both
   * reject with {@link QueueUnavailableError} when Redis cannot be reached or does not answer
   * (the connection is a producer's: it fails fast rather than waiting for Redis to come back).
   */
  tryLock(target: ChannelRef & { paperId: string }): Promise<(() => Promise<void>) | undefined>;
}

export function createPostLocks(redis: Redis, prefix: string): PostLocks {
  /**
   * Releases that could not be sent (Redis away), by lock token: sent again once the connection
   * is back, unless the lock has run out by then. A lock whose SET ran but whose answer was lost
   * (a timeout, a dropped connection) is one of them: nothing else would free it before it expires.
   */
  const owed = new Map<string, { key: string; until: number }>();
  const send = (key: string, token: string) => redis.eval(RELEASE, 1, key, token);
  const owe = (key: string, token: string, until = Date.now() + POST_LOCK_MS) => {
    const now = Date.now();
    for (const [owedToken, lock] of owed) if (lock.until <= now) owed.delete(owedToken);
    owed.set(token, { key, until });
  };
  redis.on('ready', () => {
    for (const [token, { key, until }] of owed) {
      owed.delete(token);
      if (until > Date.now()) send(key, token).catch(() => owe(key, token, until));
    }
  });
  const release = async (key: string, token: string) => {
    try {
      await send(key, token);
    } catch (error) {
      owe(key, token);
      throw new QueueUnavailableError('could not release a post lock', error);
    }
  };
  return {
    async tryLock(target) {
      const key = `${prefix}:post-lock:${target.workspaceId}:${target.channelId}:${target.paperId}`;
      const token = randomUUID();
      let taken: string | null;
      try {
        taken = await redis.set(key, token, 'PX', POST_LOCK_MS, 'NX');
      } catch (error) {
        // The SET may have run all the same (we stopped waiting, or its answer was lost): give
        // back whatever it took. Sent now, the release runs after the SET on this connection.
        release(key, token).catch(() => undefined);
        throw new QueueUnavailableError('could not take a post lock', error);
      }
      if (taken !== 'OK') return undefined;
      return () => release(key, token);
    },
  };
}
