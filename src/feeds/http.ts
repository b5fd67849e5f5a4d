import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../logger';

/**
 * What went wrong fetching a feed:
 * - `timeout`: no complete answer within the per-attempt timeout (headers or body);
 * - `too_large`: the body is over the byte cap;
 * - `http`: a non-2xx status;
 * - `bad_json`: a 2xx answer whose body is not JSON (or not the JSON shape the client expects);
 * - `bad_body`: a 2xx answer in another format (XML) that is malformed or not the document the
 *   client expects (an HTML page instead of an Atom feed, say);
 * - `network`: the connection failed (refused, reset, DNS…).
 */
export type FeedErrorKind = 'timeout' | 'too_large' | 'http' | 'bad_json' | 'bad_body' | 'network';

export interface FeedErrorDetails {
  url: string;
  status?: number;
  /** How long the server asked us to wait before trying again (ms), from `Retry-After`/`RateLimit`. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A failed feed request. `message` says in plain words what happened and where. */
export class FeedError extends Error {
  override readonly name = 'FeedError';
  readonly kind: FeedErrorKind;
  /** The HTTP status, for `http` errors. */
  readonly status?: number;
  /** Whether trying again later may succeed: network errors, timeouts, 429 and 5xx. */
  readonly retryable: boolean;
  readonly url: string;
  readonly retryAfterMs?: number;

  constructor(kind: FeedErrorKind, message: string, details: FeedErrorDetails) {
    super(message, { cause: details.cause });
    this.kind = kind;
    this.url = details.url;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable =
      kind === 'http'
        ? details.status !== undefined && isRetryableStatus(details.status)
        : kind === 'timeout' || kind === 'network';
  }
}

/** How {@link fetchText} and {@link fetchJson} make their requests. */
export interface FetchOptions {
  /** Time allowed per attempt for the whole answer, headers and body, in ms. Default 10 000. */
  timeoutMs?: number;
  /** Largest body accepted, in bytes. Default 5 MiB. */
  maxBytes?: number;
  /** Extra attempts after a retryable failure. Default 3 (so at most 4 requests). */
  retries?: number;
  /**
   * Base of the exponential backoff, in ms. Default 500. The wait before retry n (from 0) is a
   * uniformly random time up to `baseDelayMs * 2^n` (full jitter), unless a 429/503 answer says
   * how long to wait (`Retry-After`, or the `t=` of HF's `RateLimit` header). Waits are capped at 60 s.
   */
  baseDelayMs?: number;
  /** How to wait between attempts; injectable so tests need not wait. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Receives one `warn` per retry, with the reason. */
  logger?: Logger;
  /**
   * Extra request headers; they override the defaults (`User-Agent`, and `Accept`: any type for
   * {@link fetchText}, `application/json` for {@link fetchJson}).
   */
  headers?: Record<string, string>;
}

/** The options of {@link fetchJson}: the same as {@link fetchText}'s. */
export type FetchJsonOptions = FetchOptions;

/** A 2xx answer's body, read in full within the time and size limits. */
export interface FetchedText {
  text: string;
  /** The media type of `Content-Type`, without parameters (`application/json`), when sent. */
  contentType?: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_BASE_DELAY_MS = 500;
/** No server-requested or backoff wait is longer than this. */
export const MAX_RETRY_DELAY_MS = 60_000;

const DEFAULT_HEADERS: Record<string, string> = {
  'User-Agent': 'Paperboy (+https://github.com/paperboy)',
  Accept: '*/*',
};

/** How much of an unexpected body to quote in an error message. */
const SNIPPET_CHARS = 60;
/** How much of an error response to read for that quote. */
const SNIPPET_BYTES = 4 * 1024;

/**
 * GETs `url` and returns its body as text, retrying retryable failures (network errors, timeouts,
 * 429, 5xx) with backoff. Every failure is a {@link FeedError}; a malformed `url` throws a
 * `TypeError` at once (a bug in the caller, not worth retrying). Whether the text is what the
 * caller expects (JSON, XML…) is the caller's to check.
 */
export async function fetchText(url: string, options: FetchOptions = {}): Promise<FetchedText> {
  new URL(url);
  const retries = options.retries ?? DEFAULT_RETRIES;
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const headers = new Headers(DEFAULT_HEADERS);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  const limits = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
  };

  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fetchOnce(url, headers, limits);
    } catch (error) {
      if (!(error instanceof FeedError) || !error.retryable || attempt >= retries) throw error;
      const waitMs = retryDelayMs(error, attempt, baseDelayMs);
      options.logger?.warn(`${error.message}; retry ${attempt + 1} of ${retries} in ${waitMs} ms`);
      await sleep(waitMs);
    }
  }
}

/**
 * GETs `url` and parses its body as JSON: {@link fetchText} (same limits, retries and errors),
 * asking for `application/json`. A body that is not JSON is a `bad_json` {@link FeedError}, not
 * retried: the same request would get the same answer.
 */
