import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/sqlite/migrations';
import { RANKED_MATCHES_MAX } from '../../src/store/ranking';
import { migrate, SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { query } from './search-contract';
import { tempDatabase } from '../support/harness';
import { describeAlertStoreContract } from './alert-contract';
import { describeSearchContract } from './search-contract';
import { describeStoreContract, type OpenedStore } from './store-contract';
import { minimalPaper as paper } from '../support/papers';

async function openSqlite(): Promise<OpenedStore> {
  const db = tempDatabase();
  const store = SqliteStore.open(db.file);
  return {
    store,
    async cleanup() {
      await store.close();
      db.remove();
    },
  };
}

describeStoreContract('SQLite', openSqlite);
describeSearchContract('SQLite', openSqlite);
describeAlertStoreContract('SQLite', openSqlite);

/** Opens a second, independent connection on the store's file, runs `fn`, and closes it. */
function withConnection<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const SEARCH = `SELECT p.id FROM papers_fts JOIN papers p ON p.seq = papers_fts.rowid
  WHERE papers_fts MATCH ? ORDER BY p.id`;

function search(file: string, query: string): string[] {
  return withConnection(file, (db) => db.prepare(SEARCH).pluck().all(query) as string[]);
}

/** FTS5's own check that the index matches its external content table; throws when it does not. */
function checkIndex(file: string): void {
  withConnection(file, (db) => {
    db.prepare("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)").run();
  });
}

describe('SqliteStore (SQLite specifics)', () => {
  let db: ReturnType<typeof tempDatabase>;
  const opened: SqliteStore[] = [];

  const open = (): SqliteStore => {
    const store = SqliteStore.open(db.file);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    db = tempDatabase();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    db.remove();
  });

  describe('full-text search index', () => {
    it('exists and finds papers by title, abstract and author, with porter stemming', async () => {
      const store = open();
      await store.upsertPapers(
        [
          paper('2506.00001', { title: 'A Better Tokenizer for Code' }),
          paper('2506.00002', {
            title: 'Sparse Attention',
            abstract: 'We study speculative decoding.',
            authors: ['Grace Hopper'],
          }),
        ],
        new Date('2025-06-02T10:00:00Z'),
      );
      expect(search(db.file, 'tokenizers')).toEqual(['2506.00001']);
      expect(search(db.file, 'decode')).toEqual(['2506.00002']);
      expect(search(db.file, 'hopper')).toEqual(['2506.00002']);
      expect(search(db.file, 'lovelace')).toEqual(['2506.00001']);
      expect(search(db.file, 'quantum')).toEqual([]);
      checkIndex(db.file);
    });

    it('re-indexes a paper whose title changes', async () => {
      const store = open();
      await store.upsertPapers(
        [paper('2506.00001', { title: 'A Better Tokenizer for Code' })],
        new Date('2025-06-02T10:00:00Z'),
      );
      await store.upsertPapers(
        [paper('2506.00001', { title: 'Byte Models for Code' })],
        new Date('2025-06-02T10:15:00Z'),
      );
      expect(search(db.file, 'tokenizers')).toEqual([]);
      expect(search(db.file, 'byte')).toEqual(['2506.00001']);
      checkIndex(db.file);
    });

    it('keeps a paper findable, once, after a counter-only refresh', async () => {
      const store = open();
      const first = paper('2506.00001', { title: 'A Better Tokenizer for Code', hfUpvotes: 1 });
      await store.upsertPapers([first], new Date('2025-06-02T10:00:00Z'));
      await store.upsertPapers(
        [{ ...first, hfUpvotes: 50, hfComments: 4, githubStars: 9 }],
        new Date('2025-06-02T10:15:00Z'),
      );
      // A sparser refresh (no abstract, no authors) keeps the indexed text as well.
      await store.upsertPapers(
        [{ ...first, abstract: '', authors: [], hfUpvotes: 51 }],
        new Date('2025-06-02T10:30:00Z'),
      );
      expect(search(db.file, 'tokenizers')).toEqual(['2506.00001']);
      expect(search(db.file, 'lovelace')).toEqual(['2506.00001']);
      expect((await store.getPaper('2506.00001'))?.hfUpvotes).toBe(51);
      checkIndex(db.file);
    });
  });

  describe('migrations and file setup', () => {
    it('applies the migrations once however often the file is opened', async () => {
      const first = open();
      await first.upsertPapers([paper('2506.00001')], new Date('2025-06-02T10:00:00Z'));
      await first.close();
      const second = open();

      const rows = withConnection(
        db.file,
        (conn) =>
          conn
            .prepare('SELECT version FROM schema_migrations ORDER BY version')
            .pluck()
            .all() as number[],
      );
      expect(rows).toHaveLength(MIGRATIONS.length);
      expect(rows).toEqual(MIGRATIONS.map((m) => m.version));
      // Reopening kept the data.
      expect((await second.getPaper('2506.00001'))?.title).toBe('Paper 2506.00001');
      // Nothing left to apply.
      expect(withConnection(db.file, (conn) => migrate(conn))).toEqual([]);
    });

    it('puts the file in WAL mode', () => {
      open();
      const mode = withConnection(db.file, (conn) => conn.pragma('journal_mode', { simple: true }));
      expect(mode).toBe('wal');
    });

    it('lets two stores (an app and a worker process) share one file', async () => {
      const app = open();
      const worker = open();
      await worker.upsertPapers([paper('2506.00001')], new Date('2025-06-02T10:00:00Z'));
      expect((await app.toggleVote('T1', '2506.00001', 'U1', new Date())).count).toBe(1);
      expect(await worker.countVotes('T1', '2506.00001')).toBe(1);
    });

    it('creates missing folders for the file', async () => {
      const nested = db.file.replace(/paperboy\.db$/, 'a/b/paperboy.db');
      const store = SqliteStore.open(nested);
      opened.push(store);
      await store.upsertPapers([paper('2506.00001')], new Date());
      expect((await store.getPaper('2506.00001'))?.id).toBe('2506.00001');
    });
  });
});

