import { createRedisConnection, purgeKeys, waitForRedis } from '../../src/queue/connection';
import { createSharedPacer } from '../../src/queue/shared-pacer';
import { TEST_REDIS_URL, uniquePrefix } from '../support/harness';

describe('createSharedPacer: one turn per interval across clients', () => {
  const prefix = uniquePrefix();
  const redis = createRedisConnection(TEST_REDIS_URL, 'producer');

  beforeAll(async () => {
    await waitForRedis(redis);
  });

  afterAll(async () => {
    await purgeKeys(TEST_REDIS_URL, prefix);
    await redis.quit();
  });

  it('spaces the turns of two clients (two processes, say) by the interval', async () => {
    const intervalMs = 120;
    const poll = createSharedPacer(redis, `${prefix}:turn`, intervalMs);
    const lookups = createSharedPacer(redis, `${prefix}:turn`, intervalMs);
    const turns: number[] = [];
    const take = async (waitTurn: () => Promise<void>, count: number) => {
      for (let i = 0; i < count; i += 1) {
        await waitTurn();
        turns.push(Date.now());
      }
    };
    await Promise.all([take(poll, 3), take(lookups, 3)]);
    turns.sort((a, b) => a - b);
    const gaps = turns.slice(1).map((at, i) => at - (turns[i] ?? at));
    // Timers may fire a few ms early; the key's expiry is what spaces the turns.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(intervalMs - 15);
  });
});
