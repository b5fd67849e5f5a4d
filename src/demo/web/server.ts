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
import type { SlackEmulator, AppResponse } from '../../../test/support/slack-emulator';
import type { Logger } from '../../logger';
import type { WorkspaceDirectory, WorkspaceMember } from './directory';
import type { WorkspaceSummary } from './page-types';
import { conversationOf, parsePlace, renderScreen, type Place } from './screen';

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

/** A request the page cannot carry out, answered with a sentence for the member (HTTP 400). */
class PageError extends Error {}

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

const memberField = z.string().min(1).max(32);
const placeField = z.string().min(1).max(64);
const tsField = z.string().regex(/^\d{1,12}\.\d{1,8}$/);

const messageBody = z.object({
  member: memberField,
  place: placeField,
  threadTs: tsField.optional(),
  text: z.string().max(40_000),
});

const actionBody = z.object({
  member: memberField,
  target: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('message'),
      channel: z.string().min(1).max(32),
      ts: tsField,
      ephemeral: z.boolean(),
    }),
    z.object({ kind: z.literal('home') }),
    z.object({ kind: z.literal('modal'), viewId: z.string().min(1).max(64) }),
  ]),
  actionId: z.string().min(1).max(255),
  blockId: z.string().max(255).optional(),
  value: z.string().max(2_000).optional(),
});

const submitBody = z.object({
  member: memberField,
  viewId: z.string().min(1).max(64),
  values: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))),
});

const closeBody = z.object({ member: memberField, viewId: z.string().min(1).max(64) });
const homeBody = z.object({ member: memberField });

