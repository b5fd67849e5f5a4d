import { DelayedError, UnrecoverableError, type Job, type JobsOptions } from 'bullmq';
import type { WebClient } from '@slack/web-api';
import { dueAlertPeriod, periodStartsAt } from '../src/domain/alert-mode';
import type { Clock } from '../src/domain/clock';
import type { Logger } from '../src/logger';
import { NO_JOB_METRICS, type JobMetrics } from '../src/ops/job-metrics';
import { UNPACED, type ChannelPacer } from '../src/queue/channel-pacer';
import type { PostLocks } from '../src/queue/post-lock';
import { jobIdPart, QUEUE_NAMES } from '../src/queue/names';
import { alertMessage, byAlertRank, type AlertedPaper } from '../src/slack/blocks/alerts';
import type { ChannelMembers } from '../src/slack/channel-members';
import { findByMetadata, windowAround } from '../src/slack/history';
import { messagePermalink } from '../src/slack/permalink';
import type { AlertRun, MemberRef, Store } from '../src/store/store';
import { channelTurn, withSlackFailures } from './slack-failures';

/**
 * Keyword alerts, one DM per member at a time. A `send` lists every match of the member that no
 * earlier DM listed (for a digest, those matched before its hour); a `tick` (every minute) queues
 * the digests whose local hour has come, and picks up instant alerts a failed poll left behind.
 */
export const name = QUEUE_NAMES.alert;

export type AlertData = { kind: 'tick' } | AlertSend;

export interface AlertSend extends MemberRef {
  kind: 'send';
  /** Names the DM: a second send with the same key posts nothing new. */
  runKey: string;
  /** A digest lists the matches made before its hour (ms since the epoch); later ones wait. */
  before?: number;
  digest?: 'daily' | 'weekly';
}

/** Message metadata of an alert DM, by which a retry finds one an earlier attempt posted. */
export const ALERT_EVENT = 'paper_alert';

