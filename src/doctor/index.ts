import { secretsIn, type Environment } from '../config';
import { redact } from '../logger';
import { errorMessage, fail, type CheckResult, type CheckStatus } from './check';
import { checkDatabase } from './database';
import { checkFeeds } from './feeds';
import { checkRedis } from './redis';
import { checkConfig } from './settings';
import { checkSlack } from './slack';

export type { CheckResult, CheckStatus } from './check';

export interface DoctorOptions {
  /** Time allowed to each connection (connect, one request), in ms. Default 4 000. */
  timeoutMs?: number;
  /** Where to look for a `.env` file Paperboy would not read. Default: the process's folder. */
  cwd?: string;
}

const DEFAULT_TIMEOUT_MS = 4_000;

export const HEADER =
  'Paperboy doctor: checking the settings as npm start reads them (the Slack app and the workers), then every connection.';

const SYMBOLS: Record<CheckStatus, string> = {
  pass: '✓',
  warn: '!',
  fail: '✗',
  unknown: '?',
  skipped: '-',
};
const LABEL_WIDTH = 11;

/**
 * Runs every check, the connections at the same time, each within its own timeout, and returns
 * one result per line of the report, in a fixed order. A check that throws (a bug) becomes a
 * failed line rather than ending the report.
 */
export async function runDoctor(
  env: Environment,
  options: DoctorOptions = {},
): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const config = checkConfig(env, options.cwd ?? process.cwd());
  const [slack, redis, database, feeds] = await Promise.all([
    guard(['Slack'], checkSlack(env, timeoutMs)),
    guard(
      ['Redis'],
      checkRedis(env, timeoutMs).then((line) => [line]),
    ),
    guard(
      ['Database'],
      checkDatabase(env, timeoutMs).then((line) => [line]),
    ),
    guard(['Feeds'], checkFeeds(env, timeoutMs)),
  ]);
  return [config, ...slack, ...redis, ...database, ...feeds];
}

function guard(labels: string[], work: Promise<CheckResult[]>): Promise<CheckResult[]> {
  return work.catch((error: unknown) =>
    labels.map((label) => fail(label, `the check itself failed: ${errorMessage(error)}`)),
  );
}

/** The report: one line per check (and its details under it), then a summary line. */
export function formatReport(results: readonly CheckResult[]): string {
  const indent = ' '.repeat(2 + 2 + LABEL_WIDTH + 1);
  const lines = results.flatMap((result) => [
    `  ${SYMBOLS[result.status]} ${result.label.padEnd(LABEL_WIDTH)} ${result.message}`,
    ...(result.details ?? []).map((detail) => `${indent}${detail}`),
  ]);
  return [...lines, '', summary(results)].join('\n');
}

function summary(results: readonly CheckResult[]): string {
  const named = (status: CheckStatus, word: string) => {
    const labels = results.filter((r) => r.status === status).map((r) => r.label);
    return labels.length === 0
      ? undefined
      : `${labels.length} ${word}${labels.length === 1 ? '' : 's'}: ${labels.join(', ')}`;
  };
  const problems = named('fail', 'problem');
  const warnings = named('warn', 'warning');
  if (problems) return `${problems}.${warnings ? ` And ${warnings}.` : ''}`;
  return warnings ? `All checks passed, with ${warnings}.` : 'All checks passed.';
}

/** Whether the report counts a problem: what the exit status says. */
export function hasProblems(results: readonly CheckResult[]): boolean {
  return results.some((result) => result.status === 'fail');
}

/**
 * `npm run doctor`: prints the report to stdout, every line redacted, and resolves with the exit
 * status: 0 when no check found a problem, 1 otherwise.
 */
export async function doctor(
  env: Environment,
  write: (text: string) => void = (text) => process.stdout.write(text),
  options: DoctorOptions = {},
): Promise<number> {
  const secrets = secretsIn(env);
  write(`${HEADER}\n\n`);
  const results = await runDoctor(env, options);
  write(`${redact(formatReport(results), secrets)}\n`);
  return hasProblems(results) ? 1 : 0;
}
