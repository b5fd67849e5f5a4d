/**
 * The local workspace page's HTTP contract, spoken to with fetch: headers, validation, friendly
 * 400s, the same-origin check, Server-Sent Events and unread counts. The app is a stand-in that
 * records what reaches it and acks everything; the browser test covers the page end to end.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoDirectory } from '../../../src/demo/web/directory';
import { startWorkspaceServer, type WorkspaceServer } from '../../../src/demo/web/server';
import { SlackEmulator } from '../../support/slack-emulator';

/** A request as the app's stand-in received it. */
interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let slack: SlackEmulator;
let app: http.Server;
let web: WorkspaceServer;
const received: Received[] = [];

beforeAll(async () => {
  slack = await SlackEmulator.start();
  app = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(req.url === '/slack/events' ? 200 : 404).end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  slack.setAppUrl(`http://127.0.0.1:${(app.address() as AddressInfo).port}`);
  web = await startWorkspaceServer({ slack, directory: demoDirectory(slack.botUserId) });
});

afterAll(async () => {
  await web?.close();
  await slack?.close();
  await new Promise<void>((resolve) => {
    if (!app?.listening) return resolve();
    app.close(() => resolve());
    app.closeAllConnections();
  });
});

beforeEach(() => {
  received.length = 0;
});

const url = (path: string) => new URL(path, web.url).toString();

/** POSTs a JSON body (or a raw string) to the page's API; the answer's status and JSON. */
async function postApi(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url(path));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Posts as the app through the emulator's Web API; resolves with the message's ts. */
async function postAsApp(channel: string, text: string, threadTs?: string): Promise<string> {
  const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${slack.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel, text, ...(threadTs ? { thread_ts: threadTs } : {}) }),
  });
  const body = (await res.json()) as { ok: boolean; ts: string };
  expect(body.ok).toBe(true);
  return body.ts;
}

/** A request with headers fetch will not set (`host`), straight over node:http. */
function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: web.port, method, path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** An answer is a sentence for the member: no stack trace, no error class, no file paths. */
function expectSentence(error: unknown): void {
  expect(typeof error).toBe('string');
  expect(error).toMatch(/^[A-Z/].*[.)]$/);
  expect(error).not.toMatch(/\n|\bat \S+ \(|Error:|\.ts\b|node_modules/);
}

const BAD_REQUEST = 'The page sent a request it should not have.';

