import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { DOMParser, onErrorStopParsing, type Element } from '@xmldom/xmldom';
import { canonicalArxivId, isArxivCategory } from '../domain/arxiv-id';
import type { Paper } from '../domain/paper';
import { collapseWhitespace } from '../domain/text';
import type { Logger } from '../logger';
import { nonEmpty, parseDate, show } from './fields';
import { describeBody, FeedError, fetchText, type FetchOptions } from './http';
import type { FeedBatch, SkippedItem } from './types';

/**
 * The namespaces of an arXiv API answer that the client reads. Prefixes vary and may be declared
 * on any element, so elements are matched by namespace and local name, never by prefix. Of the
 * `arxiv:` elements only `arxiv:primary_category` is read (not comments, DOIs, journal refs).
 */
export const ATOM_NS = 'http://www.w3.org/2005/Atom';
export const OPENSEARCH_NS = 'http://a9.com/-/spec/opensearch/1.1/';
export const ARXIV_NS = 'http://arxiv.org/schemas/atom';

/** arXiv's terms of use: no more than one request every three seconds. */
export const ARXIV_MIN_INTERVAL_MS = 3000;
/** Ids per request; a longer list is read in several (paced) requests. */
export const ARXIV_MAX_IDS_PER_REQUEST = 100;
/** How many of the newest papers {@link ArxivClient.fetchRecent} asks for, by default and at most. */
export const ARXIV_DEFAULT_RECENT_RESULTS = 100;
export const ARXIV_MAX_RECENT_RESULTS = 200;
const DEFAULT_EMPTY_PAGE_RETRIES = 2;

export interface ArxivClientOptions {
  /** The arXiv API root, e.g. `https://export.arxiv.org/api`; a trailing slash is tolerated. */
  baseUrl: string;
  logger: Logger;
  /**
   * Timeouts, retries and caps per request (see {@link FetchOptions}); `logger` defaults to ours,
   * and a retry never comes sooner than `minIntervalMs` after the failed attempt.
   */
  fetch?: FetchOptions;
  /** Least time between the end of one request and the start of the next. Default 3000 ms. */
  minIntervalMs?: number;
  /**
   * How often an answer with no entry at all, when there should be some (for ids, which each get
   * one; for a search, when `totalResults` is not 0), is asked for again before the client gives
   * up with an empty batch. Default 2.
   */
  emptyPageRetries?: number;
  /** A monotonic clock in ms, for the spacing; injectable for tests. Default `performance.now`. */
  now?: () => number;
  /** How to wait for the spacing (and between retries); injectable for tests. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Waits for this client's turn among every client that asks arXiv (one call per 3 s is arXiv's
   * limit for all of them together): see `createSharedPacer`. Without it, only this client's own
   * calls are spaced.
   */
  waitTurn?: () => Promise<void>;
}

export interface ArxivClient {
  /**
   * The papers with these arXiv ids, from the arXiv API (`GET /query?id_list=…`), de-duplicated by
   * canonical id. An id arXiv does not know comes back as a skipped item (its empty entry), as
   * does an id arXiv rejects (its `Error` entry). Requests of one client never overlap and are
   * spaced by `minIntervalMs`, however many calls are made at once. Failures are
   * {@link FeedError}s: as {@link fetchText} gives them, or `bad_body` for an answer that is not an
   * Atom feed. Throws a `TypeError` for a string that is not an arXiv id (the caller's to check).
   */
  fetchByIds(ids: string[]): Promise<FeedBatch>;

  /**
   * The latest papers in any of these categories (`cs.CL`, `hep-th`; see {@link isArxivCategory}),
   * most recently updated first, so that a new version (v2) of an older paper shows too: one request, `GET /query?search_query=cat:cs.CL+OR+cat:cs.LG
   * &sortBy=lastUpdatedDate&sortOrder=descending&start=0&max_results=N`. A paper cross-listed in
   * several of them comes once, with all its categories, primary first. Paced with
   * {@link fetchByIds} (one queue per client), with the same failures. An answer with no entry
   * is asked for again, like an empty page of ids, unless its `totalResults` is 0: then nothing
   * matches, and the batch is empty. Throws a `TypeError` for a string that is not an arXiv
   * category, and makes no request for no categories.
   */
  fetchRecent(categories: string[], options?: FetchRecentOptions): Promise<FeedBatch>;
}

export interface FetchRecentOptions {
  /**
   * How many papers to ask for: a positive integer (a `RangeError` otherwise), capped at
   * {@link ARXIV_MAX_RECENT_RESULTS}. Default {@link ARXIV_DEFAULT_RECENT_RESULTS}.
   */
  maxResults?: number;
  /** Results to skip, for the next page (`start`); default 0. */
  start?: number;
}

