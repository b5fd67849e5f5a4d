import type Database from 'better-sqlite3';
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

interface MemberRow {
  workspace_id: string;
  user_id: string;
  mode: string;
  time_zone: string | null;
  revision: number;
}

interface MatchRow {
  paper_id: string;
  keywords: string;
  matched_at: number;
}

interface RunRow {
  run_key: string;
  started_at: number;
  channel_id: string | null;
  message_ts: string | null;
}

/** A mode stored as JSON text; see alertModeFrom. */
function modeFromJson(json: string): AlertMode {
  try {
    return alertModeFrom(JSON.parse(json));
  } catch {
    return DEFAULT_ALERT_MODE;
  }
}

function rowToMatch(row: MatchRow): AlertMatch {
  return {
    paperId: row.paper_id,
    keywords: JSON.parse(row.keywords) as string[],
    matchedAt: new Date(row.matched_at),
  };
}

/**
 * The alert half of the SQLite store (see {@link AlertStore}), on the store's connection. Every
 * change to a member's keywords or mode bumps their revision in the same transaction.
 */
export class SqliteAlerts implements AlertStore {
  constructor(private readonly db: Database.Database) {}

  /** Gives the member the next revision (creating their row); call inside a write transaction. */
  private touchMember(member: MemberRef, change: { mode?: string; timeZone?: string | null }) {
    const next = this.db
      .prepare('SELECT COALESCE(MAX(revision), 0) + 1 FROM alert_members')
      .pluck()
      .get() as number;
    this.db
      .prepare(
        `INSERT INTO alert_members (workspace_id, user_id, mode, time_zone, revision)
         VALUES (@workspace, @user, COALESCE(@mode, '${JSON.stringify(DEFAULT_ALERT_MODE)}'), @timeZone, @next)
         ON CONFLICT (workspace_id, user_id) DO UPDATE SET
           mode = COALESCE(@mode, mode),
           time_zone = CASE WHEN @setZone THEN @timeZone ELSE time_zone END,
           revision = @next`,
      )
      .run({
        workspace: member.workspaceId,
        user: member.userId,
        mode: change.mode ?? null,
        timeZone: change.timeZone ?? null,
        setZone: change.timeZone !== undefined ? 1 : 0,
        next,
      });
  }

  async addKeywords(
    member: MemberRef,
    keywords: readonly string[],
    limit: number,
    at: Date,
  ): Promise<AddKeywordsResult> {
    const add = this.db.transaction((): AddKeywordsResult => {
      const had = new Set(this.keywordsNow(member));
      const result: AddKeywordsResult = { added: [], already: [], overLimit: [] };
      const insert = this.db.prepare(
        `INSERT INTO alert_keywords (workspace_id, user_id, keyword, added_at, position)
         VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM alert_keywords
                              WHERE workspace_id = ? AND user_id = ?))`,
      );
      for (const keyword of new Set(keywords)) {
        if (had.has(keyword)) result.already.push(keyword);
        else if (had.size >= limit) result.overLimit.push(keyword);
        else {
          const { workspaceId, userId } = member;
          insert.run(workspaceId, userId, keyword, at.getTime(), workspaceId, userId);
          had.add(keyword);
          result.added.push(keyword);
        }
      }
      if (result.added.length > 0) this.touchMember(member, {});
      return result;
    });
    return add.immediate();
  }

  async removeKeywords(member: MemberRef, keywords: readonly string[]): Promise<string[]> {
    const remove = this.db.transaction((): string[] => {
      const statement = this.db.prepare(
        'DELETE FROM alert_keywords WHERE workspace_id = ? AND user_id = ? AND keyword = ?',
      );
      const removed = [...new Set(keywords)].filter(
        (keyword) => statement.run(member.workspaceId, member.userId, keyword).changes > 0,
      );
      if (removed.length > 0) this.touchMember(member, {});
      return removed;
    });
    return remove.immediate();
  }

  private keywordsNow(member: MemberRef): string[] {
    return this.db
      .prepare(
        `SELECT keyword FROM alert_keywords WHERE workspace_id = ? AND user_id = ?
         ORDER BY position`,
      )
      .pluck()
      .all(member.workspaceId, member.userId) as string[];
  }

  async keywordsOf(member: MemberRef): Promise<string[]> {
    return this.keywordsNow(member);
  }

  async alertSettings(member: MemberRef): Promise<AlertSettings> {
    const row = this.db
      .prepare('SELECT mode, time_zone FROM alert_members WHERE workspace_id = ? AND user_id = ?')
      .get(member.workspaceId, member.userId) as Pick<MemberRow, 'mode' | 'time_zone'> | undefined;
    if (!row) return { mode: DEFAULT_ALERT_MODE };
    return {
      mode: modeFromJson(row.mode),
      ...(row.time_zone !== null ? { timeZone: row.time_zone } : {}),
    };
  }

  async setAlertSettings(member: MemberRef, settings: AlertSettings): Promise<void> {
    this.db
      .transaction(() => {
        this.touchMember(member, {
          mode: JSON.stringify(settings.mode),
          ...(settings.timeZone !== undefined ? { timeZone: settings.timeZone } : {}),
        });
        if (settings.mode.kind === 'off') {
          this.db
            .prepare(
              `DELETE FROM alert_matches
               WHERE workspace_id = ? AND user_id = ? AND run_key IS NULL`,
            )
            .run(member.workspaceId, member.userId);
        }
      })
      .immediate();
  }

