import { Pool } from 'pg';
import { StartupError } from '../../errors';
import { isFeedId, type FeedId } from '../../domain/feed';
import { filtersFromJson, type DailyDigest, type FollowFilters } from '../../domain/follow-filters';
import type { Paper } from '../../domain/paper';
import type { SearchQuery } from '../../domain/search-query';
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
import { transaction, type Sql } from './db';
import { migrate } from './migrations';
import { DelegatesAlerts } from '../alert-delegation';
import { PostgresAlerts } from './postgres-alerts';
import {
  DELIVERY_COLUMNS,
  PAPER_RECORD,
  paperColumns,
  paperToRecord,
  rowToDelivery,
  rowToPaper,
  type DeliveryRow,
  type PaperRow,
} from './rows';
import { searchPapers } from './search';

/** How long a paper a digest used is remembered, so that polls do not hold it again. */
const DIGEST_MEMORY = '14 days';
/** Slack retries an event for minutes; a day of ids is plenty. */
const EVENT_MEMORY = '1 day';
/** A follow changed under us (unfollowed between two statements) is looked at again, this often. */
const FOLLOW_ATTEMPTS = 3;

export interface PostgresStoreOptions {
  /** Connections in the pool (pg's default: 10). */
  maxConnections?: number;
  /**
   * Told when an idle pooled connection fails (the server restarted, a proxy cut it): the pool
   * drops it and the next query opens another, so this is for logging only.
   */
  onIdleError?: (error: Error) => void;
}

/** The URL without its password, for messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** An error in a few words: a refused connection's AggregateError has no message of its own. */
function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return describeError(error.errors[0]);
  }
  if (error instanceof Error) {
    // Some connection errors say "Error: " again inside their message.
    return error.message.replace(/^Error: /, '') || (error as { code?: string }).code || error.name;
  }
  return String(error);
}

