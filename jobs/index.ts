/**
 * The registry of jobs: every BullMQ processor Paperboy runs, with its queue name and worker
 * concurrency. Workers are started from this list and nothing else.
 */
import type { WorkerSpec } from '../src/queue/workers';
import * as announce from './announce';
import * as pollFeed from './poll-feed';

export { announce, pollFeed };

/** Everything any job needs; each processor takes the part it uses. */
export type JobDeps = pollFeed.PollFeedDeps & announce.AnnounceDeps;

export function workerSpecs(deps: JobDeps): WorkerSpec[] {
  return [
    {
      name: pollFeed.name,
      concurrency: pollFeed.concurrency,
      processor: pollFeed.createProcessor(deps),
    },
    {
      name: announce.name,
      concurrency: announce.concurrency,
      processor: announce.createProcessor(deps),
    },
  ];
}
