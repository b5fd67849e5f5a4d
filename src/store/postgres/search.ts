import type { Pool } from 'pg';
import type { SearchQuery, Terms } from '../../domain/search-query';
import { leadingSnippet, MATCH_END, MATCH_START, SNIPPET_WORDS, snippetParts } from '../snippet';
import type { PageRequest, SearchResults, SnippetPart } from '../store';
import {
  RANKED_MATCHES_MAX,
  RECENCY_BOOST,
  RECENCY_FADE_MS,
  TEAM_VOTE_WEIGHT,
  VOTES_BOOST,
} from '../ranking';
import {
  blockKeys,
  dayKeys,
  NAMES_CONFIG,
  nfkc,
  SEARCH_CONFIG,
  SEQ_BLOCK_SIZE,
  seqBlock,
  utcDay,
} from './migrations';
import { paperColumns, rowToPaper, type PaperRow } from './rows';

/**
 * Relevance: `ts_rank` with field weights (for D abstract, C authors, B keywords, A title), so that
 * a title match outranks an abstract match, divided by 1 + log(length) (normalization 1) so that
 * a long abstract does not win by length alone; then the SQLite adapter's boosts, each at most a
 * few tens of percent, for votes (HF upvotes plus team votes, which count more) and for recency
 * (fading over about a month). `ts_rank` rather than `ts_rank_cd`: each further occurrence of a
 * word counts less, as in SQLite's BM25, where cover density keeps adding them up. On the fixture
 * corpus it picks SQLite's first result for 21 of 26 queries, `ts_rank_cd` for 14.
 */