/** Paper ids split into runs without a repeat: a paper twice in one batch is two upserts in turn. */
function withoutRepeats(papers: readonly Paper[]): Paper[][] {
  const chunks: Paper[][] = [];
  let seen = new Set<string>();
  let chunk: Paper[] = [];
  for (const paper of papers) {
    if (seen.has(paper.id)) {
      chunks.push(chunk);
      chunk = [];
      seen = new Set();
    }
    seen.add(paper.id);
    chunk.push(paper);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * The networked store, for teams running several app and worker processes: one `pg` pool.
 * Every guarantee `Store` documents holds across processes, by unique keys and
 * `INSERT … ON CONFLICT` where one statement suffices, and by row or advisory locks in one
 * transaction where a guarantee spans several (see `PostgresAlerts` for the alert revisions).
 *
 * A pattern used throughout: `INSERT … ON CONFLICT DO NOTHING RETURNING`, then, when nothing was
 * returned, a *separate* `SELECT` of the row that won. In one statement the select would use the
 * statement's snapshot, taken before a racing transaction committed the row it conflicted with,
 * and find nothing; the next statement (READ COMMITTED) sees it.
 */
export class PostgresStore extends DelegatesAlerts implements Store {
  protected readonly alerts: PostgresAlerts;
  private closed = false;

  private constructor(private readonly pool: Pool) {
    super();
    this.alerts = new PostgresAlerts(pool);
  }

  /**
   * Connects and migrates (once, whichever of several processes starting together gets there
   * first). A database that cannot be reached or migrated is a `StartupError` naming the host.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      application_name: 'paperboy',
      connectionTimeoutMillis: 10_000,
    });
    // Without a listener an idle connection's error would crash the process.
    pool.on('error', options.onIdleError ?? (() => undefined));
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new StartupError(
        `Could not open the PostgreSQL database at ${describeUrl(url)} (DATABASE_URL): ${describeError(error)}`,
        { cause: error },
      );
    }
    return new PostgresStore(pool);
  }

  async upsertPapers(papers: readonly Paper[], seenAt: Date): Promise<UpsertResult> {
    if (papers.length === 0) {
      return { inserted: [], updated: [], newVersions: [], countersChanged: [] };
    }
    return transaction(this.pool, async (tx) => {
      const result: UpsertResult = {
        inserted: [],
        updated: [],
        newVersions: [],
        countersChanged: [],
      };
      for (const chunk of withoutRepeats(papers)) await this.upsertChunk(tx, chunk, seenAt, result);
      return result;
    });
  }

  /**
   * Papers with distinct ids, in three statements: insert the new ones (in id order, so two
   * overlapping batches never deadlock), lock and read the known ones as they are now, update them.
   * Which papers are new is what the insert says, so two processes upserting one new paper at
   * once never both report it as inserted.
   */
  private async upsertChunk(
    tx: Sql,
    papers: readonly Paper[],
    seenAt: Date,
    result: UpsertResult,
  ): Promise<void> {
    const records = JSON.stringify(papers.map(paperToRecord));
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO papers (id, title, abstract, authors, published_at, featured_at, hf_upvotes,
         hf_comments, github_repo, github_stars, project_page, ai_summary, ai_keywords, version,
         categories, first_seen_at, updated_at)
       SELECT x.id, x.title, x.abstract, x.authors, x.published_at, x.featured_at, x.hf_upvotes,
         x.hf_comments, x.github_repo, x.github_stars, x.project_page, x.ai_summary,
         x.ai_keywords, x.version, x.categories, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS x ${PAPER_RECORD}
       ORDER BY x.id COLLATE "C"
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [records, seenAt],
    );
    const fresh = new Set(inserted.rows.map((row) => row.id));
    const known = papers.filter((paper) => !fresh.has(paper.id));
    const before = new Map<
      string,
      Pick<PaperRow, 'version' | 'hf_upvotes' | 'hf_comments' | 'github_stars'>
    >();
    if (known.length > 0) {
      const { rows } = await tx.query<
        Pick<PaperRow, 'id' | 'version' | 'hf_upvotes' | 'hf_comments' | 'github_stars'>
      >(
        `SELECT id, version, hf_upvotes, hf_comments, github_stars FROM papers
         WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
        [known.map((paper) => paper.id)],
      );
      for (const row of rows) before.set(row.id, row);
      await tx.query(
        `WITH merged AS (
           SELECT p.id, x.title,
             -- A feed that drops an optional field does not erase what an earlier fetch knew.
             CASE WHEN x.abstract <> '' THEN x.abstract ELSE p.abstract END AS abstract,
             CASE WHEN jsonb_array_length(x.authors) > 0 THEN x.authors ELSE p.authors END
               AS authors,
             COALESCE(x.featured_at, p.featured_at) AS featured_at,
             COALESCE(x.hf_upvotes, p.hf_upvotes) AS hf_upvotes,
             COALESCE(x.hf_comments, p.hf_comments) AS hf_comments,
             COALESCE(x.github_repo, p.github_repo) AS github_repo,
             COALESCE(x.github_stars, p.github_stars) AS github_stars,
             COALESCE(x.project_page, p.project_page) AS project_page,
             COALESCE(x.ai_summary, p.ai_summary) AS ai_summary,
             COALESCE(x.ai_keywords, p.ai_keywords) AS ai_keywords,
             -- An older version seen later does not lower what is known.
             NULLIF(GREATEST(COALESCE(x.version, 0), COALESCE(p.version, 0)), 0) AS version,
             COALESCE(x.categories, p.categories) AS categories
           FROM jsonb_to_recordset($1::jsonb) AS x ${PAPER_RECORD}
           JOIN papers p ON p.id = x.id
         )
         UPDATE papers p SET title = m.title, abstract = m.abstract, authors = m.authors,
           featured_at = m.featured_at, hf_upvotes = m.hf_upvotes, hf_comments = m.hf_comments,
           github_repo = m.github_repo, github_stars = m.github_stars,
           project_page = m.project_page, ai_summary = m.ai_summary,
           ai_keywords = m.ai_keywords, version = m.version, categories = m.categories,
           updated_at = $2
         FROM merged m
         -- Most refreshes change nothing: no new row version, no re-indexing.
         WHERE p.id = m.id AND (p.title, p.abstract, p.authors, p.featured_at, p.hf_upvotes,
           p.hf_comments, p.github_repo, p.github_stars, p.project_page, p.ai_summary,
           p.ai_keywords, p.version, p.categories)
           IS DISTINCT FROM (m.title, m.abstract, m.authors, m.featured_at, m.hf_upvotes,
           m.hf_comments, m.github_repo, m.github_stars, m.project_page, m.ai_summary,
           m.ai_keywords, m.version, m.categories)`,
        [JSON.stringify(known.map(paperToRecord)), seenAt],
      );
    }
    for (const paper of papers) {
      const was = before.get(paper.id);
      if (!was) {
        result.inserted.push(paper.id);
        continue;
      }
      result.updated.push(paper.id);
      // A counter the feed left out is kept, so only one it reported can have changed.
      const moved = (now: number | undefined, then: number | null) =>
        now !== undefined && now !== then;
      if (
        moved(paper.hfUpvotes, was.hf_upvotes) ||
        moved(paper.hfComments, was.hf_comments) ||
        moved(paper.githubStars, was.github_stars)
      ) {
        result.countersChanged.push(paper.id);
      }
      // Only a known version that grew is news: a first version number is not.
      if (was.version && paper.version && paper.version > was.version) {
        result.newVersions.push({ id: paper.id, version: paper.version });
      }
    }
  }

  async getPaper(id: string): Promise<Paper | undefined> {
    const [paper] = await this.getPapers([id]);
    return paper;
  }

  async getPapers(ids: readonly string[]): Promise<Paper[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<PaperRow>(
      `SELECT ${paperColumns('p')} FROM papers p WHERE p.id = ANY($1::text[])`,
      [[...ids]],
    );
    const byId = new Map(rows.map((row) => [row.id, rowToPaper(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async firstSeenSince(ids: readonly string[], since: Date): Promise<string[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT id FROM papers WHERE id = ANY($1::text[]) AND first_seen_at >= $2',
      [[...ids], since],
    );
    const seen = new Set(rows.map((row) => row.id));
    return ids.filter((id) => seen.has(id));
  }

  async follow(
    channel: ChannelRef,
    feed: FeedId,
    at: Date,
    filters: FollowFilters = {},
  ): Promise<'added' | 'updated' | 'unchanged'> {
    const json = JSON.stringify(filters);
    const key = [channel.workspaceId, channel.channelId, feed];
    return transaction(this.pool, async (tx) => {
      for (let attempt = 1; ; attempt += 1) {
        const added = await tx.query(
          `INSERT INTO follows (workspace_id, channel_id, feed, followed_at, filters)
           VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT DO NOTHING`,
          [...key, at, json],
        );
        if (added.rowCount) return 'added';
        const current = await tx.query<{ same: boolean }>(
          `SELECT filters = $4::jsonb AS same FROM follows
           WHERE workspace_id = $1 AND channel_id = $2 AND feed = $3 FOR UPDATE`,
          [...key, json],
        );
        const row = current.rows[0];
        // Unfollowed between the two statements: follow afresh.
        if (!row && attempt < FOLLOW_ATTEMPTS) continue;
        if (!row || row.same) return 'unchanged';
        await tx.query(
          `UPDATE follows SET filters = $4::jsonb
           WHERE workspace_id = $1 AND channel_id = $2 AND feed = $3`,
          [...key, json],
        );
        // Back to one card per paper: what was held for a digest is not posted later.
        if (!filters.digest) {
          await tx.query(
            'DELETE FROM digest_items WHERE workspace_id = $1 AND channel_id = $2 AND feed = $3',
            key,
          );
        }
        return 'updated';
      }
    });
  }

  async followsOf(channel: ChannelRef): Promise<Follow[]> {
    const { rows } = await this.pool.query<{ feed: string; filters: string; followed_at: Date }>(
      `SELECT feed, filters::text AS filters, followed_at FROM follows
       WHERE workspace_id = $1 AND channel_id = $2 ORDER BY feed`,
      [channel.workspaceId, channel.channelId],
    );
    return rows.flatMap((row) =>
      isFeedId(row.feed)
        ? [{ feed: row.feed, filters: filtersFromJson(row.filters), followedAt: row.followed_at }]
        : [],
    );
  }

  async followedArxivCategories(): Promise<string[]> {
    const { rows } = await this.pool.query<{ feed: string }>(
      `SELECT DISTINCT feed FROM follows WHERE feed LIKE 'arxiv:%' ORDER BY feed`,
    );
    return rows
      .map((row) => row.feed)
      .filter(isFeedId)
      .map((feed) => feed.slice('arxiv:'.length));
  }

  async unfollow(channel: ChannelRef, feed: FeedId): Promise<boolean> {
    const key = [channel.workspaceId, channel.channelId, feed];
    return transaction(this.pool, async (tx) => {
      // Papers held for this feed's digest go too: following again later must not post them.
      await tx.query(
        'DELETE FROM digest_items WHERE workspace_id = $1 AND channel_id = $2 AND feed = $3',
        key,
      );
      const gone = await tx.query(
        'DELETE FROM follows WHERE workspace_id = $1 AND channel_id = $2 AND feed = $3',
        key,
      );
      return (gone.rowCount ?? 0) > 0;
    });
  }

  async followedFeeds(channel: ChannelRef): Promise<FeedId[]> {
    const { rows } = await this.pool.query<{ feed: string }>(
      'SELECT feed FROM follows WHERE workspace_id = $1 AND channel_id = $2 ORDER BY feed',
      [channel.workspaceId, channel.channelId],
    );
    return rows.map((row) => row.feed).filter(isFeedId);
  }

  async followsIn(workspaceId: string): Promise<Array<{ channelId: string; feed: FeedId }>> {
    const { rows } = await this.pool.query<{ channel_id: string; feed: string }>(
      'SELECT channel_id, feed FROM follows WHERE workspace_id = $1 ORDER BY channel_id, feed',
      [workspaceId],
    );
    return rows.flatMap((row) =>
      isFeedId(row.feed) ? [{ channelId: row.channel_id, feed: row.feed }] : [],
    );
  }

  async pendingAnnouncements(
    feed: FeedId,
    paperIds: readonly string[],
  ): Promise<Array<ChannelRef & { paperId: string; filters: FollowFilters; followedAt: Date }>> {
    if (paperIds.length === 0) return [];
    const { rows } = await this.pool.query<{
      workspace_id: string;
      channel_id: string;
      paper_id: string;
      filters: string;
      followed_at: Date;
    }>(
      `SELECT f.workspace_id, f.channel_id, p.id AS paper_id, f.filters::text AS filters,
         f.followed_at
       FROM follows f
       JOIN papers p ON p.first_seen_at >= f.followed_at
       LEFT JOIN deliveries d ON d.workspace_id = f.workspace_id
         AND d.channel_id = f.channel_id AND d.paper_id = p.id
       WHERE f.feed = $1 AND d.paper_id IS NULL AND p.id = ANY($2::text[])
       ORDER BY COALESCE(p.featured_at, p.published_at), p.id, f.workspace_id, f.channel_id`,
      [feed, [...paperIds]],
    );
    return rows.map((row) => ({
      workspaceId: row.workspace_id,
      channelId: row.channel_id,
      paperId: row.paper_id,
      filters: filtersFromJson(row.filters),
      followedAt: row.followed_at,
    }));
  }

  async toggleVote(
    workspaceId: string,
    paperId: string,
    userId: string,
    at: Date,
  ): Promise<VoteResult> {
    const key = [workspaceId, paperId, userId];
    return transaction(this.pool, async (tx) => {
      // Take back a vote that stands, else cast one. Two clicks racing: the second's insert
      // meets the first's vote (waiting for it to commit) and goes round again to take it back;
      // each statement sees what committed before it, so this ends in a round or two.
      for (;;) {
        const removed = await tx.query(
          'DELETE FROM votes WHERE workspace_id = $1 AND paper_id = $2 AND user_id = $3',
          key,
        );
        let voted = false;
        if (!removed.rowCount) {
          const cast = await tx.query(
            `INSERT INTO votes (workspace_id, paper_id, user_id, voted_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
            [...key, at],
          );
          if (!cast.rowCount) continue;
          voted = true;
        }
        return { voted, count: await this.countVotesOn(tx, workspaceId, paperId) };
      }
    });
  }

  async countVotes(workspaceId: string, paperId: string): Promise<number> {
    return this.countVotesOn(this.pool, workspaceId, paperId);
  }

  private async countVotesOn(sql: Sql, workspaceId: string, paperId: string): Promise<number> {
    const { rows } = await sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM votes WHERE workspace_id = $1 AND paper_id = $2',
      [workspaceId, paperId],
    );
    return rows[0]?.n ?? 0;
  }

  async recordDelivery(delivery: Delivery): Promise<Delivery> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `INSERT INTO deliveries (workspace_id, channel_id, paper_id, message_ts, posted_at,
         shared_by, share_comment)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
       RETURNING ${DELIVERY_COLUMNS}`,
      [
        delivery.workspaceId,
        delivery.channelId,
        delivery.paperId,
        delivery.messageTs,
        delivery.postedAt,
        delivery.sharedBy ?? null,
        delivery.comment ?? null,
      ],
    );
    if (rows[0]) return rowToDelivery(rows[0]);
    // Another call recorded it first (it has committed: ON CONFLICT waited for it). Ledger rows
    // are never deleted, so the next statement finds it.
    return (await this.findDelivery(delivery, delivery.paperId)) ?? delivery;
  }

  async findDelivery(channel: ChannelRef, paperId: string): Promise<Delivery | undefined> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries
       WHERE workspace_id = $1 AND channel_id = $2 AND paper_id = $3`,
      [channel.workspaceId, channel.channelId, paperId],
    );
    return rows[0] && rowToDelivery(rows[0]);
  }

  async deliveriesOf(workspaceId: string, paperId: string): Promise<Delivery[]> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE workspace_id = $1 AND paper_id = $2
       ORDER BY posted_at, channel_id`,
      [workspaceId, paperId],
    );
    return rows.map(rowToDelivery);
  }

  async search(
    workspaceId: string,
    query: SearchQuery,
    page: PageRequest,
    now: Date,
  ): Promise<SearchResults> {
    return searchPapers(this.pool, workspaceId, query, page, now);
  }

  async topPapers(
    workspaceId: string,
    since: Date | undefined,
    limit: number,
  ): Promise<TopPaper[]> {
    const { rows } = await this.pool.query<PaperRow & { team_votes: number; replies: number }>(
      `WITH posted AS (
         SELECT paper_id, MIN(posted_at) AS first_posted, SUM(reply_count)::int AS replies
         FROM deliveries WHERE workspace_id = $1 GROUP BY paper_id
       )
       SELECT ${paperColumns('p')}, posted.replies, COALESCE(v.n, 0)::int AS team_votes
       FROM posted JOIN papers p ON p.id = posted.paper_id
       LEFT JOIN LATERAL (SELECT count(*) AS n FROM votes
         WHERE workspace_id = $1 AND paper_id = p.id) v ON true
       WHERE $2::timestamptz IS NULL OR posted.first_posted >= $2
       ORDER BY team_votes DESC, posted.replies DESC, COALESCE(p.hf_upvotes, 0) DESC,
         posted.first_posted DESC, p.id
       LIMIT $3`,
      [workspaceId, since ?? null, limit],
    );
    if (rows.length === 0) return [];
    const cards = await this.pool.query<DeliveryRow>(
      `SELECT DISTINCT ON (paper_id) ${DELIVERY_COLUMNS} FROM deliveries
       WHERE workspace_id = $1 AND paper_id = ANY($2::text[])
       ORDER BY paper_id, posted_at, channel_id`,
      [workspaceId, rows.map((row) => row.id)],
    );
    const firstCards = new Map(cards.rows.map((card) => [card.paper_id, rowToDelivery(card)]));
    return rows.flatMap((row) => {
      const firstCard = firstCards.get(row.id);
      return firstCard
        ? [{ paper: rowToPaper(row), teamVotes: row.team_votes, replies: row.replies, firstCard }]
        : [];
    });
  }

  async countThreadReplies(
    channel: ChannelRef,
    messageTs: string,
    delta: number,
  ): Promise<Delivery | undefined> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `UPDATE deliveries SET reply_count = GREATEST(reply_count + $1, 0)
       WHERE workspace_id = $2 AND channel_id = $3 AND message_ts = $4 AND NOT digest
       RETURNING ${DELIVERY_COLUMNS}`,
      [delta, channel.workspaceId, channel.channelId, messageTs],
    );
    return rows[0] && rowToDelivery(rows[0]);
  }

  async queueDigestItems(
    items: ReadonlyArray<ChannelRef & { paperId: string; feed: FeedId }>,
    at: Date,
  ): Promise<void> {
    if (items.length === 0) return;
    const records = items.map((item) => ({
      workspace_id: item.workspaceId,
      channel_id: item.channelId,
      paper_id: item.paperId,
      feed: item.feed,
    }));
    await this.pool.query(
      `INSERT INTO digest_items (workspace_id, channel_id, paper_id, feed, queued_at)
       SELECT x.workspace_id, x.channel_id, x.paper_id, x.feed, $2
       FROM jsonb_to_recordset($1::jsonb)
         AS x (workspace_id text, channel_id text, paper_id text, feed text)
       ORDER BY x.workspace_id COLLATE "C", x.channel_id COLLATE "C", x.paper_id COLLATE "C"
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(records), at],
    );
  }

  async digestFollows(): Promise<Array<ChannelRef & { feed: FeedId; digest: DailyDigest }>> {
    const { rows } = await this.pool.query<{
      workspace_id: string;
      channel_id: string;
      feed: string;
      filters: string;
    }>(
      `SELECT workspace_id, channel_id, feed, filters::text AS filters FROM follows
       WHERE filters ? 'digest'
       ORDER BY workspace_id, channel_id, feed`,
    );
    return rows.flatMap((row) => {
      const { digest } = filtersFromJson(row.filters);
      return digest && isFeedId(row.feed)
        ? [{ workspaceId: row.workspace_id, channelId: row.channel_id, feed: row.feed, digest }]
        : [];
    });
  }

  async pendingDigest(channel: ChannelRef): Promise<Array<{ paper: Paper; teamVotes: number }>> {
    const { rows } = await this.pool.query<PaperRow & { team_votes: number }>(
      `SELECT ${paperColumns('p')}, COALESCE(v.n, 0)::int AS team_votes
       FROM digest_items i JOIN papers p ON p.id = i.paper_id
       LEFT JOIN LATERAL (SELECT count(*) AS n FROM votes
         WHERE workspace_id = i.workspace_id AND paper_id = p.id) v ON true
       LEFT JOIN deliveries d ON d.workspace_id = i.workspace_id
         AND d.channel_id = i.channel_id AND d.paper_id = i.paper_id
       WHERE i.workspace_id = $1 AND i.channel_id = $2 AND d.paper_id IS NULL
         AND i.consumed_at IS NULL
       ORDER BY p.id`,
      [channel.workspaceId, channel.channelId],
    );
    return rows.map((row) => ({ paper: rowToPaper(row), teamVotes: row.team_votes }));
  }

  async startDigest(
    channel: ChannelRef,
    day: string,
    paperIds: readonly string[],
    at: Date,
  ): Promise<DigestRun> {
    type RunRow = { paper_ids: string[]; message_ts: string | null; started_at: Date };
    const key = [channel.workspaceId, channel.channelId, day];
    const started = await this.pool.query<RunRow>(
      `INSERT INTO digest_runs (workspace_id, channel_id, day, paper_ids, started_at)
       VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING
       RETURNING paper_ids, message_ts, started_at`,
      [...key, JSON.stringify(paperIds), at],
    );
    const fresh = started.rows.length > 0;
    // Runs are never deleted: when another call started the day's run, this statement sees it.
    const row =
      started.rows[0] ??
      (
        await this.pool.query<RunRow>(
          `SELECT paper_ids, message_ts, started_at FROM digest_runs
           WHERE workspace_id = $1 AND channel_id = $2 AND day = $3`,
          key,
        )
      ).rows[0];
    if (!row) throw new Error(`the digest run of ${key.join('/')} vanished`);
    return {
      paperIds: row.paper_ids,
      ...(row.message_ts !== null ? { messageTs: row.message_ts } : {}),
      startedAt: row.started_at,
      fresh,
    };
  }

  async recordDigest(
    channel: ChannelRef,
    day: string,
    messageTs: string,
    consideredIds: readonly string[],
    at: Date,
  ): Promise<void> {
    const { workspaceId, channelId } = channel;
    await transaction(this.pool, async (tx) => {
      const run = await tx.query<{ paper_ids: string[] }>(
        `UPDATE digest_runs SET message_ts = $1
         WHERE workspace_id = $2 AND channel_id = $3 AND day = $4 RETURNING paper_ids`,
        [messageTs, workspaceId, channelId, day],
      );
      const posted = messageTs ? (run.rows[0]?.paper_ids ?? []) : [];
      if (posted.length > 0) {
        await tx.query(
          `INSERT INTO deliveries (workspace_id, channel_id, paper_id, message_ts, posted_at, digest)
           SELECT $1, $2, paper_id, $4, $5, true
           FROM unnest($3::text[]) AS paper_id ORDER BY paper_id COLLATE "C"
           ON CONFLICT DO NOTHING`,
          [workspaceId, channelId, posted, messageTs, at],
        );
      }
      // Only what this digest read: a paper a poll held meanwhile waits for the next one.
      await tx.query(
        `UPDATE digest_items SET consumed_at = $1
         WHERE workspace_id = $2 AND channel_id = $3 AND paper_id = ANY($4::text[])`,
        [at, workspaceId, channelId, [...new Set([...consideredIds, ...posted])]],
      );
      // Used rows only stop a paper being held twice while the feeds still list it (days).
      await tx.query(
        `DELETE FROM digest_items WHERE consumed_at < $1::timestamptz - interval '${DIGEST_MEMORY}'`,
        [at],
      );
    });
  }

  async digestOf(
    channel: ChannelRef,
    messageTs: string,
  ): Promise<{ day: string; paperIds: string[] } | undefined> {
    const { rows } = await this.pool.query<{ day: string; paper_ids: string[] }>(
      `SELECT day, paper_ids FROM digest_runs
       WHERE workspace_id = $1 AND channel_id = $2 AND message_ts = $3
       ORDER BY day LIMIT 1`,
      [channel.workspaceId, channel.channelId, messageTs],
    );
    const row = rows[0];
    return row && { day: row.day, paperIds: row.paper_ids };
  }

  async markVersionNoted(channel: ChannelRef, paperId: string, version: number): Promise<boolean> {
    // The row lock makes a racing second call re-check the condition and find it false.
    const { rowCount } = await this.pool.query(
      `UPDATE deliveries SET noted_version = $1
       WHERE workspace_id = $2 AND channel_id = $3 AND paper_id = $4
         AND COALESCE(noted_version, 0) < $1`,
      [version, channel.workspaceId, channel.channelId, paperId],
    );
    return (rowCount ?? 0) > 0;
  }

  async cardsOfPaper(paperId: string): Promise<Delivery[]> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE paper_id = $1 AND NOT digest
       ORDER BY posted_at, workspace_id, channel_id`,
      [paperId],
    );
    return rows.map(rowToDelivery);
  }

  async recentCards(since: Date): Promise<Delivery[]> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE posted_at >= $1
       ORDER BY posted_at, channel_id`,
      [since],
    );
    return rows.map(rowToDelivery);
  }

  async markEventSeen(eventId: string, at: Date): Promise<boolean> {
    return transaction(this.pool, async (tx) => {
      await tx.query(
        `DELETE FROM slack_events WHERE seen_at < $1::timestamptz - interval '${EVENT_MEMORY}'`,
        [at],
      );
      const seen = await tx.query(
        'INSERT INTO slack_events (event_id, seen_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [eventId, at],
      );
      return (seen.rowCount ?? 0) > 0;
    });
  }

  /** Ends the pool: waits for queries under way, then closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
