import { TZDate } from '@date-fns/tz';
import { dueDigestDay } from './digest-time';
import { quoted } from './text';

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

/** The digest time when a member types `daily` or `weekly` without one: local `HH:MM`. */
export const DEFAULT_ALERT_TIME = '09:00';
/** The digest day when a member types `weekly` without one. */
export const DEFAULT_ALERT_DAY: Weekday = 'mon';

const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** Short forms people write besides the 3-letter and full names. */
const WEEKDAY_ALIASES: Record<string, Weekday> = {
  tues: 'tue',
  weds: 'wed',
  thur: 'thu',
  thurs: 'thu',
};

export function isWeekday(value: unknown): value is Weekday {
  return typeof value === 'string' && (WEEKDAYS as readonly string[]).includes(value);
}

/** `mon` → "Monday", for labels and select options. */
export function weekdayName(day: Weekday): string {
  return WEEKDAY_NAMES[day];
}

/** `mon`, `Mon`, `monday`, `Mondays` (and `tues`, `weds`, `thur`, `thurs`) → the weekday. */
function parseWeekday(word: string): Weekday | undefined {
  const lower = word.toLowerCase();
  if (isWeekday(lower)) return lower;
  const alias = WEEKDAY_ALIASES[lower];
  if (alias) return alias;
  const singular = lower.endsWith('s') ? lower.slice(0, -1) : lower;
  return WEEKDAYS.find((day) => WEEKDAY_NAMES[day].toLowerCase() === singular);
}

const TIME_24 = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const TIME_12 = /^(1[0-2]|0?[1-9])(?::([0-5]\d))?\s*([ap])\.?m\.?$/;

/**
 * A time as a member writes it, as `HH:MM` on a 24-hour clock: `9:00` and `09:00` → `09:00`,
 * `17:30` → `17:30`, `9am` / `9 am` / `9:30pm` / `9 p.m.` → `09:00` / `09:00` / `21:30` / `21:00`,
 * `12am` → `00:00`, `12pm` → `12:00`. Anything else (`9`, `24:00`, `13pm`, `0900`) → undefined.
 */
export function parseAlertTime(text: string): string | undefined {
  const lower = text.trim().toLowerCase();
  const h24 = TIME_24.exec(lower);
  if (h24) return `${(h24[1] ?? '').padStart(2, '0')}:${h24[2]}`;
  const h12 = TIME_12.exec(lower);
  if (!h12) return undefined;
  const hours = (Number(h12[1]) % 12) + (h12[3] === 'p' ? 12 : 0);
  return `${String(hours).padStart(2, '0')}:${h12[2] ?? '00'}`;
}

/** The choices in one sentence, for a problem or beside the current mode when none is given. */
export const ALERT_MODE_USAGE =
  'Alerts can be `instant` (a DM after each poll that finds matches), `daily 09:00` or `weekly mon 09:00` (one digest at that time in your time zone), or `off`, e.g. `/papers alerts daily 09:00`.';

const TIME_FORMS = 'like `09:00`, `17:30` or `9am`, in your own time zone';
const DAILY_EXAMPLE = '/papers alerts daily 09:00';
const WEEKLY_EXAMPLE = '/papers alerts weekly fri 17:30';

/** Words read as part of a sentence and skipped: `daily at 9am`, `weekly on friday at 17:30`. */
const FILLERS = new Set(['at', 'on']);

/** `am`/`pm` typed apart from the time (`9 am`) joins it, so each word is one day or time. */
function words(args: readonly string[]): string[] {
  const split = args.flatMap((arg) => arg.split(/\s+/)).filter(Boolean);
  const joined: string[] = [];
  for (const word of split) {
    const previous = joined[joined.length - 1];
    if (previous !== undefined && /^[ap]\.?m\.?$/i.test(word) && /^\d/.test(previous)) {
      joined[joined.length - 1] = `${previous} ${word}`;
    } else {
      joined.push(word);
    }
  }
  return joined;
}

function timeProblem(word: string, example: string): { problem: string } {
  return {
    problem: `I can't read \`${quoted(word)}\` as a time. Use a time ${TIME_FORMS}, e.g. \`${example}\`.`,
  };
}

