/**
 * A Paperboy worker as its own process, for tests that kill it (`node_modules/.bin/tsx
 * test/support/worker-process.ts`). Settings come from the environment like `npm run start:worker`
 * (SLACK_BOT_TOKEN, SLACK_API_URL, REDIS_URL, DATABASE_URL, HF_API_URL, QUEUE_PREFIX,
 * ANNOUNCE_CHANNELS, …), with the test harness's feed tuning and a short worker tuning, so that
 * the jobs of a killed process come back within a few seconds instead of a minute.
 *
 * Prints {@link WORKER_READY} once its workers run; stops cleanly on SIGTERM or SIGINT (exit 0).
 */
import { LogLevel } from '@slack/bolt';
import { loadConfig, secretsIn } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startPaperboy } from '../../src/paperboy';
import type { WorkerTuning } from '../../src/queue/workers';

/** The line the process prints once it takes jobs (followed by ` pid=<pid>`). */
export const WORKER_READY = 'paperboy test worker ready';

/**
 * A killed job's lock runs out after 2 s and the next stall check (every second) hands it back;
 * many stalls are allowed, since a test may kill the same job's worker again and again.
 */
export const TEST_WORKER_TUNING: WorkerTuning = {
  lockDurationMs: 2_000,
  stalledIntervalMs: 1_000,
  maxStalledCount: 50,
};

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  const logger = createLogger({
    level: config.LOG_LEVEL as LogLevel,
    format: config.LOG_FORMAT,
    secrets: secretsIn(process.env),
  });
  const running = await startPaperboy({
    // Processes of one test run side by side with other test files: no fixed ops port.
    config: { ...config, OPS_PORT: 'off' },
    role: 'worker',
    logger,
    queuePrefix: config.QUEUE_PREFIX,
    // As the harness: the local feed server answers at once and counts no calls.
    feedFetch: { timeoutMs: 1_000, retries: 2, baseDelayMs: 10 },
    arxivMinIntervalMs: 10,
    hfMinIntervalMs: 0,
    workerTuning: TEST_WORKER_TUNING,
    // The emulator limits nothing unless told: the test is about kills, not Slack's pace.
    channelPacing: 'off',
  });
  process.stdout.write(`${WORKER_READY} pid=${process.pid}\n`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info(`${signal} received: stopping`);
  await running.stop(5_000);
  process.exit(0);
}

// Tests import the constants above; only the process itself starts a worker.
if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`test worker failed: ${String(error)}\n`);
    process.exit(1);
  });
}