export async function fetchJson(url: string, options: FetchOptions = {}): Promise<unknown> {
  const body = await fetchText(url, {
    ...options,
    // The caller's headers are applied after ours, so an `accept` of theirs, in any case, wins.
    headers: { Accept: 'application/json', ...options.headers },
  });
  try {
    return JSON.parse(body.text);
  } catch (error) {
    throw new FeedError('bad_json', `not JSON from ${url} (got ${describeBody(body)})`, {
      url,
      cause: error,
    });
  }
}

/** A body for an error message: its media type and its first characters, `text/html: '<!DOC…'`. */
export function describeBody(body: FetchedText): string {
  return `${body.contentType ?? 'no content type'}: ${quote(body.text)}`;
}

interface Limits {
  timeoutMs: number;
  maxBytes: number;
}

async function fetchOnce(url: string, headers: Headers, limits: Limits): Promise<FetchedText> {
  // One controller for the whole attempt: `fetch` resolves at the headers, and a body that
  // trickles or hangs afterwards must be cut off by the same deadline.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  try {
    const response = await fetch(url, { headers, signal: controller.signal });
    return await readText(response, url, limits.maxBytes);
  } catch (error) {
    if (error instanceof FeedError) throw error;
    if (timedOut) {
      throw new FeedError('timeout', `no answer within ${limits.timeoutMs} ms from ${url}`, {
        url,
        cause: error,
      });
    }
    throw new FeedError('network', `network error from ${url}: ${networkDetail(error)}`, {
      url,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    // Releases the connection when we stopped reading a body early; a no-op after a full read.
    controller.abort();
  }
}

async function readText(response: Response, url: string, maxBytes: number): Promise<FetchedText> {
  if (!response.ok) {
    const { bytes } = await readCapped(response.body, SNIPPET_BYTES).catch(() => ({
      bytes: new Uint8Array(),
    }));
    const snippet = quote(decode(bytes));
    throw new FeedError(
      'http',
      `HTTP ${response.status} from ${url}${snippet === "''" ? '' : `: ${snippet}`}`,
      { url, status: response.status, retryAfterMs: serverRequestedDelayMs(response) },
    );
  }

  const tooLarge = () =>
    new FeedError('too_large', `response larger than ${formatBytes(maxBytes)} from ${url}`, {
      url,
    });
  // Number(null) is 0, and NaN compares false: only a declared length over the cap rejects early.
  if (Number(response.headers.get('content-length')) > maxBytes) throw tooLarge();
  const { bytes, overflow } = await readCapped(response.body, maxBytes);
  if (overflow) throw tooLarge();

  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim();
  const text = decode(bytes);
  return contentType ? { text, contentType } : { text };
}

/** Reads a body up to `cap` bytes, cancelling the stream (and reporting overflow) past it. */
async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  cap: number,
): Promise<{ bytes: Uint8Array; overflow: boolean }> {
  if (!body) return { bytes: new Uint8Array(), overflow: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(chunks), overflow: false };
    size += value.byteLength;
    if (size > cap) {
      // Not awaited: cancelling must not wait on a server that keeps the stream open.
      reader.cancel().catch(() => undefined);
      chunks.push(value.subarray(0, value.byteLength - (size - cap)));
      return { bytes: Buffer.concat(chunks), overflow: true };
    }
    chunks.push(value);
  }
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** The first characters of a body, on one line, quoted for an error message. */
function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return `'${line.length > SNIPPET_CHARS ? `${line.slice(0, SNIPPET_CHARS)}…` : line}'`;
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * The wait a 429/503 answer asks for, in ms: `Retry-After` (seconds or an HTTP date), else the
 * `t=` (seconds to the window reset) of the `RateLimit` header that Hugging Face sends.
 */
function serverRequestedDelayMs(response: Response): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  const retryAfter = response.headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  const reset = /(?:^|;)\s*t=(\d+)/.exec(response.headers.get('ratelimit') ?? '');
  return reset?.[1] === undefined ? undefined : Number(reset[1]) * 1000;
}

function retryDelayMs(error: FeedError, attempt: number, baseDelayMs: number): number {
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, MAX_RETRY_DELAY_MS);
  const ceiling = Math.min(baseDelayMs * 2 ** attempt, MAX_RETRY_DELAY_MS);
  return Math.round(Math.random() * ceiling);
}

/** `fetch` wraps the useful part (`ECONNREFUSED`, `other side closed`) in `cause`. */
function networkDetail(error: unknown): string {
  // Duck-typed, not `instanceof Error`: undici's errors may come from another realm (jest's vm).
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: unknown };
  const { code, message: causeMessage } = (cause ?? {}) as { code?: unknown; message?: unknown };
  if (typeof causeMessage === 'string') {
    return typeof code === 'string' ? `${code} (${causeMessage})` : causeMessage;
  }
  return typeof message === 'string' ? message : String(error);
}

function formatBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
