import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A misbehaviour for the next request (whatever its path). Faults are used up one per request,
 * in the order they were pushed; then the server answers normally again.
 *
 * - `delayMs` alone (or with `headers`): the normal answer, late.
 * - `status` and/or `body`: that answer instead (status default 200, body default empty,
 *   content type default JSON). Its body is sent chunked, without `Content-Length` unless
 *   `headers` sets one, so a client must enforce its size cap while streaming.
 * - `hang`: send the status line and headers (and `body`, if any), then never finish.
 */
export interface FeedFault {
  status?: number;
  body?: string;
  contentType?: string;
  delayMs?: number;
  hang?: boolean;
  headers?: Record<string, string>;
}

export interface FeedServerOptions {
  /** The `/api/daily_papers` items of each day (`YYYY-MM-DD`). */
  dailyByDate?: Record<string, unknown[]>;
  /** The items of any day not in `dailyByDate` (default: none). */
  defaultDaily?: unknown[];
  /** The `/api/papers/{id}` answers, by id; the value is the paper object. */
  papers?: Record<string, unknown>;
  /** The papers `/api/query` knows, by id or category (see {@link FeedServer.setArxivEntry}). */
  arxivEntries?: ArxivEntry[];
}

export interface RecordedRequest {
  path: string;
  /** The query parameters, decoded (`+` is a space). */
  query: Record<string, string>;
  /** The query string as sent, without `?` (`search_query=cat:cs.CL+OR+cat:cs.LG&…`). */
  rawQuery: string;
  /** Request headers, names lower-cased. */
  headers: Record<string, string>;
  /** When the request arrived (`Date.now()`), for tests of pacing. */
  at: number;
}

/** One paper as the arXiv API describes it, for {@link arxivAtom}. */
export interface ArxivEntry {
  /** The versioned id arXiv puts in `<id>` (`2406.07550v2`, `hep-th/9901001v1`). */
  id: string;
  title: string;
  summary: string;
  authors: string[];
  /** `<published>`, e.g. `2024-06-11T17:59:56Z`. */
  published: string;
  /** `<updated>`; default `published`. */
  updated?: string;
  /**
   * The arXiv categories, primary first (`['cs.CL', 'cs.LG']`): the first is written as
   * `<arxiv:primary_category>`, each as a `<category>`. Default `['cs.CL']`.
   */
  categories?: string[];
}

/**
 * What {@link arxivAtom} writes for a position of `id_list`: a paper, the empty entry arXiv gives
 * for an unknown id (`{ empty: true }`), or the entry titled `Error` it gives for a malformed one.
 */
export type ArxivFeedEntry = ArxivEntry | { empty: true } | { error: string };

