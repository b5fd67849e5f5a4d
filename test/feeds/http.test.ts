import { LogLevel } from '@slack/bolt';
import { FeedError, fetchJson, fetchText, type FetchJsonOptions } from '../../src/feeds/http';
import { createLogger } from '../../src/logger';
import { FeedServer } from '../support/feed-server';

const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Oops</title></head><body>Down</body></html>';

let server: FeedServer;
let endpoint: string;
let delays: number[];
let warnings: string[];

beforeEach(async () => {
  // A fresh server per test, so a fault a failed test left queued cannot leak into the next one.
  server = await FeedServer.start({ papers: { '2406.07550': { id: '2406.07550', title: 'T' } } });
  endpoint = `${server.hfApiUrl}/papers/2406.07550`;
  delays = [];
  warnings = [];
});

afterEach(() => server.close());

/** Small timeouts, a recording sleep and a recording logger, so failures are fast and visible. */
function options(overrides: FetchJsonOptions = {}): FetchJsonOptions {
  return {
    timeoutMs: 200,
    baseDelayMs: 10,
    sleep: async (ms) => {
      delays.push(ms);
    },
    logger: createLogger({
      level: LogLevel.DEBUG,
      sink: (level, line) => {
        if (level === LogLevel.WARN) warnings.push(line);
      },
    }),
    ...overrides,
  };
}

async function feedError(promise: Promise<unknown>): Promise<FeedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof FeedError)) throw new Error(`expected a FeedError, got ${String(error)}`);
  return error;
}

