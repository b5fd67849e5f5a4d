/**
 * How a member wants their keyword alerts: a DM after each poll (`instant`, the default), one
 * digest a day or a week at a local time they pick, or none. Times are in the member's own time
 * zone, which Slack knows (`users.info`).
 */
export type AlertMode =
  | { kind: 'instant' }
  | { kind: 'daily'; time: string }
  | { kind: 'weekly'; day: Weekday; time: string }
  | { kind: 'off' };

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const DEFAULT_ALERT_MODE: AlertMode = { kind: 'instant' };
