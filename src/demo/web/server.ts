/**
 * The local workspace's web server: one page that looks and behaves like a small Slack, drawn from
 * the Slack emulator's state. What a member does on the page reaches the app exactly as Slack
 * would send it (the emulator signs every request to `/slack/events`); the page learns of changes
 * over Server-Sent Events and redraws.
 */
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { z } from 'zod';
import type { SlackEmulator } from '../../../test/support/slack-emulator';
import type { Logger } from '../../logger';
import type { WorkspaceDirectory } from './directory';
import { createWorkspaceApi, PageError, type WorkspaceApi } from './workspace-api';

export interface WorkspaceServerOptions {
  slack: SlackEmulator;
  directory: WorkspaceDirectory;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1: the page drives the app as any member, so it is not for the network. */
  host?: string;
  logger?: Logger;
}

export interface WorkspaceServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const PUBLIC_DIR = path.join(__dirname, 'public');
const CLIENT_ENTRY = path.join(__dirname, 'client', 'main.ts');
const MAX_BODY_BYTES = 64 * 1024;
/** Redraws are batched: a poll's fifty posts become a few redraws, not fifty. */
const CHANGE_BATCH_MS = 40;
const HEARTBEAT_MS = 15_000;

// Nothing on the page may run but its own script: a slip in escaping still could not execute.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https: http:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/assets/workspace.css': { file: 'workspace.css', type: 'text/css; charset=utf-8' },
  '/assets/blocks.css': { file: 'blocks.css', type: 'text/css; charset=utf-8' },
};

/** Starts the page's server; see {@link WorkspaceServerOptions}. */
export async function startWorkspaceServer(
  options: WorkspaceServerOptions,
): Promise<WorkspaceServer> {
  const { slack, directory, logger } = options;
  // Read and built once: the page's files do not change while the demo runs.
  const clientScript = bundleClient();
  const staticTexts = new Map(
    Object.values(STATIC_FILES).map(({ file }) => [file, readPublic(file)] as const),
  );
  const api = createWorkspaceApi(slack, directory);
  const routes = routesOf(api);
  const streams = new Set<ServerResponse>();
  let allowedHosts = new Set<string>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Only the page's own address: a site that rebinds its name to 127.0.0.1 gets nothing.
    if (!allowedHosts.has(req.headers.host ?? '')) {
      return sendJson(res, 403, { ok: false, error: 'This page answers on 127.0.0.1 only.' });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const staticFile = req.method === 'GET' ? STATIC_FILES[url.pathname] : undefined;
    if (staticFile) {
      return sendText(res, 200, staticFile.type, staticTexts.get(staticFile.file) ?? '');
    }
    if (req.method === 'GET' && url.pathname === '/assets/client.js') {
      return sendText(res, 200, 'text/javascript; charset=utf-8', clientScript);
    }
    if (req.method === 'GET' && url.pathname === '/api/events') return openStream(req, res);
    const route = routes[`${req.method} ${url.pathname}`];
    if (!route) return sendJson(res, 404, { ok: false, error: 'Not found.' });
    // A cross-site form or `text/plain` fetch cannot send JSON without a preflight, never granted.
    if (req.method === 'POST' && (!isSameOrigin(req) || !isJson(req))) {
      return sendJson(res, 403, { ok: false, error: 'Requests from other sites are refused.' });
    }
    try {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      return sendJson(res, 200, await route(body, url));
    } catch (error) {
      if (error instanceof PageError) {
        return sendJson(res, 400, { ok: false, error: error.message });
      }
      if (error instanceof z.ZodError) {
        return sendJson(res, 400, {
          ok: false,
          error: 'The page sent a request it should not have.',
        });
      }
      // The emulator refuses what Slack's client could not do (a click on a message that is gone).
      logger?.warn('local workspace: a request failed', error);
      return sendJson(res, 400, {
        ok: false,
        error: 'That did not work; the page may be out of date. Try again.',
      });
    }
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger?.error('local workspace: a request failed', error);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'Something went wrong.' });
    });
  });
  // Listening comes first: a port already taken must leave nothing behind.
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);

  let batch: NodeJS.Timeout | undefined;
  const onChange = () => {
    batch ??= setTimeout(() => {
      batch = undefined;
      for (const res of streams) res.write('event: change\ndata: {}\n\n');
    }, CHANGE_BATCH_MS);
  };
  slack.on('change', onChange);
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(': still here\n\n');
  }, HEARTBEAT_MS);

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: async () => {
      slack.off('change', onChange);
      clearInterval(heartbeat);
      clearTimeout(batch);
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

type Route = (body: unknown, url: URL) => unknown;

function routesOf(api: WorkspaceApi): Record<string, Route> {
  return {
    'GET /api/workspace': () => api.workspace(),
    'GET /api/screen': (_body, url) => api.screen(url.searchParams),
    'POST /api/message': (body) => api.message(body),
    'POST /api/action': (body) => api.action(body),
    'POST /api/submit': (body) => api.submit(body),
    'POST /api/close': (body) => api.close(body),
    'POST /api/home': (body) => api.openHome(body),
  };
}

/** The page's script, bundled once from TypeScript when the server starts. */
function bundleClient(): string {
  const result = buildSync({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    target: ['es2020'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function readPublic(file: string): string {
  return fs.readFileSync(path.join(PUBLIC_DIR, file), 'utf8');
}

/** Browsers send Origin on cross-site POSTs; a page elsewhere must not drive the app as a member. */
function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}

function isJson(req: IncomingMessage): boolean {
  return /^application\/json\b/i.test(req.headers['content-type'] ?? '');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end, keeping only what fits: leaving the loop early would destroy the request,
  // and with it the socket, so that the page would hear of a reset instead of this answer.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) throw new PageError('That is too long to send.');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new PageError('The page sent a request it should not have.');
  }
}

function sendText(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
