/**
 * One line of the doctor's report: what was checked, how it went, and in plain words what it
 * found or what to do about it.
 */
export interface CheckResult {
  /** Short name shown in the report's first column: `Slack`, `Redis`, … */
  label: string;
  status: CheckStatus;
  /** One line: what was found, and for a problem, what to do. */
  message: string;
  /** Lines printed under the message: each problem of a list, or a longer hint. */
  details?: string[];
}

/**
 * - `pass`: fine.
 * - `warn`: works, but something should be changed; not a problem for the exit status.
 * - `fail`: a problem: Paperboy will not start, or will misbehave.
 * - `unknown`: the check could not tell (the platform did not say); not a problem.
 * - `skipped`: not run, because a setting it needs is itself broken (already reported).
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown' | 'skipped';

export const pass = (label: string, message: string, details?: string[]): CheckResult =>
  withDetails({ label, status: 'pass', message }, details);
export const warn = (label: string, message: string, details?: string[]): CheckResult =>
  withDetails({ label, status: 'warn', message }, details);
export const fail = (label: string, message: string, details?: string[]): CheckResult =>
  withDetails({ label, status: 'fail', message }, details);
export const unknown = (label: string, message: string): CheckResult => ({
  label,
  status: 'unknown',
  message,
});
export const skipped = (label: string, message: string): CheckResult => ({
  label,
  status: 'skipped',
  message,
});

function withDetails(result: CheckResult, details: string[] | undefined): CheckResult {
  return details && details.length > 0 ? { ...result, details } : result;
}

/**
 * Resolves with `work`'s lines, or with `onTimeout()`'s if `work` takes longer than `timeoutMs`:
 * the doctor never hangs on a connection that neither answers nor fails. The work itself goes on
 * (the command exits when the report is printed).
 */
export async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => T,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** `3000` → `3 s`, for messages. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * A URL for the report with its password replaced: REDIS_URL and
 * DATABASE_URL may carry credentials, which never belong in a report an operator pastes into a
 * chat or a ticket.
 */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** The `code` of a Node system error (`ECONNREFUSED`, `EACCES`…) or a SQLite error, if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What a failed connection's innermost cause says: `fetch failed` and `A request error occurred`
 * say nothing, their causes say `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:3000`.
 */
export function networkCause(error: unknown): string {
  let innermost = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; depth < 5 && innermost?.cause; depth += 1) {
    innermost = innermost.cause as typeof innermost;
  }
  const message = typeof innermost?.message === 'string' ? innermost.message : errorMessage(error);
  const code = typeof innermost?.code === 'string' ? innermost.code : undefined;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
