import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Queues } from '../queue/queues';
import type { Store } from '../store/store';
import { createDashboard, DASHBOARD_PATH, DASHBOARD_USER } from './dashboard';
import { createHealthCheck } from './health';
import type { Metrics } from './metrics';
import { startOpsServer, type RunningOpsServer } from './server';

export { createMetrics, type Metrics } from './metrics';
export type { JobMetrics } from './job-metrics';
export type { RunningOpsServer } from './server';

/** Every BullMQ queue of a `Queues`, however many it grows to. */
export function queueList(queues: Queues): Queue[] {
  return Object.values(queues).filter((value): value is Queue => value instanceof Queue);
}

/**
 * Serves the operations endpoints on `OPS_PORT` (see {@link startOpsServer}), or nothing when it
 * is `off`. The dashboard is served only when `ADMIN_PASSWORD` is set.
 */
export async function startOps(options: {
  config: Pick<
    Config,
    'OPS_PORT' | 'ADMIN_PASSWORD' | 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN'
  >;
  redis: Redis;
  store: Store;
  queues: Queues;
  metrics: Metrics;
  logger: Logger;
}): Promise<RunningOpsServer | undefined> {
  const { config, logger } = options;
  if (config.OPS_PORT === 'off') {
    logger.info('operations endpoints off (OPS_PORT=off)');
    return undefined;
  }
  const queues = queueList(options.queues);
  const password = config.ADMIN_PASSWORD;
  const server = await startOpsServer({
    port: config.OPS_PORT,
    health: createHealthCheck({
      redis: options.redis,
      store: options.store,
      queues,
      secrets: [
        config.SLACK_BOT_TOKEN,
        config.SLACK_SIGNING_SECRET ?? '',
        config.SLACK_APP_TOKEN ?? '',
        password ?? '',
      ],
    }),
    registry: options.metrics.registry,
    ...(password ? { dashboard: { handler: await createDashboard(queues), password } } : {}),
    logger,
  });
  logger.info(
    `operations endpoints on port ${server.port}: /healthz, /metrics${
      password
        ? `, and the queue dashboard at ${DASHBOARD_PATH} (user ${DASHBOARD_USER})`
        : `; the queue dashboard is off (set ADMIN_PASSWORD to serve it at ${DASHBOARD_PATH})`
    }`,
  );
  return server;
}
