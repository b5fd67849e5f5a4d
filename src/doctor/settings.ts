import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config, type Environment } from '../config';
import { fail, pass, type CheckResult } from './check';

/** Names the settings a check needs. */
export type Setting = keyof Config;

/**
 * Validates the whole environment as `npm start` does: role `all`, the Slack app and the workers
 * together, the strictest of the three roles. Each problem names its variable.
 */
export function checkConfig(env: Environment, cwd: string): CheckResult {
  try {
    const config = loadConfig(env, 'all');
    return pass(
      'Config',
      `every setting is valid for npm start (the Slack app and the workers); ${
        config.SLACK_APP_TOKEN
          ? 'Socket Mode (SLACK_APP_TOKEN is set)'
          : 'HTTP mode (SLACK_APP_TOKEN is not set)'
      }`,
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const count = error.problems.length;
    const details = error.problems.map((problem) => `- ${problem}`);
    if (validFor(env, 'worker')) {
      details.push(
        'A worker-only process (npm run start:worker) does not receive Slack requests and would start with these settings.',
      );
    }
    if (!env.SLACK_BOT_TOKEN?.trim() && fs.existsSync(path.join(cwd, '.env'))) {
      details.push(
        'There is a .env file here, but Paperboy does not read it by itself: run `npx tsx --env-file=.env src/main.ts doctor`, or `set -a; . ./.env; set +a` first.',
      );
    }
    return fail(
      'Config',
      `${count} ${count === 1 ? 'setting is' : 'settings are'} wrong or missing (.env.example describes every setting):`,
      details,
    );
  }
}

function validFor(env: Environment, role: 'worker'): boolean {
  try {
    loadConfig(env, role);
    return true;
  } catch {
    return false;
  }
}

/** Stands in for SLACK_BOT_TOKEN when a check does not need it: the schema requires one. */
const PLACEHOLDER: Environment = { SLACK_BOT_TOKEN: 'xoxb-doctor-placeholder' };

/**
 * The settings `names` as `loadConfig` reads them, when each of them is valid, whatever the
 * others are: a bad POLL_EVERY must not stop the doctor from trying Redis. Every other setting
 * takes its default. `undefined` when one of `names` is itself invalid (the Config line says why).
 */
export function settingsFor(env: Environment, names: readonly Setting[]): Config | undefined {
  const picked = Object.fromEntries(names.map((name) => [name, env[name]]));
  try {
    // Role `worker`: whether SLACK_SIGNING_SECRET is needed is the whole configuration's question.
    return loadConfig({ ...PLACEHOLDER, ...picked }, 'worker');
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/**
 * The settings a check needs, or the line that says why the check did not run: one of them is
 * missing or invalid (the Config line already counts that as a problem).
 */
export function needing(
  env: Environment,
  names: readonly Setting[],
  label: string,
): Config | CheckResult {
  const config = settingsFor(env, names);
  if (config) return config;
  const broken = names.filter((name) => settingsFor(env, [name]) === undefined);
  const list = (broken.length > 0 ? broken : names).join(' and ');
  return {
    label,
    status: 'skipped',
    message: `not checked: ${list} ${broken.length > 1 ? 'are' : 'is'} missing or not valid (see Config)`,
  };
}

export function isCheckResult(value: Config | CheckResult): value is CheckResult {
  return 'status' in value && 'label' in value;
}
