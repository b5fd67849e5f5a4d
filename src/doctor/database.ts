import fs from 'node:fs';
import path from 'node:path';
import type { Environment } from '../config';
import { openStore } from '../store';
import {
  errorCode,
  errorMessage,
  fail,
  pass,
  seconds,
  withDeadline,
  withoutPassword,
  type CheckResult,
} from './check';
import { isCheckResult, needing } from './settings';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/**
 * Opens the store DATABASE_URL names (applying its migrations, as `npm start` would) and closes it.
 * A SQLite file that does not exist yet is not created: the doctor checks that it could be (its
 * folder is writable, or can be made) and that SQLite and the migrations work, on a throwaway
 * in-memory database, so that running it from the wrong folder leaves nothing behind.
 */
export async function checkDatabase(env: Environment, timeoutMs: number): Promise<CheckResult> {
  const settings = needing(env, ['DATABASE_URL'], 'Database');
  if (isCheckResult(settings)) return settings;
  const url = settings.DATABASE_URL;
  if (POSTGRES_URL.test(url)) {
    const shown = withoutPassword(url);
    return withDeadline(openAndClose(url, shown), timeoutMs, () =>
      fail(
        'Database',
        `${shown} did not answer within ${seconds(timeoutMs)}; check DATABASE_URL, and that PostgreSQL runs and accepts connections from here`,
      ),
    );
  }
  return checkSqlite(url);
}

async function openAndClose(url: string, shown: string): Promise<CheckResult> {
  try {
    const store = await openStore(url);
    await store.close();
    return pass('Database', `${shown} connects and its schema is up to date`);
  } catch (error) {
    return fail(
      'Database',
      `cannot use ${shown}: ${errorMessage(error)}; check DATABASE_URL, and that PostgreSQL runs and accepts connections from here`,
    );
  }
}

async function checkSqlite(url: string): Promise<CheckResult> {
  if (url === ':memory:') {
    return fail(
      'Database',
      'DATABASE_URL is :memory:, a database that vanishes when the process stops; give a file path like ./data/paperboy.db',
    );
  }
  const file = path.resolve(url);
  const shown = path.isAbsolute(url) ? url : `${url} (${file})`;
  const stat = statOf(file);
  if (stat?.isDirectory()) {
    return fail(
      'Database',
      `${shown} is a folder; DATABASE_URL must name a file in it, like ${path.join(url, 'paperboy.db')}`,
    );
  }
  if (stat) {
    try {
      const store = await openStore(url);
      await store.close();
      return pass('Database', `${shown} opens and its schema is up to date`);
    } catch (error) {
      return fail('Database', `cannot open ${shown}: ${sqliteReason(error)}`);
    }
  }
  const blocked = whyNotCreatable(file);
  if (blocked)
    return fail('Database', `cannot create ${blocked}; change DATABASE_URL or the folder`);
  try {
    const store = await openStore(':memory:');
    await store.close();
  } catch (error) {
    return fail(
      'Database',
      `SQLite does not work here (${errorMessage(error)}); run npm rebuild better-sqlite3`,
    );
  }
  return pass(
    'Database',
    `${shown} does not exist yet; npm start will create it (the folder is writable and the migrations apply)`,
  );
}

/** The file's stat, or `undefined` when there is none (a missing folder, or a file on the way). */
function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Why `file` (which does not exist) could not be created, or `undefined` when it could: its
 * nearest existing ancestor must be a folder we may write in.
 */
function whyNotCreatable(file: string): string | undefined {
  let existing = path.dirname(file);
  let first = file;
  while (!statOf(existing)) {
    first = existing;
    existing = path.dirname(existing);
  }
  if (!statOf(existing)?.isDirectory()) {
    return `${first}: ${existing} is a file, not a folder`;
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    return `${first}: ${accessReason(error)} (cannot write in ${existing})`;
  }
  return undefined;
}

function accessReason(error: unknown): string {
  switch (errorCode(error)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    default:
      return errorMessage(error);
  }
}

/** better-sqlite3's and the file system's error codes, in words. */
function sqliteReason(error: unknown): string {
  const code = errorCode(error) ?? '';
  if (code.startsWith('SQLITE_READONLY')) {
    return 'it is read-only; Paperboy writes to the file and beside it (its -wal and -shm files), so both need to be writable';
  }
  switch (code) {
    case 'SQLITE_CANTOPEN':
      return 'SQLite cannot open it (is its folder writable?)';
    case 'SQLITE_NOTADB':
      return 'it is not a SQLite database; is DATABASE_URL the right file?';
    case 'SQLITE_CORRUPT':
      return 'the database file is damaged; restore it from a backup';
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return 'another process keeps it locked; try again, or stop the process that holds it';
    default:
      return accessReason(error);
  }
}
