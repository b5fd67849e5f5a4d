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
}

export interface RecordedRequest {
  path: string;
  query: Record<string, string>;
  /** Request headers, names lower-cased. */
  headers: Record<string, string>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** HF's `limit` default and cap on `/api/daily_papers`. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A local stand-in for the Hugging Face API on 127.0.0.1 (random port), serving fixture data the
 * way HF does (paging, a 400 for a future date or a `limit` over 100), plus scripted faults.
 * Used by the tests and by `npm run demo`, so it depends on nothing but Node.
 */
export class FeedServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `${url}/api`: what the app gets as `HF_API_URL`. */
  readonly hfApiUrl: string;

  private readonly daily = new Map<string, unknown[]>();
  private readonly defaultDaily: unknown[];
  private readonly papers: Map<string, unknown>;
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
    for (const [date, items] of Object.entries(options.dailyByDate ?? {})) {
      this.setDaily(date, items);
    }
    this.defaultDaily = [...(options.defaultDaily ?? [])];
    this.papers = new Map(Object.entries(options.papers ?? {}));
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

  pushFault(fault: FeedFault): void {
    this.faults.push(fault);
  }

  /** Every request received so far, in order, faulted ones included. */
  requests(): RecordedRequest[] {
    return this.log.map((entry) => ({
      path: entry.path,
      query: { ...entry.query },
      headers: { ...entry.headers },
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
        headers: headerRecord(req),
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
    const paperId = /^\/api\/papers\/(.+)$/.exec(url.pathname)?.[1];
    if (paperId !== undefined) {
      const id = decodeURIComponent(paperId);
      return this.papers.has(id) ? send(200, this.papers.get(id)) : send(404, notFound('Paper'));
    }
    send(404, notFound('Route'));
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
export function loadHfFixture(): unknown[] {
  const file = join(__dirname, '..', 'fixtures', 'hf-daily-papers.json');
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${file} is not a JSON array`);
  return data;
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
