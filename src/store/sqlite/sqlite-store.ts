import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isFeedId, type FeedId } from '../../domain/feed';
import { filtersFromJson, type DailyDigest, type FollowFilters } from '../../domain/follow-filters';
import type { Paper } from '../../domain/paper';
import type { SearchQuery } from '../../domain/search-query';
import { leadingSnippet, MATCH_END, MATCH_START, SNIPPET_WORDS, snippetParts } from '../snippet';
import type {
  ChannelRef,
  Delivery,
  DigestRun,
  Follow,
  PageRequest,
  SearchResults,
  Store,
  TopPaper,
  UpsertResult,
  VoteResult,
} from '../store';
import {
  RANKED_MATCHES_MAX,
  RECENCY_BOOST,
  RECENCY_FADE_MS,
  TEAM_VOTE_WEIGHT,
  VOTES_BOOST,
} from '../ranking';
import { ftsColumnMatch, ftsExpression } from './fts-query';
import { MIGRATIONS, type Migration } from './migrations';
import { DelegatesAlerts } from '../alert-delegation';
import { SqliteAlerts } from './sqlite-alerts';

/**
 * Relevance: BM25 with column weights (title, abstract, authors, keywords), so a title match
 * outranks an abstract match; then the boosts of ranking.ts.
 */
const BM25_WEIGHTS = '10.0, 1.0, 3.0, 2.0';
/** How long a paper a digest used is remembered, so that polls do not hold it again. */
const DIGEST_MEMORY_MS = 14 * 24 * 3600 * 1000;
/** Slack retries an event for minutes; a day of ids is plenty. */
const EVENT_MEMORY_MS = 24 * 3600 * 1000;
/** `v.n`: a paper's team votes in `@workspace` (NULL when none). */
const TEAM_VOTES_JOIN = `LEFT JOIN (SELECT paper_id, COUNT(*) AS n FROM votes
  WHERE workspace_id = @workspace GROUP BY paper_id) v ON v.paper_id = p.id`;

interface PaperRow {
  id: string;
  title: string;
  abstract: string;
  authors: string;
  published_at: number;
  featured_at: number | null;
  hf_upvotes: number | null;
  hf_comments: number | null;
  github_repo: string | null;
  github_stars: number | null;
  project_page: string | null;
  ai_summary: string | null;
  ai_keywords: string | null;
  version: number | null;
  categories: string | null;
}

type SearchRow = PaperRow & { seq: number; team_votes: number; total: number };
type TopRow = PaperRow & { team_votes: number; replies: number; first_posted: number };

interface DeliveryRow {
  workspace_id: string;
  channel_id: string;
  paper_id: string;
  message_ts: string;
  posted_at: number;
  shared_by: string | null;
  share_comment: string | null;
  reply_count: number;
  noted_version: number | null;
  digest: number;
}

function rowToPaper(row: PaperRow): Paper {
  const paper: Paper = {
    id: row.id,
    title: row.title,
    abstract: row.abstract,
    authors: JSON.parse(row.authors) as string[],
    publishedAt: new Date(row.published_at),
  };
  if (row.featured_at !== null) paper.featuredAt = new Date(row.featured_at);
  if (row.hf_upvotes !== null) paper.hfUpvotes = row.hf_upvotes;
  if (row.hf_comments !== null) paper.hfComments = row.hf_comments;
  if (row.github_repo !== null) paper.githubRepo = row.github_repo;
  if (row.github_stars !== null) paper.githubStars = row.github_stars;
  if (row.project_page !== null) paper.projectPage = row.project_page;
  if (row.ai_summary !== null) paper.aiSummary = row.ai_summary;
  if (row.ai_keywords !== null) paper.aiKeywords = JSON.parse(row.ai_keywords) as string[];
  if (row.version !== null) paper.version = row.version;
  if (row.categories !== null) paper.categories = JSON.parse(row.categories) as string[];
  return paper;
}

function rowToDelivery(row: DeliveryRow): Delivery {
  const delivery: Delivery = {
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    paperId: row.paper_id,
    messageTs: row.message_ts,
    postedAt: new Date(row.posted_at),
  };
  if (row.shared_by !== null) delivery.sharedBy = row.shared_by;
  if (row.share_comment !== null) delivery.comment = row.share_comment;
  if (row.reply_count > 0) delivery.replyCount = row.reply_count;
  if (row.noted_version !== null) delivery.notedVersion = row.noted_version;
  if (row.digest) delivery.digest = true;
  return delivery;
}

