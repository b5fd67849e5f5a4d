import type { Pool } from 'pg';
import { alertModeFrom, DEFAULT_ALERT_MODE, type AlertMode } from '../../domain/alert-mode';
import type {
  AddKeywordsResult,
  AlertMatch,
  AlertRun,
  AlertSettings,
  AlertStore,
  AlertSubscriber,
  MemberRef,
} from '../store';
import { advisoryLock, MEMBER_LOCK_SPACE, transaction, type Sql } from './db';

interface MatchRow {
  paper_id: string;
  keywords: string[];
  matched_at: Date;
}

interface RunRow {
  run_key: string;
  started_at: Date;
  channel_id: string | null;
  message_ts: string | null;
}

const RUN_COLUMNS = 'run_key, started_at, channel_id, message_ts';

function rowToMatch(row: MatchRow): AlertMatch {
  return { paperId: row.paper_id, keywords: row.keywords, matchedAt: row.matched_at };
}

/**
 * Serializes one member's read-modify-write transactions (the keyword limit, the choice of the
 * next run) across every process: a transaction-level advisory lock keyed by the member, taken
 * first. It needs no row to exist (a member's matches come before any settings row).
 */
async function lockMember(tx: Sql, member: MemberRef): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2 || '/' || $3))`, [
    MEMBER_LOCK_SPACE,
    member.workspaceId,
    member.userId,
  ]);
}

/**
 * The alert half of the PostgreSQL store (see {@link AlertStore}).
 *
 * Revisions. Each change to a member's keywords or mode gives the member a number from the
 * `alert_revisions` sequence, and `subscribersChangedSince(r)` returns the members numbered above
 * `r`. A sequence alone would not do: two transactions may take 5 and 6 and commit 6 first; a
 * reader then sees 6, answers "up to 6", and never sees 5. So a transaction takes its number
 * only while holding a global advisory lock, held until it commits: numbers are then taken in
 * commit order, every number below a visible one is visible too, and a reader (which takes no
 * lock) can safely resume from the highest number it saw. Writers of keywords and modes queue on
 * that lock for the length of a commit; they are people typing commands, so it never matters.
 *
 * Locks are always taken in one order, member then revision, so two transactions never wait for
 * each other in a cycle.
 */
export class PostgresAlerts implements AlertStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Creates or updates the member's row with the next revision; call inside a transaction that
   * holds the member's lock, after which it holds the revision lock to commit.
   */
  private async touchMember(
    tx: Sql,
    member: MemberRef,
    change: { mode?: AlertMode; timeZone?: string },
  ): Promise<void> {
    await advisoryLock(tx, 'alertRevision');
    await tx.query(
      `INSERT INTO alert_members (workspace_id, user_id, mode, time_zone, revision)
       VALUES ($1, $2, COALESCE($3::jsonb, $4::jsonb), $5, nextval('alert_revisions'))
       ON CONFLICT (workspace_id, user_id) DO UPDATE SET
         mode = COALESCE($3::jsonb, alert_members.mode),
         time_zone = CASE WHEN $6 THEN EXCLUDED.time_zone ELSE alert_members.time_zone END,
         revision = EXCLUDED.revision`,
      [
        member.workspaceId,
        member.userId,
        change.mode ? JSON.stringify(change.mode) : null,
        JSON.stringify(DEFAULT_ALERT_MODE),
        change.timeZone ?? null,
        change.timeZone !== undefined,
      ],
    );
  }

  async addKeywords(
    member: MemberRef,
    keywords: readonly string[],
    limit: number,
    at: Date,
  ): Promise<AddKeywordsResult> {
    return transaction(this.pool, async (tx) => {
      await lockMember(tx, member);
      const had = new Set(await this.keywordsNow(tx, member));
      const result: AddKeywordsResult = { added: [], already: [], overLimit: [] };
      for (const keyword of new Set(keywords)) {
        if (had.has(keyword)) result.already.push(keyword);
        else if (had.size >= limit) result.overLimit.push(keyword);
        else {
          had.add(keyword);
          result.added.push(keyword);
        }
      }
      if (result.added.length === 0) return result;
      // The member's row first: keywords refer to it.
      await this.touchMember(tx, member, {});
      await tx.query(
        `INSERT INTO alert_keywords (workspace_id, user_id, keyword, added_at, position)
         SELECT $1, $2, k.keyword, $4,
           (SELECT COALESCE(MAX(position), 0) FROM alert_keywords
            WHERE workspace_id = $1 AND user_id = $2) + k.n
         FROM unnest($3::text[]) WITH ORDINALITY AS k (keyword, n)`,
        [member.workspaceId, member.userId, result.added, at],
      );
      return result;
    });
  }

  async removeKeywords(member: MemberRef, keywords: readonly string[]): Promise<string[]> {
    return transaction(this.pool, async (tx) => {
      await lockMember(tx, member);
      const { rows } = await tx.query<{ keyword: string }>(
        `DELETE FROM alert_keywords
         WHERE workspace_id = $1 AND user_id = $2 AND keyword = ANY($3::text[])
         RETURNING keyword`,
        [member.workspaceId, member.userId, [...keywords]],
      );
      const gone = new Set(rows.map((row) => row.keyword));
      if (gone.size > 0) await this.touchMember(tx, member, {});
      // In the order asked, each once.
      return [...new Set(keywords)].filter((keyword) => gone.has(keyword));
    });
  }

  private async keywordsNow(sql: Sql, member: MemberRef): Promise<string[]> {
    const { rows } = await sql.query<{ keyword: string }>(
      `SELECT keyword FROM alert_keywords WHERE workspace_id = $1 AND user_id = $2
       ORDER BY position`,
      [member.workspaceId, member.userId],
    );
    return rows.map((row) => row.keyword);
  }

  async keywordsOf(member: MemberRef): Promise<string[]> {
    return this.keywordsNow(this.pool, member);
  }

  async alertSettings(member: MemberRef): Promise<AlertSettings> {
    const { rows } = await this.pool.query<{ mode: unknown; time_zone: string | null }>(
      'SELECT mode, time_zone FROM alert_members WHERE workspace_id = $1 AND user_id = $2',
      [member.workspaceId, member.userId],
    );
    const row = rows[0];
    if (!row) return { mode: DEFAULT_ALERT_MODE };
    return {
      mode: alertModeFrom(row.mode),
      ...(row.time_zone !== null ? { timeZone: row.time_zone } : {}),
    };
  }

  async setAlertSettings(member: MemberRef, settings: AlertSettings): Promise<void> {
    await transaction(this.pool, async (tx) => {
      await lockMember(tx, member);
      await this.touchMember(tx, member, {
        mode: settings.mode,
        ...(settings.timeZone !== undefined ? { timeZone: settings.timeZone } : {}),
      });
      if (settings.mode.kind === 'off') {
        await tx.query(
          `DELETE FROM alert_matches
           WHERE workspace_id = $1 AND user_id = $2 AND run_key IS NULL`,
          [member.workspaceId, member.userId],
        );
      }
    });
  }

  async subscribersChangedSince(
    revision: number,
  ): Promise<{ revision: number; subscribers: AlertSubscriber[] }> {
    // One statement, one snapshot: members and their keywords as of the same moment.
    const { rows } = await this.pool.query<{
      workspace_id: string;
      user_id: string;
      mode: unknown;
      revision: string;
      keywords: string[];
    }>(
      `SELECT m.workspace_id, m.user_id, m.mode, m.revision,
         COALESCE((SELECT jsonb_agg(k.keyword ORDER BY k.position) FROM alert_keywords k
                   WHERE k.workspace_id = m.workspace_id AND k.user_id = m.user_id),
                  '[]'::jsonb) AS keywords
       FROM alert_members m WHERE m.revision > $1 ORDER BY m.revision`,
      [revision],
    );
    const subscribers = rows.map((row): AlertSubscriber => ({
      workspaceId: row.workspace_id,
      userId: row.user_id,
      mode: alertModeFrom(row.mode),
      keywords: row.keywords,
    }));
    const last = rows.at(-1);
    return { revision: last ? Number(last.revision) : revision, subscribers };
  }

  async recordAlertMatches(
    matches: ReadonlyArray<MemberRef & { paperId: string; keywords: readonly string[] }>,
    at: Date,
  ): Promise<Array<MemberRef & { paperId: string }>> {
    if (matches.length === 0) return [];
    const records = matches.map((m) => ({
      workspace_id: m.workspaceId,
      user_id: m.userId,
      paper_id: m.paperId,
      keywords: m.keywords,
    }));
    // In key order, so that two overlapping batches never wait for each other in a cycle.
    const { rows } = await this.pool.query<{
      workspace_id: string;
      user_id: string;
      paper_id: string;
    }>(
      `INSERT INTO alert_matches (workspace_id, user_id, paper_id, keywords, matched_at)
       SELECT x.workspace_id, x.user_id, x.paper_id, x.keywords, $2
       FROM jsonb_to_recordset($1::jsonb)
         AS x (workspace_id text, user_id text, paper_id text, keywords jsonb)
       ORDER BY x.workspace_id COLLATE "C", x.user_id COLLATE "C", x.paper_id COLLATE "C"
       ON CONFLICT DO NOTHING
       RETURNING workspace_id, user_id, paper_id`,
      [JSON.stringify(records), at],
    );
    const key = (m: MemberRef & { paperId: string }) =>
      JSON.stringify([m.workspaceId, m.userId, m.paperId]);
    const recorded = new Set(
      rows.map((row) =>
        key({ workspaceId: row.workspace_id, userId: row.user_id, paperId: row.paper_id }),
      ),
    );
    // In the order given; a pair repeated in the batch was recorded once, for its first mention.
    return matches.flatMap(({ workspaceId, userId, paperId }) => {
      const pair = { workspaceId, userId, paperId };
      return recorded.delete(key(pair)) ? [pair] : [];
    });
  }

  async membersWithPendingAlerts(): Promise<Array<MemberRef & AlertSettings & { oldest: Date }>> {
    const { rows } = await this.pool.query<{
      workspace_id: string;
      user_id: string;
      oldest: Date;
      mode: unknown;
      time_zone: string | null;
    }>(
      `SELECT m.workspace_id, m.user_id, MIN(m.matched_at) AS oldest, s.mode, s.time_zone
       FROM alert_matches m
       LEFT JOIN alert_members s ON s.workspace_id = m.workspace_id AND s.user_id = m.user_id
       WHERE m.run_key IS NULL
       GROUP BY m.workspace_id, m.user_id, s.mode, s.time_zone
       ORDER BY m.workspace_id, m.user_id`,
    );
    return rows.map((row) => ({
      workspaceId: row.workspace_id,
      userId: row.user_id,
      mode: row.mode === null ? DEFAULT_ALERT_MODE : alertModeFrom(row.mode),
      ...(row.time_zone !== null ? { timeZone: row.time_zone } : {}),
      oldest: row.oldest,
    }));
  }

  private async runOf(sql: Sql, member: MemberRef, row: RunRow, fresh: boolean): Promise<AlertRun> {
    const { rows } = await sql.query<MatchRow>(
      `SELECT paper_id, keywords, matched_at FROM alert_matches
       WHERE workspace_id = $1 AND user_id = $2 AND run_key = $3
       ORDER BY matched_at, paper_id`,
      [member.workspaceId, member.userId, row.run_key],
    );
    return {
      key: row.run_key,
      matches: rows.map(rowToMatch),
      startedAt: row.started_at,
      fresh,
      ...(row.message_ts !== null && row.channel_id !== null
        ? { posted: { channelId: row.channel_id, messageTs: row.message_ts } }
        : {}),
    };
  }

  async startAlertRun(
    member: MemberRef,
    key: string,
    at: Date,
    before?: Date,
  ): Promise<AlertRun | undefined> {
    const { workspaceId, userId } = member;
    return transaction(this.pool, async (tx) => {
      // Two workers starting the member's run at once: the second waits, then finds the first's.
      await lockMember(tx, member);
      const unposted = await tx.query<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM alert_runs
         WHERE workspace_id = $1 AND user_id = $2 AND message_ts IS NULL
         ORDER BY started_at, run_key LIMIT 1`,
        [workspaceId, userId],
      );
      if (unposted.rows[0]) return this.runOf(tx, member, unposted.rows[0], false);
      const existing = await tx.query<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM alert_runs
         WHERE workspace_id = $1 AND user_id = $2 AND run_key = $3`,
        [workspaceId, userId, key],
      );
      if (existing.rows[0]) return this.runOf(tx, member, existing.rows[0], false);
      const taken = await tx.query(
        `UPDATE alert_matches SET run_key = $3
         WHERE workspace_id = $1 AND user_id = $2 AND run_key IS NULL
           AND ($4::timestamptz IS NULL OR matched_at < $4)`,
        [workspaceId, userId, key, before ?? null],
      );
      if (!taken.rowCount) return undefined;
      await tx.query(
        `INSERT INTO alert_runs (workspace_id, user_id, run_key, started_at)
         VALUES ($1, $2, $3, $4)`,
        [workspaceId, userId, key, at],
      );
      const row: RunRow = { run_key: key, started_at: at, channel_id: null, message_ts: null };
      return this.runOf(tx, member, row, true);
    });
  }

  async finishAlertRun(
    member: MemberRef,
    key: string,
    posted: { channelId: string; messageTs: string },
  ): Promise<void> {
    await this.pool.query(
      `UPDATE alert_runs SET channel_id = $1, message_ts = $2
       WHERE workspace_id = $3 AND user_id = $4 AND run_key = $5`,
      [posted.channelId, posted.messageTs, member.workspaceId, member.userId, key],
    );
  }

  async alertRun(member: MemberRef, key: string): Promise<AlertRun | undefined> {
    const { rows } = await this.pool.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM alert_runs
       WHERE workspace_id = $1 AND user_id = $2 AND run_key = $3`,
      [member.workspaceId, member.userId, key],
    );
    return rows[0] && this.runOf(this.pool, member, rows[0], false);
  }

  async recentAlertMatches(member: MemberRef, since: Date): Promise<AlertMatch[]> {
    const { rows } = await this.pool.query<MatchRow>(
      `SELECT paper_id, keywords, matched_at FROM alert_matches
       WHERE workspace_id = $1 AND user_id = $2 AND matched_at >= $3
       ORDER BY matched_at DESC, paper_id`,
      [member.workspaceId, member.userId, since],
    );
    return rows.map(rowToMatch);
  }
}
