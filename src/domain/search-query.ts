import { TZDate } from '@date-fns/tz';
import { addDays, isValid, startOfDay, subDays, subMonths, subWeeks, subYears } from 'date-fns';
import { quoted } from './text';

/**
 * The `/papers search` query language, parsed into data. Nothing a user types becomes syntax for
 * the database: words are reduced to letters and digits here, and each store quotes them itself.
 *
 *   speculative decoding          every word must match (the store stems: "tokenizers" ~ "tokenizer")
 *   "state space model"           a phrase: these words, in this order
 *   -survey  -"large language"    excluded words and phrases
 *   author:"Tri Dao"  author:dao  papers by that author (words of one author's name, in order)
 *   since:7d  since:2025-01-01    published on or after (days d, weeks w, months m, years y ago)
 *   until:2025-06  until:30d      published on or before (a day, a month or a year)
 *   sort:relevance|votes|new
 */
export type SearchSort = 'relevance' | 'votes' | 'new';
export const SEARCH_SORTS: readonly SearchSort[] = ['relevance', 'votes', 'new'];

/** A word or a phrase: its lower-cased words, in order. */
export type Terms = string[];

export interface SearchQuery {
  /** Each must match somewhere in the title, abstract, authors or keywords. */
  include: Terms[];
  /** None of these may match. */
  exclude: Terms[];
  /** Each must match within one author's name. */
  authors: Terms[];
  /** Published at or after. */
  since?: Date;
  /** Published before (exclusive: the end of the last day asked for). */
  until?: Date;
  sort: SearchSort;
}

export type ParsedSearch =
  { ok: true; query: SearchQuery; notes: string[] } | { ok: false; hint: string };

export interface ParseContext {
  now: Date;
  /** IANA time zone that `since:`/`until:` days are counted in. */
  timeZone: string;
  /**
   * Longest query accepted; default {@link MAX_QUERY_LENGTH}. A page button's query was written
   * back by {@link formatSearchQuery} (quotes added) and may be a little longer than what was typed.
   */
  maxLength?: number;
}

/** Longer queries are refused with a hint: nobody means 5,000 characters, and buttons carry the query. */
export const MAX_QUERY_LENGTH = 500;
/** Words and phrases that must match, at most. */
export const MAX_INCLUDED_TERMS = 16;
const MAX_WORDS_PER_TERM = 12;

const EXAMPLE = '`/papers search speculative decoding since:30d`';

const DURATION = /^(\d{1,4})([dwmy])$/;
const STEP_BACK: Record<string, (date: Date, amount: number) => Date> = {
  d: subDays,
  w: subWeeks,
  m: subMonths,
  y: subYears,
};
const CALENDAR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const OPERATORS = ['author', 'since', 'until', 'sort'] as const;
type Operator = (typeof OPERATORS)[number];

/** A piece of the query as typed: a bare word, a quoted phrase, or `operator:value`. */
interface Token {
  text: string;
  quoted: boolean;
  negated: boolean;
  operator?: Operator;
}

/**
 * Letters, digits and combining marks make words; everything else separates them (as in the
 * stores' tokenizers). A word starts with a letter or digit: a lone mark is no word to match.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

/** The lower-cased words of some text, in order, punctuation dropped. */
export function wordsOf(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().match(WORD) ?? []).slice(0, MAX_WORDS_PER_TERM);
}

function isOperator(value: string): value is Operator {
  return (OPERATORS as readonly string[]).includes(value);
}

/**
 * Splits on whitespace outside quotes. An unclosed quote runs to the end, and says so; `word:`
 * prefixes that are not operators are collected in `unknown`.
 */