describe('fetchJson', () => {
  it('returns the parsed body and identifies itself', async () => {
    await expect(fetchJson(endpoint, options())).resolves.toEqual({ id: '2406.07550', title: 'T' });
    const [request] = server.requests();
    expect(request?.headers['user-agent']).toBe('Paperboy (+https://github.com/paperboy)');
    expect(request?.headers.accept).toBe('application/json');
  });

  it('lets the caller override headers', async () => {
    await fetchJson(endpoint, options({ headers: { accept: 'application/json; q=1' } }));
    expect(server.requests()[0]?.headers.accept).toBe('application/json; q=1');
  });

  it('treats an HTML page with status 200 as bad_json, without retrying', async () => {
    server.pushFault({ body: HTML_PAGE, contentType: 'text/html; charset=utf-8' });
    const error = await feedError(fetchJson(endpoint, options()));
    expect(error.kind).toBe('bad_json');
    expect(error.retryable).toBe(false);
    expect(error.url).toBe(endpoint);
    expect(error.message).toContain("(got text/html: '<!DOCTYPE html> <html><head><title>Oops");
    expect(server.requests()).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('retries a 500 and returns the answer that follows', async () => {
    server.pushFault({ status: 500, body: HTML_PAGE, contentType: 'text/html' });
    await expect(fetchJson(endpoint, options())).resolves.toMatchObject({ id: '2406.07550' });
    expect(server.requests()).toHaveLength(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    expect(delays[0]).toBeLessThanOrEqual(10);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`HTTP 500 from ${endpoint}`);
    expect(warnings[0]).toContain('retry 1 of 3');
  });

  it('backs off exponentially with full jitter', async () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(1);
    try {
      for (let i = 0; i < 4; i += 1) server.pushFault({ status: 502 });
      const error = await feedError(fetchJson(endpoint, options({ baseDelayMs: 100 })));
      expect(error).toMatchObject({ kind: 'http', status: 502, retryable: true });
      expect(delays).toEqual([100, 200, 400]);
      expect(server.requests()).toHaveLength(4);
    } finally {
      random.mockRestore();
    }
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    server.pushFault({
      status: 429,
      body: '{"error":"slow down"}',
      headers: { 'Retry-After': '7' },
    });
    await expect(fetchJson(endpoint, options())).resolves.toMatchObject({ id: '2406.07550' });
    expect(delays).toEqual([7000]);
  });

  it("falls back on the reset time of HF's RateLimit header, and caps waits at 60 s", async () => {
    server.pushFault({ status: 429, headers: { RateLimit: '"api";r=0;t=12' } });
    server.pushFault({ status: 503, headers: { 'Retry-After': '3600' } });
    await fetchJson(endpoint, options());
    expect(delays).toEqual([12_000, 60_000]);
  });

  it('gives up after the retries, with the last HTTP error', async () => {
    for (let i = 0; i < 3; i += 1) server.pushFault({ status: 503, body: HTML_PAGE });
    const error = await feedError(fetchJson(endpoint, options({ retries: 2 })));
    expect(error).toMatchObject({ kind: 'http', status: 503, retryable: true });
    expect(error.message).toContain(`HTTP 503 from ${endpoint}: '<!DOCTYPE html>`);
    expect(server.requests()).toHaveLength(3);
    expect(warnings).toHaveLength(2);
  });

  it.each([400, 401, 404])('does not retry a %i', async (status) => {
    server.pushFault({ status, body: '{"error":"no"}' });
    const error = await feedError(fetchJson(endpoint, options()));
    expect(error).toMatchObject({ kind: 'http', status, retryable: false });
    expect(server.requests()).toHaveLength(1);
  });

  it('times out a response that sends headers and then hangs', async () => {
    server.pushFault({ hang: true, body: '[{"paper":' });
    const started = Date.now();
    const error = await feedError(fetchJson(endpoint, options({ retries: 0 })));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(error.message).toBe(`no answer within 200 ms from ${endpoint}`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a server slow to answer at all, and retries it', async () => {
    server.pushFault({ delayMs: 1000 });
    await expect(fetchJson(endpoint, options({ retries: 1 }))).resolves.toMatchObject({
      id: '2406.07550',
    });
    expect(warnings[0]).toContain('no answer within 200 ms');
  });

  it('stops reading a body past the cap', async () => {
    server.pushFault({ body: `"${'x'.repeat(10 * 1024 * 1024)}"` });
    const error = await feedError(fetchJson(endpoint, options({ timeoutMs: 5000 })));
    expect(error).toMatchObject({ kind: 'too_large', retryable: false });
    expect(error.message).toBe(`response larger than 5 MB from ${endpoint}`);
    expect(server.requests()).toHaveLength(1);
  });

  it('rejects a declared Content-Length over the cap before reading the body', async () => {
    // The body never comes: only an early rejection can beat the timeout.
    server.pushFault({ hang: true, headers: { 'Content-Length': String(2048) } });
    const error = await feedError(fetchJson(endpoint, options({ maxBytes: 1024 })));
    expect(error.kind).toBe('too_large');
    expect(error.message).toContain('larger than 1 KB');
  });

  it('reports a refused connection as a retryable network error', async () => {
    const closed = await FeedServer.start();
    await closed.close();
    const error = await feedError(fetchJson(`${closed.url}/api/papers/1`, options({ retries: 1 })));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
    expect(delays).toHaveLength(1);
  });

  it('throws at once for a malformed URL', async () => {
    await expect(fetchJson('not a url', options())).rejects.toThrow('Invalid URL');
    expect(delays).toEqual([]);
  });
});

describe('fetchText', () => {
  it('returns the body as text with its media type, asking for any type', async () => {
    server.pushFault({ body: '<feed/>', contentType: 'application/atom+xml; charset=UTF-8' });
    await expect(fetchText(endpoint, options())).resolves.toEqual({
      text: '<feed/>',
      contentType: 'application/atom+xml',
    });
    expect(server.requests()[0]?.headers.accept).toBe('*/*');
  });

  it('shares the limits and retries of fetchJson', async () => {
    server.pushFault({ status: 503, headers: { 'Retry-After': '2' } });
    server.pushFault({ body: 'x'.repeat(2048), contentType: 'text/plain' });
    const error = await feedError(fetchText(endpoint, options({ maxBytes: 1024 })));
    expect(error.kind).toBe('too_large');
    expect(delays).toEqual([2000]);
    expect(server.requests()).toHaveLength(2);
  });
});
