import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChannelRef } from '../store/store';

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
  /** Takes the lock, or answers undefined when someone holds it; the result releases it. */
  tryLock(target: ChannelRef & { paperId: string }): Promise<(() => Promise<void>) | undefined>;
}

export function createPostLocks(redis: Redis, prefix: string): PostLocks {
  return {
    async tryLock(target) {
      const key = `${prefix}:post-lock:${target.workspaceId}:${target.channelId}:${target.paperId}`;
      const token = randomUUID();
      const taken = await redis.set(key, token, 'PX', POST_LOCK_MS, 'NX');
      if (taken !== 'OK') return undefined;
      return async () => {
        await redis.eval(RELEASE, 1, key, token);
      };
    },
  };
}