function parseDaily(rest: readonly string[]): AlertMode | { problem: string } {
  let time: { value: string; word: string } | undefined;
  for (const word of rest) {
    const parsed = parseAlertTime(word);
    const day = parseWeekday(word);
    if (parsed !== undefined) {
      if (time) {
        return {
          problem: `Which time, \`${quoted(time.word)}\` or \`${quoted(word)}\`? Daily alerts come once a day, e.g. \`${DAILY_EXAMPLE}\`.`,
        };
      }
      time = { value: parsed, word };
    } else if (day !== undefined) {
      // Suggest the weekly command they seem to want, with their time wherever they typed it.
      const at = rest.map(parseAlertTime).find((t) => t !== undefined) ?? DEFAULT_ALERT_TIME;
      const suggestion = `/papers alerts weekly ${day} ${at}`;
      return {
        problem: `Daily alerts come every day, so I don't know what to do with \`${quoted(word)}\`. For one digest a week, try \`${suggestion}\`.`,
      };
    } else {
      return timeProblem(word, DAILY_EXAMPLE);
    }
  }
  return { kind: 'daily', time: time?.value ?? DEFAULT_ALERT_TIME };
}

function parseWeekly(rest: readonly string[]): AlertMode | { problem: string } {
  let time: { value: string; word: string } | undefined;
  let day: { value: Weekday; word: string } | undefined;
  for (const word of rest) {
    const parsedTime = parseAlertTime(word);
    const parsedDay = parseWeekday(word);
    if (parsedTime !== undefined) {
      if (time) {
        return {
          problem: `Which time, \`${quoted(time.word)}\` or \`${quoted(word)}\`? Weekly alerts come once a week, e.g. \`${WEEKLY_EXAMPLE}\`.`,
        };
      }
      time = { value: parsedTime, word };
    } else if (parsedDay !== undefined) {
      if (day) {
        return {
          problem: `Weekly alerts come on one day, and I see two: \`${quoted(day.word)}\` and \`${quoted(word)}\`. For more than one a week, try \`${DAILY_EXAMPLE}\`.`,
        };
      }
      day = { value: parsedDay, word };
    } else if (/^\d/.test(word)) {
      // Starts like a time: say what a time looks like rather than list the days.
      return timeProblem(word, WEEKLY_EXAMPLE);
    } else {
      return {
        problem: `I can't read \`${quoted(word)}\` as a day or a time. Weekly alerts take a day (\`mon\` … \`sun\`, or \`monday\` … \`sunday\`) and a time ${TIME_FORMS}, e.g. \`${WEEKLY_EXAMPLE}\`.`,
      };
    }
  }
  return {
    kind: 'weekly',
    day: day?.value ?? DEFAULT_ALERT_DAY,
    time: time?.value ?? DEFAULT_ALERT_TIME,
  };
}

/**
 * Reads `/papers alerts …`: `args` are the words after `alerts` (decoded text, any case).
 *
 *   instant                          a DM after each poll that finds matches
 *   daily [TIME]                     one digest a day; TIME defaults to 09:00
 *   weekly [DAY] [TIME]              one a week, DAY and TIME in either order; mon 09:00 by default
 *   off                              none
 *
 * TIME is `9:00`/`09:00`/`17:30` (24-hour) or `9am`/`9 am`/`9:30pm`; DAY is `mon`, `monday` or
 * `mondays` (also `tues`, `weds`, `thur`, `thurs`). `at` and `on` may sit between them
 * (`weekly on friday at 5pm`). App Home can hand in its select and timepicker values the same way:
 * `[mode]`, `[mode, time]` or `[mode, day, time]`.
 *
 * A mistake gets a problem in plain words that echoes the word it stuck on, unescaped: the caller
 * escapes mrkdwn. No words at all is a problem listing the choices (see `ALERT_MODE_USAGE`).
 */
export function parseAlertMode(args: readonly string[]): AlertMode | { problem: string } {
  const [first, ...rest] = words(args);
  if (first === undefined) {
    return { problem: `How should your keyword alerts reach you? ${ALERT_MODE_USAGE}` };
  }
  const kind = first.toLowerCase();
  if (kind === 'instant' || kind === 'off') {
    const extra = rest[0];
    if (extra !== undefined) {
      const hint =
        kind === 'instant' ? ` For a digest at a set time, try \`${DAILY_EXAMPLE}\`.` : '';
      return {
        problem: `\`/papers alerts ${kind}\` takes nothing after it, so I don't know what to do with \`${quoted(extra)}\`.${hint}`,
      };
    }
    return { kind };
  }
  const sentence = rest.filter((word) => !FILLERS.has(word.toLowerCase()));
  if (kind === 'daily') return parseDaily(sentence);
  if (kind === 'weekly') return parseWeekly(sentence);
  return { problem: `I don't understand \`${quoted(first)}\`. ${ALERT_MODE_USAGE}` };
}

