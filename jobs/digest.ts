import type { Job, JobsOptions } from 'bullmq';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../src/domain/clock';
import { dueDigestDay } from '../src/domain/digest-time';
import type { Logger } from '../src/logger';
import type { PostLocks } from '../src/queue/post-lock';
import { jobIdPart, QUEUE_NAMES } from '../src/queue/names';
import { digestMessage } from '../src/slack/blocks/digest';
import type { ChannelRef, Store } from '../src/store/store';
import { withSlackFailures } from './slack-failures';

/**
 * Daily digests. A `tick` (scheduled every minute) finds the channels whose digest time has come
 * in the workspace's time zone and queues one `post` per channel and local day; a `post` sends
 * the day's top papers held for the channel as one message, each with its upvote button.
 */
export const name = QUEUE_NAMES.digest;

export type DigestData =
  { kind: 'tick' } | (ChannelRef & { kind: 'post'; day: string; top: number });

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
}

export type DigestResult = { due: number } | { posted: number; messageTs?: string };

/** A digest's paper marker in the ledger lock: one digest poster per channel at a time. */
const DIGEST_LOCK_ID = 'digest';

export function createProcessor(deps: DigestDeps) {
  const { store, slack, locks, logger, clock } = deps;

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

  async function post(
    job: Job<DigestData>,
    data: ChannelRef & { day: string; top: number },
    token?: string,
  ): Promise<DigestResult> {
    const release = await locks.tryLock({ ...data, paperId: DIGEST_LOCK_ID });
    if (!release)
      throw new Error(`a digest for ${data.channelId} is being posted; will check again`);
    try {
      const held = await store.pendingDigest(data);
      // Nothing new: no digest today.
      if (held.length === 0) return { posted: 0 };
      const top = [...held]
        .sort(
          (a, b) =>
            (b.paper.hfUpvotes ?? 0) - (a.paper.hfUpvotes ?? 0) ||
            b.teamVotes - a.teamVotes ||
            a.paper.id.localeCompare(b.paper.id),
        )
        .slice(0, data.top);
      const message = digestMessage(data.day, top);
      const posted = await withSlackFailures(job as Job<{ channelId: string }>, token, () =>
        slack.chat.postMessage({
          channel: data.channelId,
          text: message.text,
          blocks: message.blocks,
          metadata: { event_type: 'paper_digest', event_payload: { day: data.day } },
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (!posted.ts) throw new Error('chat.postMessage answered ok without a message ts');
      await store.recordDigest(
        data,
        top.map((entry) => entry.paper.id),
        posted.ts,
        clock(),
      );
      logger.info(`posted the ${data.day} digest in ${data.channelId}: ${top.length} papers`);
      return { posted: top.length, messageTs: posted.ts };
    } finally {
      await release();
    }
  }

  return async function digest(job: Job<DigestData>, token?: string): Promise<DigestResult> {
    const data = job.data;
    return data.kind === 'tick' ? tick() : post(job, data, token);
  };
}
