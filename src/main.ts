import { LogLevel } from '@slack/bolt';
import { ConfigError, loadProcessConfig, processEnvironment, secretsIn, type Role } from './config';
import { createLogger } from './logger';
import { doctor } from './doctor';
import { StartupError } from './errors';
import { startPaperboy } from './paperboy';

const ROLES: readonly Role[] = ['all', 'app', 'worker'];
const SHUTDOWN_TIMEOUT_MS = 15_000;

/**
 * `npm start` (everything in one process), `npm run start:app` (Slack requests only) or
 * `npm run start:worker` (queue workers only; run as many as you like). `npm run doctor` checks
 * the settings and every connection instead, and says what is wrong.
 */
async function main(argv: readonly string[]): Promise<number> {
  // The doctor reads the raw environment, not a Config: it must report on settings that do not
  // validate, and keep checking what does not depend on them.
  if (argv[0] === 'doctor') return doctor(processEnvironment());
  const role = (argv[0] ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    console.error(
      `Unknown role '${argv[0]}': use one of ${ROLES.join(', ')} (or doctor, to check the setup).`,
    );
    return 1;
  }
  let config;
  try {
    config = loadProcessConfig(role);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nSee .env.example for every setting.`);
      return 1;
    }
    throw error;
  }
  const logger = createLogger({
    level: config.LOG_LEVEL as LogLevel,
    format: config.LOG_FORMAT,
    secrets: secretsIn(processEnvironment()),
  });

  // Listening before start-up: a signal that arrives while starting still shuts down cleanly.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      // A second signal means "now".
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });

  let running;
  try {
    running = await startPaperboy({ config, role, logger, queuePrefix: config.QUEUE_PREFIX });
  } catch (error) {
    if (error instanceof StartupError) {
      logger.error(error.message);
      return 1;
    }
    throw error;
  }
  logger.info(`Paperboy is running (${role === 'all' ? 'app and workers' : role}); Ctrl-C to stop`);

  const signal = await stopRequested;
  logger.info(`${signal} received: finishing active jobs and shutting down`);
  await running.stop(SHUTDOWN_TIMEOUT_MS);
  logger.info('stopped');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(
        'Paperboy stopped on an unexpected error:',
        error instanceof Error ? error.message : error,
      );
      process.exit(1);
    },
  );
}