function tokenize(text: string, notes: string[], unknown: string[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text.charAt(i))) i += 1;
    if (i >= text.length) break;
    let negated = false;
    if (text.charAt(i) === '-' && i + 1 < text.length && !/\s/.test(text.charAt(i + 1))) {
      negated = true;
      i += 1;
    }
    let operator: Operator | undefined;
    const prefix = /^([a-z]+):(\S?)/i.exec(text.slice(i));
    const name = prefix?.[1]?.toLowerCase() ?? '';
    if (prefix && isOperator(name)) {
      operator = name;
      i += name.length + 1;
    } else if (prefix?.[2] && !/^https?$/.test(name)) {
      // `title:mamba` reads like an operator we do not have; a bare `Mamba:` is just a word.
      unknown.push(name);
    }
    if (text.charAt(i) === '"') {
      const close = text.indexOf('"', i + 1);
      const end = close === -1 ? text.length : close;
      if (close === -1) notes.push('A quote was not closed, so I read it to the end of the query.');
      tokens.push({ text: text.slice(i + 1, end), quoted: true, negated, operator });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !/\s/.test(text.charAt(end))) end += 1;
      tokens.push({ text: text.slice(i, end), quoted: false, negated, operator });
      i = end;
    }
  }
  return tokens;
}

/**
 * A `since:`/`until:` value as the first instant it names: `7d` (days ago, from that day's
 * start), `2025-01-01`, `2025-01` or `2025`. `end` gives the instant after the period instead
 * (for `until:`, which includes the whole day, month or year named).
 */
function parseWhen(
  value: string,
  context: ParseContext,
  end: boolean,
): { date: Date } | { problem: string } {
  if (value === '') return { problem: 'a time is missing' };
  const today = startOfDay(new TZDate(context.now.getTime(), context.timeZone));
  const duration = DURATION.exec(value.toLowerCase());
  if (duration) {
    const amount = Number(duration[1]);
    const back = STEP_BACK[duration[2] ?? 'd'] ?? subDays;
    const day = back(today, amount);
    return { date: new Date((end ? addDays(day, 1) : day).getTime()) };
  }
  const calendar = CALENDAR_DATE.exec(value);
  if (calendar) {
    const [, year = '', month, day] = calendar;
    const start = new TZDate(
      Number(year),
      Number(month ?? 1) - 1,
      Number(day ?? 1),
      context.timeZone,
    );
    const valid =
      isValid(start) &&
      start.getFullYear() === Number(year) &&
      start.getMonth() === Number(month ?? 1) - 1 &&
      start.getDate() === Number(day ?? 1);
    if (!valid) return { problem: `\`${quoted(value)}\` is not a date on the calendar` };
    if (!end) return { date: new Date(start.getTime()) };
    const after =
      day !== undefined
        ? addDays(start, 1)
        : month !== undefined
          ? new TZDate(Number(year), Number(month), 1, context.timeZone)
          : new TZDate(Number(year) + 1, 0, 1, context.timeZone);
    return { date: new Date(after.getTime()) };
  }
  return { problem: `I can't read \`${quoted(value)}\` as a time` };
}

const WHEN_HELP =
  'Use a number of days, weeks, months or years ago (`7d`, `2w`, `6m`, `1y`) or a date (`2025-01-01`, `2025-01`, `2025`).';

/**
 * Parses what follows `/papers search`. Lenient where the meaning is clear (an unclosed quote, an
 * unknown `word:`), and a hint where it is not (a bad date, an unknown sort, nothing to search).
 * `text` is what the user typed, already decoded from Slack's encoding.
 */
