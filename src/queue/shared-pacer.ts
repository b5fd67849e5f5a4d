import type { Redis } from 'ioredis';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How often a waiting caller looks again when it cannot tell how long the slot is held. */
const RETRY_MS = 100;

/**
 * A pace shared by every process on one Redis: `waitTurn()` resolves once at least `intervalMs`
 * has passed since any caller's last turn (a key set with `NX PX` is the turn). arXiv's "one
 * request every 3 seconds" holds for the poll and the app's lookups together, however many
 * processes ask. If Redis cannot be reached the turn is taken anyway: each client's own spacing
 * still holds, and a lookup must not hang on Redis.
 */
export function createSharedPacer(
  redis: Redis,
  key: string,
  intervalMs: number,
): () => Promise<void> {
  return async function waitTurn() {
    for (;;) {
      let taken: string | null;
      let leftMs: number;
      try {
        taken = await redis.set(key, String(Date.now()), 'PX', intervalMs, 'NX');
        if (taken === 'OK') return;
        leftMs = await redis.pttl(key);
      } catch {
        return;
      }
      await sleep(leftMs > 0 ? Math.min(leftMs, intervalMs) : RETRY_MS);
    }
  };
}
