import type { Redis } from 'ioredis';
import { workerSpecs } from '../jobs';
import { systemClock, type Clock } from './domain/clock';
import { POLLED_SOURCES } from './domain/feed';
import { ARXIV_MIN_INTERVAL_MS, createArxivClient } from './feeds/arxiv';
import { createHfClient, HF_MIN_INTERVAL_MS } from './feeds/hf';
import { createPaperLookup } from './feeds/lookup';
import type { FetchJsonOptions } from './feeds/http';
import type { Logger } from './logger';
import { describeInterval, type Config, type Role } from './config';
import { createRedisConnection, waitForRedis } from './queue/connection';
import { createMetrics, queueList, startOps, type Metrics } from './ops';
import {
  createChannelPacer,
  DEFAULT_CHANNEL_PACING,
  type ChannelPacing,
} from './queue/channel-pacer';
import { DEFAULT_QUEUE_PREFIX } from './queue/names';
import { createPostLocks } from './queue/post-lock';
import { createSharedPacer } from './queue/shared-pacer';
import { createQueues, schedulePolls, scheduleSweeps, type Queues } from './queue/queues';
import { startWorkers, type RunningWorkers, type WorkerTuning } from './queue/workers';
import { StartupError } from './errors';
import { startSlackApp, type RunningSlackApp } from './slack/app';
import { CardRefresher } from './slack/card-refresher';
import { createChannelMembers } from './slack/channel-members';
import { createSlackClient } from './slack/client';
import { identify, type SlackIdentity } from './slack/identity';
import { openStore } from './store';
import type { Store } from './store/store';
import { SubscriberIndex } from './store/subscriber-index';
import { settlesWithin } from './timing';

export interface PaperboyOptions {
  config: Config;
  role: Role;
  logger: Logger;
  clock?: Clock;
  /** BullMQ key prefix; tests give each file its own. */
  queuePrefix?: string;
  /** Feed request tuning (timeouts, retries), mostly for tests. */
  feedFetch?: FetchJsonOptions;
  /** Spacing of arXiv requests; arXiv asks for 3 s (the default), tests use less. */
  arxivMinIntervalMs?: number;
  /** Spacing of Hugging Face requests across processes (default 650 ms; 0: none, for tests). */
  hfMinIntervalMs?: number;
  /** How soon a killed worker's jobs are taken back (BullMQ's defaults unless told; tests: less). */
  workerTuning?: WorkerTuning;
  /**
   * The pace of the jobs' posts in each channel (DMs included), shared by every process on the
   * Redis: default {@link DEFAULT_CHANNEL_PACING}, about Slack's one message per second per
   * channel. `'off'` posts as fast as the workers go: for a Slack that does not limit (the
   * emulator in tests and the demo).
   */
  channelPacing?: ChannelPacing | 'off';
  /**
   * The interface the Slack app's HTTP receiver listens on: default all of them, as Slack must
   * reach it. The local demo keeps it to 127.0.0.1.
   */
  httpHost?: string;
}

