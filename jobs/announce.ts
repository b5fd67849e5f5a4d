import { UnrecoverableError, type Job, type JobsOptions } from 'bullmq';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../src/domain/clock';
import type { FeedId } from '../src/domain/feed';
import type { Logger } from '../src/logger';
import { NO_JOB_METRICS, type JobMetrics } from '../src/ops/job-metrics';
import { PAPER_POSTED_EVENT } from '../src/slack/blocks/ids';
import { paperCard } from '../src/slack/blocks/paper-card';
import { findByMetadata, windowAround } from '../src/slack/history';
import { postPaperCard } from '../src/slack/post-card';
import { platformErrorCode, retryAfterSeconds } from '../src/slack/client';
import { channelTurn, withSlackFailures } from './slack-failures';
import { UNPACED, type ChannelPacer } from '../src/queue/channel-pacer';
import { jobIdPart, QUEUE_NAMES } from '../src/queue/names';
import type { PostLocks } from '../src/queue/post-lock';
import type { ChannelRef, Store } from '../src/store/store';

/** Posts one paper's card in one channel and records it in the deliveries ledger. */
export const name = QUEUE_NAMES.announce;

export interface AnnounceData extends ChannelRef {
  paperId: string;
  /** The feed that brought the paper: if the channel has unfollowed it since, nothing is posted. */
  feed?: FeedId;
  /**
   * Set (through `job.updateData`) just before the card is posted. A retry that finds it set and
   * no ledger entry cannot know whether the post landed, so it looks in the channel first.
   */
  postStartedAt?: number;
  /** Where that search got to, so that a search paused by a 429 resumes instead of restarting. */
  historyCursor?: string;
}

export type AnnounceResult =
  /** `ledger`: posted by an earlier attempt or job; `history`: found in the channel after an ambiguous failure. */
  { source: 'posted' | 'ledger' | 'history'; messageTs: string } | { source: 'unfollowed' };

export const options: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/**
 * The workers' concurrency: posting is I/O-bound, and a job whose channel is busy only asks the
 * pacer and steps aside, so a worker gets through many of those for every post.
 */
export const concurrency = 4;

/** One job per (workspace, channel, paper): enqueueing the same announcement twice is a no-op. */
export function jobId(data: ChannelRef & { paperId: string }): string {
  return jobIdPart(`announce-${data.workspaceId}-${data.channelId}-${data.paperId}`);
}

export interface AnnounceDeps {
  store: Store;
  slack: WebClient;
  locks: PostLocks;
  logger: Logger;
  clock: Clock;
  /** Each channel's pace of posts (default: none, for processors built bare). */
  pacer?: ChannelPacer;
  /** Counts what the job did (see JobMetrics); optional so a processor can be built bare. */
  metrics?: JobMetrics;
}

function withoutPostMark(data: AnnounceData): AnnounceData {
  const { postStartedAt: _postStartedAt, historyCursor: _historyCursor, ...rest } = data;
  return rest;
}

export function createProcessor(deps: AnnounceDeps) {
  const { store, slack, locks, logger, clock } = deps;
  const metrics = deps.metrics ?? NO_JOB_METRICS;
  const pacer = deps.pacer ?? UNPACED;

  /**
   * Looks for this paper's card among the channel's messages around the interrupted attempt:
   * from a little before its mark (clocks differ) to past the client's timeout. The cursor is
   * kept in the job, so a search that Slack rate-limits mid-way resumes where it stopped; a
   * search that ends without the card forgets it, so that the next one starts from the newest
   * messages again.
   */
  async function findPostedCard(job: Job<AnnounceData>): Promise<string | undefined> {
    const ts = await findByMetadata(slack, {
      channelId: job.data.channelId,
      ...windowAround(new Date(job.data.postStartedAt ?? 0)),
      eventType: PAPER_POSTED_EVENT,
      payload: { paper_id: job.data.paperId },
      cursor: job.data.historyCursor,
      onPage: (cursor) => job.updateData({ ...job.data, historyCursor: cursor }),
    });
    if (ts === undefined && job.data.historyCursor !== undefined) {
      // A post still under way during this search (a dead worker's, whose lock keeps this job
      // from posting now) lands among the newest messages, above the pages a kept cursor skips:
      // the next attempt, searching from that cursor, would miss it and post the card again.
      const { historyCursor: _searched, ...data } = job.data;
      await job.updateData(data);
    }
    return ts;
  }

  async function deliver(job: Job<AnnounceData>): Promise<AnnounceResult> {
    const data = job.data;
    const existing = await store.findDelivery(data, data.paperId);
    if (existing) return { messageTs: existing.messageTs, source: 'ledger' };
    if (data.feed && !(await store.followedFeeds(data)).includes(data.feed)) {
      return { source: 'unfollowed' };
    }

    if (data.postStartedAt !== undefined) {
      const ts = await findPostedCard(job);
      if (ts) {
        await store.recordDelivery({ ...data, messageTs: ts, postedAt: clock() });
        logger.info(
          `found ${data.paperId} already posted in ${data.channelId}; recorded, not reposted`,
        );
        return { messageTs: ts, source: 'history' };
      }
    }

    const release = await locks.tryLock(data);
    if (!release) {
      throw new Error(
        `${data.paperId} is being posted in ${data.channelId} right now; will check again`,
      );
    }
    try {
      // Checked again under the lock: a share may have posted it since the first check.
      const recorded = await store.findDelivery(data, data.paperId);
      if (recorded) return { messageTs: recorded.messageTs, source: 'ledger' };
      return await post(job);
    } finally {
      await release();
    }
  }

  async function post(job: Job<AnnounceData>): Promise<AnnounceResult> {
    const data = job.data;
    const paper = await store.getPaper(data.paperId);
    if (!paper) throw new UnrecoverableError(`paper ${data.paperId} is not in the store`);
    const card = paperCard(paper, {
      teamVotes: await store.countVotes(data.workspaceId, paper.id),
    });

    // The slot first: a job sent away to wait has not started posting, and its retry need not
    // search the channel.
    const turn = channelTurn(pacer, data);
    await turn.take();
    await job.updateData({ ...withoutPostMark(data), postStartedAt: clock().getTime() });
    let messageTs: string;
    try {
      messageTs = await turn.post(() => postPaperCard(slack, data.channelId, paper.id, card));
      metrics.posted('announcement');
    } catch (error) {
      if (retryAfterSeconds(error) !== undefined || platformErrorCode(error) !== undefined) {
        // Slack answered, so nothing was posted: the next attempt need not search the channel.
        await job.updateData(withoutPostMark(data));
      }
      throw error;
    }

    await store.recordDelivery({ ...data, messageTs, postedAt: clock() });
    return { messageTs, source: 'posted' };
  }

  return async function announce(job: Job<AnnounceData>, token?: string): Promise<AnnounceResult> {
    // Slack's 429 and a busy channel are pauses, not failures: they do not use up an attempt.
    return withSlackFailures(job, token, () => deliver(job));
  };
}