/**
 * The search filters as SQL over the papers being gathered: in an FTS5 scan (`fts`, by rowid,
 * the match itself included) or over the papers table (`papers`). Values are bound parameters
 * (`@match`, `@exclude`, `@author0…`, `@since`, `@until`), never text.
 */
function candidateFilters(
  query: SearchQuery,
  over: 'fts' | 'papers',
  excludeOutsideMatch: boolean,
): string[] {
  const seq = over === 'fts' ? 'papers_fts.rowid' : 'p.seq';
  const publishedAt =
    over === 'fts'
      ? '(SELECT published_at FROM papers WHERE seq = papers_fts.rowid)'
      : 'p.published_at';
  const filters: string[] = over === 'fts' ? ['papers_fts MATCH @match'] : [];
  if (excludeOutsideMatch) {
    filters.push(`${seq} NOT IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH @exclude)`);
  }
  query.authors.forEach((_, index) => {
    // `+` in an FTS5 scan: a filter, not rowid lookups. Handed to FTS5 as lookups, each would
    // redo bm25()'s statistics over every match (a second for a common word).
    filters.push(
      `${over === 'fts' ? '+' : ''}${seq} IN (SELECT rowid / 4096 FROM author_names WHERE author_names MATCH @author${index})`,
    );
  });
  if (query.since) filters.push(`${publishedAt} >= @since`);
  if (query.until) filters.push(`${publishedAt} < @until`);
  return filters;
}

function whereClause(filters: readonly string[]): string {
  return `WHERE ${filters.length ? filters.join(' AND ') : 'TRUE'}`;
}

/** Applies the migrations not yet applied, in order, under one write lock (several processes may start at once). */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const run = db.transaction(() => {
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
        (row) => row.version,
      ),
    );
    const fresh = migrations.filter((m) => !applied.has(m.version));
    for (const migration of fresh) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    }
    return fresh.map((m) => m.version);
  });
  return run.immediate();
}

/**
 * The embedded store: one SQLite file in WAL mode (readers never wait for the writer). Calls are
 * synchronous underneath; the async contract is for the networked adapters.
 */
export class SqliteStore extends DelegatesAlerts implements Store {
  private readonly db: Database.Database;
  protected readonly alerts: SqliteAlerts;

  private constructor(db: Database.Database) {
    super();
    this.db = db;
    this.alerts = new SqliteAlerts(db);
  }

  /** Opens (creating folders and file as needed) and migrates. `:memory:` works for throwaway stores. */
  static open(filename: string): SqliteStore {
    if (filename !== ':memory:')
      fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
    const db = new Database(filename);
    db.pragma('journal_mode = WAL');
    // Other processes (app and workers) share the file: wait for their write lock rather than fail.
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new SqliteStore(db);
  }

