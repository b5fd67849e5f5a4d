import { tz } from '@date-fns/tz';
import { format, subDays } from 'date-fns';
import { z } from 'zod';
import { canonicalArxivId } from '../domain/arxiv-id';
import type { Paper } from '../domain/paper';
import { collapseWhitespace } from '../domain/text';
import type { Logger } from '../logger';
import { nonEmpty, parseDate, show, typeName } from './fields';
import { FeedError, fetchJson, type FetchJsonOptions } from './http';
import type { FeedBatch, SkippedItem } from './types';

export interface HfClientOptions {
  /** The HF API root, e.g. `https://huggingface.co/api`; a trailing slash is tolerated. */
  baseUrl: string;
  logger: Logger;
  /** Timeouts, retries and caps per request (see {@link FetchJsonOptions}); `logger` defaults to ours. */
  fetch?: FetchJsonOptions;
  /** Items per request (`limit`). Default and maximum 100, HF's own cap. */
  pageSize?: number;
  /** Pages fetched per day at most, a safety cap against a feed that never ends. Default 10. */
  maxPages?: number;
  /**
   * Waits for this client's turn among every client that asks Hugging Face (500 calls per 5
   * minutes for all of them together): see `createSharedPacer`. Without it, calls are not paced.
   */
  waitTurn?: () => Promise<void>;
}

/** Hugging Face allows 500 calls per 5 minutes (one per 600 ms); a little under that, shared. */
export const HF_MIN_INTERVAL_MS = 650;

export interface HfClient {
  /**
   * The papers Hugging Face featured today and yesterday (UTC days of `now`), de-duplicated by
   * canonical id. Malformed items are skipped (and logged), never fatal. A day HF answers with
   * HTTP 400 (a date it has not reached yet) counts as empty; any other failure is a
   * {@link FeedError}, thrown once `fetchJson`'s retries are spent.
   */
  fetchDaily(now: Date): Promise<FeedBatch>;
  /**
   * One paper by its arXiv id (`GET /papers/{id}`), for a paper the store does not have. A
   * versioned id is taken without its version. Undefined when HF does not know the paper (HTTP
   * 404) or answers with a paper that cannot be normalized (logged); any other failure is a
   * {@link FeedError}, as `fetchJson` gives it. Throws a `TypeError` for a string that is not an
   * arXiv id (the caller's to check).
   */
  fetchPaper(id: string): Promise<Paper | undefined>;
}

export const HF_MAX_PAGE_SIZE = 100;
const DEFAULT_MAX_PAGES = 10;
const UTC = tz('UTC');

