import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import * as alert from '../../jobs/alert';
import * as announce from '../../jobs/announce';
import * as digest from '../../jobs/digest';
import * as noteVersion from '../../jobs/note-version';
import * as pollFeed from '../../jobs/poll-feed';
import * as refreshCards from '../../jobs/refresh-cards';
import type { PolledSource } from '../domain/feed';
import type { Logger } from '../logger';
import { logErrorsQuietly } from './connection';

/** The queues Paperboy produces into, with typed helpers so callers never build job ids by hand. */
export interface Queues {
  pollFeed: Queue<pollFeed.PollFeedData>;
  announce: Queue<announce.AnnounceData>;
  noteVersion: Queue<noteVersion.NoteVersionData>;
  digest: Queue<digest.DigestData>;
  /** A queue of scheduled sweeps that need no data (living cards). */
  refreshCards: Queue<refreshCards.RefreshCardsData>;
  alert: Queue<alert.AlertData>;
  enqueueAnnouncements(items: readonly pollFeed.Announcement[]): Promise<void>;
  enqueueVersionNotes(items: readonly pollFeed.VersionNote[]): Promise<void>;
  /** One digest post per channel and local day: a second for the same day is a no-op. */
  enqueueDigestPosts(
    items: ReadonlyArray<{ workspaceId: string; channelId: string; day: string; top: number }>,
  ): Promise<void>;
  /** One job per alert DM; adding the same member's run twice is a no-op. */
  enqueueAlerts(items: readonly alert.AlertSend[]): Promise<void>;
  /** Runs a poll now (besides the schedule), e.g. at start-up or from the demo. */
  pollNow(feed: PolledSource): Promise<string | undefined>;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string, logger?: Logger): Queues {
  /** A queue of one job kind, whose options are the job's defaults. */
  const queueOf = <T>(job: { name: string; options: JobsOptions }) =>
    new Queue<T>(job.name, { connection, prefix, defaultJobOptions: job.options });
  const pollQueue = queueOf<pollFeed.PollFeedData>(pollFeed);
  const announceQueue = queueOf<announce.AnnounceData>(announce);
  const noteQueue = queueOf<noteVersion.NoteVersionData>(noteVersion);
  const digestQueue = queueOf<digest.DigestData>(digest);
  const refreshQueue = queueOf<refreshCards.RefreshCardsData>(refreshCards);
  const alertQueue = queueOf<alert.AlertData>(alert);
  const all = [pollQueue, announceQueue, noteQueue, digestQueue, refreshQueue, alertQueue];
  if (logger) for (const queue of all) logErrorsQuietly(queue, logger.warn, `queue ${queue.name}`);
  return {
    pollFeed: pollQueue,
    announce: announceQueue,
    noteVersion: noteQueue,
    digest: digestQueue,
    refreshCards: refreshQueue,
    alert: alertQueue,
    async enqueueAlerts(items) {
      await addEach(alertQueue, alert, items, (item) => item, alert.sendJobId);
    },
    async enqueueVersionNotes(items) {
      await addEach(noteQueue, noteVersion, items, (item) => item, noteVersion.jobId);
    },
    async enqueueDigestPosts(items) {
      await addEach(
        digestQueue,
        digest,
        items,
        (item) => ({ kind: 'post' as const, ...item }),
        digest.postJobId,
      );
    },
    async enqueueAnnouncements(items) {
      await addEach(
        announceQueue,
        announce,
        items,
        (item) => ({
          workspaceId: item.workspaceId,
          channelId: item.channelId,
          paperId: item.paperId,
          ...(item.feed ? { feed: item.feed } : {}),
        }),
        announce.jobId,
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
      await Promise.all(all.map((queue) => queue.close()));
    },
  };
}

/**
 * Adds one job per item, each with its job's default options and a deterministic id (adding the
 * same item twice is a no-op while the job is kept).
 */
async function addEach<T, D>(
  queue: Queue<D>,
  job: { name: string; options: JobsOptions },
  items: readonly T[],
  dataOf: (item: T) => D,
  idOf: (item: T) => string,
): Promise<void> {
  if (items.length === 0) return;
  // BullMQ's name and data types do not resolve for a generic `D`; `dataOf` keeps the data typed.
  await (queue as Queue).addBulk(
    items.map((item) => ({
      name: job.name,
      data: dataOf(item),
      opts: { ...job.options, jobId: idOf(item) },
    })),
  );
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
  feeds: readonly PolledSource[],
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

/**
 * Registers the schedules that are not polls: the digest and alert ticks (every minute: digests
 * go out at their local time) and the living-cards sweep. Idempotent, like {@link schedulePolls}.
 */
export async function scheduleSweeps(queues: Queues): Promise<void> {
  // A long sweep must not overlap the next one on another worker: that would double HF calls.
  await queues.refreshCards.setGlobalConcurrency(1);
  const scheduled = { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } };
  await queues.digest.upsertJobScheduler(
    'digest-tick',
    { every: digest.DIGEST_TICK_MS },
    { name: digest.name, data: { kind: 'tick' }, opts: scheduled },
  );
  await queues.alert.upsertJobScheduler(
    'alert-tick',
    { every: alert.ALERT_TICK_MS },
    { name: alert.name, data: { kind: 'tick' }, opts: scheduled },
  );
  await queues.refreshCards.upsertJobScheduler(
    'refresh-cards',
    { every: refreshCards.REFRESH_EVERY_MS },
    { name: refreshCards.name, data: {}, opts: refreshCards.options },
  );
}