/** Starts the page's server; see {@link WorkspaceServerOptions}. */
export async function startWorkspaceServer(
  options: WorkspaceServerOptions,
): Promise<WorkspaceServer> {
  const { slack, directory, logger } = options;
  const clientScript = bundleClient();
  const reads = new ReadMarkers();
  const modalErrors = new Map<string, Record<string, string>>();
  const listeners = new Set<ServerResponse>();

  let batch: NodeJS.Timeout | undefined;
  const onChange = () => {
    batch ??= setTimeout(() => {
      batch = undefined;
      for (const res of listeners) res.write('event: change\ndata: {}\n\n');
    }, CHANGE_BATCH_MS);
  };
  slack.on('change', onChange);
  const heartbeat = setInterval(() => {
    for (const res of listeners) res.write(': still here\n\n');
  }, HEARTBEAT_MS);

  const memberOf = (id: string): WorkspaceMember => {
    const member = directory.members.find((m) => m.id === id);
    if (!member) throw new PageError(`There is no member ${id} in this workspace.`);
    return member;
  };
  const placeOf = (name: string): Place => {
    const place = parsePlace(name, directory);
    if (!place) throw new PageError(`There is no channel or tab called ${name} here.`);
    return place;
  };

  const routes: Record<string, (body: unknown, url: URL) => Promise<unknown> | unknown> = {
    'GET /api/workspace': (): WorkspaceSummary => ({
      teamName: directory.teamName,
      members: directory.members,
      firstPlace: directory.channels[0]?.id ?? 'app:home',
    }),
    'GET /api/screen': (_body, url) => {
      const member = memberOf(url.searchParams.get('member') ?? '');
      const place = placeOf(url.searchParams.get('place') ?? '');
      const conversation = conversationOf(place, member.id);
      if (conversation) reads.markRead(member.id, conversation, slack.messages(conversation));
      const threadTs = url.searchParams.get('thread') ?? undefined;
      return renderScreen({
        state: slack,
        directory,
        member,
        place,
        ...(threadTs ? { threadTs } : {}),
        unread: (c) => reads.unread(member.id, c, slack.messages(c)),
        modalErrors: (viewId) => modalErrors.get(viewId),
      });
    },
    'POST /api/message': async (body) => {
      const input = messageBody.parse(body);
      const member = memberOf(input.member);
      const conversation = conversationOf(placeOf(input.place), member.id);
      if (!conversation) throw new PageError('Messages cannot be sent from the Home tab.');
      const text = input.text.trim();
      if (text === '') throw new PageError('Type a message first.');
      if (text.startsWith('/')) return slashCommand(member, conversation, text);
      const { responses } = await slack.postAsUser({
        userId: member.id,
        channel: conversation,
        text,
        ...(input.threadTs ? { threadTs: input.threadTs } : {}),
      });
      return { ok: true, delivered: responses.every((r) => r.status === 200) };
    },
    'POST /api/action': async (body) => {
      const input = actionBody.parse(body);
      const member = memberOf(input.member);
      const { target } = input;
      const where =
        target.kind === 'message'
          ? {
              channelId: target.channel,
              messageTs: target.ts,
              ...(target.ephemeral ? { ephemeral: true } : {}),
            }
          : target.kind === 'home'
            ? { fromHome: true }
            : { viewId: target.viewId };
      const answer = await slack.sendBlockAction({
        userId: member.id,
        actionId: input.actionId,
        ...(input.blockId ? { blockId: input.blockId } : {}),
        ...(input.value !== undefined ? { value: input.value } : {}),
        ...where,
      });
      return answered(answer, 'That button');
    },
    'POST /api/submit': async (body) => {
      const input = submitBody.parse(body);
      const member = memberOf(input.member);
      const outcome = await slack.sendViewSubmission({
        userId: member.id,
        viewId: input.viewId,
        values: input.values,
      });
      if (outcome.errors) modalErrors.set(input.viewId, outcome.errors);
      else modalErrors.delete(input.viewId);
      if (outcome.ackError)
        throw new PageError(`Slack refused the app's answer (${outcome.ackError}).`);
      return answered(outcome, 'The form');
    },
    'POST /api/close': async (body) => {
      const input = closeBody.parse(body);
      await slack.closeModal(memberOf(input.member).id, input.viewId);
      modalErrors.delete(input.viewId);
      return { ok: true };
    },
    'POST /api/home': async (body) => {
      const member = memberOf(homeBody.parse(body).member);
      return answered(await slack.openHome(member.id), 'The Home tab');
    },
  };

  /** Runs `/papers …` like Slack: unknown commands never reach the app. */
  async function slashCommand(member: WorkspaceMember, channelId: string, text: string) {
    const [command = '', ...rest] = text.split(/\s+/);
    if (command !== '/papers') {
      throw new PageError(
        `${command} is not a valid command. In Slack, all messages that start with "/" are interpreted as commands.`,
      );
    }
    const answer = await slack.sendSlashCommand({
      userId: member.id,
      channelId,
      command,
      text: rest.join(' '),
    });
    if (answer.status !== 200) {
      throw new PageError(
        `/papers failed with the error "dispatch_failed" (HTTP ${answer.status}).`,
      );
    }
    if (answer.ackError) {
      throw new PageError(`/papers failed: Slack refused the app's answer (${answer.ackError}).`);
    }
    return { ok: true };
  }

  function answered(answer: AppResponse, what: string) {
    if (answer.status === 200) return { ok: true };
    throw new PageError(`${what} did not work: the app answered HTTP ${answer.status}.`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const staticFile = req.method === 'GET' ? STATIC_FILES[url.pathname] : undefined;
    if (staticFile) {
      return sendText(res, 200, staticFile.type, readPublic(staticFile.file));
    }
    if (req.method === 'GET' && url.pathname === '/assets/client.js') {
      return sendText(res, 200, 'text/javascript; charset=utf-8', clientScript);
    }
    if (req.method === 'GET' && url.pathname === '/api/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write('retry: 1000\n\n');
      listeners.add(res);
      req.on('close', () => listeners.delete(res));
      return;
    }
    const route = routes[`${req.method} ${url.pathname}`];
    if (!route) return sendJson(res, 404, { ok: false, error: 'Not found.' });
    if (req.method === 'POST' && !isSameOrigin(req)) {
      return sendJson(res, 403, { ok: false, error: 'Requests from other sites are refused.' });
    }
    try {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      return sendJson(res, 200, await route(body, url));
    } catch (error) {
      if (error instanceof PageError)
        return sendJson(res, 400, { ok: false, error: error.message });
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

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger?.error('local workspace: a request failed', error);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'Something went wrong.' });
    });
  });
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: async () => {
      slack.off('change', onChange);
      clearInterval(heartbeat);
      clearTimeout(batch);
      for (const res of listeners) res.end();
      listeners.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * What each member has seen of each conversation: the newest top-level message's `ts` when they
 * last looked. Messages after it, other than their own, are unread.
 */
class ReadMarkers {
  private readonly seen = new Map<string, string>();

  markRead(member: string, conversation: string, messages: ReadonlyArray<{ ts: string }>): void {
    const newest = messages.at(-1)?.ts;
    if (newest) this.seen.set(`${member} ${conversation}`, newest);
  }

  unread(
    member: string,
    conversation: string,
    messages: ReadonlyArray<{ ts: string; user?: string; threadTs?: string }>,
  ): number {
    const seen = Number(this.seen.get(`${member} ${conversation}`) ?? 0);
    return messages.filter(
      (m) => Number(m.ts) > seen && m.user !== member && (!m.threadTs || m.threadTs === m.ts),
    ).length;
  }
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