export function parseSearchQuery(text: string, context: ParseContext): ParsedSearch {
  const trimmed = text.trim();
  if (trimmed.length > (context.maxLength ?? MAX_QUERY_LENGTH)) {
    return {
      ok: false,
      hint: `That query is ${trimmed.length.toLocaleString('en-US')} characters long; I read queries of up to ${MAX_QUERY_LENGTH}. Try a few distinctive words, e.g. ${EXAMPLE}.`,
    };
  }
  const notes: string[] = [];
  const unknown: string[] = [];
  const query: SearchQuery = { include: [], exclude: [], authors: [], sort: 'relevance' };
  const tokens = tokenize(trimmed, notes, unknown);
  if (unknown.length > 0) {
    return {
      ok: false,
      hint: `I don't know \`${unknown[0]}:\`. I understand ${OPERATORS.map((o) => `\`${o}:\``).join(', ')}; to search for the word, leave out the colon.`,
    };
  }
  for (const token of tokens) {
    const shown = token.text.replace(/`/g, "'");
    if (token.negated && token.operator && token.operator !== 'author') {
      return {
        ok: false,
        hint: `\`-${token.operator}:\` means nothing to me: drop the \`-\`.`,
      };
    }
    switch (token.operator) {
      case 'author': {
        const name = wordsOf(token.text);
        if (name.length === 0) {
          return { ok: false, hint: `\`author:\` needs a name, e.g. \`author:"Tri Dao"\`.` };
        }
        if (token.negated) {
          return {
            ok: false,
            hint: `I can only look for an author, not leave one out: drop the \`-\` before \`author:\`.`,
          };
        }
        query.authors.push(name);
        break;
      }
      case 'since':
      case 'until': {
        const when = parseWhen(token.text.trim(), context, token.operator === 'until');
        if ('problem' in when) {
          return {
            ok: false,
            hint: `${when.problem} in \`${token.operator}:${shown}\`. ${WHEN_HELP}`,
          };
        }
        if (token.operator === 'since') query.since = when.date;
        else query.until = when.date;
        break;
      }
      case 'sort': {
        const sort = token.text.trim().toLowerCase();
        if (!(SEARCH_SORTS as readonly string[]).includes(sort)) {
          return {
            ok: false,
            hint: `I can sort by ${SEARCH_SORTS.map((s) => `\`sort:${s}\``).join(', ')}, not \`sort:${shown}\`.`,
          };
        }
        query.sort = sort as SearchSort;
        break;
      }
      default: {
        const words = wordsOf(token.text);
        if (words.length === 0) break;
        // Unquoted, `gpt-4` or `state-space` are still one term: their words in order.
        (token.negated ? query.exclude : query.include).push(words);
      }
    }
  }
  if (query.since && query.until && query.since >= query.until) {
    return { ok: false, hint: '`since:` is after `until:`, so nothing can match. Swap them?' };
  }
  if (query.include.length > MAX_INCLUDED_TERMS) {
    return {
      ok: false,
      hint: `That is ${query.include.length} words and phrases; I match at most ${MAX_INCLUDED_TERMS}. Keep the most distinctive ones.`,
    };
  }
  const hasFilter = query.authors.length > 0 || query.since || query.until;
  if (query.include.length === 0 && !hasFilter) {
    return {
      ok: false,
      hint:
        query.exclude.length > 0
          ? `Add at least one word to look for besides the excluded ones, e.g. \`/papers search tokenizer -survey\`.`
          : `Tell me what to look for: words, "a phrase", \`author:"Name"\` or \`since:7d\`, e.g. ${EXAMPLE}.`,
    };
  }
  return { ok: true, query, notes };
}

/** The query written back in the query language: what result pages and buttons carry. */
export function formatSearchQuery(query: SearchQuery, timeZone: string): string {
  const term = (words: Terms) => (words.length === 1 ? words[0] : `"${words.join(' ')}"`);
  const day = (date: Date) => new TZDate(date.getTime(), timeZone).toISOString().slice(0, 10);
  const parts = [
    ...query.include.map(term),
    ...query.exclude.map((words) => `-${term(words)}`),
    ...query.authors.map((words) => `author:"${words.join(' ')}"`),
  ];
  if (query.since) parts.push(`since:${day(query.since)}`);
  // The last instant before `until`, so the day is counted in the workspace's zone even on a
  // daylight-saving change.
  if (query.until) parts.push(`until:${day(new Date(query.until.getTime() - 1))}`);
  if (query.sort !== 'relevance') parts.push(`sort:${query.sort}`);
  return parts.join(' ');
}