  async upsertPapers(papers: readonly Paper[], seenAt: Date): Promise<UpsertResult> {
    const known = this.db.prepare(
      'SELECT version, hf_upvotes, hf_comments, github_stars FROM papers WHERE id = ?',
    );
    const upsert = this.db.prepare(`
      INSERT INTO papers (id, title, abstract, authors, published_at, featured_at, hf_upvotes,
        hf_comments, github_repo, github_stars, project_page, ai_summary, ai_keywords,
        version, categories, first_seen_at, updated_at)
      VALUES (@id, @title, @abstract, @authors, @publishedAt, @featuredAt, @hfUpvotes,
        @hfComments, @githubRepo, @githubStars, @projectPage, @aiSummary, @aiKeywords,
        @version, @categories, @seenAt, @seenAt)
      ON CONFLICT (id) DO UPDATE SET
        title = excluded.title,
        -- A feed that drops an optional field does not erase what an earlier fetch knew.
        abstract = CASE WHEN excluded.abstract <> '' THEN excluded.abstract ELSE abstract END,
        authors = CASE WHEN excluded.authors <> '[]' THEN excluded.authors ELSE authors END,
        featured_at = COALESCE(excluded.featured_at, featured_at),
        hf_upvotes = COALESCE(excluded.hf_upvotes, hf_upvotes),
        hf_comments = COALESCE(excluded.hf_comments, hf_comments),
        github_repo = COALESCE(excluded.github_repo, github_repo),
        github_stars = COALESCE(excluded.github_stars, github_stars),
        project_page = COALESCE(excluded.project_page, project_page),
        ai_summary = COALESCE(excluded.ai_summary, ai_summary),
        ai_keywords = COALESCE(excluded.ai_keywords, ai_keywords),
        version = NULLIF(max(COALESCE(excluded.version, 0), COALESCE(version, 0)), 0),
        categories = COALESCE(excluded.categories, categories),
        updated_at = excluded.updated_at`);
    const run = this.db.transaction((batch: readonly Paper[]): UpsertResult => {
      const result: UpsertResult = {
        inserted: [],
        updated: [],
        newVersions: [],
        countersChanged: [],
      };
      for (const paper of batch) {
        const before = known.get(paper.id) as
          Pick<PaperRow, 'version' | 'hf_upvotes' | 'hf_comments' | 'github_stars'> | undefined;
        // A counter the feed left out is kept, so only one it reported can have changed.
        const moved = (now: number | undefined, was: number | null) =>
          now !== undefined && now !== was;
        if (
          before &&
          (moved(paper.hfUpvotes, before.hf_upvotes) ||
            moved(paper.hfComments, before.hf_comments) ||
            moved(paper.githubStars, before.github_stars))
        ) {
          result.countersChanged.push(paper.id);
        }
        (before ? result.updated : result.inserted).push(paper.id);
        // Only a known version that grew is news: a first version number is not.
        if (before?.version && paper.version && paper.version > before.version) {
          result.newVersions.push({ id: paper.id, version: paper.version });
        }
        upsert.run({
          id: paper.id,
          title: paper.title,
          abstract: paper.abstract,
          authors: JSON.stringify(paper.authors),
          publishedAt: paper.publishedAt.getTime(),
          featuredAt: paper.featuredAt?.getTime() ?? null,
          hfUpvotes: paper.hfUpvotes ?? null,
          hfComments: paper.hfComments ?? null,
          githubRepo: paper.githubRepo ?? null,
          githubStars: paper.githubStars ?? null,
          projectPage: paper.projectPage ?? null,
          aiSummary: paper.aiSummary ?? null,
          aiKeywords: paper.aiKeywords?.length ? JSON.stringify(paper.aiKeywords) : null,
          version: paper.version ?? null,
          categories: paper.categories?.length ? JSON.stringify(paper.categories) : null,
          seenAt: seenAt.getTime(),
        });
      }
      return result;
    });
    return run.immediate(papers);
  }

  async getPaper(id: string): Promise<Paper | undefined> {
    const row = this.db.prepare('SELECT * FROM papers WHERE id = ?').get(id) as
      PaperRow | undefined;
    return row && rowToPaper(row);
  }

