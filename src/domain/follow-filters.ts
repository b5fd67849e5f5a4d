import { isArxivCategory } from './arxiv-id';
import type { FeedId } from './feed';
import type { Paper } from './paper';
import { quoted } from './text';
import { wordsOf, type Terms } from './search-query';

/**
 * What a channel's follow of a feed can ask for, besides the feed itself:
 *
 *   keywords:"speculative decoding",mamba   only papers with one of these in the title or abstract
 *   -keywords:survey                        none with these
 *   min-upvotes:10                          (hf) posted once the paper has 10 upvotes on HF
 *   digest:daily@09:00 top:10               one message a day with the day's top 10 instead
 */
export interface FollowFilters {
  keywords?: Terms[];
  excludeKeywords?: Terms[];
  minUpvotes?: number;
  digest?: DailyDigest;
}

export interface DailyDigest {
  /** Local time in the workspace's time zone, `HH:MM`. */
  time: string;
  /** Papers in one digest, at most. */
  top: number;
}

export const DEFAULT_DIGEST_TIME = '09:00';
export const DEFAULT_DIGEST_TOP = 10;
/** A digest is one message of sections and buttons: 20 papers stay well inside 50 blocks. */
export const MAX_DIGEST_TOP = 20;
const MAX_KEYWORDS = 20;
/** arXiv categories in one follow, at most: every one is polled. */
export const MAX_CATEGORIES = 20;

export type ParsedFollow =
  { ok: true; feeds: FeedId[]; filters: FollowFilters } | { ok: false; problem: string };

const FOLLOW_EXAMPLE =
  '`/papers follow hf min-upvotes:10`, `/papers follow arxiv:cs.CL,cs.LG keywords:"speculative decoding",mamba`';