export function createArxivClient(options: ArxivClientOptions): ArxivClient {
  const { logger } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const minIntervalMs = Math.max(options.minIntervalMs ?? ARXIV_MIN_INTERVAL_MS, 0);
  const emptyPageRetries = Math.max(
    Math.trunc(options.emptyPageRetries ?? DEFAULT_EMPTY_PAGE_RETRIES),
    0,
  );
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const retrySleep = options.fetch?.sleep ?? sleep;
  const fetchOptions: FetchOptions = {
    logger,
    ...options.fetch,
    headers: { Accept: 'application/atom+xml', ...options.fetch?.headers },
    // A retry is a request too: it must keep the spacing the pacer keeps between calls.
    sleep: (ms) => retrySleep(Math.max(ms, minIntervalMs)),
  };
  const localPace = createPacer(minIntervalMs, options.now ?? (() => performance.now()), sleep);
  // Other clients (the app's lookups, other processes) share arXiv's budget through `waitTurn`.
  const waitTurn = options.waitTurn;
  const paced = <T>(task: () => Promise<T>): Promise<T> =>
    localPace(async () => {
      if (waitTurn) await waitTurn();
      return task();
    });

  /**
   * One paced request for `url`, read as an Atom feed, and asked for again (paced too) while the
   * answer has no entry and `expectsEntries` says it should have had some. Undefined when the
   * client gave up after `emptyPageRetries` such answers.
   */
  async function fetchFeed(
    url: string,
    expectsEntries: (parsed: ParsedFeed) => boolean,
  ): Promise<ParsedFeed | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      const body = await paced(() => fetchText(url, fetchOptions));
      let parsed: ParsedFeed;
      try {
        parsed = parseFeed(body.text);
      } catch (error) {
        // xmldom appends the position on further lines; the first one says what is wrong.
        const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        const message = `not an Atom feed from ${url} (${detail}; got ${describeBody(body)})`;
        throw new FeedError('bad_body', message, { url, cause: error });
      }
      // arXiv sometimes answers a good query with an empty page (totalResults may even say there
      // are results); asking again a little later gets the entries.
      if (parsed.entries > 0 || !expectsEntries(parsed)) return parsed;
      if (attempt >= emptyPageRetries) {
        logger.warn(`arXiv answered ${url} with no entry ${attempt + 1} times; giving up`);
        return undefined;
      }
      const total =
        parsed.totalResults === undefined ? '' : ` (totalResults ${parsed.totalResults})`;
      logger.warn(
        `arXiv answered ${url} with no entry${total}; retry ${attempt + 1} of ${emptyPageRetries}`,
      );
    }
  }

  /** One request for up to {@link ARXIV_MAX_IDS_PER_REQUEST} ids, retried while it is empty. */
  async function fetchChunk(ids: string[]): Promise<FeedBatch> {
    // Canonical ids are letters, digits, `.`, `-` and `/`: nothing to escape, and arXiv's own
    // examples write the commas and slashes of `id_list` as they are.
    const url = `${baseUrl}/query?id_list=${ids.join(',')}&max_results=${ids.length}`;
    // Every id in `id_list` gets an entry, even an unknown one, so no entry at all is never the
    // real answer, whatever totalResults says.
    const parsed = await fetchFeed(url, () => true);
    return parsed === undefined ? { papers: [], skipped: [] } : withRequestedIds(parsed, ids);
  }

  function logSkipped(item: SkippedItem): void {
    const label = item.id === undefined ? '' : ` (${item.id})`;
    logger.warn(`skipped arXiv entry ${item.index}${label}: ${item.reason}`);
  }

  return {
    async fetchByIds(rawIds) {
      const ids = [
        ...new Set(
          rawIds.map((raw) => {
            const id = canonicalArxivId(raw);
            if (id === undefined) throw new TypeError(`not an arXiv id: ${show(raw)}`);
            return id;
          }),
        ),
      ];
      const papers = new Map<string, Paper>();
      const skipped: SkippedItem[] = [];
      let offset = 0;
      for (let start = 0; start < ids.length; start += ARXIV_MAX_IDS_PER_REQUEST) {
        const batch = await fetchChunk(ids.slice(start, start + ARXIV_MAX_IDS_PER_REQUEST));
        for (const paper of batch.papers) if (!papers.has(paper.id)) papers.set(paper.id, paper);
        for (const item of batch.skipped) {
          const shifted = { ...item, index: offset + item.index };
          skipped.push(shifted);
          logSkipped(shifted);
        }
        offset += batch.papers.length + batch.skipped.length;
      }
      logger.debug(
        `arXiv papers for ${ids.length} ids: ${papers.size} papers, ${skipped.length} skipped`,
      );
      return { papers: [...papers.values()], skipped };
    },

    async fetchRecent(rawCategories, recentOptions = {}) {
      const categories = [
        ...new Set(
          rawCategories.map((category) => {
            if (typeof category !== 'string' || !isArxivCategory(category)) {
              throw new TypeError(`not an arXiv category: ${show(category)}`);
            }
            return category;
          }),
        ),
      ];
      const maxResults = recentResults(recentOptions.maxResults);
      if (categories.length === 0) return { papers: [], skipped: [] };
      // arXiv reads `+` in `search_query` as a space, the separator around its `OR`; categories
      // are letters, digits, `-` and `.`, and arXiv's examples write the `:` of `cat:` as it is.
      const query = categories.map((category) => `cat:${category}`).join('+OR+');
      const url =
        `${baseUrl}/query?search_query=${query}&sortBy=lastUpdatedDate&sortOrder=descending` +
        `&start=${Math.max(0, Math.trunc(recentOptions.start ?? 0))}&max_results=${maxResults}`;
      // No entry with totalResults 0 is the real answer: nothing in these categories.
      const parsed = await fetchFeed(url, (feed) => feed.totalResults !== 0);
      if (parsed === undefined) return { papers: [], skipped: [] };

      const papers = new Map<string, Paper>();
      for (const paper of parsed.batch.papers) {
        if (!papers.has(paper.id)) papers.set(paper.id, paper);
      }
      for (const item of parsed.batch.skipped) logSkipped(item);
      // arXiv sorts by submission already; sorting again (stable) keeps the promise if it did not.
      const newestFirst = [...papers.values()].sort(
        (a, b) => b.publishedAt.getTime() - a.publishedAt.getTime(),
      );
      logger.debug(
        `arXiv papers in ${categories.join(', ')}: ${newestFirst.length} papers, ` +
          `${parsed.batch.skipped.length} skipped (totalResults ${parsed.totalResults ?? '?'})`,
      );
      return { papers: newestFirst, skipped: parsed.batch.skipped };
    },
  };
}