describe('SqliteStore search: a query matching more than it ranks', () => {
  it('ranks the newest matches, says the total is a lower bound, and still applies filters', async () => {
    const { store, cleanup } = await openSqlite();
    try {
      const papers = Array.from({ length: RANKED_MATCHES_MAX + 20 }, (_, i) =>
        paper(`2506.${String(i + 1).padStart(5, '0')}`, {
          title: i === 0 ? 'Common ground, the oldest and best title match' : `Paper ${i}`,
          abstract: 'A common word in every abstract.',
          publishedAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000),
        }),
      );
      await store.upsertPapers(papers, new Date());
      const now = new Date('2025-06-01T00:00:00Z');
      const broad = await store.search('T1', query('common'), { offset: 0, limit: 5 }, now);
      expect(broad.capped).toBe(true);
      expect(broad.total).toBe(RANKED_MATCHES_MAX);
      // The oldest paper is past the newest RANKED_MATCHES_MAX matches, title match or not.
      expect(broad.hits.map((hit) => hit.paper.id)).not.toContain('2506.00001');

      // A filter narrows the candidates before they are cut: the old paper is found again.
      const dated = await store.search(
        'T1',
        query('common until:2025-01-01'),
        { offset: 0, limit: 5 },
        now,
      );
      expect(dated).toMatchObject({ total: 24, capped: false }); // the papers of 1 January
      expect(dated.hits[0]?.paper.id).toBe('2506.00001');

      // By votes, the most voted matches are ranked however old they are.
      await store.upsertPapers([{ ...papers[0]!, hfUpvotes: 999 }], new Date());
      await store.toggleVote('T1', '2506.00002', 'U1', new Date());
      const byVotes = await store.search(
        'T1',
        query('common sort:votes'),
        { offset: 0, limit: 2 },
        now,
      );
      expect(byVotes.hits.map((hit) => hit.paper.id)).toEqual(['2506.00002', '2506.00001']);
    } finally {
      await cleanup();
    }
  });
});