describe('static files', () => {
  it('serves the page with a CSP that runs only its own script, and nosniff', async () => {
    const res = await fetch(url('/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    const html = await res.text();
    expect(html).toContain('<script src="/assets/client.js" defer></script>');
    // No inline script: the CSP would block it anyway.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('serves the client as one bundled script, not a module', async () => {
    const res = await fetch(url('/assets/client.js'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await res.text();
    expect(script.length).toBeGreaterThan(1000);
    // Compiled, not run: `import` or `export` (or TypeScript) would not parse as a function body.
    expect(() => new Function(script)).not.toThrow();
    expect(script).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('serves the style sheets, and 404s anything else', async () => {
    for (const sheet of ['/assets/workspace.css', '/assets/blocks.css']) {
      const res = await fetch(url(sheet));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/css/);
      await res.text();
    }
    for (const path of ['/assets/../server.ts', '/assets/index.html', '/api/nothing']) {
      const res = await fetch(url(path));
      expect(res.status).toBe(404);
      await res.text();
    }
  });
});

describe('GET /api/workspace and /api/screen', () => {
  it('lists the team and its members', async () => {
    const { status, body } = await getJson('/api/workspace');
    expect(status).toBe(200);
    expect(body.teamName).toBe('Paperboy Lab');
    const members = body.members as Array<{ id: string }>;
    expect(members.map((m) => m.id)).toEqual(['U0ALICE', 'U0BOB', 'U0CAROL']);
    expect(members[0]).toEqual({ id: 'U0ALICE', name: 'Alice', title: 'PhD student, NLP' });
  });

  it('draws a member’s screen', async () => {
    const { status, body } = await getJson('/api/screen?member=U0ALICE&place=C0PAPERS');
    expect(status).toBe(200);
    expect(body.title).toBe('#papers · Paperboy Lab');
    expect(body.composer).toBe('Message #papers');
    for (const part of ['sidebar', 'main', 'thread', 'modal', 'modalKey'])
      expect(typeof body[part]).toBe('string');
  });

  it('answers an unknown member or place with a sentence, not a stack trace', async () => {
    const cases: Array<[string, string]> = [
      ['member=U0NOBODY&place=C0PAPERS', 'There is no member U0NOBODY in this workspace.'],
      ['member=U0ALICE&place=C0NOPE', 'There is no channel or tab called C0NOPE here.'],
      ['member=U0ALICE&place=app:settings', 'There is no channel or tab called app:settings here.'],
    ];
    for (const [query, error] of cases) {
      const { status, body } = await getJson(`/api/screen?${query}`);
      expect(status).toBe(400);
      expect(body).toEqual({ ok: false, error });
      expectSentence(body.error);
    }
    const { status, body } = await getJson('/api/screen');
    expect(status).toBe(400);
    expectSentence(body.error);
  });
});

describe('POST /api/message', () => {
  it('asks for a message when the text is empty or blank', async () => {
    for (const text of ['', '   \n ']) {
      const { status, body } = await postApi('/api/message', {
        member: 'U0ALICE',
        place: 'C0PAPERS',
        text,
      });
      expect(status).toBe(400);
      expect(body).toEqual({ ok: false, error: 'Type a message first.' });
    }
  });

  it('refuses a slash command Slack does not know, naming it, and sends the app nothing', async () => {
    const before = slack.messages().length;
    const { status, body } = await postApi('/api/message', {
      member: 'U0ALICE',
      place: 'C0PAPERS',
      text: '/paper help',
    });
    expect(status).toBe(400);
    expect(body.error).toMatch(/^\/paper is not a valid command\./);
    expectSentence(body.error);
    expect(received).toEqual([]);
    expect(slack.messages().length).toBe(before);
  });

  it('sends `/papers …` to the app as a slash command signed with the signing secret', async () => {
    const { status, body } = await postApi('/api/message', {
      member: 'U0BOB',
      place: 'C0GENERAL',
      text: '  /papers   search  diffusion & <models> ',
    });
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true });
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/slack/events');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');

    const timestamp = String(request.headers['x-slack-request-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const expected = `v0=${createHmac('sha256', slack.signingSecret)
      .update(`v0:${timestamp}:${request.body}`)
      .digest('hex')}`;
    const signature = String(request.headers['x-slack-signature']);
    expect(signature).toHaveLength(expected.length);
    expect(timingSafeEqual(Buffer.from(signature), Buffer.from(expected))).toBe(true);

    const form = new URLSearchParams(request.body);
    expect(form.get('command')).toBe('/papers');
    // As Slack sends it: the rest as typed, trimmed, with `&`, `<` and `>` escaped.
    expect(form.get('text')).toBe('search  diffusion &amp; &lt;models&gt;');
    expect(form.get('user_id')).toBe('U0BOB');
    expect(form.get('channel_id')).toBe('C0GENERAL');
    // A command is not a message: nothing is posted in the channel.
    expect(slack.messages('C0GENERAL').some((m) => m.text?.includes('/papers'))).toBe(false);
  });

  it('refuses messages and commands in the app’s Messages tab, read-only as the manifest says', async () => {
    for (const text of ['hello', '/papers help']) {
      const { status, body } = await postApi('/api/message', {
        member: 'U0CAROL',
        place: 'app:messages',
        text,
      });
      expect(status).toBe(400);
      expect(body).toEqual({
        ok: false,
        error: 'Sending messages to this app has been turned off.',
      });
    }
    expect(received).toEqual([]);
    expect(slack.directMessages('U0CAROL')).toEqual([]);
  });

  it('refuses anything typed on the Home tab', async () => {
    for (const text of ['hello', '/papers help']) {
      const { status, body } = await postApi('/api/message', {
        member: 'U0ALICE',
        place: 'app:home',
        text,
      });
      expect(status).toBe(400);
      expect(body).toEqual({ ok: false, error: 'Messages cannot be sent from the Home tab.' });
    }
    expect(received).toEqual([]);
  });

  it('posts a member’s message in the conversation and tells the app', async () => {
    slack.setChannelMembers('C0GENERAL', ['U0BOB', 'U0CAROL', slack.botUserId]);
    const { status, body } = await postApi('/api/message', {
      member: 'U0BOB',
      place: 'C0GENERAL',
      text: 'Reading group at 3 & <b>snacks</b>',
    });
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true });
    const posted = slack.messages('C0GENERAL').at(-1)!;
    expect(posted).toMatchObject({
      user: 'U0BOB',
      text: 'Reading group at 3 &amp; &lt;b&gt;snacks&lt;/b&gt;',
    });
    expect(posted.threadTs).toBeUndefined();
    expect(received).toHaveLength(1);
    const event = JSON.parse(received[0]!.body) as { event: Record<string, unknown> };
    expect(event.event).toMatchObject({ type: 'message', user: 'U0BOB', ts: posted.ts });
  });

  it('posts a reply in the thread it names', async () => {
    const parent = await postAsApp('C0PAPERS', 'A card');
    const { status } = await postApi('/api/message', {
      member: 'U0ALICE',
      place: 'C0PAPERS',
      threadTs: parent,
      text: 'Section 4 is convincing',
    });
    expect(status).toBe(200);
    expect(slack.messages('C0PAPERS').at(-1)).toMatchObject({
      user: 'U0ALICE',
      threadTs: parent,
      text: 'Section 4 is convincing',
    });
  });

  it('puts a reply to a reply in the thread, and refuses a thread from another conversation', async () => {
    const parent = await postAsApp('C0PAPERS', 'A card for threads');
    const reply = await postAsApp('C0PAPERS', 'A first reply', parent);
    const { status } = await postApi('/api/message', {
      member: 'U0ALICE',
      place: 'C0PAPERS',
      threadTs: reply,
      text: 'Replying to the reply',
    });
    expect(status).toBe(200);
    expect(slack.messages('C0PAPERS').at(-1)).toMatchObject({
      text: 'Replying to the reply',
      threadTs: parent,
    });

    for (const [place, threadTs] of [
      ['C0GENERAL', parent],
      ['C0PAPERS', '1700000000.000001'],
    ] as const) {
      const before = slack.messages().length;
      const answer = await postApi('/api/message', {
        member: 'U0ALICE',
        place,
        threadTs,
        text: 'Lost reply',
      });
      expect(answer).toEqual({
        status: 400,
        body: { ok: false, error: 'That thread is no longer there.' },
      });
      expect(slack.messages()).toHaveLength(before);
    }
  });

  it('refuses a slash command typed in a thread, as Slack does for apps', async () => {
    const parent = await postAsApp('C0PAPERS', 'A card for a command');
    const { status, body } = await postApi('/api/message', {
      member: 'U0ALICE',
      place: 'C0PAPERS',
      threadTs: parent,
      text: '/papers help',
    });
    expect(status).toBe(400);
    expect(body).toEqual({ ok: false, error: '/papers is not supported in threads. Sorry!' });
    expect(received).toEqual([]);
  });

  it('keeps a member’s message when the app does not answer 200, as Slack does', async () => {
    slack.setChannelMembers('C0GENERAL', ['U0BOB', 'U0CAROL', slack.botUserId]);
    const down = http.createServer((req, res) => {
      req.resume();
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    slack.setAppUrl(`http://127.0.0.1:${(down.address() as AddressInfo).port}`);
    try {
      const { status, body } = await postApi('/api/message', {
        member: 'U0CAROL',
        place: 'C0GENERAL',
        text: 'Is anyone there?',
      });
      expect(status).toBe(200);
      expect(body).toEqual({ ok: true });
      expect(slack.messages('C0GENERAL').at(-1)?.text).toBe('Is anyone there?');
    } finally {
      slack.setAppUrl(appUrl);
      await new Promise<void>((resolve) => {
        down.close(() => resolve());
        down.closeAllConnections();
      });
    }
  });
});

describe('POST /api/action', () => {
  it('sends a click on a message in a channel here to the app', async () => {
    const card = await postAsApp('C0PAPERS', 'A card to click');
    const { status } = await postApi('/api/action', {
      member: 'U0BOB',
      target: { kind: 'message', channel: 'C0PAPERS', ts: card, ephemeral: false },
      actionId: 'paper_upvote',
      value: '2406.07550',
    });
    expect(status).toBe(200);
    const payload = JSON.parse(new URLSearchParams(received[0]!.body).get('payload')!) as {
      user: { id: string };
      container: { message_ts: string };
    };
    expect(payload.user.id).toBe('U0BOB');
    expect(payload.container.message_ts).toBe(card);
  });

  it('refuses a click on another member’s DM, or on a message that is not there', async () => {
    const dm = await postAsApp('DU0BOB', 'For Bob only');
    const card = await postAsApp('C0PAPERS', 'Another card');
    for (const target of [
      { kind: 'message', channel: 'DU0BOB', ts: dm, ephemeral: false },
      { kind: 'message', channel: 'C0PAPERS', ts: '1700000000.000001', ephemeral: false },
      { kind: 'message', channel: 'C0ELSEWHERE', ts: card, ephemeral: false },
      { kind: 'message', channel: 'C0PAPERS', ts: card, ephemeral: true },
    ]) {
      const answer = await postApi('/api/action', {
        member: 'U0ALICE',
        target,
        actionId: 'paper_upvote',
        value: '2406.07550',
      });
      expect(answer).toEqual({
        status: 400,
        body: { ok: false, error: 'That message is no longer there.' },
      });
    }
    expect(received).toEqual([]);
  });
});

describe('starting', () => {
  it('leaves nothing behind when its port is taken', async () => {
    const listenersBefore = slack.listenerCount('change');
    await expect(
      startWorkspaceServer({
        slack,
        directory: demoDirectory(slack.botUserId),
        port: web.port,
      }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(slack.listenerCount('change')).toBe(listenersBefore);
  });
});

describe('requests the page should not send', () => {
  it('answers malformed JSON with the generic sentence', async () => {
    for (const raw of ['{"member": "U0ALICE",', '', 'null', 'not json']) {
      const { status, body } = await postApi('/api/message', raw);
      expect(status).toBe(400);
      expect(body).toEqual({ ok: false, error: BAD_REQUEST });
    }
  });

  it('answers bodies that do not fit the schema with the generic sentence', async () => {
    const bodies: unknown[] = [
      {},
      [],
      { member: 'U0ALICE', place: 'C0PAPERS' },
      { member: 42, place: 'C0PAPERS', text: 'hi' },
      { member: 'U0ALICE', place: 'C0PAPERS', text: 'hi', threadTs: 'yesterday' },
      { member: '', place: 'C0PAPERS', text: 'hi' },
      { member: 'U0ALICE', place: 'C0PAPERS', text: 'x'.repeat(40_001) },
    ];
    for (const body of bodies) {
      const answer = await postApi('/api/message', body);
      expect(answer).toEqual({ status: 400, body: { ok: false, error: BAD_REQUEST } });
    }
    const action = await postApi('/api/action', {
      member: 'U0ALICE',
      target: { kind: 'nowhere' },
      actionId: 'paper_upvote',
    });
    expect(action).toEqual({ status: 400, body: { ok: false, error: BAD_REQUEST } });
    expect(received).toEqual([]);
  });

  it('refuses a body over 64 KB with a sentence, however large, and keeps serving', async () => {
    // Megabytes are far more than the socket buffers hold: the server must read such a body to
    // the end before answering, or the page hears of a reset instead (this order showed it).
    for (const size of [65 * 1024, 200 * 1024, 1024 * 1024, 8 * 1024 * 1024]) {
      const text = 'x'.repeat(size);
      const { status, body } = await postApi('/api/message', {
        member: 'U0ALICE',
        place: 'C0PAPERS',
        text,
      });
      expect(status).toBe(400);
      expect(body).toEqual({ ok: false, error: 'That is too long to send.' });
      expect(slack.messages().some((m) => m.text === text)).toBe(false);
    }
    expect(received).toEqual([]);
    expect((await getJson('/api/workspace')).status).toBe(200);
  });

  it('refuses POSTs from another site, and takes them from its own', async () => {
    const message = { member: 'U0ALICE', place: 'C0GENERAL', text: 'from elsewhere' };
    for (const origin of [
      'http://evil.example',
      'null',
      web.url.replace('127.0.0.1', 'localhost'),
    ]) {
      const { status, body } = await postApi('/api/message', message, { origin });
      expect(status).toBe(403);
      expect(body).toEqual({ ok: false, error: 'Requests from other sites are refused.' });
    }
    expect(slack.messages().some((m) => m.text === 'from elsewhere')).toBe(false);
    expect(received).toEqual([]);

    const own = await postApi(
      '/api/message',
      { ...message, text: 'from home' },
      { origin: web.url.replace(/\/$/, '') },
    );
    expect(own.status).toBe(200);
  });

  it('answers only on its own address: a rebound name (DNS rebinding) gets a 403 on every route', async () => {
    const port = String(web.port);
    for (const [method, path, body] of [
      ['GET', '/', undefined],
      ['GET', '/api/screen?member=U0BOB&place=app:messages', undefined],
      [
        'POST',
        '/api/message',
        JSON.stringify({ member: 'U0ALICE', place: 'C0GENERAL', text: 'rebound' }),
      ],
    ] as const) {
      const answer = await rawRequest(
        method,
        path,
        {
          host: `evil.example:${port}`,
          origin: `http://evil.example:${port}`,
          'content-type': 'application/json',
        },
        body,
      );
      expect(answer.status).toBe(403);
      expect(answer.body).not.toContain('Paperboy');
    }
    expect(slack.messages().some((m) => m.text === 'rebound')).toBe(false);
    const local = await rawRequest('GET', '/api/workspace', { host: `localhost:${port}` });
    expect(local.status).toBe(200);
  });

  it('takes POSTs as JSON only, which no other site can send without asking first', async () => {
    const message = JSON.stringify({ member: 'U0ALICE', place: 'C0GENERAL', text: 'as text' });
    const { status } = await postApi('/api/message', message, { 'content-type': 'text/plain' });
    expect(status).toBe(403);
    expect(slack.messages().some((m) => m.text === 'as text')).toBe(false);
  });

  it('answers closing a modal that is not open with a 400, not a 500', async () => {
    const { status, body } = await postApi('/api/close', {
      member: 'U0ALICE',
      viewId: 'V0NOTOPEN',
    });
    expect(status).toBe(400);
    expect(body.ok).toBe(false);
    expectSentence(body.error);
  });

  it('answers submitting a modal that is not open with a 400', async () => {
    const { status, body } = await postApi('/api/submit', {
      member: 'U0ALICE',
      viewId: 'V0NOTOPEN',
      values: {},
    });
    expect(status).toBe(400);
    expectSentence(body.error);
    expect(received).toEqual([]);
  });

  it('answers an unknown member on a POST with a sentence', async () => {
    const { status, body } = await postApi('/api/home', { member: 'U0MALLORY' });
    expect(status).toBe(400);
    expect(body).toEqual({ ok: false, error: 'There is no member U0MALLORY in this workspace.' });
  });
});

describe('GET /api/events', () => {
  it('sends `event: change` after the emulator changes', async () => {
    const abort = new AbortController();
    const res = await fetch(url('/api/events'), { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let stream = '';
    const readUntil = async (wanted: string) => {
      while (!stream.includes(wanted)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before "${wanted}": ${stream}`);
        stream += decoder.decode(value, { stream: true });
      }
    };
    try {
      await readUntil('retry: 1000\n\n');
      expect(stream).not.toContain('event: change');
      await postAsApp('C0PAPERS', 'a new card');
      await readUntil('event: change\n');
      expect(stream).toContain('event: change\ndata: {}\n\n');
    } finally {
      abort.abort();
      await reader.cancel().catch(() => undefined);
    }
  });
});

describe('unread counts', () => {
  /** The badge on a place in the member's sidebar, as a number (0 when none). */
  async function badge(member: string, where: string, looking = 'C0PAPERS'): Promise<number> {
    const { body } = await getJson(`/api/screen?member=${member}&place=${looking}`);
    const button = new RegExp(`data-place="${where}">.*?</button>`).exec(body.sidebar as string);
    return Number(/<span class="badge">(\d+)<\/span>/.exec(button?.[0] ?? '')?.[1] ?? 0);
  }

  it('counts the app’s new messages for a member until they open the channel', async () => {
    // Carol and Alice have read #general up to now.
    await getJson('/api/screen?member=U0CAROL&place=C0GENERAL');
    await getJson('/api/screen?member=U0ALICE&place=C0GENERAL');
    expect(await badge('U0CAROL', 'C0GENERAL')).toBe(0);

    const card = await postAsApp('C0GENERAL', 'Seminar moved to Thursday');
    expect(await badge('U0CAROL', 'C0GENERAL')).toBe(1);
    expect(await badge('U0CAROL', 'C0GENERAL')).toBe(1);
    // A reply in a thread is not a new message in the channel.
    await postAsApp('C0GENERAL', 'in the thread', card);
    expect(await badge('U0CAROL', 'C0GENERAL')).toBe(1);
    await postAsApp('C0GENERAL', 'And room 2.14');
    expect(await badge('U0CAROL', 'C0GENERAL')).toBe(2);

    expect(await badge('U0CAROL', 'C0GENERAL', 'C0GENERAL')).toBe(0);
    expect(await badge('U0CAROL', 'C0GENERAL')).toBe(0);
    // Alice has not looked yet.
    expect(await badge('U0ALICE', 'C0GENERAL')).toBe(2);
  });

  it('does not count a member’s own messages', async () => {
    await getJson('/api/screen?member=U0CAROL&place=C0GENERAL');
    const sent = await postApi('/api/message', {
      member: 'U0CAROL',
      place: 'C0GENERAL',
      text: 'I will bring the projector',
    });
    expect(sent.status).toBe(200);
    expect(await badge('U0CAROL', 'C0GENERAL')).toBe(0);
  });

  it('counts the app’s DMs on the member’s Messages entry', async () => {
    await getJson('/api/screen?member=U0BOB&place=app:messages');
    await postAsApp('U0BOB', 'A paper matches "segmentation"');
    expect(await badge('U0BOB', 'app:messages')).toBe(1);
    expect(await badge('U0ALICE', 'app:messages')).toBe(0);
    expect(await badge('U0BOB', 'app:messages', 'app:messages')).toBe(0);
  });
});