/** `maxResults` of {@link ArxivClient.fetchRecent}: default, checked and capped. */
function recentResults(maxResults: number | undefined): number {
  if (maxResults === undefined) return ARXIV_DEFAULT_RECENT_RESULTS;
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    throw new RangeError(`maxResults must be a positive integer, got ${show(maxResults)}`);
  }
  return Math.min(maxResults, ARXIV_MAX_RECENT_RESULTS);
}

/**
 * arXiv answers an `id_list` query with one entry per id, in order, so an entry that names no id
 * (the empty entry of an unknown id, an `Error` entry) is the requested id at its position: the
 * skipped item gets that id, for the logs and for the caller's "not found". When the counts
 * differ, positions say nothing, and nothing is guessed.
 */
function withRequestedIds(parsed: ParsedFeed, ids: string[]): FeedBatch {
  if (parsed.entries !== ids.length) return parsed.batch;
  const skipped = parsed.batch.skipped.map((item) =>
    item.id === undefined && ids[item.index] !== undefined
      ? { ...item, id: ids[item.index] }
      : item,
  );
  return { papers: parsed.batch.papers, skipped };
}

/**
 * Runs tasks one at a time, each starting at least `minIntervalMs` after the previous one ended:
 * a promise chain, so calls made at once queue up instead of racing for the slot. A failed task
 * counts like a successful one (the server saw the request either way) and does not break the chain.
 */
function createPacer(
  minIntervalMs: number,
  now: () => number,
  sleep: (ms: number) => Promise<void>,
): <T>(task: () => Promise<T>) => Promise<T> {
  let chain: Promise<unknown> = Promise.resolve();
  let lastEnd: number | undefined;
  return (task) => {
    const run = chain.then(async () => {
      const waitMs = lastEnd === undefined ? 0 : lastEnd + minIntervalMs - now();
      if (waitMs > 0) await sleep(waitMs);
      try {
        return await task();
      } finally {
        lastEnd = now();
      }
    });
    chain = run.catch(() => undefined);
    return run;
  };
}

/**
 * Reads an arXiv API answer (an Atom feed) into papers and skipped entries: an entry titled
 * `Error` (arXiv's answer to a malformed id) is skipped with arXiv's reason, an empty entry (its
 * answer to an unknown id) as `no such paper`, and an entry without an arXiv id, a title or a
 * parseable `published` date with that reason. Ids lose their version (`2406.07550v2` is
 * `2406.07550`), which goes to `version` (absent when the id had none); `categories` are the
 * entry's `arxiv:primary_category` then its Atom `<category>` terms, de-duplicated, keeping only
 * arXiv categories (arXiv lists MSC and ACM classes there too), absent when there are none.
 * Titles, abstracts and names are whitespace-collapsed. Throws an `Error` saying
 * what is wrong when `xml` is not well-formed XML or not an Atom feed.
 */
export function parseArxivAtom(xml: string): FeedBatch {
  return parseFeed(xml).batch;
}

