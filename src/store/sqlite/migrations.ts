/**
 * The SQLite schema, as numbered migrations applied in order, each once. Append new ones; never
 * edit one that has shipped. Times are stored as milliseconds since the epoch (UTC).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'papers, follows, votes, deliveries',
    sql: `
      CREATE TABLE papers (
        -- An explicit integer key: FTS5's external content needs a rowid that VACUUM cannot renumber.
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        abstract TEXT NOT NULL DEFAULT '',
        authors TEXT NOT NULL DEFAULT '[]',
        published_at INTEGER NOT NULL,
        featured_at INTEGER,
        hf_upvotes INTEGER,
        hf_comments INTEGER,
        github_repo TEXT,
        github_stars INTEGER,
        project_page TEXT,
        ai_summary TEXT,
        ai_keywords TEXT,
        first_seen_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX papers_first_seen ON papers (first_seen_at);

      CREATE VIRTUAL TABLE papers_fts USING fts5(
        title, abstract, authors, ai_keywords,
        content = 'papers', content_rowid = 'seq',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
        INSERT INTO papers_fts (rowid, title, abstract, authors, ai_keywords)
        VALUES (new.seq, new.title, new.abstract, new.authors, new.ai_keywords);
      END;
      CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
        INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors, ai_keywords)
        VALUES ('delete', old.seq, old.title, old.abstract, old.authors, old.ai_keywords);
      END;
      -- Counter refreshes (upvotes, comments, stars) happen every poll and must not rewrite the index.
      CREATE TRIGGER papers_fts_update AFTER UPDATE ON papers
      WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract
        OR old.authors IS NOT new.authors OR old.ai_keywords IS NOT new.ai_keywords
      BEGIN
        INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors, ai_keywords)
        VALUES ('delete', old.seq, old.title, old.abstract, old.authors, old.ai_keywords);
        INSERT INTO papers_fts (rowid, title, abstract, authors, ai_keywords)
        VALUES (new.seq, new.title, new.abstract, new.authors, new.ai_keywords);
      END;

      CREATE TABLE follows (
        workspace_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        feed TEXT NOT NULL,
        followed_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, channel_id, feed)
      );
      CREATE INDEX follows_by_feed ON follows (feed);

      CREATE TABLE votes (
        workspace_id TEXT NOT NULL,
        paper_id TEXT NOT NULL REFERENCES papers (id),
        user_id TEXT NOT NULL,
        voted_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, paper_id, user_id)
      );

      -- The ledger: its primary key is the durable guard against posting a paper twice in a channel.
      CREATE TABLE deliveries (
        workspace_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        paper_id TEXT NOT NULL REFERENCES papers (id),
        message_ts TEXT NOT NULL,
        posted_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, channel_id, paper_id)
      );
      CREATE INDEX deliveries_by_paper ON deliveries (workspace_id, paper_id);
    `,
  },
  {
    version: 2,
    name: 'author names index, reply counts, shared cards, event ids, search indexes',
    sql: `
      -- One row per author of a paper, so that author:"Wei Li" matches within one name and never
      -- across two neighbours ("… Wei, Li Zhang"). rowid = paper seq * 4096 + position: a paper's
      -- rows are one rowid range, cheap to replace. No stemming: names are not English words.
      CREATE VIRTUAL TABLE author_names USING fts5(
        name, tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER author_names_insert AFTER INSERT ON papers BEGIN
        INSERT INTO author_names (rowid, name)
        SELECT new.seq * 4096 + key, value FROM json_each(new.authors) WHERE key < 4096;
      END;
      CREATE TRIGGER author_names_update AFTER UPDATE OF authors ON papers
      WHEN old.authors IS NOT new.authors
      BEGIN
        DELETE FROM author_names WHERE rowid BETWEEN old.seq * 4096 AND old.seq * 4096 + 4095;
        INSERT INTO author_names (rowid, name)
        SELECT new.seq * 4096 + key, value FROM json_each(new.authors) WHERE key < 4096;
      END;
      CREATE TRIGGER author_names_delete AFTER DELETE ON papers BEGIN
        DELETE FROM author_names WHERE rowid BETWEEN old.seq * 4096 AND old.seq * 4096 + 4095;
      END;
      INSERT INTO author_names (rowid, name)
      SELECT p.seq * 4096 + j.key, j.value FROM papers p, json_each(p.authors) j WHERE j.key < 4096;

      -- Thread replies per card, counted from Slack's message events.
      ALTER TABLE deliveries ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
      -- A card a member shared with /papers share: who, and what they said above it.
      ALTER TABLE deliveries ADD COLUMN shared_by TEXT;
      ALTER TABLE deliveries ADD COLUMN share_comment TEXT;
      CREATE INDEX deliveries_by_ts ON deliveries (workspace_id, channel_id, message_ts);

      CREATE INDEX papers_published ON papers (published_at);
      -- Slack's event retries carry the same event_id: each is counted once.
      CREATE TABLE slack_events (
        event_id TEXT PRIMARY KEY,
        seen_at INTEGER NOT NULL
      );
      CREATE INDEX slack_events_seen ON slack_events (seen_at);

      -- search's sort:votes gathers the most upvoted matches first.
      CREATE INDEX papers_hf_upvotes ON papers (hf_upvotes);
    `,
  },
  {
    version: 3,
    name: 'follow filters, arXiv versions and categories, digests, version notes',
    sql: `
      -- A follow's filters and digest setting, as JSON (see FollowFilters).
      ALTER TABLE follows ADD COLUMN filters TEXT NOT NULL DEFAULT '{}';
      -- The highest arXiv version seen, and the paper's categories (JSON, primary first).
      ALTER TABLE papers ADD COLUMN version INTEGER;
      ALTER TABLE papers ADD COLUMN categories TEXT;
      -- The version a card's thread was last told about ("v2 is out"), and whether the card is a
      -- digest (one message for several papers).
      ALTER TABLE deliveries ADD COLUMN noted_version INTEGER;
      ALTER TABLE deliveries ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX deliveries_posted ON deliveries (posted_at);

      -- One row per channel and local day once its digest is under way: the papers it lists, and
      -- the message once posted ('' for a day with nothing new). Never a second digest that day.
      CREATE TABLE digest_runs (
        workspace_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        day TEXT NOT NULL,
        paper_ids TEXT NOT NULL,
        message_ts TEXT,
        started_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, channel_id, day)
      );

      -- Papers waiting for a channel's next digest.
      CREATE TABLE digest_items (
        workspace_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        paper_id TEXT NOT NULL REFERENCES papers (id),
        feed TEXT NOT NULL,
        queued_at INTEGER NOT NULL,
        -- Set when a digest considered it (posted or left out): it is never held again.
        consumed_at INTEGER,
        PRIMARY KEY (workspace_id, channel_id, paper_id)
      );
    `,
  },
  {
    version: 4,
    name: 'keyword alerts: keywords, settings, matches, runs',
    sql: `
      -- One row per member who ever subscribed or chose an alert mode. The revision grows with
      -- every change to the member's keywords or mode: keyword indexes in other processes ask for
      -- the members changed since the revision they last saw.
      CREATE TABLE alert_members (
        workspace_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        -- The mode as JSON (see AlertMode); the member's time zone as Slack last said.
        mode TEXT NOT NULL DEFAULT '{"kind":"instant"}',
        time_zone TEXT,
        revision INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, user_id)
      );
      CREATE INDEX alert_members_revision ON alert_members (revision);

      CREATE TABLE alert_keywords (
        workspace_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        -- The canonical form (see parseKeyword): two spellings of one keyword are one row.
        keyword TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, user_id, keyword)
      );

      -- A paper matches a member once, whatever retries and overlapping polls do; run_key is
      -- set when a run (one DM) takes it.
      CREATE TABLE alert_matches (
        workspace_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        paper_id TEXT NOT NULL REFERENCES papers (id),
        keywords TEXT NOT NULL,
        matched_at INTEGER NOT NULL,
        run_key TEXT,
        PRIMARY KEY (workspace_id, user_id, paper_id)
      );
      CREATE INDEX alert_matches_pending ON alert_matches (run_key, workspace_id, user_id);
      CREATE INDEX alert_matches_by_run ON alert_matches (workspace_id, user_id, run_key);

      -- One DM per run: the message once posted (a run started and not posted may have landed).
      CREATE TABLE alert_runs (
        workspace_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        run_key TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        channel_id TEXT,
        message_ts TEXT,
        PRIMARY KEY (workspace_id, user_id, run_key)
      );
      CREATE INDEX alert_runs_unposted ON alert_runs (workspace_id, user_id, message_ts);
    `,
  },
];