export const options: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  // Kept two days: the tick adds a digest's send every minute of its day, and the kept job makes
  // those no-ops.
  removeOnComplete: { age: 2 * 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/** DMs to different members are independent; one member's are serialized by a lock. */
export const concurrency = 4;
export const ALERT_TICK_MS = 60_000;
/** An instant alert the poll did not send (it failed after recording the matches) goes out after this. */
export const INSTANT_GRACE_MS = 60_000;

export function sendJobId(send: AlertSend): string {
  return jobIdPart(`alert-${send.workspaceId}-${send.userId}-${send.runKey}`);
}

export interface AlertDeps {
  store: Store;
  slack: WebClient;
  locks: PostLocks;
  members: ChannelMembers;
  logger: Logger;
  clock: Clock;
  /** Digest hours of members whose time zone Slack has not told us are in the workspace's. */
  timeZone: string;
  /** `https://{workspace}.slack.com/`, for links to the threads of papers already posted. */
  workspaceUrl?: string;
  enqueueAlerts(sends: readonly AlertSend[]): Promise<void>;
  /** Each channel's pace of posts, DMs included (default: none, for processors built bare). */
  pacer?: ChannelPacer;
  /** Counts what the job did (see JobMetrics); optional so a processor can be built bare. */
  metrics?: JobMetrics;
}

export type AlertResult = { queued: number } | { sent: number };

/** A run's lock in the post-lock space: one sender per member at a time. */
const ALERT_LOCK_ID = 'alerts';
/** How soon a send that found another under way for the same member looks again. */
const LOCKED_RETRY_MS = 1_000;
/** Runs one job may send: a run left unposted by a crash, then its own. */
const RUNS_PER_JOB = 3;

export function createProcessor(deps: AlertDeps) {
  const { store, slack, locks, logger, clock } = deps;
  const metrics = deps.metrics ?? NO_JOB_METRICS;
  const pacer = deps.pacer ?? UNPACED;

  async function tick(): Promise<AlertResult> {
    const now = clock();
    const sends: AlertSend[] = [];
    for (const member of await store.membersWithPendingAlerts()) {
      const { workspaceId, userId, mode, oldest } = member;
      if (mode.kind === 'instant') {
        if (now.getTime() - oldest.getTime() < INSTANT_GRACE_MS) continue;
        // Keyed by the oldest match: the same leftovers queue one send, not one a minute.
        sends.push({ kind: 'send', workspaceId, userId, runKey: `late-${oldest.getTime()}` });
        continue;
      }
      if (mode.kind === 'off') continue;
      const timeZone = member.timeZone ?? deps.timeZone;
      const period = dueAlertPeriod(now, mode, timeZone);
      if (!period) continue;
      const startsAt = periodStartsAt(period, mode.time, timeZone);
      // Matches made after today's hour belong to the next digest.
      if (oldest.getTime() >= startsAt.getTime()) continue;
      sends.push({
        kind: 'send',
        workspaceId,
        userId,
        runKey: `${mode.kind}-${period}`,
        before: startsAt.getTime(),
        digest: mode.kind,
      });
    }
    await deps.enqueueAlerts(sends);
    return { queued: sends.length };
  }

  /** Where the member can already discuss the paper: its first card in a channel they are in. */
  async function discussionOf(member: MemberRef, paperId: string) {
    for (const card of await store.deliveriesOf(member.workspaceId, paperId)) {
      if (card.digest || !(await deps.members.includes(card.channelId, member.userId))) continue;
      const permalink = messagePermalink(deps.workspaceUrl, card.channelId, card.messageTs);
      return {
        channelId: card.channelId,
        ...(permalink ? { permalink } : {}),
        ...(card.replyCount ? { replyCount: card.replyCount } : {}),
      };
    }
    return undefined;
  }

  async function alertedPapers(member: MemberRef, run: AlertRun): Promise<AlertedPaper[]> {
    const keywords = new Map(run.matches.map((m) => [m.paperId, m.keywords]));
    const papers = await store.getPapers([...keywords.keys()]);
    const entries = await Promise.all(
      papers.map(async (paper): Promise<AlertedPaper> => {
        const discussion = await discussionOf(member, paper.id);
        return {
          paper,
          keywords: keywords.get(paper.id) ?? [],
          teamVotes: await store.countVotes(member.workspaceId, paper.id),
          ...(discussion ? { discussion } : {}),
        };
      }),
    );
    return entries.sort(byAlertRank);
  }

  /** Posts one run's DM (or finds it, if an earlier attempt posted it) and records it. */
  async function deliver(job: Job<AlertSend>, token: string | undefined, run: AlertRun) {
    const { data } = job;
    const member = { workspaceId: data.workspaceId, userId: data.userId };
    const papers = await alertedPapers(member, run);
    const message = alertMessage({
      papers,
      runKey: run.key,
      ...(data.digest ? { digest: data.digest } : {}),
    });
    try {
      const posted = await withSlackFailures(job, token, async () => {
        const opened = await slack.conversations.open({ users: data.userId });
        const channelId = opened.channel?.id;
        if (!channelId) throw new Error('conversations.open answered ok without a channel');
        // The DM is a channel with its own pace. Its slot comes before the search, so that a busy
        // DM sends the job away before it asks Slack anything more. The run has started by now
        // (the DM is known only after it), so the retry searches the DM once, as after any attempt
        // that did not record its post: rare, as a member's DMs seldom come a second apart.
        const turn = channelTurn(pacer, { workspaceId: data.workspaceId, channelId });
        await turn.take();
        const found = run.fresh
          ? undefined
          : await findByMetadata(slack, {
              channelId,
              ...windowAround(run.startedAt),
              eventType: ALERT_EVENT,
              payload: { run: run.key },
            });
        if (found) {
          logger.info(`found the alert ${run.key} to ${data.userId} already posted`);
          return { channelId, messageTs: found };
        }
        const answer = await turn.post(() =>
          slack.chat.postMessage({
            channel: channelId,
            text: message.text,
            blocks: message.blocks,
            metadata: { event_type: ALERT_EVENT, event_payload: { run: run.key } },
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
        if (!answer.ts) throw new Error('chat.postMessage answered ok without a message ts');
        metrics.alertDmSent(data.digest ?? 'instant');
        return { channelId, messageTs: answer.ts };
      });
      await store.finishAlertRun(member, run.key, posted);
      logger.info(`alerted ${data.userId} to ${papers.length} papers (${run.key})`);
      return papers.length;
    } catch (error) {
      if (error instanceof UnrecoverableError) {
        // Slack will never take this DM (the member left, the bot cannot DM them): close the run,
        // so that its matches are not offered again every minute.
        await store.finishAlertRun(member, run.key, { channelId: '', messageTs: '' });
      }
      throw error;
    }
  }

  async function send(job: Job<AlertSend>, token?: string): Promise<AlertResult> {
    const { data } = job;
    const member = { workspaceId: data.workspaceId, userId: data.userId };
    const release = await locks.tryLock({
      ...member,
      channelId: data.userId,
      paperId: ALERT_LOCK_ID,
    });
    if (!release) {
      // Another send to this member is under way: look again in a moment, without using an
      // attempt (what it leaves pending, this one takes).
      if (token) {
        await job.moveToDelayed(Date.now() + LOCKED_RETRY_MS, token);
        throw new DelayedError();
      }
      throw new Error(`an alert to ${data.userId} is being sent; will check again`);
    }
    try {
      let sent = 0;
      for (let runs = 0; runs < RUNS_PER_JOB; runs += 1) {
        const before = data.before !== undefined ? new Date(data.before) : undefined;
        const run = await store.startAlertRun(member, data.runKey, clock(), before);
        if (!run || run.posted) break;
        sent += await deliver(job, token, run);
      }
      return { sent };
    } finally {
      await release();
    }
  }

  return async function alert(job: Job<AlertData>, token?: string): Promise<AlertResult> {
    const data = job.data;
    return data.kind === 'tick' ? tick() : send(job as Job<AlertSend>, token);
  };
}