interface ParsedFeed {
  batch: FeedBatch;
  /** How many `<entry>` elements there were, good or not. */
  entries: number;
  /** `opensearch:totalResults`, when present and a number. */
  totalResults?: number;
}

function parseFeed(xml: string): ParsedFeed {
  // Stops at the first error, not only fatal ones: a half-read feed must not pass for a short one.
  const document = new DOMParser({ onError: onErrorStopParsing }).parseFromString(xml, 'text/xml');
  const feed = document.documentElement;
  if (!feed || feed.namespaceURI !== ATOM_NS || feed.localName !== 'feed') {
    const root = feed ? `<${feed.tagName}>` : 'nothing';
    throw new Error(`expected an Atom <feed>, got ${root}`);
  }

  const papers: Paper[] = [];
  const skipped: SkippedItem[] = [];
  const entries = Array.from(feed.getElementsByTagNameNS(ATOM_NS, 'entry'));
  entries.forEach((entry, index) => {
    const result = normalizeEntry(entry);
    if (result.ok) {
      papers.push(result.paper);
      return;
    }
    const item: SkippedItem = { index, reason: result.reason };
    if (result.id !== undefined) item.id = result.id;
    skipped.push(item);
  });

  const totalText = feed.getElementsByTagNameNS(OPENSEARCH_NS, 'totalResults')[0]?.textContent;
  const total = totalText === null || totalText === undefined ? NaN : Number(totalText.trim());
  return {
    batch: { papers, skipped },
    entries: entries.length,
    ...(Number.isInteger(total) ? { totalResults: total } : {}),
  };
}

type EntryResult = { ok: true; paper: Paper } | { ok: false; reason: string; id?: string };

/** `http://arxiv.org/abs/2406.07550v2` (or `https://…`): the part after `/abs/`. */
const ABS_URL = /^https?:\/\/(?:[a-z0-9-]+\.)*arxiv\.org\/abs\/(.+)$/i;

function normalizeEntry(entry: Element): EntryResult {
  const rawId = nonEmpty(childText(entry, 'id'));
  const title = collapseWhitespace(childText(entry, 'title') ?? '');
  const summary = collapseWhitespace(childText(entry, 'summary') ?? '');

  if (title === 'Error') {
    // arXiv's answer to a malformed id: the id is an error URL, the summary says what was wrong.
    return { ok: false, reason: `arXiv error: ${summary === '' ? 'no reason given' : summary}` };
  }
  if (rawId === undefined) {
    return { ok: false, reason: title === '' ? 'empty entry (no such paper)' : 'missing id' };
  }
  const bareId = ABS_URL.exec(rawId)?.[1];
  const id = bareId === undefined ? undefined : canonicalArxivId(bareId);
  if (id === undefined) return { ok: false, reason: `not an arXiv id: ${show(rawId)}`, id: rawId };
  if (title === '') return { ok: false, reason: 'missing title', id };

  const rawPublished = nonEmpty(childText(entry, 'published'));
  if (rawPublished === undefined) return { ok: false, reason: 'missing published', id };
  const publishedAt = parseDate(rawPublished);
  if (publishedAt === undefined) {
    return { ok: false, reason: `published is not a date: ${show(rawPublished)}`, id };
  }

  const authors = childElements(entry, 'author').flatMap(
    (author) => nonEmpty(childText(author, 'name')) ?? [],
  );
  const paper: Paper = { id, title, abstract: summary, authors, publishedAt };
  // The id is a valid one here, so a trailing `vN` is its version.
  const version = Number(/v(\d+)$/.exec(bareId ?? '')?.[1]);
  if (Number.isSafeInteger(version) && version > 0) paper.version = version;
  const categories = entryCategories(entry);
  if (categories.length > 0) paper.categories = categories;
  return { ok: true, paper };
}

/** The entry's arXiv categories: the primary one first, then the others, each once. */
function entryCategories(entry: Element): string[] {
  const elements = [
    ...childElements(entry, 'primary_category', ARXIV_NS).slice(0, 1),
    ...childElements(entry, 'category'),
  ];
  const terms = elements.map((element) => element.getAttribute('term')?.trim() ?? '');
  return [...new Set(terms.filter(isArxivCategory))];
}

/** The children of `parent` in `namespace` (Atom by default) named `localName`, whatever prefix. */
function childElements(parent: Element, localName: string, namespace = ATOM_NS): Element[] {
  // Direct children only: an author's `<name>` must not be mistaken for something of the entry.
  return Array.from(parent.getElementsByTagNameNS(namespace, localName)).filter(
    (element) => element.parentNode === parent,
  );
}

/** The text of the first Atom child `localName` of `parent`, or undefined when there is none. */
function childText(parent: Element, localName: string): string | undefined {
  return childElements(parent, localName)[0]?.textContent ?? undefined;
}