  async subscribersChangedSince(
    revision: number,
  ): Promise<{ revision: number; subscribers: AlertSubscriber[] }> {
    const read = this.db.transaction(() => {
      const rows = this.db
        .prepare('SELECT * FROM alert_members WHERE revision > ? ORDER BY revision')
        .all(revision) as MemberRow[];
      const subscribers = rows.map((row): AlertSubscriber => ({
        workspaceId: row.workspace_id,
        userId: row.user_id,
        mode: modeFromJson(row.mode),
        keywords: this.keywordsNow({ workspaceId: row.workspace_id, userId: row.user_id }),
      }));
      return { revision: rows.at(-1)?.revision ?? revision, subscribers };
    });
    // One snapshot: a change made between reading the members and their keywords is not half-seen.
    return read.deferred();
  }

  async recordAlertMatches(
    matches: ReadonlyArray<MemberRef & { paperId: string; keywords: readonly string[] }>,
    at: Date,
  ): Promise<Array<MemberRef & { paperId: string }>> {
    const insert = this.db.prepare(
      `INSERT INTO alert_matches (workspace_id, user_id, paper_id, keywords, matched_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    const record = this.db.transaction(() =>
      matches
        .filter(
          (m) =>
            insert.run(m.workspaceId, m.userId, m.paperId, JSON.stringify(m.keywords), at.getTime())
              .changes > 0,
        )
        .map(({ workspaceId, userId, paperId }) => ({ workspaceId, userId, paperId })),
    );
    return record.immediate();
  }

  async membersWithPendingAlerts(): Promise<Array<MemberRef & AlertSettings & { oldest: Date }>> {
    const rows = this.db
      .prepare(
        `SELECT m.workspace_id, m.user_id, MIN(m.matched_at) AS oldest, s.mode, s.time_zone
         FROM alert_matches m
         LEFT JOIN alert_members s ON s.workspace_id = m.workspace_id AND s.user_id = m.user_id
         WHERE m.run_key IS NULL
         GROUP BY m.workspace_id, m.user_id
         ORDER BY m.workspace_id, m.user_id`,
      )
      .all() as Array<{
      workspace_id: string;
      user_id: string;
      oldest: number;
      mode: string | null;
      time_zone: string | null;
    }>;
    return rows.map((row) => ({
      workspaceId: row.workspace_id,
      userId: row.user_id,
      mode: row.mode === null ? DEFAULT_ALERT_MODE : modeFromJson(row.mode),
      ...(row.time_zone !== null ? { timeZone: row.time_zone } : {}),
      oldest: new Date(row.oldest),
    }));
  }

  private runOf(member: MemberRef, row: RunRow, fresh: boolean): AlertRun {
    const matches = this.db
      .prepare(
        `SELECT paper_id, keywords, matched_at FROM alert_matches
         WHERE workspace_id = ? AND user_id = ? AND run_key = ?
         ORDER BY matched_at, paper_id`,
      )
      .all(member.workspaceId, member.userId, row.run_key) as MatchRow[];
    return {
      key: row.run_key,
      matches: matches.map(rowToMatch),
      startedAt: new Date(row.started_at),
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
    const start = this.db.transaction((): AlertRun | undefined => {
      const unposted = this.db
        .prepare(
          `SELECT * FROM alert_runs WHERE workspace_id = ? AND user_id = ? AND message_ts IS NULL
           ORDER BY started_at LIMIT 1`,
        )
        .get(workspaceId, userId) as RunRow | undefined;
      if (unposted) return this.runOf(member, unposted, false);
      const existing = this.db
        .prepare('SELECT * FROM alert_runs WHERE workspace_id = ? AND user_id = ? AND run_key = ?')
        .get(workspaceId, userId, key) as RunRow | undefined;
      if (existing) return this.runOf(member, existing, false);
      const taken = this.db
        .prepare(
          `UPDATE alert_matches SET run_key = ?
           WHERE workspace_id = ? AND user_id = ? AND run_key IS NULL AND matched_at < ?`,
        )
        .run(key, workspaceId, userId, before?.getTime() ?? Number.MAX_SAFE_INTEGER).changes;
      if (taken === 0) return undefined;
      this.db
        .prepare(
          'INSERT INTO alert_runs (workspace_id, user_id, run_key, started_at) VALUES (?, ?, ?, ?)',
        )
        .run(workspaceId, userId, key, at.getTime());
      const row: RunRow = {
        run_key: key,
        started_at: at.getTime(),
        channel_id: null,
        message_ts: null,
      };
      return this.runOf(member, row, true);
    });
    return start.immediate();
  }

  async finishAlertRun(
    member: MemberRef,
    key: string,
    posted: { channelId: string; messageTs: string },
  ): Promise<void> {
    this.db
      .prepare(
        `UPDATE alert_runs SET channel_id = ?, message_ts = ?
         WHERE workspace_id = ? AND user_id = ? AND run_key = ?`,
      )
      .run(posted.channelId, posted.messageTs, member.workspaceId, member.userId, key);
  }

  async alertRun(member: MemberRef, key: string): Promise<AlertRun | undefined> {
    const row = this.db
      .prepare('SELECT * FROM alert_runs WHERE workspace_id = ? AND user_id = ? AND run_key = ?')
      .get(member.workspaceId, member.userId, key) as RunRow | undefined;
    return row && this.runOf(member, row, false);
  }

  async recentAlertMatches(member: MemberRef, since: Date): Promise<AlertMatch[]> {
    const rows = this.db
      .prepare(
        `SELECT paper_id, keywords, matched_at FROM alert_matches
         WHERE workspace_id = ? AND user_id = ? AND matched_at >= ?
         ORDER BY matched_at DESC, paper_id`,
      )
      .all(member.workspaceId, member.userId, since.getTime()) as MatchRow[];
    return rows.map(rowToMatch);
  }
}
