import { WebClientEvent, type WebClient } from '@slack/web-api';
import type { JobType, Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../logger';
import { withTimeout } from './timeout';
import type { AlertDmMode, JobMetrics, JobOutcome, PostKind } from './job-metrics';

/** Prefix of every metric Paperboy serves, its own and Node's default process metrics alike. */
export const METRIC_PREFIX = 'paperboy_';

/** The queue states `paperboy_queue_jobs` reports, as BullMQ names them. */
export const QUEUE_STATES = [
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'waiting-children',
  'failed',
  'completed',
] as const satisfies readonly JobType[];

/** Job run times, in seconds: from a digest tick's milliseconds to a five-page arXiv poll. */
const JOB_DURATION_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** How long a scrape waits for one queue's counts before leaving that queue out. */
const QUEUE_COUNT_TIMEOUT_MS = 1_000;

/**
 * One process's metrics, in a registry of its own (not prom-client's global one: several
 * Paperboys may run in one test process). Jobs see it as {@link JobMetrics}; the workers time
 * jobs through {@link Metrics.jobFinished}; the ops server serves {@link Metrics.registry}.
 */
export interface Metrics extends JobMetrics {
  readonly registry: Registry;
  /** Slack answered a Web API call with 429 (the client reports it before the caller sees it). */
  slackRateLimited(method: string): void;
  jobFinished(queue: string, outcome: JobOutcome, seconds: number): void;
  /** Counts the 429s of a Web API client from now on. */
  watchSlackClient(client: WebClient): void;
}

/**
 * Creates the metrics. Queue depths are read from Redis on each scrape (a queue whose counts do
 * not come within a second is left out of that scrape, and counted in
 * `paperboy_queue_scrape_errors_total`): every process sees the same queues, so aggregate them
 * across processes with `max`, not `sum`.
 */
export function createMetrics(options: { queues: readonly Queue[]; logger: Logger }): Metrics {
  const { queues, logger } = options;
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  const polls = new Counter({
    name: `${METRIC_PREFIX}polls_total`,
    help: 'Feed polls finished, by source (hf, arxiv) and outcome (ok, failed).',
    labelNames: ['source', 'outcome'] as const,
    registers,
  });
  const ingested = new Counter({
    name: `${METRIC_PREFIX}papers_ingested_total`,
    help: 'Papers stored by polls, by source and kind (new: first seen; refreshed: already known).',
    labelNames: ['source', 'kind'] as const,
    registers,
  });
  const posts = new Counter({
    name: `${METRIC_PREFIX}slack_posts_total`,
    help: 'Messages the jobs posted to Slack, by kind (announcement, digest, version_note, alert_dm).',
    labelNames: ['kind'] as const,
    registers,
  });
  const alertDms = new Counter({
    name: `${METRIC_PREFIX}alert_dms_sent_total`,
    help: 'Keyword alert DMs sent, by mode (instant, daily, weekly).',
    labelNames: ['mode'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: `${METRIC_PREFIX}slack_rate_limited_total`,
    help: 'HTTP 429 answers received from the Slack Web API, by method.',
    labelNames: ['method'] as const,
    registers,
  });
  const jobDuration = new Histogram({
    name: `${METRIC_PREFIX}job_duration_seconds`,
    help: 'Time a job run took in this process, by queue and outcome (completed, failed, delayed).',
    labelNames: ['queue', 'outcome'] as const,
    buckets: JOB_DURATION_BUCKETS,
    registers,
  });
  const scrapeErrors = new Counter({
    name: `${METRIC_PREFIX}queue_scrape_errors_total`,
    help: 'Scrapes that could not read a queue’s job counts from Redis, by queue.',
    labelNames: ['queue'] as const,
    registers,
  });
  new Gauge({
    name: `${METRIC_PREFIX}queue_jobs`,
    help: 'Jobs in each queue by state, read from Redis when scraped (the same in every process).',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      // Reset first: a queue that cannot be read is left out rather than shown with stale counts.
      this.reset();
      await Promise.all(
        queues.map(async (queue) => {
          try {
            const counts = await withTimeout(
              queue.getJobCounts(...QUEUE_STATES),
              QUEUE_COUNT_TIMEOUT_MS,
            );
            for (const state of QUEUE_STATES) {
              this.set({ queue: queue.name, state }, counts[state] ?? 0);
            }
          } catch (error) {
            scrapeErrors.inc({ queue: queue.name });
            logger.debug(`could not read the job counts of ${queue.name}:`, error);
          }
        }),
      );
    },
  });

  const metrics: Metrics = {
    registry,
    pollCompleted(source, result) {
      polls.inc({ source, outcome: 'ok' });
      ingested.inc({ source, kind: 'new' }, result.inserted);
      ingested.inc({ source, kind: 'refreshed' }, result.updated);
    },
    pollFailed(source) {
      polls.inc({ source, outcome: 'failed' });
    },
    posted(kind: PostKind) {
      posts.inc({ kind });
    },
    alertDmSent(mode: AlertDmMode) {
      posts.inc({ kind: 'alert_dm' });
      alertDms.inc({ mode });
    },
    slackRateLimited(method) {
      rateLimited.inc({ method });
    },
    jobFinished(queue, outcome, seconds) {
      jobDuration.observe({ queue, outcome }, seconds);
    },
    watchSlackClient(client) {
      client.on(WebClientEvent.RATE_LIMITED, (_retryAfter: number, request: { url?: string }) =>
        metrics.slackRateLimited(slackMethodOf(request?.url)),
      );
    },
  };
  return metrics;
}

/**
 * `https://slack.com/api/chat.postMessage` → `chat.postMessage`. Anything that does not look like
 * a method name is `unknown`, so that a label never carries more than a method's name.
 */
export function slackMethodOf(url: string | undefined): string {
  const method = url?.split('?')[0]?.split('/').pop() ?? '';
  return /^[A-Za-z][A-Za-z0-9_.]{0,99}$/.test(method) ? method : 'unknown';
}
