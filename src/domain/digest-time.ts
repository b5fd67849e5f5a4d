import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/**
 * The local day (`YYYY-MM-DD` in `timeZone`) whose digest is due at `now`: today's once the local
 * clock has reached `time` (`HH:MM`), else undefined. A time the clocks skip on a daylight-saving
 * day (02:30 when 02:00 jumps to 03:00) falls due when the clocks pass it. Each day is due once:
 * the caller keys its work by the day.
 */
export function dueDigestDay(now: Date, time: string, timeZone: string): string | undefined {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  const local = new TZDate(now.getTime(), timeZone);
  const reached = local.getHours() * 60 + local.getMinutes() >= hours * 60 + minutes;
  return reached ? format(local, 'yyyy-MM-dd') : undefined;
}