const RANK_WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';
const RANK_NORMALIZATION = 1;
const RECENCY_FADE_SECONDS = RECENCY_FADE_MS / 1000;
/** `ts_headline` options: about a line around the best match, matched words between markers. */
const HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxFragments=1, MaxWords=${SNIPPET_WORDS}, MinWords=${SNIPPET_WORDS / 2}, ShortWord=2`;

/** Positional parameters: every value a user typed reaches PostgreSQL as one of these, never as SQL. */
class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A term as a tsquery: `phraseto_tsquery` reads its words as plain text (no operator, quote or
 * `:*` means anything to it, so no input is a syntax error), stems them, and joins them with
 * `<->` (followed by), skipping stop words with the right distance. A one-word term is its lexeme.
 */
function termQuery(params: Params, config: string, words: Terms): string {
  // NUL is the one character PostgreSQL text cannot hold; the parser drops it, a caller may not.
  return `phraseto_tsquery('${config}', ${params.add(words.join(' ').replace(/\0/g, ' '))})`;
}

/**
 * The included terms ANDed and the excluded ones ORed, as tsquery text PostgreSQL wrote itself
 * (every lexeme quoted), or undefined when a side has no lexemes: no terms, or only stop words
 * (`the`, `of`), which `english` does not index. Such a side then does not constrain the search.
 */
async function textQueries(
  pool: Pool,
  query: SearchQuery,
): Promise<{ include?: string; exclude?: string }> {
  if (query.include.length === 0 && query.exclude.length === 0) return {};
  const params = new Params();
  const side = (terms: readonly Terms[], join: '&&' | '||') =>
    terms.length === 0
      ? 'NULL'
      : `(${terms.map((words) => termQuery(params, SEARCH_CONFIG, words)).join(` ${join} `)})::text`;
  const { rows } = await pool.query<{ include: string | null; exclude: string | null }>(
    `SELECT ${side(query.include, '&&')} AS include, ${side(query.exclude, '||')} AS exclude`,
    params.values,
  );
  const row = rows[0];
  return { include: row?.include || undefined, exclude: row?.exclude || undefined };
}

type SearchRow = PaperRow & {
  total: number;
  team_votes: number | null;
  marked: string | null;
};

/** The headline's parts, with `…` where it cuts into the abstract, as FTS5's `snippet()` writes it. */
function headlineSnippet(marked: string, abstract: string): SnippetPart[] {
  const text = marked.split(MATCH_START).join('').split(MATCH_END).join('');
  const whole = abstract.normalize('NFKC');
  return snippetParts(
    `${whole.startsWith(text) ? '' : '…'}${marked}${whole.endsWith(text) ? '' : '…'}`,
  );
}

/**
 * The newest matches of a search with words, at most `cap` of them, newest first.
 *
 * Ordering every match by `seq` reads each one from the table: a query as broad as `model` (most
 * papers) would read them all to keep the newest few hundred. Walking `seq` down from the newest
 * paper instead, testing each, reads the whole table for a rare word. So the text index is asked
 * for the words within a window of blocks of papers (`search_keys`, see the migration), newest
 * first: the one or two blocks holding the newest thousand papers, then older windows, each as
 * large as the matches found so far say is needed for the rest (and a quarter more), at most three
 * times what was searched so far, until there are enough or the first block is done. The index
 * answers the words and the blocks together, so a window costs what its matches cost, never the
 * whole table: a broad query is done in the first window, a rare one takes a handful of lookups.
 * Dates are asked of the index likewise, as the days they span, so that `since:7d` does not read
 * every older match of its words on the way down; the exact bounds are checked in the table.
 *
 * One statement, so one snapshot: `max(seq)` and the windows agree. A window's matches are taken
 * unordered, so that the plan is the index's whatever the statistics (an `ORDER BY seq` would
 * tempt the planner to walk the `seq` index through every newer window first), and sorted at the end.
 */
function newestMatches(
  where: string,
  cap: string,
  dates: { since?: string; until?: string },
): string {
  // Blocks searched so far, and how many more the matches found so far call for.
  const searched = 'top.block + 1 - w.lo';
  const wanted = `CASE WHEN w.found = 0 THEN 3 * (${searched})
    ELSE (${cap} - w.found) * (${searched}) * 5 / (4 * w.found) + 1 END`;
  // The days asked for, within those any paper was published on (`until` is exclusive: its own
  // day is one too many at worst, which the exact bound in `where` leaves out).
  const dated = dates.since !== undefined || dates.until !== undefined;
  const firstDay = utcDay('min(published_at)');
  const lastDay = utcDay('max(published_at)');
  const days = dayKeys(
    dates.since ? `GREATEST(${utcDay(dates.since)}, ${firstDay})` : firstDay,
    dates.until ? `LEAST(${utcDay(dates.until)}, ${lastDay})` : lastDay,
  );
  return `WITH RECURSIVE
    top AS (
      SELECT ${seqBlock('COALESCE(max(seq), 0)')} AS block,
        ${seqBlock(`(COALESCE(max(seq), 0) - ${SEQ_BLOCK_SIZE - 1})`)} AS first,
        ${dated ? days : 'NULL::integer[]'} AS days
      FROM papers),
    -- Each row a window searched: its first block, the matches found so far, its own matches.
    windows (lo, found, seqs) AS (
      SELECT block + 1, 0, '{}'::bigint[] FROM top
      UNION ALL
      SELECT m.lo, w.found + cardinality(m.seqs), m.seqs
      FROM windows w CROSS JOIN top CROSS JOIN LATERAL (
        SELECT n.lo, ARRAY(
          SELECT p.seq FROM papers p ${where} AND p.search_keys && n.blocks
            ${dated ? 'AND p.search_keys && top.days' : ''}) AS seqs
        FROM (
          SELECT l.lo, ${blockKeys('l.lo', 'w.lo - 1')} AS blocks
          FROM (SELECT LEAST(top.first, w.lo - LEAST(${wanted}, 3 * (${searched}))) AS lo) l
          -- Computed once: pulled up, it would be computed again for every row the index returns.
          OFFSET 0
        ) n
        -- Likewise for the matches, used twice.
        OFFSET 0
      ) m
      WHERE w.found < ${cap} AND w.lo > 0
    )
  SELECT s.seq FROM windows w CROSS JOIN LATERAL unnest(w.seqs) AS s (seq)
  ORDER BY s.seq DESC LIMIT ${cap}`;
}

/** See `Store.search`. */
export async function searchPapers(
  pool: Pool,
  workspaceId: string,
  query: SearchQuery,
  page: PageRequest,
  now: Date,
): Promise<SearchResults> {
  const { include, exclude } = await textQueries(pool, query);
  const params = new Params();
  const workspace = params.add(workspaceId);
  const includeQuery = include ? `${params.add(include)}::tsquery` : undefined;

  // Filters apply while candidates are gathered, so the newest matches are newest *filtered* ones.
  const filters: string[] = [];
  if (includeQuery) {
    // One tsquery (`a & !b`), which the GIN index answers whole.
    filters.push(
      exclude
        ? `p.search_vector @@ (${includeQuery} && !!${params.add(exclude)}::tsquery)`
        : `p.search_vector @@ ${includeQuery}`,
    );
  } else if (exclude) {
    filters.push(`NOT (p.search_vector @@ ${params.add(exclude)}::tsquery)`);
  }
  for (const name of query.authors) {
    filters.push(`p.id IN (SELECT paper_id FROM paper_authors
      WHERE name_vector @@ ${termQuery(params, NAMES_CONFIG, name)})`);
  }
  const since = query.since ? `${params.add(query.since)}::timestamptz` : undefined;
  const until = query.until ? `${params.add(query.until)}::timestamptz` : undefined;
  if (since) filters.push(`p.published_at >= ${since}`);
  if (until) filters.push(`p.published_at < ${until}`);
  const where = `WHERE ${filters.length ? filters.join(' AND ') : 'TRUE'}`;

  // One more than are ranked: whether there were more is then known without counting them.
  const cap = params.add(RANKED_MATCHES_MAX + 1);
  const candidates =
    includeQuery && query.sort === 'votes'
      ? // By votes, the candidates are the most voted matches: the team's, then HF's, however old.
        `SELECT p.seq FROM papers p ${where}
           AND p.id IN (SELECT paper_id FROM votes WHERE workspace_id = ${workspace})
         UNION
         SELECT seq FROM (SELECT p.seq FROM papers p ${where}
           ORDER BY p.hf_upvotes DESC NULLS LAST LIMIT ${cap}) most_upvoted`
      : includeQuery && query.authors.length === 0
        ? newestMatches(where, cap, { since, until })
        : // No words, or an author, whose papers are few: those that pass every filter, newest first.
          `SELECT p.seq FROM papers p ${where} ORDER BY p.seq DESC LIMIT ${cap}`;

  const teamVotes = 'COALESCE(v.n, 0)';
  // Built only when ranked by: every parameter added must appear in the statement.
  const relevance = () =>
    `ts_rank('${RANK_WEIGHTS}', p.search_vector, ${includeQuery}, ${RANK_NORMALIZATION})
    * (1 + ${VOTES_BOOST} * ln(1 + COALESCE(p.hf_upvotes, 0) + ${TEAM_VOTE_WEIGHT} * ${teamVotes}))
    * (1 + ${RECENCY_BOOST} * exp(-GREATEST(
        EXTRACT(EPOCH FROM ${params.add(now)}::timestamptz - p.published_at)::float8, 0)
        / ${RECENCY_FADE_SECONDS}))`;
  const order =
    query.sort === 'votes'
      ? `${teamVotes} DESC, COALESCE(p.hf_upvotes, 0) DESC, p.published_at DESC`
      : query.sort === 'relevance' && includeQuery
        ? `${relevance()} DESC, p.published_at DESC`
        : // Without words there is no relevance to rank by: newest first.
          'p.published_at DESC';
  const headline = includeQuery
    ? `ts_headline('${SEARCH_CONFIG}', ${nfkc('p.abstract')}, ${includeQuery}, ${params.add(HEADLINE_OPTIONS)})`
    : 'NULL';

  // Always one row, carrying the total, even for a page past the end; the page's papers (if any)
  // with their snippets, which are only computed for them.
  const { rows } = await pool.query<SearchRow>(
    `WITH candidates AS MATERIALIZED (${candidates}),
     ranked AS (
       SELECT p.seq, ${teamVotes}::int AS team_votes,
         row_number() OVER (ORDER BY ${order}, p.seq DESC) AS ord
       FROM candidates c JOIN papers p ON p.seq = c.seq
       LEFT JOIN LATERAL (SELECT count(*) AS n FROM votes
         WHERE workspace_id = ${workspace} AND paper_id = p.id) v ON true
     ),
     page AS (
       SELECT * FROM ranked ORDER BY ord LIMIT ${params.add(page.limit)} OFFSET ${params.add(page.offset)}
     )
     SELECT t.total, page.team_votes, ${paperColumns('p')},
       CASE WHEN p.id IS NULL THEN NULL ELSE ${headline} END AS marked
     FROM (SELECT count(*)::int AS total FROM candidates) t
     LEFT JOIN page ON true
     LEFT JOIN papers p ON p.seq = page.seq
     ORDER BY page.ord`,
    params.values,
  );
  const hits = rows
    .filter((row) => row.id !== null)
    .map((row) => {
      const paper = rowToPaper(row);
      // A headline without a marker matched nothing in the abstract: its start, as SQLite gives.
      const marked = row.marked?.includes(MATCH_START) ? row.marked : undefined;
      return {
        paper,
        teamVotes: row.team_votes ?? 0,
        snippet: marked ? headlineSnippet(marked, paper.abstract) : leadingSnippet(paper.abstract),
      };
    });
  const found = rows[0]?.total ?? 0;
  return found > RANKED_MATCHES_MAX
    ? { hits, total: RANKED_MATCHES_MAX, capped: true }
    : { hits, total: found, capped: false };
}