export interface RunningPaperboy {
  identity: SlackIdentity;
  store: Store;
  queues: Queues;
  /** HTTP port of the Slack app, when this process runs it in HTTP mode. */
  port?: number;
  /** Port of the operations endpoints (`/healthz`, `/metrics`, …); absent when OPS_PORT is off. */
  opsPort?: number;
  /** What this process counts, as served at `/metrics`. */
  metrics: Metrics;
  /**
   * Stops in the reverse order of start: Slack requests, workers (active jobs finish or are handed
   * back), the operations endpoints, queues, Redis, store. Bounded by `timeoutMs`.
   */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * The composition root's body: config → Slack identity → store → Redis → queues → operations
 * endpoints → workers and the Slack app, as the role asks. No business logic lives here.
 */
export async function startPaperboy(options: PaperboyOptions): Promise<RunningPaperboy> {
  const { config, role, logger } = options;
  const clock = options.clock ?? systemClock;
  const prefix = options.queuePrefix ?? DEFAULT_QUEUE_PREFIX;
  const cleanups: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => logger.warn('error while stopping:', error));
    }
  };

  try {
    // First, what has no side effects: a wrong token should not leave a new database behind.
    const identity = await identify(
      config.SLACK_BOT_TOKEN,
      config.SLACK_API_URL,
      logger.child('slack'),
    );

    const store = await openStore(config.DATABASE_URL);
    cleanups.push(() => store.close());

    const producer = createRedisConnection(config.REDIS_URL, 'producer');
    cleanups.push(() => quit(producer));
    // Errors of the connections surface through the queues' and workers' own error events.
    producer.on('error', () => undefined);
    await waitForRedis(producer).catch((error: Error) => {
      throw new StartupError(`cannot reach Redis at ${config.REDIS_URL}: ${error.message}`);
    });
    const queues = createQueues(producer, prefix, logger);
    cleanups.push(() => queues.close());
    const metrics = createMetrics({ queues: queueList(queues), logger: logger.child('metrics') });
    // Every role serves health and metrics, from as soon as there is something to report on;
    // closed before the queues and Redis it reads, after the workers' last jobs are counted.
    const ops = await startOps({
      config,
      redis: producer,
      store,
      queues,
      metrics,
      logger: logger.child('ops'),
    });
    if (ops) cleanups.push(() => ops.close());
    const locks = createPostLocks(producer, prefix);
    // Hugging Face's 500 calls per 5 minutes, and arXiv's one call per 3 s, cover the polls, the
    // sweeps and the lookups of every process together.
    const hfIntervalMs = options.hfMinIntervalMs ?? HF_MIN_INTERVAL_MS;
    const arxivIntervalMs = options.arxivMinIntervalMs ?? ARXIV_MIN_INTERVAL_MS;
    const arxivPace = {
      minIntervalMs: arxivIntervalMs,
      waitTurn: createSharedPacer(producer, `${prefix}:arxiv-turn`, arxivIntervalMs),
    };

    for (const channelId of config.ANNOUNCE_CHANNELS) {
      const channel = { workspaceId: identity.teamId, channelId };
      // A channel that follows hf already keeps its filters: following again would replace them.
      if ((await store.followedFeeds(channel)).includes('hf')) continue;
      await store.follow(channel, 'hf', clock());
      logger.info(`${channelId} now follows hf (from ANNOUNCE_CHANNELS)`);
    }

    /** The feed clients, with a request tuning: a poll's patience, or a waiting member's. */
    const feedClients = (fetch: FetchJsonOptions | undefined) => ({
      hf: createHfClient({
        baseUrl: config.HF_API_URL,
        logger: logger.child('hf'),
        fetch,
        ...(hfIntervalMs > 0
          ? { waitTurn: createSharedPacer(producer, `${prefix}:hf-turn`, hfIntervalMs) }
          : {}),
      }),
      arxiv: createArxivClient({
        baseUrl: config.ARXIV_API_URL,
        logger: logger.child('arxiv'),
        fetch,
        ...arxivPace,
      }),
    });
    /**
     * A Web API client that does not retry by itself: BullMQ owns the jobs' retries, a share's
     * post retried after a timeout could land twice, and the card refresher retries its updates.
     */
    const slackClient = (clientLogger: Logger) =>
      createSlackClient({
        token: config.SLACK_BOT_TOKEN,
        apiUrl: config.SLACK_API_URL,
        logger: clientLogger,
        role: 'worker',
      });
    let workers: RunningWorkers | undefined;
    if (role !== 'app') {
      const workerConnection = createRedisConnection(config.REDIS_URL, 'worker');
      workerConnection.on('error', () => undefined);
      cleanups.push(() => quit(workerConnection));
      const workerLogger = logger.child('jobs');
      const slack = slackClient(workerLogger);
      metrics.watchSlackClient(slack);
      const { hf, arxiv } = feedClients(options.feedFetch);
      const pacer = createChannelPacer(
        producer,
        prefix,
        options.channelPacing ?? DEFAULT_CHANNEL_PACING,
      );
      workers = startWorkers(
        workerSpecs({
          store,
          slack,
          feeds: { hf, arxiv },
          locks,
          pacer,
          enqueueAnnouncements: (items) => queues.enqueueAnnouncements(items),
          enqueueVersionNotes: (items) => queues.enqueueVersionNotes(items),
          enqueueDigestPosts: (items) => queues.enqueueDigestPosts(items),
          enqueueAlerts: (items) => queues.enqueueAlerts(items),
          keywords: new SubscriberIndex(store, workerLogger),
          members: createChannelMembers({ slack, clock, logger: workerLogger }),
          workspaceUrl: identity.url,
          timeZone: config.WORKSPACE_TIME_ZONE,
          hf,
          refresher: new CardRefresher({
            store,
            slack,
            logger: workerLogger,
          }),
          logger: workerLogger,
          clock,
          metrics,
        }),
        {
          connection: workerConnection,
          prefix,
          logger: workerLogger,
          timer: metrics,
          ...(options.workerTuning ? { tuning: options.workerTuning } : {}),
        },
      );
      const running = workers;
      cleanups.push(() => running.close());
      // A new schedule runs its first poll at once; a restarted process keeps the existing rhythm.
      await schedulePolls(queues, POLLED_SOURCES, config.POLL_EVERY);
      await scheduleSweeps(queues);
    }

    let app: RunningSlackApp | undefined;
    if (role !== 'worker') {
      const slackLogger = logger.child('slack');
      const slack = slackClient(slackLogger);
      metrics.watchSlackClient(slack);
      // A member is waiting on a lookup: short timeouts and one retry, not a poll's patience.
      const lookupFetch = { timeoutMs: 5_000, retries: 1, ...options.feedFetch };
      const lookup = createPaperLookup({
        store,
        ...feedClients(lookupFetch),
        clock,
        logger: slackLogger,
      });
      app = await startSlackApp({
        botToken: config.SLACK_BOT_TOKEN,
        signingSecret: config.SLACK_SIGNING_SECRET,
        appToken: config.SLACK_APP_TOKEN,
        apiUrl: config.SLACK_API_URL,
        port: config.PORT,
        ...(options.httpHost !== undefined ? { host: options.httpHost } : {}),
        identity,
        logger: slackLogger,
        listeners: {
          store,
          logger: slackLogger,
          clock,
          slack,
          pollEvery: describeInterval(config.POLL_EVERY),
          timeZone: config.WORKSPACE_TIME_ZONE,
          workspaceUrl: identity.url,
          refresher: new CardRefresher({
            store,
            logger: slackLogger,
            slack,
          }),
          lookup,
          locks,
        },
      });
      const running = app;
      cleanups.push(() => running.stop());
    }

    return {
      identity,
      store,
      queues,
      port: app?.port,
      opsPort: ops?.port,
      metrics,
      stop: async (timeoutMs = 15_000) => {
        if (!(await settlesWithin(stopAll(), timeoutMs))) {
          logger.warn(`shutdown took longer than ${timeoutMs} ms; exiting anyway`);
        }
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function quit(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  await redis.quit().catch(() => redis.disconnect());
}
