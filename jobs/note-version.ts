import type { Job, JobsOptions } from 'bullmq';
import type { WebClient } from '@slack/web-api';
import { arxivAbsUrl } from '../src/domain/paper';
import type { Logger } from '../src/logger';
import { NO_JOB_METRICS, type JobMetrics } from '../src/ops/job-metrics';
import { UNPACED, type ChannelPacer } from '../src/queue/channel-pacer';
import { jobIdPart, QUEUE_NAMES } from '../src/queue/names';
import type { PostLocks } from '../src/queue/post-lock';
import type { Store } from '../src/store/store';
import type { VersionNote } from './poll-feed';
import { channelTurn, withSlackFailures } from './slack-failures';

/** Tells a card's thread that its paper has a new arXiv version, instead of posting it again. */
export const name = QUEUE_NAMES.noteVersion;

export type NoteVersionData = VersionNote;

export const options: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

export const concurrency = 2;

/** One note per card and version: queueing it again is a no-op while the job is kept. */
export function jobId(data: NoteVersionData): string {
  return jobIdPart(
    `version-${data.workspaceId}-${data.channelId}-${data.paperId}-v${data.version}`,
  );
}

export interface NoteVersionDeps {
  store: Store;
  slack: WebClient;
  locks: PostLocks;
  logger: Logger;
  /** Each channel's pace of posts, replies included (default: none, for processors built bare). */
  pacer?: ChannelPacer;
  /** Counts what the job did (see JobMetrics); optional so a processor can be built bare. */
  metrics?: JobMetrics;
}

/** The note itself: our own words and a link we build, nothing from a feed. */
export function versionNoteText(paperId: string, version: number): string {
  return `📄 *v${version}* of this paper is out: <${arxivAbsUrl(paperId)}v${version}|arXiv ${paperId}v${version}>`;
}

export function createProcessor(deps: NoteVersionDeps) {
  const { store, slack, locks, logger } = deps;
  const metrics = deps.metrics ?? NO_JOB_METRICS;
  const pacer = deps.pacer ?? UNPACED;
  return async function noteVersion(
    job: Job<NoteVersionData>,
    token?: string,
  ): Promise<{ noted: boolean }> {
    const data = job.data;
    // One poster per card at a time (two versions noted at once, a retry beside a late attempt).
    const release = await locks.tryLock({ ...data, paperId: `${data.paperId}@v${data.version}` });
    if (!release) throw new Error(`a note on ${data.paperId} is being posted; will check again`);
    try {
      const card = await store.findDelivery(data, data.paperId);
      // Told already (an earlier job, or of a later version), or the card is gone from the ledger.
      if (!card || (card.notedVersion ?? 0) >= data.version) return { noted: false };
      // Posted, then marked: a post that fails with an answer is retried; only a crash between
      // the post and the mark could repeat a note, which is better than losing it. A reply in a
      // thread is a message in the channel: it takes the channel's slot like a card.
      await withSlackFailures(job, token, () =>
        channelTurn(pacer, data).post(() =>
          slack.chat.postMessage({
            channel: data.channelId,
            thread_ts: card.messageTs,
            text: versionNoteText(data.paperId, data.version),
            unfurl_links: false,
            unfurl_media: false,
          }),
        ),
      );
      metrics.posted('version_note');
      await store.markVersionNoted(data, data.paperId, data.version);
    } finally {
      await release();
    }
    logger.info(`noted v${data.version} of ${data.paperId} in ${data.channelId}`);
    return { noted: true };
  };
}
