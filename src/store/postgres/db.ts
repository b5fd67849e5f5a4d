import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';

/** A pool or a client inside a transaction: what the adapter's queries run on. */
export interface Sql {
  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<R>>;
}

/**
 * Advisory lock keys, as (space, key) pairs of 32-bit integers: the space keeps Paperboy's locks
 * apart from those of any other application sharing the database. Transaction-level locks only
 * (`pg_advisory_xact_lock`): they are released at commit or rollback, never leaked by a crash.
 */
export const LOCK_SPACE = 0x70626f79; // 'pboy'
export const LOCKS = {
  /** Held while migrations are checked and applied: several processes may start at once. */
  migrations: 1,
  /** Held from taking an alert revision number to commit (see `PostgresAlerts`). */
  alertRevision: 2,
} as const;
/** The space of per-member locks, keyed by a hash of the member (a collision only waits longer). */
export const MEMBER_LOCK_SPACE = LOCK_SPACE + 1;

export async function advisoryLock(sql: Sql, key: keyof typeof LOCKS): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, LOCKS[key]]);
}

/** PostgreSQL's codes for a transaction that lost to another and may simply be run again. */
const RETRYABLE = new Set(['40001' /* serialization_failure */, '40P01' /* deadlock_detected */]);
const ATTEMPTS = 3;

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * Runs `body` in one transaction on one pooled connection: committed when it resolves, rolled
 * back when it throws. A deadlock or serialization failure runs it again (twice at most), so a
 * body must only touch the database and return what it built, with no other side effect.
 */
export async function transaction<T>(
  pool: Pool,
  body: (tx: Sql) => Promise<T>,
  mode: 'read write' | 'repeatable read only' = 'read write',
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(
        mode === 'read write' ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      );
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = await rollback(client);
      if (attempt < ATTEMPTS && isRetryable(error)) continue;
      throw error;
    } finally {
      // A connection whose rollback failed is in an unknown state: the pool drops it.
      client.release(broken);
    }
  }
}

async function rollback(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
