import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import * as announce from '../../jobs/announce';
import * as pollFeed from '../../jobs/poll-feed';
import type { FeedId } from '../domain/paper';

/** The queues Paperboy produces into, with typed helpers so callers never build job ids by hand. */
export interface Queues {
  pollFeed: Queue<pollFeed.PollFeedData>;
  announce: Queue<announce.AnnounceData>;
  enqueueAnnouncements(items: readonly pollFeed.Announcement[]): Promise<void>;
  /** Runs a poll now (besides the schedule), e.g. at start-up or from the demo. */
  pollNow(feed: FeedId): Promise<string | undefined>;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string): Queues {
  const pollQueue = new Queue<pollFeed.PollFeedData>(pollFeed.name, {
    connection,
    prefix,
    defaultJobOptions: pollFeed.options,
  });
  const announceQueue = new Queue<announce.AnnounceData>(announce.name, {
    connection,
    prefix,
    defaultJobOptions: announce.options,
  });
  return {
    pollFeed: pollQueue,
    announce: announceQueue,
    async enqueueAnnouncements(items) {
      if (items.length === 0) return;
      await announceQueue.addBulk(
        items.map((item) => ({
          name: announce.name,
          data: { workspaceId: item.workspaceId, channelId: item.channelId, paperId: item.paperId },
          opts: { ...announce.options, jobId: announce.jobId(item) },
        })),
      );
    },
    async pollNow(feed) {
      // The deduplication id keeps a burst of "poll now" requests to one queued poll.
      const job = await pollQueue.add(
        pollFeed.name,
        { feed },
        { deduplication: { id: `poll-now-${feed}` } },
      );
      return job.id;
    },
    async close() {
      await Promise.all([pollQueue.close(), announceQueue.close()]);
    },
  };
}

/**
 * Registers the poll schedule (idempotent: every process may call it at boot; the last interval
 * wins) and limits polling to one job at a time across every worker process.
 */
export async function schedulePolls(
  queues: Queues,
  feeds: readonly FeedId[],
  everyMs: number,
): Promise<void> {
  await queues.pollFeed.setGlobalConcurrency(1);
  for (const feed of feeds) {
    await queues.pollFeed.upsertJobScheduler(
      `poll-${feed}`,
      { every: everyMs },
      { name: pollFeed.name, data: { feed }, opts: pollFeed.options },
    );
  }
}
