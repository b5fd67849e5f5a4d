import { TZDate } from '@date-fns/tz';
import { startOfDay, subDays } from 'date-fns';

/** The windows `/papers top` ranks in; `week` and `month` are the last 7 and 30 calendar days. */
export const TOP_WINDOWS = ['today', 'week', 'month', 'all'] as const;
export type TopWindow = (typeof TOP_WINDOWS)[number];
export const DEFAULT_TOP_WINDOW: TopWindow = 'week';

export function isTopWindow(value: string): value is TopWindow {
  return (TOP_WINDOWS as readonly string[]).includes(value);
}

/** Calendar days each window spans, today included. */
const WINDOW_DAYS: Record<Exclude<TopWindow, 'all'>, number> = { today: 1, week: 7, month: 30 };

/**
 * Where a window starts: local midnight in `timeZone`, today or some days back (so across a
 * daylight-saving change a week is 167 or 169 hours, not 168). Undefined for `all`.
 */
export function topWindowStart(window: TopWindow, now: Date, timeZone: string): Date | undefined {
  if (window === 'all') return undefined;
  const today = startOfDay(new TZDate(now.getTime(), timeZone));
  return new Date(subDays(today, WINDOW_DAYS[window] - 1).getTime());
}

/** The window in words, after "Top papers …". */
export const TOP_WINDOW_LABELS: Record<TopWindow, string> = {
  today: 'today',
  week: 'in the last 7 days',
  month: 'in the last 30 days',
  all: 'of all time',
};
