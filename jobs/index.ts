/**
 * The registry of jobs: every BullMQ processor Paperboy runs, with its queue name and worker
 * concurrency. Workers are started from this list and nothing else.
 */
import type { JobMetrics } from '../src/ops/job-metrics';
import type { ChannelPacer } from '../src/queue/channel-pacer';
import type { WorkerSpec } from '../src/queue/workers';
import * as alert from './alert';
import * as announce from './announce';
import * as digest from './digest';
import * as noteVersion from './note-version';
import * as pollFeed from './poll-feed';
import * as refreshCards from './refresh-cards';

export { alert, announce, digest, noteVersion, pollFeed, refreshCards };

/**
 * Everything any job needs; each processor takes the part it uses. Metrics and the channel
 * pacer are optional to a processor on its own and required here: every worker process counts
 * what its jobs do, and paces its posts (the pacer may be `UNPACED`, but must be said).
 */
export type JobDeps = pollFeed.PollFeedDeps &
  announce.AnnounceDeps &
  noteVersion.NoteVersionDeps &
  digest.DigestDeps &
  refreshCards.RefreshCardsDeps &
  alert.AlertDeps & { metrics: JobMetrics; pacer: ChannelPacer };

export function workerSpecs(deps: JobDeps): WorkerSpec[] {
  return [pollFeed, announce, noteVersion, digest, refreshCards, alert].map((job) => ({
    name: job.name,
    concurrency: job.concurrency,
    processor: job.createProcessor(deps),
  }));
}
