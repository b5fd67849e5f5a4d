import type { Redis } from 'ioredis';
import { workerSpecs } from '../jobs';
import type { Config, Role } from './config';
import { systemClock, type Clock } from './domain/clock';
import { FEEDS } from './domain/paper';
import { createHfClient } from './feeds/hf';
import type { FetchJsonOptions } from './feeds/http';
import type { Logger } from './logger';
import { createRedisConnection, waitForRedis } from './queue/connection';
import { DEFAULT_QUEUE_PREFIX } from './queue/names';
import { createQueues, schedulePolls, type Queues } from './queue/queues';
import { startWorkers, type RunningWorkers } from './queue/workers';
import { startSlackApp, type RunningSlackApp, type SlackIdentity } from './slack/app';
import { CardRefresher } from './slack/card-refresher';
import { createSlackClient, platformErrorCode } from './slack/client';
import { openStore } from './store';
import type { Store } from './store/store';

export interface PaperboyOptions {
  config: Config;
  role: Role;
  logger: Logger;
  clock?: Clock;
  /** BullMQ key prefix; tests give each file its own. */
  queuePrefix?: string;
  /** Feed request tuning (timeouts, retries), mostly for tests. */
  feedFetch?: FetchJsonOptions;
}

export interface RunningPaperboy {
  identity: SlackIdentity;
  store: Store;
  queues: Queues;
  /** HTTP port of the Slack app, when this process runs it in HTTP mode. */
  port?: number;
  /**
   * Stops in the reverse order of start: Slack requests, workers (active jobs finish or are handed
   * back), queues, Redis, store. Bounded by `timeoutMs`.
   */
  stop(timeoutMs?: number): Promise<void>;
}

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Asks Slack who the token is: the workspace to seed channels in, and the bot's own ids. */
async function identify(token: string, apiUrl: string, logger: Logger): Promise<SlackIdentity> {
  const client = createSlackClient({ token, apiUrl, logger, role: 'app' });
  try {
    const auth = await client.auth.test();
    if (!auth.team_id || !auth.bot_id || !auth.user_id)
      throw new Error('auth.test did not name a bot');
    return { teamId: auth.team_id, botId: auth.bot_id, botUserId: auth.user_id };
  } catch (error) {
    const code = platformErrorCode(error);
    throw new StartupError(
      code
        ? `Slack rejected SLACK_BOT_TOKEN (${code}); copy the Bot User OAuth Token again from OAuth & Permissions`
        : `cannot reach Slack at ${apiUrl} (${(error as Error).message}); check SLACK_API_URL and the network`,
    );
  }
}

/**
 * The composition root's body: config → store → Slack identity → Redis → queues → Slack app and
 * workers, as the role asks. No business logic lives here.
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
    producer.on('error', (error) => logger.debug('redis (producer):', error));
    await waitForRedis(producer).catch((error: Error) => {
      throw new StartupError(`cannot reach Redis at ${config.REDIS_URL}: ${error.message}`);
    });
    const queues = createQueues(producer, prefix);
    cleanups.push(() => queues.close());

    for (const channelId of config.ANNOUNCE_CHANNELS) {
      if (await store.follow({ workspaceId: identity.teamId, channelId }, 'hf', clock())) {
        logger.info(`${channelId} now follows hf (from ANNOUNCE_CHANNELS)`);
      }
    }

    let workers: RunningWorkers | undefined;
    if (role !== 'app') {
      const workerConnection = createRedisConnection(config.REDIS_URL, 'worker');
      workerConnection.on('error', (error) => logger.debug('redis (workers):', error));
      cleanups.push(() => quit(workerConnection));
      const workerLogger = logger.child('jobs');
      const slack = createSlackClient({
        token: config.SLACK_BOT_TOKEN,
        apiUrl: config.SLACK_API_URL,
        logger: workerLogger,
        role: 'worker',
      });
      const hf = createHfClient({
        baseUrl: config.HF_API_URL,
        logger: logger.child('hf'),
        fetch: options.feedFetch,
      });
      workers = startWorkers(
        workerSpecs({
          store,
          slack,
          feeds: { hf },
          enqueueAnnouncements: (items) => queues.enqueueAnnouncements(items),
          logger: workerLogger,
          clock,
        }),
        { connection: workerConnection, prefix, logger: workerLogger },
      );
      const running = workers;
      cleanups.push(() => running.close());
      // A new schedule runs its first poll at once; a restarted process keeps the existing rhythm.
      await schedulePolls(queues, FEEDS, config.POLL_EVERY);
    }

    let app: RunningSlackApp | undefined;
    if (role !== 'worker') {
      const slackLogger = logger.child('slack');
      app = await startSlackApp({
        botToken: config.SLACK_BOT_TOKEN,
        signingSecret: config.SLACK_SIGNING_SECRET,
        appToken: config.SLACK_APP_TOKEN,
        apiUrl: config.SLACK_API_URL,
        port: config.PORT,
        identity,
        logger: slackLogger,
        listeners: {
          store,
          logger: slackLogger,
          clock,
          pollEvery: describeInterval(config.POLL_EVERY),
          refresher: new CardRefresher({
            store,
            logger: slackLogger,
            slack: createSlackClient({
              token: config.SLACK_BOT_TOKEN,
              apiUrl: config.SLACK_API_URL,
              logger: slackLogger,
              role: 'app',
            }),
          }),
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
      stop: (timeoutMs = 15_000) => withTimeout(stopAll(), timeoutMs, logger),
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

async function withTimeout(work: Promise<void>, timeoutMs: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn(`shutdown took longer than ${timeoutMs} ms; exiting anyway`);
      resolve();
    }, timeoutMs);
  });
  await Promise.race([work, deadline]);
  clearTimeout(timer);
}

/** 900000 → `15m`: intervals as people write them. */
export function describeInterval(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
