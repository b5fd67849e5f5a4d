import type { Job, JobsOptions } from 'bullmq';
import type { Clock } from '../src/domain/clock';
import type { FeedId, Paper } from '../src/domain/paper';
import type { Logger } from '../src/logger';
import { QUEUE_NAMES } from '../src/queue/names';
import type { ChannelRef, Store } from '../src/store/store';

/** Fetches a feed, stores its papers, and queues an announcement per new paper and follower. */
export const name = QUEUE_NAMES.pollFeed;

export interface PollFeedData {
  feed: FeedId;
}

export interface PollFeedResult {
  fetched: number;
  skipped: number;
  inserted: number;
  updated: number;
  announcementsQueued: number;
}

export const options: JobsOptions = {
  // A failed poll is retried a few times; after that, the next scheduled poll picks up the work.
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 500 },
};

/** One poll at a time per worker; the queue's global concurrency makes it one across all workers. */
export const concurrency = 1;

/** A feed client as the poll sees it: the papers of the current window, and what was skipped. */
export interface FeedSource {
  fetchDaily(now: Date): Promise<{ papers: Paper[]; skipped: unknown[] }>;
}

export type Announcement = ChannelRef & { paperId: string; feed?: FeedId };

export interface PollFeedDeps {
  store: Store;
  feeds: Record<FeedId, FeedSource>;
  enqueueAnnouncements(announcements: readonly Announcement[]): Promise<void>;
  logger: Logger;
  clock: Clock;
}

export function createProcessor(deps: PollFeedDeps) {
  const { store, feeds, logger, clock } = deps;
  return async function pollFeed(job: Job<PollFeedData>): Promise<PollFeedResult> {
    const { feed } = job.data;
    const batch = await feeds[feed].fetchDaily(clock());
    await job.updateProgress(40);
    // Stamped after the fetch: a channel that followed while it ran still gets these papers.
    const { inserted, updated } = await store.upsertPapers(batch.papers, clock());
    await job.updateProgress(70);
    // Every paper of the window, not only the new ones: a poll whose enqueueing failed halfway is
    // completed by the next one, and the ledger keeps already-posted papers out.
    const pending = await store.pendingAnnouncements(
      feed,
      batch.papers.map((paper) => paper.id),
    );
    await deps.enqueueAnnouncements(pending.map((item) => ({ ...item, feed })));
    const result: PollFeedResult = {
      fetched: batch.papers.length,
      skipped: batch.skipped.length,
      inserted: inserted.length,
      updated: updated.length,
      announcementsQueued: pending.length,
    };
    logger.info(
      `polled ${feed}: ${result.fetched} papers (${result.inserted} new, ${result.updated} refreshed, ${result.skipped} skipped), ${result.announcementsQueued} announcements queued`,
    );
    return result;
  };
}
