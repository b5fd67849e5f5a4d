import type { Store } from './store';
import { PostgresStore } from './postgres/postgres-store';
import { SqliteStore } from './sqlite/sqlite-store';

export type { Store } from './store';

/** `postgres://…` and `postgresql://…` (any case): a PostgreSQL connection URL. */
function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//i.test(databaseUrl);
}

/**
 * Opens the store `DATABASE_URL` names: `postgres://…` selects PostgreSQL (migrated at open),
 * anything else is a SQLite file path.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (isPostgresUrl(databaseUrl)) return PostgresStore.open(databaseUrl);
  return SqliteStore.open(databaseUrl);
}
