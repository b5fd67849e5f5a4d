/**
 * The registry of jobs: each entry is one BullMQ processor, its queue name, default options and
 * worker concurrency. Workers are started from this list and nothing else.
 */
import * as announce from './announce';
import * as pollFeed from './poll-feed';

export { announce, pollFeed };

export const JOBS = [pollFeed, announce] as const;
