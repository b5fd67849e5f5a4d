import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parseSearchQuery, type SearchQuery, type Terms } from '../src/domain/search-query';
import { SqliteStore } from '../src/store/sqlite/sqlite-store';
import type { Store } from '../src/store/store';
import { generateCorpus, generateQueries } from './corpus';

export interface SearchFigures extends StoreFigures {
  naiveQueries: number;
  naiveP50Ms: number;
  naiveP99Ms: number;
}

const NOW = new Date('2026-11-01T00:00:00Z');
const PAGE = { offset: 0, limit: 5 };
const INGEST_BATCH = 5_000;

function percentile(sortedMs: readonly number[], p: number): number {
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)] ?? 0;
}

function timed(run: () => unknown): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function timedAsync(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * What search would be without an index: every word a `LIKE '%word%'` over title, abstract and
 * authors, every paper read. The same filters, page size and total count, newest first (a scan
 * cannot rank).
 */
function naiveSearch(db: Database.Database, query: SearchQuery): unknown[] {
  const params: Array<string | number> = [];
  const anywhere = (terms: Terms) => {
    const pattern = `%${terms.join(' ')}%`;
    params.push(pattern, pattern, pattern);
    return '(title LIKE ? OR abstract LIKE ? OR authors LIKE ?)';
  };
  const where = [
    ...query.include.map(anywhere),
    ...query.exclude.map((terms) => `NOT ${anywhere(terms)}`),
    ...query.authors.map((name) => {
      params.push(`%${name.join(' ')}%`);
      return 'authors LIKE ?';
    }),
  ];
  if (query.since) {
    where.push('published_at >= ?');
    params.push(query.since.getTime());
  }
  if (query.until) {
    where.push('published_at < ?');
    params.push(query.until.getTime());
  }
  return db
    .prepare(
      `SELECT id, title, COUNT(*) OVER () AS total FROM papers
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY published_at DESC LIMIT 5`,
    )
    .all(...params);
}

/** Ingest and search figures of one store over the generated corpus. */
export interface StoreFigures {
  papers: number;
  ingestMs: number;
  /** Queries that matched more papers than are ranked. */
  capped: number;
  queries: number;
  p50Ms: number;
  p99Ms: number;
}

/** The generated corpus and queries every store is measured on: the same in every run. */
function workload(count: number, queryCount: number) {
  const corpus = generateCorpus(count, { seed: 7 });
  const queries = generateQueries(queryCount, { seed: 11 }).flatMap((text) => {
    const parsed = parseSearchQuery(text, { now: NOW, timeZone: 'UTC' });
    return parsed.ok ? [parsed.query] : [];
  });
  return { corpus, queries };
}

/**
 * Ingests `count` generated papers into an empty store (in batches, as polls do) and times
 * `queryCount` searches on it, after a warm-up (a running app has warm caches).
 */
export async function measureStore(
  store: Store,
  count: number,
  queryCount: number,
): Promise<StoreFigures & { queryList: SearchQuery[] }> {
  const { corpus, queries } = workload(count, queryCount);
  let ingestMs = 0;
  for (let i = 0; i < corpus.length; i += INGEST_BATCH) {
    const batch = corpus.slice(i, i + INGEST_BATCH);
    ingestMs += await timedAsync(() => store.upsertPapers(batch, NOW));
  }
  for (const query of queries.slice(0, 20)) await store.search('T', query, PAGE, NOW);
  const times: number[] = [];
  let capped = 0;
  for (const query of queries) {
    times.push(
      await timedAsync(async () => {
        if ((await store.search('T', query, PAGE, NOW)).capped) capped += 1;
      }),
    );
  }
  times.sort((a, b) => a - b);
  return {
    papers: corpus.length,
    ingestMs: Math.round(ingestMs),
    capped,
    queries: times.length,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    queryList: queries,
  };
}

/**
 * Search latency over a generated corpus (`count` papers drawn from the fixture's vocabulary):
 * `Store.search` (FTS5) for `queryCount` queries, and the naive `LIKE` scan for a sample of them,
 * in the same run on the same file.
 */
export async function measureSearch(
  count: number,
  queryCount: number,
  naiveCount: number,
): Promise<SearchFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-'));
  const file = path.join(dir, 'search.db');
  const store = SqliteStore.open(file);
  const naive = new Database(file, { readonly: true });
  try {
    const { queryList, ...figures } = await measureStore(store, count, queryCount);
    const naiveTimes = queryList
      .slice(0, naiveCount)
      .map((query) => timed(() => naiveSearch(naive, query)));
    naiveTimes.sort((a, b) => a - b);
    return {
      ...figures,
      naiveQueries: naiveTimes.length,
      naiveP50Ms: percentile(naiveTimes, 50),
      naiveP99Ms: percentile(naiveTimes, 99),
    };
  } finally {
    naive.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
