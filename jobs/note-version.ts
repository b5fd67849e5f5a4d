import type { Job, JobsOptions } from 'bullmq';
import type { WebClient } from '@slack/web-api';
import { arxivAbsUrl } from '../src/domain/paper';
import type { Logger } from '../src/logger';
import { jobIdPart, QUEUE_NAMES } from '../src/queue/names';
import type { Store } from '../src/store/store';
import type { VersionNote } from './poll-feed';
import { withSlackFailures } from './slack-failures';

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
  logger: Logger;
}

/** The note itself: our own words and a link we build, nothing from a feed. */
export function versionNoteText(paperId: string, version: number): string {
  return `📄 *v${version}* of this paper is out: <${arxivAbsUrl(paperId)}v${version}|arXiv ${paperId}v${version}>`;
}

export function createProcessor(deps: NoteVersionDeps) {
  const { store, slack, logger } = deps;
  return async function noteVersion(
    job: Job<NoteVersionData>,
    token?: string,
  ): Promise<{ noted: boolean }> {
    const data = job.data;
    const card = await store.findDelivery(data, data.paperId);
    if (!card) return { noted: false };
    // Claimed before posting: a note is worth at most one post, and the claim also settles which
    // of two jobs for the same card goes ahead. Told already (or of a later version): nothing.
    if (!(await store.markVersionNoted(data, data.paperId, data.version))) return { noted: false };
    await withSlackFailures(job, token, () =>
      slack.chat.postMessage({
        channel: data.channelId,
        thread_ts: card.messageTs,
        text: versionNoteText(data.paperId, data.version),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    logger.info(`noted v${data.version} of ${data.paperId} in ${data.channelId}`);
    return { noted: true };
  };
}
