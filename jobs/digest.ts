import type { Job, JobsOptions } from 'bullmq';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../src/domain/clock';
import { dueDigestDay } from '../src/domain/digest-time';
import type { Logger } from '../src/logger';
import { NO_JOB_METRICS, type JobMetrics } from '../src/ops/job-metrics';
import { UNPACED, type ChannelPacer } from '../src/queue/channel-pacer';
import type { PostLocks } from '../src/queue/post-lock';
import { jobIdPart, QUEUE_NAMES } from '../src/queue/names';
import { digestMessage } from '../src/slack/blocks/digest';
import { findByMetadata, windowAround } from '../src/slack/history';
import type { ChannelRef, Store } from '../src/store/store';
import { channelTurn, withSlackFailures, type ChannelTurn } from './slack-failures';

/**
 * Daily digests. A `tick` (scheduled every minute) finds the channels whose digest time has come
 * in the workspace's time zone and queues one `post` per channel and local day; a `post` sends
 * the day's top papers held for the channel as one message, each with its upvote button.
 */
export const name = QUEUE_NAMES.digest;

export type DigestData = { kind: 'tick' } | DigestPost;

export interface DigestPost extends ChannelRef {
  kind: 'post';
  day: string;
  top: number;
}

/** Message metadata of a digest, by which a retry finds one an earlier attempt posted. */
export const DIGEST_EVENT = 'paper_digest';

export const options: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  // Kept two days: a later tick of the same day finds the job and adds nothing.
  removeOnComplete: { age: 2 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

export const concurrency = 1;
export const DIGEST_TICK_MS = 60_000;

export function postJobId(data: ChannelRef & { day: string }): string {
  return jobIdPart(`digest-${data.workspaceId}-${data.channelId}-${data.day}`);
}

export interface DigestDeps {
  store: Store;
  slack: WebClient;
  locks: PostLocks;
  logger: Logger;
  clock: Clock;
  /** The workspace's time zone, which digest times are in. */
  timeZone: string;
  enqueueDigestPosts(
    posts: ReadonlyArray<ChannelRef & { day: string; top: number }>,
  ): Promise<void>;
  /** Each channel's pace of posts (default: none, for processors built bare). */
  pacer?: ChannelPacer;
  /** Counts what the job did (see JobMetrics); optional so a processor can be built bare. */
  metrics?: JobMetrics;
}

export type DigestResult = { due: number } | { posted: number; messageTs?: string };

/** A digest's paper marker in the ledger lock: one digest poster per channel at a time. */
const DIGEST_LOCK_ID = 'digest';

export function createProcessor(deps: DigestDeps) {
  const { store, slack, locks, logger, clock } = deps;
  const metrics = deps.metrics ?? NO_JOB_METRICS;
  const pacer = deps.pacer ?? UNPACED;

  async function tick(): Promise<DigestResult> {
    const due = new Map<string, ChannelRef & { day: string; top: number }>();
    for (const follow of await store.digestFollows()) {
      const day = dueDigestDay(clock(), follow.digest.time, deps.timeZone);
      const key = `${follow.workspaceId}/${follow.channelId}`;
      // A channel digesting two feeds gets one digest: the first follow's settings lead.
      if (day && !due.has(key)) due.set(key, { ...follow, day, top: follow.digest.top });
    }
    await deps.enqueueDigestPosts([...due.values()]);
    return { due: due.size };
  }

  /**
   * After a run that started and never recorded its post (a timeout, a crash), the digest may be
   * in the channel: look for it there, from a little before the run started, page by page.
   */
  async function findPostedDigest(data: DigestPost, startedAt: Date): Promise<string | undefined> {
    const found = await findByMetadata(slack, {
      channelId: data.channelId,
      ...windowAround(startedAt),
      eventType: DIGEST_EVENT,
      payload: { day: data.day },
    });
    if (found) logger.info(`found the ${data.day} digest already in ${data.channelId}`);
    return found;
  }

  /**
   * The day's run: the one started already, or a new one with the day's top papers. A digest to
   * post takes the channel's slot before its run starts: a run started and not posted is one a
   * retry must look for in the channel.
   */
  async function runFor(data: DigestPost, turn: ChannelTurn) {
    const held = await store.pendingDigest(data);
    const top = [...held]
      .sort(
        (a, b) =>
          (b.paper.hfUpvotes ?? 0) - (a.paper.hfUpvotes ?? 0) ||
          b.teamVotes - a.teamVotes ||
          a.paper.id.localeCompare(b.paper.id),
      )
      .slice(0, data.top);
    if (top.length > 0) await turn.take();
    const run = await store.startDigest(
      data,
      data.day,
      top.map((entry) => entry.paper.id),
      clock(),
    );
    return { run, considered: held.map((entry) => entry.paper.id) };
  }

  async function post(data: DigestPost): Promise<DigestResult> {
    const release = await locks.tryLock({ ...data, paperId: DIGEST_LOCK_ID });
    if (!release)
      throw new Error(`a digest for ${data.channelId} is being posted; will check again`);
    try {
      const turn = channelTurn(pacer, data);
      // The run in the store, not the job, says whether today's digest went out: a job id lasts
      // only as long as BullMQ keeps the job.
      const { run, considered } = await runFor(data, turn);
      if (run.messageTs !== undefined) return { posted: 0 };
      if (run.paperIds.length === 0) {
        // Nothing new: no digest today, and none later today either.
        await store.recordDigest(data, data.day, '', considered, clock());
        return { posted: 0 };
      }
      const papers = await store.getPapers(run.paperIds);
      const entries = await Promise.all(
        papers.map(async (paper) => ({
          paper,
          teamVotes: await store.countVotes(data.workspaceId, paper.id),
        })),
      );
      const message = digestMessage(data.day, entries);
      // Taken before the search too: a busy channel sends the job away before it asks Slack.
      await turn.take();
      const found = run.fresh ? undefined : await findPostedDigest(data, run.startedAt);
      const messageTs =
        found ??
        (await turn.post(async () => {
          const posted = await slack.chat.postMessage({
            channel: data.channelId,
            text: message.text,
            blocks: message.blocks,
            metadata: { event_type: DIGEST_EVENT, event_payload: { day: data.day } },
            unfurl_links: false,
            unfurl_media: false,
          });
          if (!posted.ts) throw new Error('chat.postMessage answered ok without a message ts');
          metrics.posted('digest');
          return posted.ts;
        }));
      await store.recordDigest(data, data.day, messageTs, considered, clock());
      logger.info(`posted the ${data.day} digest in ${data.channelId}: ${entries.length} papers`);
      return { posted: entries.length, messageTs };
    } finally {
      await release();
    }
  }

  return async function digest(job: Job<DigestData>, token?: string): Promise<DigestResult> {
    const data = job.data;
    if (data.kind === 'tick') return tick();
    // Slack's 429 and a busy channel send the job back for later, even before its run starts.
    return withSlackFailures(job as Job<DigestPost>, token, () => post(data));
  };
}
