import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import * as announce from '../../jobs/announce';
import * as pollFeed from '../../jobs/poll-feed';
import type { FeedId } from '../domain/paper';
import type { Logger } from '../logger';
import { logErrorsQuietly } from './connection';

/** The queues Paperboy produces into, with typed helpers so callers never build job ids by hand. */
export interface Queues {
  pollFeed: Queue<pollFeed.PollFeedData>;
  announce: Queue<announce.AnnounceData>;
  enqueueAnnouncements(items: readonly pollFeed.Announcement[]): Promise<void>;
  /** Runs a poll now (besides the schedule), e.g. at start-up or from the demo. */
  pollNow(feed: FeedId): Promise<string | undefined>;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string, logger?: Logger): Queues {
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
  if (logger) {
    logErrorsQuietly(pollQueue, logger.warn, `queue ${pollFeed.name}`);
    logErrorsQuietly(announceQueue, logger.warn, `queue ${announce.name}`);
  }
  return {
    pollFeed: pollQueue,
    announce: announceQueue,
    async enqueueAnnouncements(items) {
      if (items.length === 0) return;
      await announceQueue.addBulk(
        items.map((item) => ({
          name: announce.name,
          data: {
            workspaceId: item.workspaceId,
            channelId: item.channelId,
            paperId: item.paperId,
            ...(item.feed ? { feed: item.feed } : {}),
          },
          opts: { ...announce.options, jobId: announce.jobId(item) },
        })),
      );
      await retryExhausted(announceQueue, items.map(announce.jobId));
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
 * A job id that is kept after failing blocks the same id from being added again. An announcement
 * that ran out of attempts (Slack down for a while) is still owed, so it is sent back to run; one
 * that failed for good (an unrecoverable error, before its attempts ran out) stays failed.
 */
async function retryExhausted(queue: Queue, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if ((await queue.getJobState(id)) !== 'failed') continue;
    const job = await queue.getJob(id);
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) continue;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }
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
