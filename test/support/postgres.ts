import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

/**
 * The PostgreSQL server the tests use: any database on it, which they connect to in order to
 * create and drop their own. Trust auth as `postgres` on this machine and in CI.
 */
export const TEST_SERVER_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of its own for one test file. */
export interface TestDatabase {
  /** Its connection URL, as `DATABASE_URL` would hold it. */
  url: string;
  name: string;
  /**
   * Empties every table but `schema_migrations` (restarting identities), so that the next store
   * opened on it starts empty and skips the migrations: faster than a database per test.
   */
  reset(): Promise<void>;
  /** Closes its connections and drops it, connections of stores left open included. */
  drop(): Promise<void>;
}

/** The server URL without its password, for messages. */
function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.username ? `${parsed.username}@` : ''}${parsed.host}`;
  } catch {
    return 'TEST_DATABASE_URL';
  }
}

async function onServer<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    // A test that needs PostgreSQL fails, loudly, when there is none: CI starts one.
    const reason = error instanceof Error ? error.message || error.name : String(error);
    throw new Error(
      `PostgreSQL is not reachable at ${describeServer(TEST_SERVER_URL)} (${reason}). ` +
        'The PostgreSQL tests need a server: start one, or set TEST_DATABASE_URL to one ' +
        '(any database on it; the tests create and drop their own).',
      { cause: error },
    );
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates `paperboy_test_<random>` on the test server (see {@link TEST_SERVER_URL}). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `paperboy_test_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  let admin: Pool | undefined;
  return {
    url: url.toString(),
    name,
    async reset() {
      if (!admin) {
        admin = new Pool({ connectionString: url.toString(), max: 1 });
        // An idle connection cut by the server is dropped and replaced; it must not crash the run.
        admin.on('error', () => undefined);
      }
      const { rows } = await admin.query<{ name: string }>(
        `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
         WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
      );
      if (rows.length === 0) return;
      await admin.query(`TRUNCATE ${rows.map((row) => row.name).join(', ')} RESTART IDENTITY`);
    },
    async drop() {
      await admin?.end();
      admin = undefined;
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
