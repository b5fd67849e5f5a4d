import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { Paper } from '../../src/domain/paper';
import type { SearchQuery } from '../../src/domain/search-query';
import { StartupError } from '../../src/errors';
import { openStore } from '../../src/store';
import { LOCK_SPACE, LOCKS } from '../../src/store/postgres/db';
import {
  blockKeys,
  dayKeys,
  migrate,
  MIGRATIONS,
  SEQ_BLOCK_SIZE,
  utcDay,
} from '../../src/store/postgres/migrations';
import { PostgresStore } from '../../src/store/postgres/postgres-store';
import { RANKED_MATCHES_MAX } from '../../src/store/ranking';
import type { MemberRef } from '../../src/store/store';
import { minimalPaper as paper } from '../support/papers';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { describeAlertStoreContract } from './alert-contract';
import { describeSearchContract, query } from './search-contract';
import { describeStoreContract, type OpenedStore } from './store-contract';

// One database for the file, emptied before each test; a second one where a test needs a
// database no store has opened yet.
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

async function openPostgres(): Promise<OpenedStore> {
  await db.reset();
  const store = await PostgresStore.open(db.url);
  return { store, cleanup: () => store.close() };
}

describeStoreContract('PostgreSQL', openPostgres);
describeSearchContract('PostgreSQL', openPostgres);
describeAlertStoreContract('PostgreSQL', openPostgres);

const T0 = new Date('2025-06-02T10:00:00.000Z');
const ADA: MemberRef = { workspaceId: 'T1', userId: 'U_ADA' };
const BOB: MemberRef = { workspaceId: 'T1', userId: 'U_BOB' };

/** Runs `fn` on a connection of its own to `url` (another "process"), then closes it. */
async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function count(table: string): Promise<number> {
  return withClient(db.url, async (client) => {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    return rows[0]?.n ?? 0;
  });
}

/** Resolves after `ms` with `'pending'`: racing it against a promise says whether that one waits. */
const pendingAfter = (ms: number) =>
  new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms));

