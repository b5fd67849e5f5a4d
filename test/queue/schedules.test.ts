import type { Redis } from 'ioredis';
import { REFRESH_EVERY_MS } from '../../jobs/refresh-cards';
import { ALERT_TICK_MS } from '../../jobs/alert';
import { DIGEST_TICK_MS } from '../../jobs/digest';
import { createRedisConnection, purgeKeys, waitForRedis } from '../../src/queue/connection';
import { createQueues, schedulePolls, scheduleSweeps, type Queues } from '../../src/queue/queues';
import { TEST_REDIS_URL, uniquePrefix } from '../support/harness';

describe('the schedules a worker registers', () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let queues: Queues;

  beforeAll(async () => {
    redis = createRedisConnection(TEST_REDIS_URL, 'producer');
    await waitForRedis(redis);
    queues = createQueues(redis, prefix);
  });

  afterAll(async () => {
    await queues.close();
    await purgeKeys(TEST_REDIS_URL, prefix);
    await redis.quit();
  });

  it('polls each source, ticks digests and alerts every minute and sweeps living cards, once each however often registered', async () => {
    for (let i = 0; i < 2; i += 1) {
      await schedulePolls(queues, ['hf', 'arxiv'], 900_000);
      await scheduleSweeps(queues);
    }
    const polls = await queues.pollFeed.getJobSchedulers();
    expect(polls.map((s) => [s.key, s.every]).sort()).toEqual([
      ['poll-arxiv', 900_000],
      ['poll-hf', 900_000],
    ]);
    expect((await queues.digest.getJobSchedulers()).map((s) => [s.key, s.every])).toEqual([
      ['digest-tick', DIGEST_TICK_MS],
    ]);
    expect((await queues.refreshCards.getJobSchedulers()).map((s) => [s.key, s.every])).toEqual([
      ['refresh-cards', REFRESH_EVERY_MS],
    ]);
    expect((await queues.alert.getJobSchedulers()).map((s) => [s.key, s.every])).toEqual([
      ['alert-tick', ALERT_TICK_MS],
    ]);
    expect(await queues.refreshCards.getGlobalConcurrency()).toBe(1);
  });
});