export function createHfClient(options: HfClientOptions): HfClient {
  const { logger } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const pageSize = Math.min(
    Math.max(Math.trunc(options.pageSize ?? HF_MAX_PAGE_SIZE), 1),
    HF_MAX_PAGE_SIZE,
  );
  const maxPages = Math.max(Math.trunc(options.maxPages ?? DEFAULT_MAX_PAGES), 1);
  const fetchOptions: FetchJsonOptions = { logger, ...options.fetch };

  /** `mayBeAhead`: the date may be after HF's own "today" (ours is UTC, theirs may lag). */
  async function fetchPage(date: string, page: number, mayBeAhead: boolean): Promise<unknown[]> {
    const query = new URLSearchParams({ date, limit: String(pageSize), p: String(page) });
    const url = `${baseUrl}/daily_papers?${query}`;
    let body: unknown;
    try {
      await options.waitTurn?.();
      body = await fetchJson(url, fetchOptions);
    } catch (error) {
      // HF answers 400 for a date after its own "today", which our UTC "today" can be for a while.
      // For yesterday a 400 means something else is wrong: that is an error, not an empty day.
      if (
        mayBeAhead &&
        error instanceof FeedError &&
        error.kind === 'http' &&
        error.status === 400
      ) {
        logger.debug(`no HF daily papers for ${date} yet (${error.message})`);
        return [];
      }
      throw error;
    }
    if (!Array.isArray(body)) {
      throw new FeedError('bad_json', `expected a JSON array from ${url}, got ${typeName(body)}`, {
        url,
      });
    }
    return body;
  }

  async function fetchDay(
    date: string,
    into: Map<string, Paper>,
    skipped: SkippedItem[],
    mayBeAhead: boolean,
  ) {
    for (let page = 0; page < maxPages; page += 1) {
      const items = await fetchPage(date, page, mayBeAhead);
      items.forEach((raw, i) => {
        const result = normalizeHfItem(raw);
        // First seen wins: today is fetched first, and its copy has the fresher counts.
        if (result.ok) {
          if (!into.has(result.paper.id)) into.set(result.paper.id, result.paper);
          return;
        }
        const item: SkippedItem = { index: page * pageSize + i, reason: result.reason, date };
        if (result.id !== undefined) item.id = result.id;
        skipped.push(item);
        const label = result.id === undefined ? '' : ` (${result.id})`;
        logger.warn(`skipped HF item ${item.index}${label} of ${date}: ${result.reason}`);
      });
      // HF has no "next page" marker: a short (or empty) page is the last one.
      if (items.length < pageSize) return;
    }
    logger.warn(`stopped reading HF daily papers for ${date} after ${maxPages} pages`);
  }

  async function fetchPaper(rawId: string): Promise<Paper | undefined> {
    const id = canonicalArxivId(rawId);
    if (id === undefined) throw new TypeError(`not an arXiv id: ${show(rawId)}`);
    // Old-style ids keep their slash as a path separator, as in HF's own paper URLs.
    const url = `${baseUrl}/papers/${id.split('/').map(encodeURIComponent).join('/')}`;
    let body: unknown;
    try {
      await options.waitTurn?.();
      body = await fetchJson(url, fetchOptions);
    } catch (error) {
      // Not knowing a paper is an answer, not a failure: the caller says so to the user.
      if (error instanceof FeedError && error.kind === 'http' && error.status === 404) {
        logger.debug(`HF does not know paper ${id}`);
        return undefined;
      }
      throw error;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new FeedError('bad_json', `expected a JSON object from ${url}, got ${typeName(body)}`, {
        url,
      });
    }
    const result = normalizeHfPaper(body);
    if (!result.ok) {
      logger.warn(`skipped HF paper ${id}: ${result.reason}`);
      return undefined;
    }
    if (result.paper.id !== id) {
      // Never show the user another paper than the one asked for.
      logger.warn(`skipped HF paper ${id}: the answer is paper ${result.paper.id}`);
      return undefined;
    }
    return result.paper;
  }

  return {
    fetchPaper,
    async fetchDaily(now) {
      const today = format(now, 'yyyy-MM-dd', { in: UTC });
      const yesterday = format(subDays(now, 1, { in: UTC }), 'yyyy-MM-dd', { in: UTC });
      const papers = new Map<string, Paper>();
      const skipped: SkippedItem[] = [];
      // One day after the other rather than in parallel: HF rate-limits per IP.
      await fetchDay(today, papers, skipped, true);
      await fetchDay(yesterday, papers, skipped, false);
      logger.debug(
        `HF daily papers for ${today} and ${yesterday}: ${papers.size} papers, ${skipped.length} skipped`,
      );
      return { papers: [...papers.values()], skipped };
    },
  };
}

// The schema is deliberately permissive: HF keeps adding fields (loose objects keep them out of
// our way), and a malformed optional field is dropped (`.catch`) rather than costing the paper.
// The required fields are checked by hand below, so that a skip has a reason a human can read.
const optionalText = z.string().optional().catch(undefined);
const optionalCount = z.number().int().nonnegative().optional().catch(undefined);
const optionalList = <T extends z.ZodType>(element: T) =>
  z.array(element).optional().catch(undefined);

const hfPaperSchema = z.looseObject({
  id: z.unknown().optional(),
  title: optionalText,
  summary: optionalText,
  authors: optionalList(z.looseObject({ name: optionalText }).optional().catch(undefined)),
  publishedAt: z.unknown().optional(),
  submittedOnDailyAt: optionalText,
  upvotes: optionalCount,
  githubRepo: optionalText,
  githubStars: optionalCount,
  projectPage: optionalText,
  ai_summary: optionalText,
  ai_keywords: optionalList(optionalText),
  // Only on `GET /api/papers/{id}`: a daily item has it beside `paper`, not in it.
  numComments: optionalCount,
});

const hfItemSchema = z.looseObject({
  paper: hfPaperSchema.optional().catch(undefined),
  title: optionalText,
  summary: optionalText,
  publishedAt: z.unknown().optional(),
  numComments: optionalCount,
});

export type NormalizeResult =
  { ok: true; paper: Paper } | { ok: false; reason: string; id?: string };

/**
 * Turns one item of HF's `GET /api/daily_papers` into a {@link Paper}, or says why it cannot:
 * a missing or non-arXiv id, a missing title, a missing or unparseable `publishedAt`, or an item
 * that is not an object. Optional fields that are malformed are dropped, not fatal. Text is
 * whitespace-collapsed but otherwise verbatim (escaping for Slack is the Slack layer's job).
 */
export function normalizeHfItem(raw: unknown): NormalizeResult {
  const parsed = hfItemSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `not an object (got ${typeName(raw)})` };
  const item = parsed.data;
  // The item-level copies of title, summary and date stand in for missing ones of the paper.
  return normalizePaper(item.paper, item, 'paper.id');
}

