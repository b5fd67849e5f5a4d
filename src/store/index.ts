import { StartupError } from '../errors';
import type { Store } from './store';
import { SqliteStore } from './sqlite/sqlite-store';

export type { Store } from './store';

export class UnsupportedStoreError extends StartupError {
  override name = 'UnsupportedStoreError';
}

/**
 * Opens the store `DATABASE_URL` names: `postgres://…` selects PostgreSQL, anything else is a
 * SQLite file path.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UnsupportedStoreError(
      'DATABASE_URL points at PostgreSQL, which this version does not support yet; use a SQLite file path such as ./data/paperboy.db',
    );
  }
  return SqliteStore.open(databaseUrl);
}