const JSON_TYPE = 'application/json; charset=utf-8';
/** HF's `limit` default and cap on `/api/daily_papers`. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ATOM_TYPE = 'application/atom+xml; charset=UTF-8';
/** An arXiv id, new style or old, with an optional version: what arXiv does not answer `Error` to. */
const ARXIV_ID = /^(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?$/;
const ARXIV_NS = 'http://arxiv.org/schemas/atom';
/** The categories of an {@link ArxivEntry} that gives none. */
const DEFAULT_ARXIV_CATEGORIES = ['cs.CL'];
/** arXiv's `max_results` default. */
const DEFAULT_ARXIV_RESULTS = 10;
/** `search_query=cat:cs.CL OR cat:cs.LG` (the `+` of the URL decoded): the categories. */
const CATEGORY_TERM = /^cat:(\S+)$/;

/**
 * A local stand-in for the Hugging Face API on 127.0.0.1 (random port), serving fixture data the
 * way HF does (paging, a 400 for a future date or a `limit` over 100), plus scripted faults.
 * It also answers arXiv API queries by id (`/api/query?id_list=`), as arXiv does: one entry per
 * id, an empty one for an unknown id and an `Error` entry for a malformed one; and searches by
 * category (`/api/query?search_query=cat:cs.CL+OR+cat:cs.LG&start=&max_results=`), newest first.
 * Used by the tests and by `npm run demo`, so it depends on nothing but Node.
 */
export class FeedServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `${url}/api`: what the app gets as `HF_API_URL`. */
  readonly hfApiUrl: string;
  /** `${url}/api`: what the app gets as `ARXIV_API_URL` (arXiv's queries are at `/api/query`). */
  readonly arxivApiUrl: string;

  private readonly daily = new Map<string, unknown[]>();
  private readonly defaultDaily: unknown[];
  private readonly papers: Map<string, unknown>;
  private readonly arxivEntries = new Map<string, ArxivEntry>();
  private arxivResponse: string | undefined;
  private readonly faults: FeedFault[] = [];
  private readonly log: RecordedRequest[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    options: FeedServerOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.hfApiUrl = `${this.url}/api`;
    this.arxivApiUrl = `${this.url}/api`;
    for (const [date, items] of Object.entries(options.dailyByDate ?? {})) {
      this.setDaily(date, items);
    }
    this.defaultDaily = [...(options.defaultDaily ?? [])];
    this.papers = new Map(Object.entries(options.papers ?? {}));
    for (const entry of options.arxivEntries ?? []) this.setArxivEntry(entry);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
  }

  static async start(options: FeedServerOptions = {}): Promise<FeedServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new FeedServer(server, options);
  }

  /** Replaces the items served for `date` (`YYYY-MM-DD`). */
  setDaily(date: string, items: unknown[]): void {
    this.daily.set(date, [...items]);
  }

  /** Sets what `/api/papers/{id}` answers for `id` (the paper object); other ids get a 404. */
  setPaper(id: string, paper: unknown): void {
    this.papers.set(id, paper);
  }

  /**
   * Adds (or replaces) a paper `/api/query` knows, under its id without version: a query
   * for `2406.07550` or `2406.07550v1` finds the entry `2406.07550v2`, and a search for any of
   * its categories finds it too.
   */
  setArxivEntry(entry: ArxivEntry): void {
    this.arxivEntries.set(withoutVersion(entry.id), entry);
  }

  /**
   * Makes every `/api/query` answer with this XML, whatever it asks (for the fixture, or oddly
   * written feeds); `undefined` goes back to answering from the entries.
   */
  setArxivResponse(xml: string | undefined): void {
    this.arxivResponse = xml;
  }

  pushFault(fault: FeedFault): void {
    this.faults.push(fault);
  }

  /** Every request received so far, in order, faulted ones included. */
  requests(): RecordedRequest[] {
    return this.log.map((entry) => ({
      path: entry.path,
      query: { ...entry.query },
      rawQuery: entry.rawQuery,
      headers: { ...entry.headers },
      at: entry.at,
    }));
  }

  /** Stops the server, cutting off hanging and delayed answers. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.server.close((error) => (error ? reject(error) : resolve()));
      // `close` alone waits for open connections, and a hanging answer never ends by itself.
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // A client that gives up mid-answer must not crash the server.
    res.on('error', () => undefined);
    try {
      const url = new URL(req.url ?? '/', this.url);
      this.log.push({
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        rawQuery: url.search.replace(/^\?/, ''),
        headers: headerRecord(req),
        at: Date.now(),
      });
      const fault = this.faults.shift();
      if (fault) this.serveFault(fault, req, url, res);
      else this.route(req, url, res);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    }
  }

  private serveFault(fault: FeedFault, req: IncomingMessage, url: URL, res: ServerResponse): void {
    const answer = () => {
      if (res.destroyed) return;
      const headers = { 'content-type': fault.contentType ?? JSON_TYPE, ...fault.headers };
      if (fault.hang) {
        res.writeHead(fault.status ?? 200, headers);
        res.flushHeaders();
        if (fault.body !== undefined) res.write(fault.body);
      } else if (fault.status !== undefined || fault.body !== undefined) {
        res.writeHead(fault.status ?? 200, headers);
        // After an explicit writeHead without Content-Length, Node sends the body chunked.
        res.write(fault.body ?? '');
        res.end();
      } else {
        this.route(req, url, res, fault.headers);
      }
    };
    if (fault.delayMs === undefined || fault.delayMs <= 0) {
      answer();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      answer();
    }, fault.delayMs);
    this.timers.add(timer);
  }

  private route(
    req: IncomingMessage,
    url: URL,
    res: ServerResponse,
    extraHeaders: Record<string, string> = {},
  ): void {
    const send = (status: number, body: unknown) => sendJson(res, status, body, extraHeaders);
    if (req.method !== 'GET') return send(405, { error: 'Method not allowed' });
    if (url.pathname === '/api/daily_papers') {
      const result = this.dailyPage(url.searchParams);
      return 'error' in result ? send(400, result) : send(200, result.items);
    }
    if (url.pathname === '/api/query') {
      res.writeHead(200, { 'content-type': ATOM_TYPE, ...extraHeaders });
      res.end(this.arxivResponse ?? this.arxivQuery(url.searchParams));
      return;
    }
    const paperId = /^\/api\/papers\/(.+)$/.exec(url.pathname)?.[1];
    if (paperId !== undefined) {
      const id = decodeURIComponent(paperId);
      return this.papers.has(id) ? send(200, this.papers.get(id)) : send(404, notFound('Paper'));
    }
    send(404, notFound('Route'));
  }

  /**
   * `/api/query?id_list=a,b` as arXiv answers it: if any id is malformed, one `Error` entry;
   * else one entry per id, in order, empty for an id it does not know. With a `search_query`,
   * see {@link arxivSearch}.
   */
  private arxivQuery(params: URLSearchParams): string {
    const ids = (params.get('id_list') ?? '').split(',').filter((id) => id !== '');
    const bad = ids.find((id) => !ARXIV_ID.test(id));
    if (bad !== undefined) return arxivAtom([{ error: `incorrect id format for ${bad}` }]);
    const search = params.get('search_query');
    if (search !== null) return this.arxivSearch(search, ids, params);
    return arxivAtom(ids.map((id) => this.arxivEntries.get(withoutVersion(id)) ?? { empty: true }));
  }

  /**
   * `/api/query?search_query=cat:A+OR+cat:B&start=&max_results=`: the entries in any of these
   * categories (among the `id_list` ids, when there are some), newest `published` first, that
   * page of them, and `totalResults` counting them all. Only `cat:` terms joined by `OR` are
   * understood (anything else gets an `Error` entry); `sortBy` and `sortOrder` are not read.
   */
  private arxivSearch(search: string, ids: string[], params: URLSearchParams): string {
    const terms = search.trim().split(/\s+OR\s+/);
    const categories = terms.map((term) => CATEGORY_TERM.exec(term)?.[1]);
    if (categories.some((category) => category === undefined)) {
      return arxivAtom([{ error: `the feed server only answers cat:X OR cat:Y, not ${search}` }]);
    }
    const start = integerParam(params, 'start', 0);
    const maxResults = integerParam(params, 'max_results', DEFAULT_ARXIV_RESULTS);
    if (start === undefined || start < 0 || maxResults === undefined || maxResults < 0) {
      return arxivAtom([{ error: 'start and max_results must be non-negative integers' }]);
    }
    const wanted = new Set(ids.map(withoutVersion));
    const matches = [...this.arxivEntries.values()]
      .filter(
        (entry) =>
          (wanted.size === 0 || wanted.has(withoutVersion(entry.id))) &&
          (entry.categories ?? DEFAULT_ARXIV_CATEGORIES).some((c) => categories.includes(c)),
      )
      .sort((a, b) => publishedTime(b) - publishedTime(a));
    return arxivAtom(matches.slice(start, start + maxResults), {
      totalResults: matches.length,
      startIndex: start,
    });
  }

  /** `/api/daily_papers?date=&limit=&p=` as HF answers it. */
  private dailyPage(params: URLSearchParams): { items: unknown[] } | { error: string } {
    const today = new Date().toISOString().slice(0, 10);
    const date = params.get('date') ?? today;
    if (!DATE.test(date) || Number.isNaN(Date.parse(date)))
      return { error: `Invalid date: ${date}` };
    if (date > today) return { error: 'Date cannot be in the future' };
    const limit = integerParam(params, 'limit', DEFAULT_LIMIT);
    const page = integerParam(params, 'p', 0);
    if (limit === undefined || limit < 0 || limit > MAX_LIMIT) {
      return { error: `limit must be an integer between 0 and ${MAX_LIMIT}` };
    }
    if (page === undefined || page < 0) return { error: 'p must be a non-negative integer' };
    const items = this.daily.get(date) ?? this.defaultDaily;
    return { items: items.slice(page * limit, (page + 1) * limit) };
  }
}