/**
 * The mode in a sentence for App Home and command replies: "Instant: a DM after each poll that
 * finds matches", "Daily at 09:00 (Europe/Berlin)", "Weekly on Mondays at 09:00
 * (America/New_York)", "Off". Without `timeZone` the parenthesis is left out.
 */
export function describeAlertMode(mode: AlertMode, timeZone?: string): string {
  const zone = timeZone ? ` (${timeZone})` : '';
  switch (mode.kind) {
    case 'instant':
      return 'Instant: a DM after each poll that finds matches';
    case 'daily':
      return `Daily at ${mode.time}${zone}`;
    case 'weekly':
      return `Weekly on ${WEEKDAY_NAMES[mode.day]}s at ${mode.time}${zone}`;
    case 'off':
      return 'Off';
  }
}

/**
 * The words after `/papers alerts` that set `mode`: `instant`, `daily 09:00`, `weekly mon 09:00`,
 * `off`. `parseAlertMode` reads them back to the same mode.
 */
export function formatAlertModeCommand(mode: AlertMode): string {
  switch (mode.kind) {
    case 'instant':
    case 'off':
      return mode.kind;
    case 'daily':
      return `daily ${mode.time}`;
    case 'weekly':
      return `weekly ${mode.day} ${mode.time}`;
  }
}

/** The local weekday of `now` in `timeZone`. */
function localWeekday(now: Date, timeZone: string): Weekday {
  // getDay counts from Sunday (0); WEEKDAYS starts on Monday.
  const index = (new TZDate(now.getTime(), timeZone).getDay() + 6) % 7;
  return WEEKDAYS[index] ?? 'mon';
}

/**
 * For a digest mode, the period whose digest is due at `now` in `timeZone` (an IANA name; an
 * unknown one throws), as the local date `YYYY-MM-DD`:
 *
 * - daily: today's date from the moment the local clock reaches `time` until local midnight;
 * - weekly: the same, on the chosen local weekday only;
 * - instant and off: never (undefined).
 *
 * The caller keys its work by the returned string, so each period is sent once however often it
 * asks. A period that passes without being asked for (the worker down all day) is not caught up:
 * pending matches simply wait for the next period's digest.
 *
 * Daylight saving follows `dueDigestDay`: a time the clocks skip (02:30 when 02:00 jumps to 03:00)
 * falls due when they pass it. When an hour repeats (03:00 back to 02:00), a time inside it is
 * reached twice and the period in between reads as not due again, but both give the same date,
 * so the period is still sent once.
 */
export function dueAlertPeriod(now: Date, mode: AlertMode, timeZone: string): string | undefined {
  if (mode.kind === 'daily') return dueDigestDay(now, mode.time, timeZone);
  if (mode.kind !== 'weekly') return undefined;
  const day = dueDigestDay(now, mode.time, timeZone);
  return day !== undefined && localWeekday(now, timeZone) === mode.day ? day : undefined;
}

/**
 * When a digest period's hour came: `time` on the local date `period` (as `dueAlertPeriod` gives
 * it) in `timeZone`. A digest lists the matches made before it; later ones wait for the next. A
 * time the clocks skip gives the instant they jumped to.
 */
export function periodStartsAt(period: string, time: string, timeZone: string): Date {
  const [year = 1970, month = 1, day = 1] = period.split('-').map(Number);
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return new Date(new TZDate(year, month - 1, day, hours, minutes, timeZone).getTime());
}

/**
 * A stored mode, read defensively: anything that is not a mode this version knows (a row written
 * by a later version, say) reads as the default.
 */
export function alertModeFrom(value: unknown): AlertMode {
  if (typeof value !== 'object' || value === null) return DEFAULT_ALERT_MODE;
  const mode = value as Partial<Record<string, unknown>>;
  const time = typeof mode.time === 'string' ? mode.time : undefined;
  if (mode.kind === 'instant' || mode.kind === 'off') return { kind: mode.kind };
  if (mode.kind === 'daily' && time) return { kind: 'daily', time };
  const day = WEEKDAYS.find((d) => d === mode.day);
  if (mode.kind === 'weekly' && time && day) return { kind: 'weekly', day, time };
  return DEFAULT_ALERT_MODE;
}