describe('PostgresStore (PostgreSQL specifics)', () => {
  const opened: PostgresStore[] = [];

  /** A store of its own pool: two of them behave as two processes would. */
  const open = async (url = db.url): Promise<PostgresStore> => {
    const store = await PostgresStore.open(url);
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    await db.reset();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  describe('opening', () => {
    it('is what openStore opens for postgres:// and postgresql:// URLs', async () => {
      for (const url of [db.url, db.url.replace(/^postgres:/, 'postgresql:')]) {
        const store = await openStore(url);
        opened.push(store as PostgresStore);
        expect(store).toBeInstanceOf(PostgresStore);
      }
    });

    it('applies the migrations once when several processes open a new database at once', async () => {
      const fresh = await createTestDatabase();
      try {
        const stores = await Promise.all([1, 2, 3, 4].map(() => open(fresh.url)));
        const versions = await withClient(fresh.url, async (client) => {
          const { rows } = await client.query<{ version: number }>(
            'SELECT version FROM schema_migrations ORDER BY version',
          );
          return rows.map((row) => row.version);
        });
        expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
        // Nothing left to apply, and every store works on the one schema.
        const pool = new Pool({ connectionString: fresh.url });
        try {
          expect(await migrate(pool)).toEqual([]);
        } finally {
          await pool.end();
        }
        await stores[0]?.upsertPapers([paper('2506.00001')], T0);
        expect((await stores[3]?.getPaper('2506.00001'))?.id).toBe('2506.00001');
      } finally {
        await Promise.all(opened.splice(0).map((store) => store.close()));
        await fresh.drop();
      }
    });

    it('says plainly, as a StartupError, that a database cannot be reached, password left out', async () => {
      const failed = PostgresStore.open('postgres://paperboy:s3cret@127.0.0.1:1/paperboy');
      await expect(failed).rejects.toBeInstanceOf(StartupError);
      await expect(failed).rejects.toThrow(/PostgreSQL database at 127\.0\.0\.1:1\/paperboy/);
      await expect(failed).rejects.not.toThrow(/s3cret/);
    });

    it('searches without folding accents where unaccent cannot be installed', async () => {
      // A role that may create tables but not extensions (no CREATE on the database).
      const fresh = await createTestDatabase();
      const role = `${fresh.name}_owner`;
      const password = randomBytes(9).toString('hex');
      await withClient(fresh.url, async (client) => {
        await client.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
        await client.query(`GRANT CREATE ON SCHEMA public TO ${role}`);
      });
      try {
        const url = new URL(fresh.url);
        url.username = role;
        url.password = password;
        const store = await open(url.toString());
        await store.upsertPapers(
          [paper('2506.00001', { title: 'Naïve tokenizers', authors: ['José Núñez'] })],
          T0,
        );
        const found = async (text: string) =>
          (await store.search('T1', query(text), { offset: 0, limit: 5 }, T0)).hits.length;
        expect(await found('tokenizer')).toBe(1);
        expect(await found('naïve')).toBe(1);
        expect(await found('author:"josé núñez"')).toBe(1);
        expect(await found('naive')).toBe(0);
      } finally {
        await Promise.all(opened.splice(0).map((store) => store.close()));
        await fresh.drop();
        await withClient(db.url, (client) => client.query(`DROP ROLE IF EXISTS ${role}`));
      }
    });
  });

  describe('full-text index', () => {
    it('follows a paper’s title and authors, and a refresh that changes nothing writes nothing', async () => {
      const store = await open();
      const ids = async (text: string) =>
        (await store.search('T1', query(text), { offset: 0, limit: 5 }, T0)).hits.map(
          (hit) => hit.paper.id,
        );
      const first = paper('2506.00001', {
        title: 'A Better Tokenizer for Code',
        authors: ['Wei Li', 'Ana Souza'],
        hfUpvotes: 1,
      });
      await store.upsertPapers([first], T0);
      const version = () =>
        withClient(db.url, async (client) => {
          const { rows } = await client.query<{ xmin: string }>('SELECT xmin FROM papers');
          return rows[0]?.xmin;
        });
      const written = await version();
      await store.upsertPapers([first], T0);
      expect(await version()).toBe(written);

      await store.upsertPapers(
        [{ ...first, title: 'Byte Models for Code', authors: ['Li Zhang'], hfUpvotes: 2 }],
        T0,
      );
      expect(await version()).not.toBe(written);
      expect(await ids('tokenizers')).toEqual([]);
      expect(await ids('bytes')).toEqual(['2506.00001']);
      expect(await ids('author:"wei li"')).toEqual([]);
      expect(await ids('author:"li zhang"')).toEqual(['2506.00001']);
      expect(await count('paper_authors')).toBe(1);
    });

    it('searches hostile text as data, whatever reaches it', async () => {
      const store = await open();
      await store.upsertPapers(
        [
          paper('2506.00001', { title: 'Drop table papers, a survey' }),
          paper('2506.00002', { title: 'Beyond a & b: the c operator' }),
        ],
        T0,
      );
      const hostile = [
        "'; DROP TABLE papers; --",
        'a & b | !c',
        ':*',
        '<->',
        '<2>',
        '!!',
        "''",
        '\\',
        'x:A',
        '((',
        'token:*B',
        '$1',
        '\u0000',
      ];
      // Straight to the store, as words the parser would never give: each is still only text.
      const raw = (words: string[]): SearchQuery => ({
        include: words.map((word) => [word]),
        exclude: [],
        authors: [],
        sort: 'relevance',
      });
      for (const text of hostile) {
        await store.search('T1', raw([text]), { offset: 0, limit: 5 }, T0);
        await store.search(
          'T1',
          { ...raw([]), exclude: [[text]], authors: [[text]], since: T0 },
          { offset: 0, limit: 5 },
          T0,
        );
      }
      // As typed in Slack, through the parser.
      const ids = async (text: string) =>
        (await store.search('T1', query(text), { offset: 0, limit: 5 }, T0)).hits.map(
          (hit) => hit.paper.id,
        );
      expect(await ids("'; DROP TABLE papers; --")).toEqual(['2506.00001']);
      expect(await ids('a & b | !c')).toEqual(['2506.00002']);
      expect(await ids('operator -"<->" sort:new')).toEqual(['2506.00002']);
      expect(await count('papers')).toBe(2);
    });

    it('ranks the newest matches when more match than it ranks, and says the total is a lower bound', async () => {
      const store = await open();
      const papers = Array.from({ length: RANKED_MATCHES_MAX + 20 }, (_, i) =>
        paper(`2506.${String(i + 1).padStart(5, '0')}`, {
          title: i === 0 ? 'Common ground, the oldest and best title match' : `Paper ${i}`,
          abstract: 'A common word in every abstract.',
          publishedAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000),
        }),
      );
      await store.upsertPapers(papers, T0);
      const now = new Date('2025-06-01T00:00:00Z');
      const broad = await store.search('T1', query('common'), { offset: 0, limit: 5 }, now);
      expect(broad).toMatchObject({ total: RANKED_MATCHES_MAX, capped: true });
      expect(broad.hits.map((hit) => hit.paper.id)).not.toContain('2506.00001');
      // A filter narrows the candidates before they are cut: the old paper is found again.
      const dated = await store.search(
        'T1',
        query('common until:2025-01-01'),
        { offset: 0, limit: 5 },
        now,
      );
      expect(dated).toMatchObject({ total: 24, capped: false });
      expect(dated.hits[0]?.paper.id).toBe('2506.00001');
      // By votes, the most voted matches are ranked however old they are.
      await store.upsertPapers([{ ...papers[0]!, hfUpvotes: 999 }], T0);
      await store.toggleVote('T1', '2506.00002', 'U1', T0);
      const byVotes = await store.search(
        'T1',
        query('common sort:votes'),
        { offset: 0, limit: 2 },
        now,
      );
      expect(byVotes.hits.map((hit) => hit.paper.id)).toEqual(['2506.00002', '2506.00001']);
    });

    it('asks for a range of blocks or days by whole spans and edges, which find exactly its papers', async () => {
      await open();
      // Every range within the first 40 blocks (and two before the first), and within 40 days from
      // an arbitrary one, against the first and last paper of each block and day: a paper is found
      // exactly when its block, or its day, is in the range.
      const day0 = 20_005;
      const wrong = await withClient(db.url, async (client) => {
        const { rows } = await client.query<{ first: number; last: number; unit: number }>(
          `SELECT w.first, w.last, u.unit
           FROM (SELECT first, last, ${blockKeys('first', 'last')} AS blocks,
                   ${dayKeys(`first + ${day0}`, `last + ${day0}`)} AS days
                 FROM generate_series(-2, 40) AS first, generate_series(0, 40) AS last
                 WHERE first <= last) AS w
           CROSS JOIN generate_series(0, 42) AS u (unit)
           CROSS JOIN (VALUES (0, 0), (${SEQ_BLOCK_SIZE - 1}, 86399)) AS o (seq_offset, second)
           CROSS JOIN LATERAL (SELECT paperboy_search_keys(
               u.unit::bigint * ${SEQ_BLOCK_SIZE} + o.seq_offset,
               to_timestamp((${day0} + u.unit) * 86400 + o.second)) AS keys) AS k
           WHERE (w.blocks && k.keys) <> (u.unit BETWEEN w.first AND w.last)
             OR (w.days && k.keys) <> (u.unit BETWEEN w.first AND w.last)`,
        );
        return rows;
      });
      expect(wrong).toEqual([]);
      // The day is UTC's, whatever the session's time zone.
      const days = await withClient(db.url, async (client) => {
        await client.query("SET TIME ZONE 'Pacific/Kiritimati'");
        const { rows } = await client.query<{ day: number }>(
          `SELECT ${utcDay(`'2025-06-01T23:59:59Z'::timestamptz`)} AS day`,
        );
        return rows.map((row) => row.day);
      });
      expect(days).toEqual([Date.UTC(2025, 5, 1) / 86_400_000]);
    });

    it('finds the newest matches across blocks of papers, for common, sparse and rare words', async () => {
      const store = await open();
      // Three blocks and a bit, numbered in the order they are first seen (and published).
      const count = 3 * SEQ_BLOCK_SIZE + 100;
      const words = (i: number) =>
        ['common', i % 5 === 0 ? 'sparse' : '', [3, 1500, count - 70].includes(i) ? 'rare' : '']
          .filter(Boolean)
          .join(' ');
      const papers = Array.from({ length: count }, (_, i) =>
        paper(`2506.${String(i + 1).padStart(5, '0')}`, {
          title: `Paper ${i}`,
          abstract: `A ${words(i)} abstract.`,
          publishedAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000),
        }),
      );
      await store.upsertPapers(papers, T0);
      const now = new Date('2025-06-01T00:00:00Z');
      const found = async (text: string) => {
        const ids: string[] = [];
        let results;
        for (let offset = 0; offset < RANKED_MATCHES_MAX; offset += 100) {
          results = await store.search('T1', query(text), { offset, limit: 100 }, now);
          ids.push(...results.hits.map((hit) => hit.paper.id));
        }
        return { ids, total: results?.total, capped: results?.capped };
      };
      const newest = (word: string, n: number) =>
        papers
          .filter((p) => p.abstract.includes(` ${word} `))
          .reverse()
          .slice(0, n)
          .map((p) => p.id);

      expect(await found('common sort:new')).toEqual({
        ids: newest('common', RANKED_MATCHES_MAX),
        total: RANKED_MATCHES_MAX,
        capped: true,
      });
      // One in five: the newest five hundred span more than two blocks.
      expect(await found('sparse sort:new')).toEqual({
        ids: newest('sparse', RANKED_MATCHES_MAX),
        total: RANKED_MATCHES_MAX,
        capped: true,
      });
      expect(await found('rare sort:new')).toEqual({
        ids: newest('rare', 3),
        total: 3,
        capped: false,
      });
      expect(await found('rare -common')).toEqual({ ids: [], total: 0, capped: false });
      // Dates narrow the matches before they are cut, at either end of first-seen order.
      const published = (from: number, to: number) => (p: Paper) =>
        p.publishedAt.getTime() >= from && p.publishedAt.getTime() < to;
      const lastDay = papers.filter(published(Date.UTC(2025, 0, 3), Infinity));
      expect(await found('common since:2025-01-03 sort:new')).toEqual({
        ids: lastDay.map((p) => p.id).reverse(),
        total: lastDay.length,
        capped: false,
      });
      const firstDay = papers.filter(published(0, Date.UTC(2025, 0, 2)));
      expect(await found('sparse until:2025-01-01 sort:new')).toEqual({
        ids: firstDay
          .filter((p) => p.abstract.includes(' sparse '))
          .map((p) => p.id)
          .reverse(),
        total: firstDay.filter((p) => p.abstract.includes(' sparse ')).length,
        capped: false,
      });
    });
  });

  describe('two processes at once', () => {
    it('record one delivery of a paper in a channel, and both get it back', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      await a.upsertPapers([paper('2506.00001')], T0);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? a : b).recordDelivery({
            workspaceId: 'T1',
            channelId: 'C1',
            paperId: '2506.00001',
            messageTs: `1717322400.${String(i).padStart(6, '0')}`,
            postedAt: new Date(T0.getTime() + i),
          }),
        ),
      );
      const stored = await a.findDelivery({ workspaceId: 'T1', channelId: 'C1' }, '2506.00001');
      for (const result of results) expect(result).toEqual(stored);
      expect(await count('deliveries')).toBe(1);
    });

    it('insert a new paper once: only one of them reports it as inserted', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const batch = ['2506.00003', '2506.00001', '2506.00002'].map((id) => paper(id));
      const results = await Promise.all([
        a.upsertPapers(batch, T0),
        b.upsertPapers([...batch].reverse(), T0),
      ]);
      const inserted = results.flatMap((result) => result.inserted).sort();
      const updated = results.flatMap((result) => result.updated).sort();
      expect(inserted).toEqual(['2506.00001', '2506.00002', '2506.00003']);
      expect(updated).toEqual(inserted);
    });

    it('start one alert run for a member: the other gets that run back, not fresh', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      await a.upsertPapers([paper('2506.00001'), paper('2506.00002')], T0);
      await a.recordAlertMatches(
        ['2506.00001', '2506.00002'].map((paperId) => ({ ...ADA, paperId, keywords: ['x'] })),
        T0,
      );
      const runs = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? a : b).startAlertRun(ADA, `poll-${i}`, new Date(T0.getTime() + 1000)),
        ),
      );
      expect(runs.filter((run) => run?.fresh)).toHaveLength(1);
      const key = runs.find((run) => run?.fresh)?.key;
      for (const run of runs) {
        expect(run?.key).toBe(key);
        expect(run?.matches.map((m) => m.paperId)).toEqual(['2506.00001', '2506.00002']);
      }
      expect(await count('alert_runs')).toBe(1);
    });

    it('start one digest for a channel and day', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const channel = { workspaceId: 'T1', channelId: 'C1' };
      const runs = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? a : b).startDigest(channel, '2025-06-02', [`2506.0000${i}`], T0),
        ),
      );
      expect(runs.filter((run) => run.fresh)).toHaveLength(1);
      const listed = runs.find((run) => run.fresh)?.paperIds;
      for (const run of runs) expect(run.paperIds).toEqual(listed);
    });

    it('hold a member’s keyword limit', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? a : b).addKeywords(ADA, [`k${i}a`, `k${i}b`], 5, T0),
        ),
      );
      expect(results.flatMap((result) => result.added)).toHaveLength(5);
      const keywords = await a.keywordsOf(ADA);
      expect(keywords).toHaveLength(5);
      expect(new Set(keywords).size).toBe(5);
    });

    it('count a Slack event once, and a user’s vote once per click', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const seen = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).markEventSeen('Ev1', T0)),
      );
      expect(seen.filter(Boolean)).toHaveLength(1);

      await a.upsertPapers([paper('2506.00001')], T0);
      const clicks = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          (i % 2 ? a : b).toggleVote('T1', '2506.00001', 'U1', T0),
        ),
      );
      expect(clicks.filter((click) => click.voted)).toHaveLength(2);
      expect(await b.countVotes('T1', '2506.00001')).toBe(0);
    });

    it('never let a reader of subscriber changes skip one committed later with a lower revision', async () => {
      const [writer, reader] = await Promise.all([open(), open()]);
      await writer.addKeywords(ADA, ['tokenizer'], 50, T0);
      const { revision } = await reader.subscribersChangedSince(0);

      // Another process has taken its revision for ADA and not committed yet.
      const slow = new Client({ connectionString: db.url });
      await slow.connect();
      try {
        await slow.query('BEGIN');
        await slow.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, LOCKS.alertRevision]);
        await slow.query(
          `UPDATE alert_members SET revision = nextval('alert_revisions')
           WHERE workspace_id = $1 AND user_id = $2`,
          [ADA.workspaceId, ADA.userId],
        );
        // BOB's change must not take (and commit) a higher number meanwhile: it waits.
        const bob = writer.addKeywords(BOB, ['mamba'], 50, T0);
        expect(await Promise.race([bob, pendingAfter(200)])).toBe('pending');
        expect((await reader.subscribersChangedSince(revision)).subscribers).toEqual([]);
        await slow.query('COMMIT');
        await bob;
      } finally {
        await slow.end();
      }
      const later = await reader.subscribersChangedSince(revision);
      expect(later.subscribers.map((s) => s.userId)).toEqual([ADA.userId, BOB.userId]);
    });

    it('keep a reader of subscriber changes in step with writers racing in two processes', async () => {
      const [a, b, reader] = await Promise.all([open(), open(), open()]);
      const members = Array.from({ length: 5 }, (_, i) => ({ workspaceId: 'T1', userId: `U${i}` }));
      const mirror = new Map<string, string[]>();
      let revision = 0;
      const catchUp = async () => {
        const changes = await reader.subscribersChangedSince(revision);
        for (const s of changes.subscribers) mirror.set(s.userId, s.keywords);
        revision = changes.revision;
      };
      let writing = true;
      const following = (async () => {
        while (writing) await catchUp();
      })();
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const store = i % 2 ? a : b;
          const member = members[i % members.length]!;
          return i % 3 === 2
            ? store.removeKeywords(member, [`w${i - 1}`, `w${i - 2}`])
            : store.addKeywords(member, [`w${i}`], 50, T0);
        }),
      );
      writing = false;
      await following;
      await catchUp();
      for (const member of members) {
        expect(mirror.get(member.userId) ?? []).toEqual(await a.keywordsOf(member));
      }
    });
  });
});