/**
 * Turns the answer of HF's `GET /api/papers/{id}` (the `paper` object of a daily item, with
 * `numComments` beside its fields) into a {@link Paper}, or says why it cannot, by the same rules
 * as {@link normalizeHfItem}.
 */
export function normalizeHfPaper(raw: unknown): NormalizeResult {
  const parsed = hfPaperSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `not an object (got ${typeName(raw)})` };
  return normalizePaper(parsed.data, { numComments: parsed.data.numComments }, 'id');
}

type HfPaper = z.infer<typeof hfPaperSchema>;

/** What a daily item carries beside its `paper`; a single-paper answer has only `numComments`. */
interface HfPaperContext {
  title?: string;
  summary?: string;
  publishedAt?: unknown;
  numComments?: number;
}

/**
 * The one normalizer behind both HF shapes. `idField` names the id in skip reasons, as the feed
 * spells it (`paper.id` in a daily item, `id` in a single-paper answer).
 */
function normalizePaper(
  paper: HfPaper | undefined,
  context: HfPaperContext,
  idField: string,
): NormalizeResult {
  if (paper?.id === undefined || paper.id === null || paper.id === '') {
    return { ok: false, reason: `missing ${idField}` };
  }
  const id = typeof paper.id === 'string' ? canonicalArxivId(paper.id) : undefined;
  if (id === undefined) {
    const given = typeof paper.id === 'string' ? { id: paper.id } : {};
    return { ok: false, reason: `not an arXiv id: ${show(paper.id)}`, ...given };
  }

  const title = collapseWhitespace(paper.title ?? context.title ?? '');
  if (title === '') return { ok: false, reason: 'missing title', id };

  const rawPublishedAt = paper.publishedAt ?? context.publishedAt;
  if (rawPublishedAt === undefined || rawPublishedAt === null) {
    return { ok: false, reason: 'missing publishedAt', id };
  }
  const publishedAt = parseDate(rawPublishedAt);
  if (publishedAt === undefined) {
    return { ok: false, reason: `publishedAt is not a date: ${show(rawPublishedAt)}`, id };
  }

  const authors = (paper.authors ?? []).flatMap((author) => nonEmpty(author?.name) ?? []);
  const aiKeywords = (paper.ai_keywords ?? []).flatMap((keyword) => nonEmpty(keyword) ?? []);
  return {
    ok: true,
    paper: withoutUndefined<Paper>({
      id,
      title,
      abstract: collapseWhitespace(paper.summary ?? context.summary ?? ''),
      authors,
      publishedAt,
      featuredAt: parseDate(paper.submittedOnDailyAt),
      hfUpvotes: paper.upvotes,
      hfComments: context.numComments,
      githubRepo:
        paper.githubRepo === undefined ? undefined : normalizeGithubRepo(paper.githubRepo),
      githubStars: paper.githubStars,
      projectPage: httpUrl(paper.projectPage),
      aiSummary: nonEmpty(paper.ai_summary),
      aiKeywords: aiKeywords.length > 0 ? aiKeywords : undefined,
    }),
  };
}

const GITHUB_URL = /^(?:https?:\/\/)?(?:www\.)?github\.com\//i;
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO = /^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;

/**
 * `https://github.com/owner/repo` for a GitHub repository given as a URL (http or https, `www.`
 * or not, with or without scheme, trailing slash, `.git`, or a `/tree/…`/`/blob/…` tail) or as
 * `owner/repo`; undefined for anything else.
 */
export function normalizeGithubRepo(raw: string): string | undefined {
  const value = raw.trim();
  let segments: string[];
  if (GITHUB_URL.test(value)) {
    let url: URL;
    try {
      url = new URL(/^https?:/i.test(value) ? value : `https://${value}`);
    } catch {
      return undefined;
    }
    segments = url.pathname.split('/').filter(Boolean);
    const tail = segments[2];
    if (tail !== undefined && tail !== 'tree' && tail !== 'blob') return undefined;
  } else {
    if (value.includes(':')) return undefined;
    segments = value.split('/').filter(Boolean);
    if (segments.length !== 2 || value.startsWith('/')) return undefined;
  }
  const [owner, repoWithSuffix] = segments;
  const repo = repoWithSuffix?.replace(/\.git$/i, '');
  if (!owner || !repo || !GITHUB_OWNER.test(owner) || !GITHUB_REPO.test(repo)) return undefined;
  return `https://github.com/${owner}/${repo}`;
}

function httpUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Drops `undefined` optional fields, so a paper carries only what the feed said. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