  async getPapers(ids: readonly string[]): Promise<Paper[]> {
    const rows = this.db
      .prepare('SELECT * FROM papers WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as PaperRow[];
    const byId = new Map(rows.map((row) => [row.id, rowToPaper(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async firstSeenSince(ids: readonly string[], since: Date): Promise<string[]> {
    const seen = new Set(
      this.db
        .prepare(
          `SELECT id FROM papers
           WHERE id IN (SELECT value FROM json_each(?)) AND first_seen_at >= ?`,
        )
        .pluck()
        .all(JSON.stringify(ids), since.getTime()) as string[],
    );
    return ids.filter((id) => seen.has(id));
  }

  async follow(
    channel: ChannelRef,
    feed: FeedId,
    at: Date,
    filters: FollowFilters = {},
  ): Promise<'added' | 'updated' | 'unchanged'> {
    const json = JSON.stringify(filters);
    const run = this.db.transaction((): 'added' | 'updated' | 'unchanged' => {
      const current = this.db
        .prepare(
          'SELECT filters FROM follows WHERE workspace_id = ? AND channel_id = ? AND feed = ?',
        )
        .pluck()
        .get(channel.workspaceId, channel.channelId, feed) as string | undefined;
      if (current === json) return 'unchanged';
      if (current !== undefined) {
        this.db
          .prepare(
            'UPDATE follows SET filters = ? WHERE workspace_id = ? AND channel_id = ? AND feed = ?',
          )
          .run(json, channel.workspaceId, channel.channelId, feed);
        // Back to one card per paper: what was held for a digest is not posted later.
        if (!filters.digest) {
          this.db
            .prepare(
              'DELETE FROM digest_items WHERE workspace_id = ? AND channel_id = ? AND feed = ?',
            )
            .run(channel.workspaceId, channel.channelId, feed);
        }
        return 'updated';
      }
      this.db
        .prepare(
          'INSERT INTO follows (workspace_id, channel_id, feed, followed_at, filters) VALUES (?, ?, ?, ?, ?)',
        )
        .run(channel.workspaceId, channel.channelId, feed, at.getTime(), json);
      return 'added';
    });
    return run.immediate();
  }

  async followsOf(channel: ChannelRef): Promise<Follow[]> {
    const rows = this.db
      .prepare(
        'SELECT feed, filters, followed_at FROM follows WHERE workspace_id = ? AND channel_id = ? ORDER BY feed',
      )
      .all(channel.workspaceId, channel.channelId) as Array<{
      feed: string;
      filters: string;
      followed_at: number;
    }>;
    return rows.flatMap((row) =>
      isFeedId(row.feed)
        ? [
            {
              feed: row.feed,
              filters: filtersFromJson(row.filters),
              followedAt: new Date(row.followed_at),
            },
          ]
        : [],
    );
  }

  async followedArxivCategories(): Promise<string[]> {
    const feeds = this.db
      .prepare(`SELECT DISTINCT feed FROM follows WHERE feed LIKE 'arxiv:%' ORDER BY feed`)
      .pluck()
      .all() as string[];
    return feeds.filter(isFeedId).map((feed) => feed.slice('arxiv:'.length));
  }

  async unfollow(channel: ChannelRef, feed: FeedId): Promise<boolean> {
    const run = this.db.transaction(() => {
      // Papers held for this feed's digest go too: following again later must not post them.
      this.db
        .prepare('DELETE FROM digest_items WHERE workspace_id = ? AND channel_id = ? AND feed = ?')
        .run(channel.workspaceId, channel.channelId, feed);
      return this.db
        .prepare('DELETE FROM follows WHERE workspace_id = ? AND channel_id = ? AND feed = ?')
        .run(channel.workspaceId, channel.channelId, feed).changes;
    });
    return run.immediate() > 0;
  }

  async followedFeeds(channel: ChannelRef): Promise<FeedId[]> {
    const feeds = this.db
      .prepare('SELECT feed FROM follows WHERE workspace_id = ? AND channel_id = ? ORDER BY feed')
      .pluck()
      .all(channel.workspaceId, channel.channelId) as string[];
    return feeds.filter(isFeedId);
  }

  async followsIn(workspaceId: string): Promise<Array<{ channelId: string; feed: FeedId }>> {
    const rows = this.db
      .prepare(
        'SELECT channel_id, feed FROM follows WHERE workspace_id = ? ORDER BY channel_id, feed',
      )
      .all(workspaceId) as Array<{ channel_id: string; feed: string }>;
    return rows.flatMap((row) =>
      isFeedId(row.feed) ? [{ channelId: row.channel_id, feed: row.feed }] : [],
    );
  }

  async pendingAnnouncements(
    feed: FeedId,
    paperIds: readonly string[],
  ): Promise<Array<ChannelRef & { paperId: string; filters: FollowFilters; followedAt: Date }>> {
    const rows = this.db
      .prepare(
        `SELECT f.workspace_id, f.channel_id, p.id AS paper_id, f.filters, f.followed_at
         FROM follows f
         JOIN papers p ON p.first_seen_at >= f.followed_at
         LEFT JOIN deliveries d ON d.workspace_id = f.workspace_id
           AND d.channel_id = f.channel_id AND d.paper_id = p.id
         WHERE f.feed = ? AND d.paper_id IS NULL
           AND p.id IN (SELECT value FROM json_each(?))
         ORDER BY COALESCE(p.featured_at, p.published_at), p.id, f.workspace_id, f.channel_id`,
      )
      .all(feed, JSON.stringify(paperIds)) as Array<{
      workspace_id: string;
      channel_id: string;
      paper_id: string;
      filters: string;
      followed_at: number;
    }>;
    return rows.map((row) => ({
      workspaceId: row.workspace_id,
      channelId: row.channel_id,
      paperId: row.paper_id,
      filters: filtersFromJson(row.filters),
      followedAt: new Date(row.followed_at),
    }));
  }

  async toggleVote(
    workspaceId: string,
    paperId: string,
    userId: string,
    at: Date,
  ): Promise<VoteResult> {
    const remove = this.db.prepare(
      'DELETE FROM votes WHERE workspace_id = ? AND paper_id = ? AND user_id = ?',
    );
    const add = this.db.prepare(
      'INSERT INTO votes (workspace_id, paper_id, user_id, voted_at) VALUES (?, ?, ?, ?)',
    );
    const toggle = this.db.transaction((): VoteResult => {
      const voted = remove.run(workspaceId, paperId, userId).changes === 0;
      if (voted) add.run(workspaceId, paperId, userId, at.getTime());
      return { voted, count: this.countVotesNow(workspaceId, paperId) };
    });
    return toggle.immediate();
  }

  async countVotes(workspaceId: string, paperId: string): Promise<number> {
    return this.countVotesNow(workspaceId, paperId);
  }

  private countVotesNow(workspaceId: string, paperId: string): number {
    return this.db
      .prepare('SELECT COUNT(*) FROM votes WHERE workspace_id = ? AND paper_id = ?')
      .pluck()
      .get(workspaceId, paperId) as number;
  }

  async recordDelivery(delivery: Delivery): Promise<Delivery> {
    this.db
      .prepare(
        `INSERT INTO deliveries (workspace_id, channel_id, paper_id, message_ts, posted_at,
           shared_by, share_comment)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(
        delivery.workspaceId,
        delivery.channelId,
        delivery.paperId,
        delivery.messageTs,
        delivery.postedAt.getTime(),
        delivery.sharedBy ?? null,
        delivery.comment ?? null,
      );
    return (await this.findDelivery(delivery, delivery.paperId)) ?? delivery;
  }

  async findDelivery(channel: ChannelRef, paperId: string): Promise<Delivery | undefined> {
    const row = this.db
      .prepare(
        'SELECT * FROM deliveries WHERE workspace_id = ? AND channel_id = ? AND paper_id = ?',
      )
      .get(channel.workspaceId, channel.channelId, paperId) as DeliveryRow | undefined;
    return row && rowToDelivery(row);
  }

  async deliveriesOf(workspaceId: string, paperId: string): Promise<Delivery[]> {
    const rows = this.db
      .prepare(
        'SELECT * FROM deliveries WHERE workspace_id = ? AND paper_id = ? ORDER BY posted_at, channel_id',
      )
      .all(workspaceId, paperId) as DeliveryRow[];
    return rows.map(rowToDelivery);
  }

  async search(
    workspaceId: string,
    query: SearchQuery,
    page: PageRequest,
    now: Date,
  ): Promise<SearchResults> {
    const include = ftsExpression(query.include, 'AND');
    const exclude = ftsExpression(query.exclude, 'OR');
    // FTS5's own NOT is the cheap exclusion; it needs something to exclude from.
    const match = include && exclude ? `(${include}) NOT (${exclude})` : include;
    const params: Record<string, string | number> = {
      workspace: workspaceId,
      now: now.getTime(),
      limit: page.limit,
      offset: page.offset,
      // One more than are ranked: whether there were more is then known without counting them.
      candidates: RANKED_MATCHES_MAX + 1,
    };
    if (match) params['match'] = match;
    if (exclude && !include) params['exclude'] = exclude;
    query.authors.forEach((name, index) => {
      params[`author${index}`] = ftsColumnMatch('name', name);
    });
    if (query.since) params['since'] = query.since.getTime();
    if (query.until) params['until'] = query.until.getTime();
    // Filters apply while candidates are gathered, so the newest matches are newest *filtered* ones.
    const ftsWhere = whereClause(candidateFilters(query, 'fts', Boolean(exclude && !include)));
    const paperFilters = candidateFilters(query, 'papers', Boolean(exclude && !include));
    if (match)
      paperFilters.push('p.seq IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH @match)');
    const paperWhere = whereClause(paperFilters);
    // bm25() first counts, over the whole index, the papers holding each phrase of the match: for a
    // phrase of common words that means checking positions in most papers. The words alone give
    // nearly the same ranking among papers that hold the phrase, for the cost of a doclist scan.
    const rankWith = query.include.some((terms) => terms.length > 1)
      ? ftsExpression(
          [...new Set(query.include.flat())].map((word) => [word]),
          'AND',
        )
      : undefined;
    let candidates: string;
    if (!match) {
      candidates = `SELECT seq, 0.0 AS bm25 FROM papers p ${paperWhere} ORDER BY seq DESC LIMIT @candidates`;
    } else if (query.sort === 'votes') {
      // By votes, the candidates are the most voted matches: the team's, then HF's, however old.
      candidates = `SELECT seq, 0.0 AS bm25 FROM papers p ${paperWhere}
          AND p.id IN (SELECT paper_id FROM votes WHERE workspace_id = @workspace)
        UNION
        SELECT seq, 0.0 AS bm25 FROM (SELECT seq FROM papers p ${paperWhere}
          ORDER BY p.hf_upvotes DESC LIMIT @candidates)`;
    } else if (rankWith) {
      params['rankWith'] = rankWith;
      candidates = `SELECT rowid AS seq, bm25(papers_fts, ${BM25_WEIGHTS}) AS bm25 FROM papers_fts
        WHERE papers_fts MATCH @rankWith AND +rowid IN (
          SELECT rowid FROM papers_fts ${ftsWhere} ORDER BY rowid DESC LIMIT @candidates)
        ORDER BY rowid DESC LIMIT @candidates`;
    } else {
      candidates = `SELECT rowid AS seq, bm25(papers_fts, ${BM25_WEIGHTS}) AS bm25 FROM papers_fts
        ${ftsWhere} ORDER BY rowid DESC LIMIT @candidates`;
    }
    const relevance = `(-m.bm25)
      * (1 + ${VOTES_BOOST} * ln(1 + COALESCE(p.hf_upvotes, 0) + ${TEAM_VOTE_WEIGHT} * team_votes))
      * (1 + ${RECENCY_BOOST} * exp(-max(@now - p.published_at, 0) / ${RECENCY_FADE_MS}.0))`;
    const order =
      query.sort === 'votes'
        ? 'team_votes DESC, COALESCE(p.hf_upvotes, 0) DESC, p.published_at DESC'
        : query.sort === 'relevance' && match
          ? `${relevance} DESC, p.published_at DESC`
          : // Without words there is no relevance to rank by: newest first.
            'p.published_at DESC';
    // Materialized: FTS5 computes bm25() only in a plain scan of its own table.
    const withCandidates = `WITH candidates AS MATERIALIZED (${candidates})`;
    const rows = this.db
      .prepare(
        `${withCandidates}
         SELECT p.*, COALESCE(v.n, 0) AS team_votes, COUNT(*) OVER () AS total
         FROM candidates m JOIN papers p ON p.seq = m.seq
         ${TEAM_VOTES_JOIN}
         ORDER BY ${order}, p.seq DESC
         LIMIT @limit OFFSET @offset`,
      )
      .all(params) as SearchRow[];
    // The cast matters: JavaScript numbers bind as REAL, which FTS5 cannot use to seek by rowid,
    // so it would compute a snippet for every match to keep one.
    const snippet = this.db.prepare(
      `SELECT snippet(papers_fts, 1, '${MATCH_START}', '${MATCH_END}', '…', ${SNIPPET_WORDS})
       FROM papers_fts WHERE papers_fts MATCH ? AND rowid = CAST(? AS INTEGER)`,
    );
    const hits = rows.map((row) => {
      const paper = rowToPaper(row);
      const marked = match
        ? (snippet.pluck().get(match, row.seq) as string | undefined)
        : undefined;
      return {
        paper,
        teamVotes: row.team_votes,
        snippet: marked ? snippetParts(marked) : leadingSnippet(paper.abstract),
      };
    });
    // A page past the end has no row to carry the count: count the candidates alone.
    const found =
      rows[0]?.total ??
      (page.offset > 0
        ? (this.db
            .prepare(`${withCandidates} SELECT COUNT(*) FROM candidates`)
            .pluck()
            .get(params) as number)
        : 0);
    return found > RANKED_MATCHES_MAX
      ? { hits, total: RANKED_MATCHES_MAX, capped: true }
      : { hits, total: found, capped: false };
  }

  async topPapers(
    workspaceId: string,
    since: Date | undefined,
    limit: number,
  ): Promise<TopPaper[]> {
    const rows = this.db
      .prepare(
        `WITH posted AS (
           SELECT paper_id, MIN(posted_at) AS first_posted, SUM(reply_count) AS replies
           FROM deliveries WHERE workspace_id = @workspace GROUP BY paper_id
         )
         SELECT p.*, posted.replies, posted.first_posted, COALESCE(v.n, 0) AS team_votes
         FROM posted JOIN papers p ON p.id = posted.paper_id
         ${TEAM_VOTES_JOIN}
         WHERE posted.first_posted >= @since
         ORDER BY team_votes DESC, posted.replies DESC, COALESCE(p.hf_upvotes, 0) DESC,
           posted.first_posted DESC, p.id
         LIMIT @limit`,
      )
      .all({ workspace: workspaceId, since: since?.getTime() ?? 0, limit }) as TopRow[];
    const firstCard = this.db.prepare(
      `SELECT * FROM deliveries WHERE workspace_id = ? AND paper_id = ?
       ORDER BY posted_at, channel_id LIMIT 1`,
    );
    return rows.map((row) => ({
      paper: rowToPaper(row),
      teamVotes: row.team_votes,
      replies: row.replies,
      firstCard: rowToDelivery(firstCard.get(workspaceId, row.id) as DeliveryRow),
    }));
  }

  async countThreadReplies(
    channel: ChannelRef,
    messageTs: string,
    delta: number,
  ): Promise<Delivery | undefined> {
    const row = this.db
      .prepare(
        `UPDATE deliveries SET reply_count = max(reply_count + ?, 0)
         WHERE workspace_id = ? AND channel_id = ? AND message_ts = ? AND digest = 0
         RETURNING *`,
      )
      .get(delta, channel.workspaceId, channel.channelId, messageTs) as DeliveryRow | undefined;
    return row && rowToDelivery(row);
  }

  async queueDigestItems(
    items: ReadonlyArray<ChannelRef & { paperId: string; feed: FeedId }>,
    at: Date,
  ): Promise<void> {
    const insert = this.db.prepare(
      `INSERT INTO digest_items (workspace_id, channel_id, paper_id, feed, queued_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.db
      .transaction(() => {
        for (const item of items) {
          insert.run(item.workspaceId, item.channelId, item.paperId, item.feed, at.getTime());
        }
      })
      .immediate();
  }

  async digestFollows(): Promise<Array<ChannelRef & { feed: FeedId; digest: DailyDigest }>> {
    const rows = this.db
      .prepare(
        `SELECT workspace_id, channel_id, feed, filters FROM follows
         WHERE json_extract(filters, '$.digest') IS NOT NULL
         ORDER BY workspace_id, channel_id, feed`,
      )
      .all() as Array<{ workspace_id: string; channel_id: string; feed: string; filters: string }>;
    return rows.flatMap((row) => {
      const { digest } = filtersFromJson(row.filters);
      return digest && isFeedId(row.feed)
        ? [{ workspaceId: row.workspace_id, channelId: row.channel_id, feed: row.feed, digest }]
        : [];
    });
  }

  async pendingDigest(channel: ChannelRef): Promise<Array<{ paper: Paper; teamVotes: number }>> {
    const rows = this.db
      .prepare(
        `SELECT p.*, COALESCE(v.n, 0) AS team_votes
         FROM digest_items i JOIN papers p ON p.id = i.paper_id
         ${TEAM_VOTES_JOIN}
         LEFT JOIN deliveries d ON d.workspace_id = i.workspace_id
           AND d.channel_id = i.channel_id AND d.paper_id = i.paper_id
         WHERE i.workspace_id = @workspace AND i.channel_id = @channel AND d.paper_id IS NULL
           AND i.consumed_at IS NULL
         ORDER BY p.id`,
      )
      .all({ workspace: channel.workspaceId, channel: channel.channelId }) as Array<
      PaperRow & { team_votes: number }
    >;
    return rows.map((row) => ({ paper: rowToPaper(row), teamVotes: row.team_votes }));
  }

  async startDigest(
    channel: ChannelRef,
    day: string,
    paperIds: readonly string[],
    at: Date,
  ): Promise<DigestRun> {
    const run = this.db.transaction((): DigestRun => {
      const fresh =
        this.db
          .prepare(
            `INSERT INTO digest_runs (workspace_id, channel_id, day, paper_ids, started_at)
             VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          )
          .run(channel.workspaceId, channel.channelId, day, JSON.stringify(paperIds), at.getTime())
          .changes > 0;
      const row = this.db
        .prepare('SELECT * FROM digest_runs WHERE workspace_id = ? AND channel_id = ? AND day = ?')
        .get(channel.workspaceId, channel.channelId, day) as {
        paper_ids: string;
        message_ts: string | null;
        started_at: number;
      };
      return {
        paperIds: JSON.parse(row.paper_ids) as string[],
        ...(row.message_ts !== null ? { messageTs: row.message_ts } : {}),
        startedAt: new Date(row.started_at),
        fresh,
      };
    });
    return run.immediate();
  }

  async recordDigest(
    channel: ChannelRef,
    day: string,
    messageTs: string,
    consideredIds: readonly string[],
    at: Date,
  ): Promise<void> {
    const record = this.db.prepare(
      `INSERT INTO deliveries (workspace_id, channel_id, paper_id, message_ts, posted_at, digest)
       VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING`,
    );
    const consume = this.db.prepare(
      `UPDATE digest_items SET consumed_at = ?
       WHERE workspace_id = ? AND channel_id = ? AND paper_id = ?`,
    );
    this.db
      .transaction(() => {
        const row = this.db
          .prepare(
            `UPDATE digest_runs SET message_ts = ?
             WHERE workspace_id = ? AND channel_id = ? AND day = ? RETURNING paper_ids`,
          )
          .get(messageTs, channel.workspaceId, channel.channelId, day) as
          { paper_ids: string } | undefined;
        const posted = messageTs ? (JSON.parse(row?.paper_ids ?? '[]') as string[]) : [];
        for (const paperId of posted) {
          record.run(channel.workspaceId, channel.channelId, paperId, messageTs, at.getTime());
        }
        // Only what this digest read: a paper a poll held meanwhile waits for the next one.
        for (const paperId of new Set([...consideredIds, ...posted])) {
          consume.run(at.getTime(), channel.workspaceId, channel.channelId, paperId);
        }
        // Used rows only stop a paper being held twice while the feeds still list it (days).
        this.db
          .prepare('DELETE FROM digest_items WHERE consumed_at < ?')
          .run(at.getTime() - DIGEST_MEMORY_MS);
      })
      .immediate();
  }

  async digestOf(
    channel: ChannelRef,
    messageTs: string,
  ): Promise<{ day: string; paperIds: string[] } | undefined> {
    const row = this.db
      .prepare(
        `SELECT day, paper_ids FROM digest_runs
         WHERE workspace_id = ? AND channel_id = ? AND message_ts = ?`,
      )
      .get(channel.workspaceId, channel.channelId, messageTs) as
      { day: string; paper_ids: string } | undefined;
    return row && { day: row.day, paperIds: JSON.parse(row.paper_ids) as string[] };
  }

  async markVersionNoted(channel: ChannelRef, paperId: string, version: number): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE deliveries SET noted_version = ?
           WHERE workspace_id = ? AND channel_id = ? AND paper_id = ?
             AND COALESCE(noted_version, 0) < ?`,
        )
        .run(version, channel.workspaceId, channel.channelId, paperId, version).changes > 0
    );
  }

  async cardsOfPaper(paperId: string): Promise<Delivery[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM deliveries WHERE paper_id = ? AND digest = 0
         ORDER BY posted_at, workspace_id, channel_id`,
      )
      .all(paperId) as DeliveryRow[];
    return rows.map(rowToDelivery);
  }

  async recentCards(since: Date): Promise<Delivery[]> {
    const rows = this.db
      .prepare('SELECT * FROM deliveries WHERE posted_at >= ? ORDER BY posted_at, channel_id')
      .all(since.getTime()) as DeliveryRow[];
    return rows.map(rowToDelivery);
  }

  async markEventSeen(eventId: string, at: Date): Promise<boolean> {
    const mark = this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM slack_events WHERE seen_at < ?')
        .run(at.getTime() - EVENT_MEMORY_MS);
      return (
        this.db
          .prepare(
            'INSERT INTO slack_events (event_id, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
          )
          .run(eventId, at.getTime()).changes > 0
      );
    });
    return mark.immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