/** Splits on whitespace outside double quotes; quotes stay in the tokens. */
function tokens(text: string): string[] {
  return text.match(/(?:[^\s"]+|"[^"]*"?)+/g) ?? [];
}

/** `"speculative decoding",mamba` → [["speculative","decoding"],["mamba"]]. */
function keywordList(value: string): Terms[] {
  const items = value.match(/"[^"]*"?|[^,]+/g) ?? [];
  return items.map((item) => wordsOf(item.replace(/"/g, ''))).filter((terms) => terms.length > 0);
}

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/**
 * arXiv writes two-letter subjects in capitals (`cs.CL`, `math.GT`, `stat.ML`) and longer ones in
 * lower case (`physics.optics`): `cs.cl` is followed as `cs.CL`, one follow whatever the case.
 */
function arxivCategoryAsWritten(category: string): string {
  const [archive = '', subject] = category.split('.');
  if (subject === undefined) return archive.toLowerCase();
  return `${archive.toLowerCase()}.${subject.length === 2 ? subject.toUpperCase() : subject.toLowerCase()}`;
}

/**
 * Reads `/papers follow …`'s arguments (decoded text): one or more feeds (`hf`,
 * `arxiv:cs.CL,cs.LG`) and the filters for them. A mistake gets a problem in plain words.
 */
export function parseFollow(text: string): ParsedFollow {
  const feeds: FeedId[] = [];
  const filters: FollowFilters = {};
  let top: number | undefined;
  for (const token of tokens(text.trim())) {
    const [rawKey = '', ...rest] = token.split(':');
    const key = rawKey.toLowerCase();
    const value = rest.join(':');
    if (key === 'hf' && value === '') {
      feeds.push('hf');
    } else if (key === 'arxiv') {
      const typed = value
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      const categories = typed.map(arxivCategoryAsWritten);
      const bad = typed.find((_, index) => !isArxivCategory(categories[index] ?? ''));
      if (typed.length === 0 || bad !== undefined) {
        return {
          ok: false,
          problem: `\`${quoted(bad ?? token)}\` is not an arXiv category. Categories look like \`cs.CL\`, \`cs.LG\`, \`stat.ML\` or \`hep-th\`, e.g. \`/papers follow arxiv:cs.CL,cs.LG\`.`,
        };
      }
      if (categories.length > MAX_CATEGORIES) {
        return {
          ok: false,
          problem: `One follow takes at most ${MAX_CATEGORIES} arXiv categories; this one names ${categories.length}. Follow the others with a second \`/papers follow arxiv:…\`.`,
        };
      }
      for (const category of categories) feeds.push(`arxiv:${category}`);
    } else if (key === 'keywords' || key === '-keywords') {
      const list = keywordList(value);
      if (list.length === 0 || list.length > MAX_KEYWORDS) {
        return {
          ok: false,
          problem: `\`${key}:\` takes 1 to ${MAX_KEYWORDS} comma-separated words or "phrases", e.g. \`${key}:"speculative decoding",mamba\`.`,
        };
      }
      if (key === 'keywords') filters.keywords = list;
      else filters.excludeKeywords = list;
    } else if (key === 'min-upvotes') {
      const count = Number(value);
      if (!/^\d{1,5}$/.test(value) || count < 1) {
        return {
          ok: false,
          problem: '`min-upvotes:` takes a whole number, e.g. `min-upvotes:10`.',
        };
      }
      filters.minUpvotes = count;
    } else if (key === 'digest') {
      const [period = '', at = DEFAULT_DIGEST_TIME] = value.toLowerCase().split('@');
      const time = TIME.exec(at);
      if (period !== 'daily' || !time) {
        return {
          ok: false,
          problem: '`digest:` takes `daily` and a local time, e.g. `digest:daily@09:00`.',
        };
      }
      filters.digest = { time: `${time[1]?.padStart(2, '0')}:${time[2]}`, top: DEFAULT_DIGEST_TOP };
    } else if (key === 'top') {
      top = Number(value);
      if (!/^\d{1,2}$/.test(value) || top < 1 || top > MAX_DIGEST_TOP) {
        return {
          ok: false,
          problem: `\`top:\` takes a number from 1 to ${MAX_DIGEST_TOP}, e.g. \`top:10\`.`,
        };
      }
    } else {
      return {
        ok: false,
        problem: `I don't understand \`${quoted(token)}\`. Follow \`hf\` or \`arxiv:<categories>\`, with \`keywords:\`, \`-keywords:\`, \`min-upvotes:\` or \`digest:daily@HH:MM top:N\`, e.g. ${FOLLOW_EXAMPLE}.`,
      };
    }
  }
  if (feeds.length === 0) {
    return { ok: false, problem: `Which feed? e.g. ${FOLLOW_EXAMPLE}.` };
  }
  if (top !== undefined) {
    if (!filters.digest) return { ok: false, problem: '`top:` goes with `digest:daily@HH:MM`.' };
    filters.digest.top = top;
  }
  if (filters.minUpvotes !== undefined && feeds.some((feed) => feed !== 'hf')) {
    return {
      ok: false,
      problem: '`min-upvotes:` counts Hugging Face upvotes: it works with `hf` only.',
    };
  }
  return { ok: true, feeds: [...new Set(feeds)], filters };
}

/** Plural and possessive endings folded away, so `tokenizer` matches "tokenizers". */
function fold(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('es') && /(ss|sh|ch|x|z)es$/.test(word))
    return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Whether `words` (folded) holds `terms` (folded) as consecutive words. */
function containsTerms(words: readonly string[], terms: Terms): boolean {
  const wanted = terms.map(fold);
  outer: for (let i = 0; i + wanted.length <= words.length; i += 1) {
    for (let j = 0; j < wanted.length; j += 1) if (words[i + j] !== wanted[j]) continue outer;
    return true;
  }
  return false;
}

/** The title and abstract as folded words: whole-word matching, case and plurals aside. */
function paperWords(paper: Paper): string[] {
  return (
    `${paper.title} ${paper.abstract}`
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu) ?? []
  ).map(fold);
}

/** Whether a paper passes a follow's filters now (upvotes as the feed last reported them). */
export function passesFilters(paper: Paper, filters: FollowFilters): boolean {
  if (filters.minUpvotes !== undefined && (paper.hfUpvotes ?? 0) < filters.minUpvotes) return false;
  if (!filters.keywords?.length && !filters.excludeKeywords?.length) return true;
  const words = paperWords(paper);
  if (filters.keywords?.length && !filters.keywords.some((terms) => containsTerms(words, terms))) {
    return false;
  }
  return !filters.excludeKeywords?.some((terms) => containsTerms(words, terms));
}

/** The filters in the words a member would type them, for "this channel follows …". */
export function describeFilters(filters: FollowFilters): string {
  const list = (terms: Terms[]) =>
    terms.map((t) => (t.length > 1 ? `"${t.join(' ')}"` : t[0])).join(',');
  const parts: string[] = [];
  if (filters.keywords?.length) parts.push(`keywords:${list(filters.keywords)}`);
  if (filters.excludeKeywords?.length) parts.push(`-keywords:${list(filters.excludeKeywords)}`);
  if (filters.minUpvotes !== undefined) parts.push(`min-upvotes:${filters.minUpvotes}`);
  if (filters.digest) parts.push(`digest:daily@${filters.digest.time} top:${filters.digest.top}`);
  return parts.join(' ');
}

/** Filters read back from storage; anything unexpected is dropped rather than trusted. */
export function filtersFromJson(json: string): FollowFilters {
  try {
    const raw = JSON.parse(json) as FollowFilters;
    const terms = (value: unknown): Terms[] | undefined =>
      Array.isArray(value) &&
      value.every((t) => Array.isArray(t) && t.every((w) => typeof w === 'string'))
        ? (value as Terms[])
        : undefined;
    const filters: FollowFilters = {};
    const keywords = terms(raw.keywords);
    const excluded = terms(raw.excludeKeywords);
    if (keywords?.length) filters.keywords = keywords;
    if (excluded?.length) filters.excludeKeywords = excluded;
    if (Number.isInteger(raw.minUpvotes)) filters.minUpvotes = raw.minUpvotes;
    if (raw.digest && TIME.test(raw.digest.time) && Number.isInteger(raw.digest.top)) {
      filters.digest = { time: raw.digest.time, top: raw.digest.top };
    }
    return filters;
  } catch {
    return {};
  }
}