/** The Hugging Face Daily Papers fixture: 50 realistic items (a fresh copy on every call). */
/** A date as the Hugging Face feed names its days: `YYYY-MM-DD` in UTC. */
export function utcDay(date = new Date()): string {
  return date.toISOString().slice(0, 10);
}

export function loadHfFixture(): unknown[] {
  const file = join(__dirname, '..', 'fixtures', 'hf-daily-papers.json');
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${file} is not a JSON array`);
  return data;
}

/** The arXiv API fixture: the same 50 papers as {@link loadHfFixture}, as one Atom answer. */
export function loadArxivFixture(): string {
  return readFileSync(join(__dirname, '..', 'fixtures', 'arxiv-query.atom.xml'), 'utf8');
}

/**
 * An arXiv API answer (Atom) with these entries, written as arXiv writes it: the Atom namespace
 * as default, `arxiv:` declared on the feed, `opensearch:` on the elements that use it.
 * `totalResults` defaults to the number of entries, `startIndex` to 0.
 */
export function arxivAtom(
  entries: ArxivFeedEntry[],
  options: { totalResults?: number; startIndex?: number } = {},
): string {
  const opensearch = (name: string, value: number) =>
    `  <opensearch:${name} xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${value}</opensearch:${name}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="${ARXIV_NS}">`,
    '  <title type="html">ArXiv Query: id_list</title>',
    '  <id>http://arxiv.org/api/feed-server</id>',
    '  <updated>2025-06-03T00:00:00-04:00</updated>',
    opensearch('totalResults', options.totalResults ?? entries.length),
    opensearch('startIndex', options.startIndex ?? 0),
    opensearch('itemsPerPage', entries.length),
    ...entries.map(arxivEntryXml),
    '</feed>',
    '',
  ].join('\n');
}

function arxivEntryXml(entry: ArxivFeedEntry): string {
  if ('empty' in entry) return '  <entry/>';
  if ('error' in entry) {
    const id = `http://arxiv.org/api/errors#${entry.error.replace(/\s+/g, '_')}`;
    return [
      '  <entry>',
      `    <id>${xmlText(id)}</id>`,
      '    <title>Error</title>',
      `    <summary>${xmlText(entry.error)}</summary>`,
      '    <updated>2025-06-03T00:00:00-04:00</updated>',
      '    <link href="http://arxiv.org/api/errors" rel="alternate" type="text/html"/>',
      '    <author><name>arXiv api core</name></author>',
      '  </entry>',
    ].join('\n');
  }
  const abs = `http://arxiv.org/abs/${entry.id}`;
  return [
    '  <entry>',
    `    <id>${xmlText(abs)}</id>`,
    `    <updated>${xmlText(entry.updated ?? entry.published)}</updated>`,
    `    <published>${xmlText(entry.published)}</published>`,
    `    <title>${xmlText(entry.title)}</title>`,
    `    <summary>${xmlText(entry.summary)}</summary>`,
    ...entry.authors.map((name) => `    <author><name>${xmlText(name)}</name></author>`),
    `    <link href="${xmlText(abs)}" rel="alternate" type="text/html"/>`,
    ...categoryXml(entry.categories ?? DEFAULT_ARXIV_CATEGORIES),
    '  </entry>',
  ].join('\n');
}

/** arXiv's `<arxiv:primary_category>` (the first category) then a `<category>` for each. */
function categoryXml(categories: string[]): string[] {
  const element = (name: string, term: string) =>
    `    <${name} term="${xmlText(term)}" scheme="${ARXIV_NS}"/>`;
  const [primary] = categories;
  return [
    ...(primary === undefined ? [] : [element('arxiv:primary_category', primary)]),
    ...categories.map((category) => element('category', category)),
  ];
}

/** An entry's `published` in ms, for sorting; a malformed date sorts last. */
function publishedTime(entry: ArxivEntry): number {
  const time = Date.parse(entry.published);
  return Number.isNaN(time) ? Number.MIN_SAFE_INTEGER : time;
}

function xmlText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function withoutVersion(id: string): string {
  return id.replace(/v\d+$/, '');
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

function notFound(what: string): { error: string } {
  return { error: `${what} not found` };
}

function integerParam(params: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  return /^-?\d+$/.test(raw) ? Number(raw) : undefined;
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
