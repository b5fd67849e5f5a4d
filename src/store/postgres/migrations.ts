import type { Pool } from 'pg';
import { advisoryLock, transaction, type Sql } from './db';

/**
 * The PostgreSQL schema, as numbered migrations applied in order, each once, recorded in
 * `schema_migrations` as the SQLite adapter does. Append new ones; never edit one that has
 * shipped. Times are `timestamptz`; lists and objects (authors, filters, modes) are `jsonb`.
 * Identifiers Slack or arXiv give us are `COLLATE "C"`: compared and ordered byte by byte, as
 * SQLite does, whatever the database's locale.
 */
export interface Migration {
  version: number;
  name: string;
  /** Runs inside the migration transaction, under the migration lock. */
  up(sql: Sql): Promise<void>;
}

/** Full-text search of papers: English stemming, accents folded when `unaccent` is available. */
export const SEARCH_CONFIG = 'paperboy_english';
/** Author names: no stemming (names are not English words), accents folded likewise. */
export const NAMES_CONFIG = 'paperboy_names';

/**
 * Creates the text search configurations. `unaccent` folds accents (`Naïve` is found by `naive`)
 * when the extension exists or this role may create it (it is a trusted extension: the database
 * owner may); without it search still works, accents are then simply not folded. A later
 * migration can add the mapping (and rewrite the columns) once the extension is installed.
 */
async function createSearchConfigs(sql: Sql): Promise<void> {
  await sql.query('SAVEPOINT unaccent');
  try {
    await sql.query('CREATE EXTENSION IF NOT EXISTS unaccent');
    await sql.query('RELEASE SAVEPOINT unaccent');
  } catch {
    // Not installed on the server, or no privilege to create it: search without folding.
    await sql.query('ROLLBACK TO SAVEPOINT unaccent');
  }
  const { rows } = await sql.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, d.dictname) AS name
     FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace
     WHERE d.dictname = 'unaccent' LIMIT 1`,
  );
  const unaccent = rows[0]?.name;
  await sql.query(`CREATE TEXT SEARCH CONFIGURATION ${SEARCH_CONFIG} (COPY = pg_catalog.english)`);
  await sql.query(`CREATE TEXT SEARCH CONFIGURATION ${NAMES_CONFIG} (COPY = pg_catalog.simple)`);
  if (unaccent) {
    // Token types that can hold non-ASCII letters; the unaccented word goes on to the next dictionary.
    await sql.query(
      `ALTER TEXT SEARCH CONFIGURATION ${SEARCH_CONFIG}
       ALTER MAPPING FOR hword, hword_part, word WITH ${unaccent}, english_stem`,
    );
    await sql.query(
      `ALTER TEXT SEARCH CONFIGURATION ${NAMES_CONFIG}
       ALTER MAPPING FOR hword, hword_part, word WITH ${unaccent}, simple`,
    );
  }
}

/**
 * Where a paper falls, as integer keys the text index holds beside its words (`search_keys`), so
 * that search can ask it, in one lookup that reads no other match, for "these words among the
 * newest papers" or "... published on these days" (see `newestMatches` in search.ts):
 *   - its block of 1,024 papers in first-seen order (`seq`), and the span of 16 blocks holding it;
 *   - its day of publication (UTC), and the span of 32 days holding it.
 * A range of blocks or days is asked for as its whole spans and the blocks or days at its edges.
 * Each kind has its own range of keys: blocks from 0, their spans from -2^31, days (since 1970)
 * from 10^9, their spans from 1.5 × 10^9.
 */
const SEQ_BLOCK_BITS = 10;
export const SEQ_BLOCK_SIZE = 1 << SEQ_BLOCK_BITS;
const BLOCK_SPAN_BITS = 4;
const DAY_SPAN_BITS = 5;
const KEYS = { block: 0, blockSpan: -(2 ** 31), day: 1e9, daySpan: 1.5e9 };

/** SQL: the block of `seq`, an integer. */
export function seqBlock(seq: string): string {
  return `(${seq} >> ${SEQ_BLOCK_BITS})::integer`;
}

/** SQL: the UTC day of a timestamptz, counted from 1970-01-01, an integer (immutable, unlike `::date`). */
export function utcDay(timestamp: string): string {
  return `floor(extract(epoch FROM ${timestamp} - '1970-01-01 00:00:00+00'::timestamptz) / 86400)::integer`;
}

/** SQL: the keys of blocks `first` to `last` (integers; no paper is in a block below 0). */
export function blockKeys(first: string, last: string): string {
  return `paperboy_window_keys(GREATEST(${first}, 0), ${last}, ${BLOCK_SPAN_BITS}, ${KEYS.block}, ${KEYS.blockSpan})`;
}

/** SQL: the keys of days `first` to `last` (integers, see `utcDay`). */
export function dayKeys(first: string, last: string): string {
  return `paperboy_window_keys(${first}, ${last}, ${DAY_SPAN_BITS}, ${KEYS.day}, ${KEYS.daySpan})`;
}

const SEARCH_KEY_FUNCTIONS = `
  CREATE FUNCTION paperboy_search_keys(seq bigint, published_at timestamptz) RETURNS integer[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY[${seqBlock('seq')}, (${KEYS.blockSpan} + (seq >> ${SEQ_BLOCK_BITS + BLOCK_SPAN_BITS}))::integer,
      ${KEYS.day} + ${utcDay('published_at')},
      ${KEYS.daySpan} + (${utcDay('published_at')} >> ${DAY_SPAN_BITS})]
  $$;
  -- The keys of units (blocks, days) first to last: whole spans of 2^span_bits units as spans.
  CREATE FUNCTION paperboy_window_keys(first integer, last integer, span_bits integer,
    unit_key integer, span_key integer) RETURNS integer[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(
      SELECT unit_key + u FROM generate_series(first, last) AS u
      WHERE u < spans_from << span_bits OR u >= spans_to << span_bits
      UNION ALL
      SELECT span_key + s FROM generate_series(spans_from, spans_to - 1) AS s)
    FROM (SELECT (first + (1 << span_bits) - 1) >> span_bits AS spans_from,
      (last + 1) >> span_bits AS spans_to) AS w
  $$;
`;

/**
 * `normalize(text, NFKC)`, which reads every character, skipped for pure ASCII (as nearly every
 * title and abstract is), which NFKC leaves as it is: a UTF8 text is ASCII when it has as many
 * bytes as characters.
 */
export function nfkc(column: string): string {
  return `CASE WHEN octet_length(${column}) = char_length(${column}) THEN ${column}
    ELSE normalize(${column}, NFKC) END`;
}

/** `normalize()` and non-ASCII text need it; refuse clearly rather than fail on a stray accent. */
async function requireUtf8(sql: Sql): Promise<void> {
  const { rows } = await sql.query<{ encoding: string }>(
    'SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()',
  );
  const encoding = rows[0]?.encoding;
  if (encoding !== 'UTF8') {
    throw new Error(
      `the database's encoding is ${encoding ?? 'unknown'}; Paperboy needs a UTF8 database (CREATE DATABASE … ENCODING 'UTF8')`,
    );
  }
}

