import type { PolledSource } from '../domain/feed';

/** Messages the jobs post, as `paperboy_slack_posts_total` labels them. */
export type PostKind = 'announcement' | 'digest' | 'version_note' | 'alert_dm';

/**
 * How a job's run ended: `delayed` is a run that handed the job back for later without using up
 * an attempt (Slack's `Retry-After`, a member's alert already being sent).
 */
export type JobOutcome = 'completed' | 'failed' | 'delayed';

/** How a member takes their keyword alerts. */
export type AlertDmMode = 'instant' | 'daily' | 'weekly';

/**
 * What the job processors count, handed to them in their deps like every other port. It is all
 * they see of the metrics: no Prometheus types, nothing to await, nothing that can throw.
 */
export interface JobMetrics {
  /** A poll of `source` finished: `inserted` papers seen for the first time, `updated` refreshed. */
  pollCompleted(source: PolledSource, result: { inserted: number; updated: number }): void;
  /** A poll of `source` failed (BullMQ may retry it). */
  pollFailed(source: PolledSource): void;
  /**
   * Slack accepted a message the job posted. Not counted: a message a retry finds already posted
   * by an earlier attempt (it was counted then, or its process died before it could count).
   */
  posted(kind: Exclude<PostKind, 'alert_dm'>): void;
  /** A keyword alert DM went out; also counted as a post of kind `alert_dm`. */
  alertDmSent(mode: AlertDmMode): void;
}

/** Counts nothing: for processors built without metrics (unit tests, scripts). */
export const NO_JOB_METRICS: JobMetrics = {
  pollCompleted: () => undefined,
  pollFailed: () => undefined,
  posted: () => undefined,
  alertDmSent: () => undefined,
};
