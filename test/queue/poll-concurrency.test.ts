import { Redis } from 'ioredis';
import * as pollFeed from '../../jobs/poll-feed';
import { systemClock } from '../../src/domain/clock';
import { createRedisConnection, purgeKeys } from '../../src/queue/connection';
import { createQueues, schedulePolls, type Queues } from '../../src/queue/queues';
import { startWorkers, type RunningWorkers } from '../../src/queue/workers';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import {
  captureLogger,
  eventually,
  tempDatabase,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../support/harness';

/** A feed that takes a while to answer, so that overlapping polls would show. */
const slowly = () =>
  new Promise<{ papers: never[]; skipped: never[] }>((resolve) =>
    setTimeout(() => resolve({ papers: [], skipped: [] }), 150),
  );
const slowFeeds: pollFeed.FeedSources = {
  hf: { fetchDaily: slowly },
  arxiv: { fetchRecent: slowly },
};

describe('polling runs one poll at a time, however many workers there are', () => {
  const prefix = uniquePrefix();
  const db = tempDatabase();
  const { logger } = captureLogger();
  let store: SqliteStore;
  let producer: Redis;
  let queues: Queues;
  const connections: Redis[] = [];
  const workerSets: RunningWorkers[] = [];

  beforeAll(async () => {
    store = SqliteStore.open(db.file);
    producer = createRedisConnection(TEST_REDIS_URL, 'producer');
    queues = createQueues(producer, prefix);
    // Three "processes": three worker sets, each on its own connection, each with concurrency 1.
    for (let i = 0; i < 3; i += 1) {
      const connection = createRedisConnection(TEST_REDIS_URL, 'worker');
      connections.push(connection);
      const processor = pollFeed.createProcessor({
        store,
        feeds: slowFeeds,
        enqueueAnnouncements: (items) => queues.enqueueAnnouncements(items),
        enqueueVersionNotes: (items) => queues.enqueueVersionNotes(items),
        enqueueAlerts: (items) => queues.enqueueAlerts(items),
        keywords: { match: async () => [] },
        // The feed is empty: no paper, no card to refresh.
        refresher: { refresh: async () => undefined },
        logger,
        clock: systemClock,
      });
      workerSets.push(
        startWorkers([{ name: pollFeed.name, concurrency: 5, processor }], {
          connection,
          prefix,
          logger,
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(workerSets.map((set) => set.close(5_000)));
    await queues.close();
    await Promise.all([producer, ...connections].map((c) => c.quit()));
    await store.close();
    await purgeKeys(TEST_REDIS_URL, prefix);
    db.remove();
  });

  it('never runs two polls at once', async () => {
    await schedulePolls(queues, ['hf'], 60_000);
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        queues.pollFeed.add(pollFeed.name, { feed: 'hf' }, { jobId: `burst-${i}` }),
      ),
    );
    await eventually(
      async () => (await queues.pollFeed.getCompletedCount()) >= 6,
      'six polls to complete',
      10_000,
    );
    const polls = (await queues.pollFeed.getCompleted()).sort(
      (a, b) => a.processedOn! - b.processedOn!,
    );
    for (let i = 1; i < polls.length; i += 1) {
      expect(polls[i]!.processedOn!).toBeGreaterThanOrEqual(polls[i - 1]!.finishedOn!);
    }
  });

  it('registers one schedule, whatever the number of processes that start', async () => {
    await schedulePolls(queues, ['hf'], 60_000);
    await schedulePolls(queues, ['hf'], 60_000);
    const schedulers = await queues.pollFeed.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: 'poll-hf', every: 60_000 });
  });
});