const SCHEMA = `${SEARCH_KEY_FUNCTIONS}
  CREATE TABLE papers (
    id text COLLATE "C" PRIMARY KEY,
    -- First-seen order: a broad search ranks the newest matches, as SQLite does by rowid.
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    title text NOT NULL,
    abstract text NOT NULL DEFAULT '',
    authors jsonb NOT NULL DEFAULT '[]',
    published_at timestamptz NOT NULL,
    featured_at timestamptz,
    hf_upvotes integer,
    hf_comments integer,
    github_repo text,
    github_stars integer,
    project_page text,
    ai_summary text,
    ai_keywords jsonb,
    -- The highest arXiv version seen, and the paper's categories (primary first).
    version integer,
    categories jsonb,
    first_seen_at timestamptz NOT NULL,
    -- When a refresh last changed a field (a refresh that changes nothing writes nothing).
    updated_at timestamptz NOT NULL,
    -- Weighted: a title match (A) above keywords (B) and authors (C), above the abstract (D).
    -- NFKC first, as the query parser does, so that a decomposed accent is one word with its letter.
    -- jsonb lists are indexed value by value, with a gap between values: no phrase spans two.
    search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('${SEARCH_CONFIG}', ${nfkc('title')}), 'A')
      || setweight(to_tsvector('${SEARCH_CONFIG}', COALESCE(ai_keywords, '[]')), 'B')
      || setweight(to_tsvector('${SEARCH_CONFIG}', authors), 'C')
      || setweight(to_tsvector('${SEARCH_CONFIG}', ${nfkc('abstract')}), 'D')
    ) STORED,
    -- Where the paper falls in first-seen order and in time (see KEYS), indexed with its words.
    -- An array: the one kind of scalar value GIN indexes without an extension.
    search_keys integer[] GENERATED ALWAYS AS (paperboy_search_keys(seq, published_at)) STORED
  );
  -- The vector (about 2 kB) stays in the row, the abstract goes to TOAST instead: search reads the
  -- vector of every paper it tests or ranks, the abstract of the five it shows.
  ALTER TABLE papers ALTER COLUMN search_vector SET STORAGE MAIN;
  CREATE INDEX papers_search ON papers USING gin (search_vector, search_keys);
  CREATE INDEX papers_first_seen ON papers (first_seen_at);
  CREATE INDEX papers_published ON papers (published_at);
  -- search's sort:votes gathers the most upvoted matches first.
  CREATE INDEX papers_hf_upvotes ON papers (hf_upvotes DESC NULLS LAST);

  -- One row per author of a paper, so that author:"Wei Li" matches within one name and never
  -- across two neighbours ("… Wei, Li Zhang"). Kept in step with papers.authors by a trigger.
  CREATE TABLE paper_authors (
    paper_id text COLLATE "C" NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    position integer NOT NULL,
    name text NOT NULL,
    name_vector tsvector GENERATED ALWAYS AS (
      to_tsvector('${NAMES_CONFIG}', ${nfkc('name')})
    ) STORED,
    PRIMARY KEY (paper_id, position)
  );
  CREATE INDEX paper_authors_search ON paper_authors USING gin (name_vector);

  -- A statement trigger over the rows an insert wrote, so that a batch of new papers has its
  -- authors written in one statement, not two per paper. A new paper has none yet.
  CREATE FUNCTION paperboy_insert_authors() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO paper_authors (paper_id, position, name)
    SELECT n.id, a.position, a.name
    FROM new_papers n
    CROSS JOIN LATERAL jsonb_array_elements_text(n.authors) WITH ORDINALITY AS a (name, position);
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER papers_authors_insert AFTER INSERT ON papers
    REFERENCING NEW TABLE AS new_papers
    FOR EACH STATEMENT EXECUTE FUNCTION paperboy_insert_authors();
  -- A row trigger for updates: it fires only for the rare paper whose list changed, where a
  -- statement trigger would keep a copy of every row a refresh updates.
  CREATE FUNCTION paperboy_sync_authors() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM paper_authors WHERE paper_id = NEW.id;
    INSERT INTO paper_authors (paper_id, position, name)
    SELECT NEW.id, a.position, a.name
    FROM jsonb_array_elements_text(NEW.authors) WITH ORDINALITY AS a (name, position);
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER papers_authors_update AFTER UPDATE OF authors ON papers
    FOR EACH ROW WHEN (OLD.authors IS DISTINCT FROM NEW.authors)
    EXECUTE FUNCTION paperboy_sync_authors();

  -- A GIN index takes new entries into a pending list, merged into the index when it outgrows
  -- gin_pending_list_limit (4 MB) or by a vacuum, and every search reads all of it: a few
  -- milliseconds a lookup when full, and a search makes several. So each statement writing papers
  -- merges what it added, in one go as an overflow would (after the author triggers, by name).
  -- As the indexes' owner, which the merge requires; it only speeds searches up, so a role that
  -- may not do it still writes.
  CREATE FUNCTION paperboy_merge_pending_entries() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path FROM CURRENT AS $$
  BEGIN
    PERFORM gin_clean_pending_list('papers_search'::regclass);
    PERFORM gin_clean_pending_list('paper_authors_search'::regclass);
    RETURN NULL;
  EXCEPTION WHEN insufficient_privilege THEN
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER papers_search_merge AFTER INSERT OR UPDATE ON papers
    FOR EACH STATEMENT EXECUTE FUNCTION paperboy_merge_pending_entries();

  CREATE TABLE follows (
    workspace_id text COLLATE "C" NOT NULL,
    channel_id text COLLATE "C" NOT NULL,
    feed text COLLATE "C" NOT NULL,
    followed_at timestamptz NOT NULL,
    -- The follow's filters and digest setting (see FollowFilters).
    filters jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (workspace_id, channel_id, feed)
  );
  CREATE INDEX follows_by_feed ON follows (feed);

  CREATE TABLE votes (
    workspace_id text COLLATE "C" NOT NULL,
    paper_id text COLLATE "C" NOT NULL REFERENCES papers (id),
    user_id text COLLATE "C" NOT NULL,
    voted_at timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, paper_id, user_id)
  );

  -- The ledger: its primary key is the durable guard against posting a paper twice in a channel.
  CREATE TABLE deliveries (
    workspace_id text COLLATE "C" NOT NULL,
    channel_id text COLLATE "C" NOT NULL,
    paper_id text COLLATE "C" NOT NULL REFERENCES papers (id),
    message_ts text COLLATE "C" NOT NULL,
    posted_at timestamptz NOT NULL,
    -- Thread replies, counted from Slack's message events.
    reply_count integer NOT NULL DEFAULT 0,
    -- A card a member shared with /papers share: who, and what they said above it.
    shared_by text,
    share_comment text,
    -- The version the card's thread was last told about, and whether the card is a digest.
    noted_version integer,
    digest boolean NOT NULL DEFAULT false,
    PRIMARY KEY (workspace_id, channel_id, paper_id)
  );
  CREATE INDEX deliveries_by_paper ON deliveries (workspace_id, paper_id);
  CREATE INDEX deliveries_of_paper ON deliveries (paper_id);
  CREATE INDEX deliveries_by_ts ON deliveries (workspace_id, channel_id, message_ts);
  CREATE INDEX deliveries_posted ON deliveries (posted_at);

  -- Slack's event retries carry the same event_id: each is counted once.
  CREATE TABLE slack_events (
    event_id text COLLATE "C" PRIMARY KEY,
    seen_at timestamptz NOT NULL
  );
  CREATE INDEX slack_events_seen ON slack_events (seen_at);

  -- One row per channel and local day once its digest is under way: the papers it lists, and
  -- the message once posted ('' for a day with nothing new). Never a second digest that day.
  CREATE TABLE digest_runs (
    workspace_id text COLLATE "C" NOT NULL,
    channel_id text COLLATE "C" NOT NULL,
    day text COLLATE "C" NOT NULL,
    paper_ids jsonb NOT NULL,
    message_ts text COLLATE "C",
    started_at timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, channel_id, day)
  );
  CREATE INDEX digest_runs_by_ts ON digest_runs (workspace_id, channel_id, message_ts);

  -- Papers waiting for a channel's next digest.
  CREATE TABLE digest_items (
    workspace_id text COLLATE "C" NOT NULL,
    channel_id text COLLATE "C" NOT NULL,
    paper_id text COLLATE "C" NOT NULL REFERENCES papers (id),
    feed text COLLATE "C" NOT NULL,
    queued_at timestamptz NOT NULL,
    -- Set when a digest considered it (posted or left out): it is never held again.
    consumed_at timestamptz,
    PRIMARY KEY (workspace_id, channel_id, paper_id)
  );
  CREATE INDEX digest_items_consumed ON digest_items (consumed_at);

  -- One row per member who ever subscribed or chose an alert mode. The revision is taken from
  -- alert_revisions at every change to the member's keywords or mode, under a lock held to
  -- commit, so revisions become visible in increasing order (see PostgresAlerts).
  CREATE SEQUENCE alert_revisions;
  CREATE TABLE alert_members (
    workspace_id text COLLATE "C" NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    -- The mode (see AlertMode); the member's time zone as Slack last said.
    mode jsonb NOT NULL DEFAULT '{"kind":"instant"}',
    time_zone text,
    revision bigint NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
  );
  CREATE INDEX alert_members_revision ON alert_members (revision);

  CREATE TABLE alert_keywords (
    workspace_id text COLLATE "C" NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    -- The canonical form (see parseKeyword): two spellings of one keyword are one row.
    keyword text COLLATE "C" NOT NULL,
    added_at timestamptz NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (workspace_id, user_id, keyword),
    FOREIGN KEY (workspace_id, user_id) REFERENCES alert_members (workspace_id, user_id)
  );

  -- A paper matches a member once, whatever retries and overlapping polls do; run_key is set
  -- when a run (one DM) takes it.
  CREATE TABLE alert_matches (
    workspace_id text COLLATE "C" NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    paper_id text COLLATE "C" NOT NULL REFERENCES papers (id),
    keywords jsonb NOT NULL,
    matched_at timestamptz NOT NULL,
    run_key text COLLATE "C",
    PRIMARY KEY (workspace_id, user_id, paper_id)
  );
  CREATE INDEX alert_matches_pending ON alert_matches (workspace_id, user_id)
    WHERE run_key IS NULL;
  CREATE INDEX alert_matches_by_run ON alert_matches (workspace_id, user_id, run_key);

  -- One DM per run: the message once posted (a run started and not posted may have landed).
  CREATE TABLE alert_runs (
    workspace_id text COLLATE "C" NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    run_key text COLLATE "C" NOT NULL,
    started_at timestamptz NOT NULL,
    channel_id text COLLATE "C",
    message_ts text COLLATE "C",
    PRIMARY KEY (workspace_id, user_id, run_key)
  );
  CREATE INDEX alert_runs_unposted ON alert_runs (workspace_id, user_id, started_at)
    WHERE message_ts IS NULL;
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'papers with full-text search, authors, follows, votes, deliveries, digests, events, keyword alerts',
    async up(sql) {
      await requireUtf8(sql);
      await createSearchConfigs(sql);
      await sql.query(SCHEMA);
    },
  },
];

/**
 * Applies the migrations not yet applied, in order, in one transaction under an advisory lock:
 * processes starting at once wait for the first, then find nothing left to do. Returns the
 * versions this call applied.
 */
export async function migrate(
  pool: Pool,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return transaction(pool, async (tx) => {
    await advisoryLock(tx, 'migrations');
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const fresh = migrations.filter((m) => !applied.has(m.version));
    for (const migration of fresh) {
      await migration.up(tx);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    return fresh.map((m) => m.version);
  });
}
