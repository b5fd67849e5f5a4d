import {
  DelayedError,
  RateLimitError,
  WaitingChildrenError,
  WaitingError,
  Worker,
  type Processor,
} from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import type { JobOutcome } from '../ops/job-metrics';
import { settlesWithin } from '../timing';
import { logErrorsQuietly } from './connection';

export interface WorkerSpec {
  name: string;
  concurrency: number;
  // Job data differs per queue; the registry pairs each processor with its own queue.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  processor: Processor<any, unknown>;
}

/** Where job run times go: the process's metrics. */
export interface JobTimer {
  jobFinished(queue: string, outcome: JobOutcome, seconds: number): void;
}

/**
 * How quickly a dead worker's jobs come back. A worker holds a lock on each active job, renewed
 * every half `lockDurationMs`; a process killed mid-job stops renewing, and within
 * `stalledIntervalMs` after the lock runs out another worker's check moves the job back to wait.
 * A job that stalls more than `maxStalledCount` times fails (its retries are then the queue's).
 */
export interface WorkerTuning {
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

/**
 * BullMQ's lock and stall check (30 s each), and a few stalls allowed rather than one: a job whose
 * workers were killed twice in a row (a deploy, then the OOM killer) is still owed.
 */
export const DEFAULT_WORKER_TUNING: WorkerTuning = {
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 5,
};

export interface RunningWorkers {
  /** Stops taking jobs, waits up to `timeoutMs` for active ones, then force-closes. */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Starts one BullMQ worker per job kind on a shared connection (BullMQ adds a blocking one per
 * worker). Failures are logged with
 * the job's queue, id and attempt; `error` is always handled so a Redis hiccup never crashes the
 * process (the connection reconnects by itself).
 */
export function startWorkers(
  specs: readonly WorkerSpec[],
  options: {
    connection: Redis;
    prefix: string;
    logger: Logger;
    timer?: JobTimer;
    tuning?: WorkerTuning;
  },
): RunningWorkers {
  const { connection, prefix, logger, timer } = options;
  const tuning = options.tuning ?? DEFAULT_WORKER_TUNING;
  const workers = specs.map((spec) => {
    const processor = timer ? timed(spec.name, spec.processor, timer) : spec.processor;
    const worker = new Worker(spec.name, processor, {
      connection,
      prefix,
      concurrency: spec.concurrency,
      autorun: true,
      lockDuration: tuning.lockDurationMs,
      stalledInterval: tuning.stalledIntervalMs,
      maxStalledCount: tuning.maxStalledCount,
    });
    logErrorsQuietly(worker, logger.error, `worker ${spec.name}`);
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final =
        job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError';
      const log = final ? logger.error : logger.warn;
      log(
        `${spec.name} job ${job.id} failed (attempt ${job.attemptsMade}${final ? ', giving up' : ', will retry'}):`,
        error,
      );
    });
    return worker;
  });
  return {
    async close(timeoutMs = 10_000) {
      if (!(await settlesWithin(Promise.all(workers.map((w) => w.close())), timeoutMs))) {
        // Active jobs are handed back: BullMQ's stalled-job check returns them to the queue.
        logger.warn(`workers still busy after ${timeoutMs} ms; closing anyway`);
        await Promise.all(workers.map((worker) => worker.close(true)));
      }
    },
  };
}

/**
 * The processor, timing each run. A run that throws one of BullMQ's "later" errors (the job moved
 * itself to delayed or to wait for children, or hit a rate limit) did not fail: it is `delayed`.
 */
function timed<D, R>(queue: string, processor: Processor<D, R>, timer: JobTimer): Processor<D, R> {
  return async (job, token, signal) => {
    const startedAt = performance.now();
    const seconds = () => (performance.now() - startedAt) / 1000;
    try {
      const result = await processor(job, token, signal);
      timer.jobFinished(queue, 'completed', seconds());
      return result;
    } catch (error) {
      const later =
        error instanceof DelayedError ||
        error instanceof RateLimitError ||
        error instanceof WaitingChildrenError ||
        error instanceof WaitingError;
      timer.jobFinished(queue, later ? 'delayed' : 'failed', seconds());
      throw error;
    }
  };
}
