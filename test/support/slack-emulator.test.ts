import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { WebSocket } from 'ws';
import { silentSlackLogger } from './silent-logger';
import {
  SlackEmulator,
  timeZoneInfo,
  type EphemeralMessage,
  type PostedMessage,
  type SlackEmulatorOptions,
} from './slack-emulator';

const section = (text: string, blockId?: string) => ({
  type: 'section',
  ...(blockId ? { block_id: blockId } : {}),
  text: { type: 'mrkdwn', text },
});
const button = (text: string) => ({
  type: 'actions',
  block_id: 'vote',
  elements: [
    {
      type: 'button',
      action_id: 'upvote',
      value: '2401.00001',
      text: { type: 'plain_text', text },
    },
  ],
});

/** A page of search results with Previous/Next buttons, like an ephemeral search answer. */
const resultsPage = (page: number) => [
  section(`Results, page ${page}`, 'results'),
  {
    type: 'actions',
    block_id: 'pages',
    elements: ['search_prev', 'search_next'].map((actionId) => ({
      type: 'button',
      action_id: actionId,
      value: String(actionId === 'search_next' ? page + 1 : page - 1),
      text: { type: 'plain_text', text: actionId === 'search_next' ? 'Next' : 'Previous' },
    })),
  },
];

/** POSTs JSON to a response_url like the app's `respond()`; the status and raw answer. */
async function respond(url: string, body: Record<string, unknown>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

let emulator: SlackEmulator;
let client: WebClient;

/** A Web API call without the client: raw status, headers and JSON. */
async function api(
  method: string,
  args: Record<string, unknown>,
  options: { json?: boolean; token?: string | null } = {},
) {
  const token = options.token === undefined ? emulator.token : options.token;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const body = options.json
    ? JSON.stringify(args)
    : new URLSearchParams(
        Object.entries(args).map(([k, v]): [string, string] => [
          k,
          typeof v === 'string' ? v : JSON.stringify(v),
        ]),
      ).toString();
  headers['content-type'] = options.json
    ? 'application/json; charset=utf-8'
    : 'application/x-www-form-urlencoded';
  const res = await fetch(`${emulator.apiUrl}${method}`, { method: 'POST', headers, body });
  return {
    status: res.status,
    headers: res.headers,
    json: (await res.json()) as Record<string, unknown>,
  };
}

beforeAll(async () => {
  emulator = await SlackEmulator.start();
  client = new WebClient(emulator.token, {
    slackApiUrl: emulator.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // The client logs Slack's `response_metadata.messages` as errors; the tests assert them instead.
    logger: silentSlackLogger,
  });
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

describe('Web API through the real WebClient', () => {
  it('answers auth.test with the bot identity', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      team_id: 'T0PAPERBOY',
      user_id: 'U0PAPERBOY',
      bot_id: 'B0PAPERBOY',
    });
  });

  it('stores posts with blocks and metadata, and applies updates', async () => {
    const posted: PostedMessage[] = [];
    const updated: PostedMessage[] = [];
    emulator.on('message', (m) => posted.push(m)).on('update', (m) => updated.push(m));
    const metadata = { event_type: 'paper_card', event_payload: { paper_id: '2401.00001' } };
    const first = await client.chat.postMessage({
      channel: 'C1',
      text: 'A paper',
      blocks: [section('*A paper*')],
      metadata,
    });
    const second = await client.chat.postMessage({
      channel: 'C1',
      text: 'Reply',
      thread_ts: first.ts,
    });
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);

    await client.chat.update({
      channel: 'C1',
      ts: first.ts!,
      text: 'A paper (edited)',
      blocks: [button('▲ 1')],
    });
    const [card, reply] = emulator.messages('C1');
    expect(card).toMatchObject({
      ts: first.ts,
      text: 'A paper (edited)',
      blocks: [button('▲ 1')],
      metadata,
      edits: 1,
    });
    expect(card?.botId).toBe('B0PAPERBOY');
    expect(reply).toMatchObject({ threadTs: first.ts, edits: 0 });
    expect(posted.map((m) => m.text)).toEqual(['A paper', 'Reply']);
    expect(updated).toHaveLength(1);
    expect(emulator.calls('chat.update')[0]?.args).toMatchObject({ channel: 'C1', ts: first.ts });
  });

  it('returns metadata from conversations.history only with include_all_metadata, newest first', async () => {
    const metadata = { event_type: 'paper_card', event_payload: { paper_id: 'x' } };
    await client.chat.postMessage({ channel: 'C2', text: 'old', metadata });
    await client.chat.postMessage({ channel: 'C2', text: 'new', metadata });
    const plain = await client.conversations.history({ channel: 'C2' });
    expect(plain.messages?.map((m) => m.text)).toEqual(['new', 'old']);
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    const full = await client.conversations.history({
      channel: 'C2',
      include_all_metadata: true,
      limit: 1,
    });
    expect(full.messages).toHaveLength(1);
    expect(full.messages?.[0]?.metadata).toEqual(metadata);
    expect(full.has_more).toBe(true);
  });

  it('surfaces invalid_blocks as a platform error with readable reasons', async () => {
    const error = (await client.chat
      .postMessage({ channel: 'C1', text: 'x', blocks: [section('x'.repeat(3001))] })
      .catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(error.code).toBe(ErrorCode.PlatformError);
    expect(error.data).toMatchObject({
      error: 'invalid_blocks',
      errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    });
    expect(emulator.messages()).toHaveLength(0);
  });

  it('rejects a 429 with Retry-After as WebAPIRateLimitedError', async () => {
    emulator.failNext('chat.postMessage', { retryAfter: 7 });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
  });

  it('answers DMs, users and ephemeral messages', async () => {
    const dm = await client.conversations.open({ users: 'U0ALICE' });
    expect(dm.channel?.id).toBe('DU0ALICE');
    const post = await client.chat.postMessage({ channel: 'U0ALICE', text: 'hi' });
    expect(post.channel).toBe('DU0ALICE');
    const user = await client.users.info({ user: 'U0ALICE' });
    expect(user.user).toMatchObject({ id: 'U0ALICE', tz: 'Europe/Berlin' });
    expect([3600, 7200]).toContain(user.user?.tz_offset);
    const eph = await client.chat.postEphemeral({
      channel: 'C1',
      user: 'U0ALICE',
      text: 'only you',
    });
    expect(eph.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(emulator.ephemerals('C1')).toEqual([
      {
        channel: 'C1',
        user: 'U0ALICE',
        ts: eph.message_ts,
        text: 'only you',
        blocks: undefined,
        source: 'postEphemeral',
        edits: 0,
      },
    ]);
    expect(emulator.ephemerals('C1', 'U0BOB')).toEqual([]);
    expect(emulator.messages('C1')).toEqual([]);
  });

  it('publishes Home views up to 100 blocks and records unfurls', async () => {
    const blocks = Array.from({ length: 100 }, (_, i) => section(`paper ${i}`));
    await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks } });
    expect(emulator.views('U0ALICE')[0]?.view.blocks).toHaveLength(100);
    await expect(
      client.views.publish({
        user_id: 'U0ALICE',
        view: { type: 'home', blocks: [...blocks, section('one more')] },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });

    const unfurls = { 'https://arxiv.org/abs/2401.00001': { blocks: [section('A paper')] } };
    await client.chat.unfurl({ channel: 'C1', ts: '1700000000.000100', unfurls });
    expect(emulator.unfurls()).toEqual([{ channel: 'C1', ts: '1700000000.000100', unfurls }]);
  });
});

describe('time zones in users.info', () => {
  const JANUARY = new Date('2025-01-15T12:00:00Z');
  const JULY = new Date('2025-07-15T12:00:00Z');

  it.each([
    ['America/New_York', JANUARY, -18_000, 'Eastern Standard Time'],
    ['America/New_York', JULY, -14_400, 'Eastern Daylight Time'],
    ['Europe/Berlin', JANUARY, 3600, 'Central European Time'],
    ['Europe/Berlin', JULY, 7200, 'Central European Summer Time'],
    ['Asia/Kathmandu', JULY, 20_700, 'Nepal Time'],
    ['America/St_Johns', JANUARY, -12_600, 'Newfoundland Standard Time'],
    ['UTC', JULY, 0, 'Coordinated Universal Time'],
  ])('gives %s at %s an offset of %i s (%s)', (tz, at, offset, label) => {
    expect(timeZoneInfo(tz, at)).toEqual({ tz, tz_label: label, tz_offset: offset });
  });

  it('follows the clock across a DST change (New York, 2 a.m. on 9 March 2025)', () => {
    expect(timeZoneInfo('America/New_York', new Date('2025-03-09T06:59:59Z')).tz_offset).toBe(
      -18_000,
    );
    expect(timeZoneInfo('America/New_York', new Date('2025-03-09T07:00:00Z')).tz_offset).toBe(
      -14_400,
    );
  });

  it('answers each user in their own zone, Europe/Berlin by default', async () => {
    let now = JANUARY;
    const zoned = await SlackEmulator.start({ now: () => now });
    try {
      const web = new WebClient(zoned.token, {
        slackApiUrl: zoned.apiUrl,
        retryConfig: { retries: 0 },
      });
      zoned.setUserTimeZone('U0NYC', 'America/New_York');
      expect((await web.users.info({ user: 'U0NYC' })).user).toMatchObject({
        id: 'U0NYC',
        tz: 'America/New_York',
        tz_label: 'Eastern Standard Time',
        tz_offset: -18_000,
      });
      expect((await web.users.info({ user: 'U0BERLIN' })).user).toMatchObject({
        tz: 'Europe/Berlin',
        tz_label: 'Central European Time',
        tz_offset: 3600,
      });
      now = JULY;
      expect((await web.users.info({ user: 'U0NYC' })).user?.tz_offset).toBe(-14_400);
      expect((await web.users.info({ user: 'U0BERLIN' })).user?.tz_offset).toBe(7200);
      expect(() => zoned.setUserTimeZone('U0X', 'Mars/Olympus_Mons')).toThrow(RangeError);
      // reset() forgets the zones set.
      zoned.reset();
      expect((await web.users.info({ user: 'U0NYC' })).user?.tz).toBe('Europe/Berlin');
    } finally {
      await zoned.close();
    }
  });
});

describe('conversations.members and DMs', () => {
  const people = Array.from({ length: 250 }, (_, i) => `U${String(i).padStart(4, '0')}`);

  it('pages members 100 at a time by default, with an opaque cursor', async () => {
    emulator.setChannelMembers('C0ML', people);
    const first = await client.conversations.members({ channel: 'C0ML' });
    expect(first.members).toEqual(people.slice(0, 100));
    const cursor = first.response_metadata?.next_cursor;
    expect(cursor).toMatch(/^[A-Za-z0-9+/=]+$/);
    const pages: string[][] = [];
    for await (const page of client.paginate('conversations.members', {
      channel: 'C0ML',
      limit: 40,
    })) {
      pages.push((page as unknown as { members: string[] }).members);
    }
    expect(pages.map((p) => p.length)).toEqual([40, 40, 40, 40, 40, 40, 10]);
    expect(pages.flat()).toEqual(people);
    const last = await client.conversations.members({ channel: 'C0ML', limit: 1000 });
    expect(last.members).toHaveLength(250);
    expect(last.response_metadata?.next_cursor).toBe('');
  });

  it('answers channel_not_found and invalid_cursor, and lists posters or DM parties otherwise', async () => {
    const raw = (args: Record<string, unknown>) => api('conversations.members', args);
    expect((await raw({ channel: 'C0NOWHERE' })).json).toEqual({
      ok: false,
      error: 'channel_not_found',
    });
    expect((await raw({})).json.error).toBe('channel_not_found');
    emulator.setChannelMembers('C0ML', ['U1', 'U2']);
    expect((await raw({ channel: 'C0ML', cursor: 'bm9wZQ==' })).json.error).toBe('invalid_cursor');
    // Never set: a channel the app posted in lists the bot; a DM, its user and the bot.
    await client.chat.postMessage({ channel: 'C0POSTED', text: 'hi' });
    expect((await raw({ channel: 'C0POSTED' })).json.members).toEqual(['U0PAPERBOY']);
    expect((await raw({ channel: 'DU0ALICE' })).json.members).toEqual(['U0ALICE', 'U0PAPERBOY']);
    emulator.setChannelMembers('C0EMPTY', []);
    expect((await raw({ channel: 'C0EMPTY' })).json).toEqual({
      ok: true,
      members: [],
      response_metadata: { next_cursor: '' },
    });
  });

  it('keeps a DM posted to a user id in the channel conversations.open names, metadata included', async () => {
    const metadata = { event_type: 'keyword_alert', event_payload: { paper_id: '2401.00001' } };
    await client.chat.postMessage({ channel: 'U0ALICE', text: 'First alert', metadata });
    const opened = await client.conversations.open({ users: 'U0ALICE' });
    const dm = opened.channel!.id!;
    expect(dm).toBe('DU0ALICE');
    await client.chat.postMessage({ channel: dm, text: 'Second alert' });
    await client.chat.postMessage({ channel: 'U0BOB', text: 'For Bob' });

    const history = await client.conversations.history({ channel: dm, include_all_metadata: true });
    expect(history.messages?.map((m) => [m.text, m.metadata])).toEqual([
      ['Second alert', undefined],
      ['First alert', metadata],
    ]);
    expect(emulator.directMessages('U0ALICE').map((m) => [m.channel, m.text])).toEqual([
      ['DU0ALICE', 'First alert'],
      ['DU0ALICE', 'Second alert'],
    ]);
    expect(emulator.directMessages('U0ALICE')[0]?.metadata).toEqual(metadata);
    expect(emulator.directMessages('U0CAROL')).toEqual([]);
  });
});

describe('Web API on the wire', () => {
  it('refuses calls without a token or with a wrong one, and unknown methods', async () => {
    expect((await api('auth.test', {}, { token: null })).json).toEqual({
      ok: false,
      error: 'not_authed',
    });
    expect((await api('auth.test', {}, { token: 'xoxb-wrong' })).json).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    expect((await api('chat.nope', {})).json).toEqual({ ok: false, error: 'unknown_method' });
    // A token in the body works like the header.
    const inBody = await api('auth.test', { token: emulator.token }, { token: null });
    expect(inBody.json.ok).toBe(true);
    expect(emulator.calls().map((c) => c.response.error ?? 'ok')).toEqual([
      'not_authed',
      'invalid_auth',
      'unknown_method',
      'ok',
    ]);
  });

  it('parses JSON bodies with a charset as well as forms', async () => {
    const json = await api(
      'chat.postMessage',
      { channel: 'C3', blocks: [section('json')] },
      { json: true },
    );
    const form = await api('chat.postMessage', { channel: 'C3', blocks: [section('form')] });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect([json.json.ok, form.json.ok]).toEqual([true, true]);
    expect(emulator.messages('C3').map((m) => m.blocks)).toEqual([
      [section('json')],
      [section('form')],
    ]);
  });

  it.each([
    [
      'a 3001-character section',
      [section('x'.repeat(3001))],
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      '51 blocks',
      Array.from({ length: 51 }, () => ({ type: 'divider' })),
      'no more than 50 items allowed [json-pointer:/blocks]',
    ],
    [
      'a 256-character block_id',
      [section('x', 'b'.repeat(256))],
      'must be less than 256 characters [json-pointer:/blocks/0/block_id]',
    ],
    [
      'a duplicate block_id',
      [section('x', 'card'), section('y', 'card')],
      'block_id must be unique: "card" is repeated [json-pointer:/blocks/1/block_id]',
    ],
    [
      'a 76-character button',
      [button('b'.repeat(76))],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ],
    [
      'empty text',
      [section('')],
      'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
    ],
  ])('answers invalid_blocks for %s', async (_name, blocks, reason) => {
    const { status, json } = await api('chat.postMessage', { channel: 'C1', text: 'x', blocks });
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: false, error: 'invalid_blocks', errors: [reason] });
  });

  it('answers msg_blocks_too_long past 12,000 characters, no_text and channel_not_found', async () => {
    const blocks = Array.from({ length: 5 }, () => section('x'.repeat(2500)));
    expect((await api('chat.postMessage', { channel: 'C1', blocks })).json.error).toBe(
      'msg_blocks_too_long',
    );
    expect((await api('chat.postMessage', { channel: 'C1' })).json.error).toBe('no_text');
    expect((await api('chat.postMessage', { text: 'x' })).json.error).toBe('channel_not_found');
    expect(
      (await api('chat.update', { channel: 'C1', ts: '1.000000', text: 'x' })).json.error,
    ).toBe('message_not_found');
  });

  it('injects 429, 500, ok:false and delays, each for `times` calls', async () => {
    emulator.failNext('chat.postMessage', { status: 429, retryAfter: 3 });
    emulator.failNext('chat.postMessage', { status: 500, times: 2 });
    emulator.failNext('chat.postMessage', { error: 'channel_is_archived' });
    emulator.failNext('chat.postMessage', { delayMs: 150 });
    const limited = await api('chat.postMessage', { channel: 'C1', text: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.json).toEqual({ ok: false, error: 'ratelimited' });
    expect((await api('chat.postMessage', { channel: 'C1', text: 'x' })).status).toBe(500);
    expect((await api('chat.postMessage', { channel: 'C1', text: 'x' })).status).toBe(500);
    const archived = await api('chat.postMessage', { channel: 'C1', text: 'x' });
    expect([archived.status, archived.json.error]).toEqual([200, 'channel_is_archived']);
    const started = Date.now();
    expect((await api('chat.postMessage', { channel: 'C1', text: 'x' })).json.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(emulator.messages()).toHaveLength(1);
    expect(emulator.calls('chat.postMessage').map((c) => c.status)).toEqual([
      429, 500, 500, 200, 200,
    ]);
  });

  it('paces chat.postMessage per channel when channelRateLimit is set', async () => {
    const paced = await SlackEmulator.start({ channelRateLimit: { perSecond: 1, burst: 2 } });
    try {
      const post = (channel: string) =>
        fetch(`${paced.apiUrl}chat.postMessage`, {
          method: 'POST',
          headers: { authorization: `Bearer ${paced.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ channel, text: 'x' }),
        });
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await post('C1')).status);
      expect(statuses).toEqual([200, 200, 429]);
      const limited = await post('C1');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await post('C2')).status).toBe(200); // other channels are not affected
      expect(paced.messages()).toHaveLength(3);
    } finally {
      await paced.close();
    }
  });

  it('waits for a condition and times out with a readable message', async () => {
    setTimeout(() => void api('chat.postMessage', { channel: 'C1', text: 'later' }), 50);
    const message = await emulator.waitFor(() => emulator.messages('C1')[0]);
    expect(message.text).toBe('later');
    await expect(emulator.waitFor(() => false, { timeoutMs: 100 })).rejects.toThrow(
      /condition not met within 100 ms \(1 messages, 1 API calls; last call: chat.postMessage → ok\)/,
    );
  });
});

describe('requests to the app', () => {
  interface Received {
    headers: IncomingHttpHeaders;
    body: string;
  }
  let app: http.Server;
  let received: Received[];
  /** What the stand-in answers with instead of `{path}`, like a command's ack body. */
  let answer: unknown;

  /** A stand-in for Bolt's receiver: verifies the signature like Bolt does, with its own HMAC. */
  function verify(headers: IncomingHttpHeaders, body: string): boolean {
    const timestamp = Number(headers['x-slack-request-timestamp']);
    const signature = String(headers['x-slack-signature'] ?? '');
    if (!timestamp || Math.abs(Date.now() / 1000 - timestamp) > 300) return false;
    const expected = `v0=${createHmac('sha256', emulator.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return (
      signature.length === expected.length &&
      timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
    );
  }

  beforeAll(async () => {
    app = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(verify(req.headers, body) ? 200 : 401, {
          'content-type': 'application/json',
        });
        res.end(answer === undefined ? JSON.stringify({ path: req.url }) : JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    emulator.setAppUrl(`http://127.0.0.1:${(app.address() as AddressInfo).port}`);
  });
  beforeEach(() => {
    received = [];
    answer = undefined;
  });

  /** The payload of the n-th interaction the stand-in received. */
  const payloadOf = (n: number) =>
    JSON.parse(new URLSearchParams(received[n]?.body).get('payload') ?? '{}') as Record<
      string,
      unknown
    >;

  /** Runs a command as U0BOB in C9 and answers it on its response_url: the resulting ephemeral. */
  async function ephemeralAnswer(blocks = resultsPage(1)): Promise<EphemeralMessage> {
    await emulator.sendSlashCommand({ text: 'search diffusion', userId: 'U0BOB', channelId: 'C9' });
    const url = new URLSearchParams(received.at(-1)?.body).get('response_url')!;
    expect(await respond(url, { response_type: 'ephemeral', text: 'Results', blocks })).toEqual({
      status: 200,
      text: 'ok',
    });
    return emulator.ephemerals('C9').at(-1)!;
  }

  const clickOn = (ephemeral: EphemeralMessage, actionId = 'search_next', userId = 'U0BOB') =>
    emulator.sendBlockAction({
      userId,
      actionId,
      value: '2',
      channelId: ephemeral.channel,
      messageTs: ephemeral.ts,
      ephemeral: true,
    });
  afterAll(async () => {
    app.closeAllConnections();
    await new Promise((resolve) => app.close(resolve));
  });

  it('sends slash commands as signed forms with the exact content type', async () => {
    const response = await emulator.sendSlashCommand({
      text: 'follow diffusion & <b>',
      userId: 'U0BOB',
      channelId: 'C9',
    });
    expect(response).toMatchObject({ status: 200, json: { path: '/slack/events' } });
    const [request] = received;
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const fields = Object.fromEntries(new URLSearchParams(request?.body));
    expect(fields).toMatchObject({
      command: '/papers',
      text: 'follow diffusion & <b>',
      user_id: 'U0BOB',
      channel_id: 'C9',
      team_id: 'T0PAPERBOY',
    });
    expect(fields.response_url).toMatch(new RegExp(`^${emulator.url}/response/\\w+$`));
    expect(fields.trigger_id).toBeTruthy();

    // The app answers on response_url: recorded, and in_channel responses appear in the channel.
    const answer = await fetch(fields.response_url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'in_channel', text: 'Following *diffusion*' }),
    });
    expect(await answer.text()).toBe('ok');
    expect(emulator.responseUrlPosts()).toHaveLength(1);
    expect(emulator.messages('C9').map((m) => m.text)).toEqual(['Following *diffusion*']);
    const invalid = await fetch(fields.response_url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blocks: [section('')] }),
    });
    expect(await invalid.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
  });

  it('sends block actions carrying the stored message, and applies replace_original', async () => {
    const metadata = { event_type: 'paper_card', event_payload: { paper_id: '2401.00001' } };
    const post = await client.chat.postMessage({
      channel: 'C1',
      text: 'card',
      blocks: [button('▲ 0')],
      metadata,
    });
    await emulator.sendBlockAction({
      userId: 'U0BOB',
      actionId: 'upvote',
      value: '2401.00001',
      channelId: 'C1',
      messageTs: post.ts!,
    });
    const form = new URLSearchParams(received[0]?.body);
    expect(received[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const payload = JSON.parse(form.get('payload') ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB' },
      team: { id: 'T0PAPERBOY' },
      container: { type: 'message', message_ts: post.ts, channel_id: 'C1' },
      channel: { id: 'C1' },
      message: { ts: post.ts, blocks: [button('▲ 0')], metadata },
      actions: [{ action_id: 'upvote', block_id: 'vote', value: '2401.00001', type: 'button' }],
    });

    await fetch(payload.response_url as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'card', blocks: [button('▲ 1')] }),
    });
    expect(emulator.messages('C1')[0]).toMatchObject({ blocks: [button('▲ 1')], edits: 1 });
  });

  it('shows response_url answers to a slash command as ephemerals for the user who ran it', async () => {
    await emulator.sendSlashCommand({ text: 'search x', userId: 'U0BOB', channelId: 'C9' });
    const url = new URLSearchParams(received[0]?.body).get('response_url')!;
    await respond(url, { text: 'No response_type: ephemeral' });
    await respond(url, { response_type: 'ephemeral', text: 'Page 1', blocks: resultsPage(1) });
    await respond(url, { response_type: 'in_channel', text: 'For everyone' });
    // A slash command has no original message: replace_original changes nothing.
    await respond(url, { replace_original: true, text: 'Another one' });

    const shown = emulator.ephemerals('C9');
    expect(shown).toEqual([
      expect.objectContaining({ text: 'No response_type: ephemeral', blocks: undefined }),
      expect.objectContaining({ text: 'Page 1', blocks: resultsPage(1) }),
      expect.objectContaining({ text: 'Another one' }),
    ]);
    for (const e of shown) {
      expect(e).toMatchObject({ channel: 'C9', user: 'U0BOB', source: 'response_url', edits: 0 });
      expect(e.ts).toMatch(/^\d{10}\.\d{6}$/);
    }
    expect(new Set(shown.map((e) => e.ts)).size).toBe(3);
    expect(shown.map((e) => Number(e.ts))).toEqual(shown.map((e) => Number(e.ts)).sort());
    expect(emulator.ephemerals('C9', 'U0ALICE')).toEqual([]);
    expect(emulator.ephemerals('C1')).toEqual([]);
    expect(emulator.messages('C9').map((m) => m.text)).toEqual(['For everyone']);
  });

  it('sends a click on an ephemeral with is_ephemeral and no message; replace_original replaces it', async () => {
    const page1 = await ephemeralAnswer();
    expect((await clickOn(page1)).status).toBe(200);
    const payload = payloadOf(1);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB' },
      container: { type: 'message', message_ts: page1.ts, channel_id: 'C9', is_ephemeral: true },
      channel: { id: 'C9' },
      // The block id and button text come from the ephemeral's blocks.
      actions: [
        { action_id: 'search_next', block_id: 'pages', text: { type: 'plain_text', text: 'Next' } },
      ],
    });
    expect(payload).not.toHaveProperty('message');
    expect(payload.response_url).toMatch(new RegExp(`^${emulator.url}/response/\\w+$`));

    // Next: the answer replaces the ephemeral, text and blocks, for that user only.
    await respond(payload.response_url as string, {
      replace_original: true,
      text: 'Results',
      blocks: resultsPage(2),
    });
    expect(emulator.ephemerals('C9')).toEqual([
      { ...page1, text: 'Results', blocks: resultsPage(2), edits: 1 },
    ]);
    // Previous, on the replaced message (same ts): without blocks, the blocks are gone too.
    await clickOn(page1, 'search_prev');
    await respond(payloadOf(2).response_url as string, {
      replace_original: 'true',
      text: 'Page 1 again',
    });
    expect(emulator.ephemerals('C9')).toEqual([
      { ...page1, text: 'Page 1 again', blocks: undefined, edits: 2 },
    ]);
    expect(emulator.messages('C9')).toEqual([]);
  });

  it('deletes an ephemeral on delete_original, and answers a click on it with new messages', async () => {
    const page1 = await ephemeralAnswer();
    await clickOn(page1);
    const url = payloadOf(1).response_url as string;
    await respond(url, { replace_original: false, response_type: 'ephemeral', text: 'Also you' });
    await respond(url, { response_type: 'in_channel', text: 'Shared with the channel' });
    expect(emulator.ephemerals('C9').map((e) => [e.text, e.source, e.user])).toEqual([
      ['Results', 'response_url', 'U0BOB'],
      ['Also you', 'response_url', 'U0BOB'],
    ]);
    expect(emulator.messages('C9').map((m) => m.text)).toEqual(['Shared with the channel']);

    await respond(url, { delete_original: true });
    expect(emulator.ephemerals('C9').map((e) => e.text)).toEqual(['Also you']);
    // Gone: replacing it again changes nothing and posts nothing.
    await respond(url, { replace_original: true, text: 'too late' });
    expect(emulator.ephemerals('C9').map((e) => e.text)).toEqual(['Also you']);
  });

  it('validates answers to a click on an ephemeral and takes each response_url 5 times', async () => {
    const page1 = await ephemeralAnswer();
    await clickOn(page1);
    const url = payloadOf(1).response_url as string;
    const invalid = await respond(url, { replace_original: true, blocks: [section('')] });
    expect(JSON.parse(invalid.text)).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(emulator.ephemerals('C9')).toEqual([page1]);
    for (let page = 2; page <= 5; page += 1) {
      expect(
        await respond(url, { replace_original: true, text: 'x', blocks: resultsPage(page) }),
      ).toEqual({ status: 200, text: 'ok' });
    }
    const sixth = await respond(url, { replace_original: true, text: 'x', blocks: resultsPage(6) });
    expect(sixth.status).toBe(404);
    expect(JSON.parse(sixth.text)).toEqual({ ok: false, error: 'used_url' });
    expect(emulator.ephemerals('C9')).toEqual([
      { ...page1, text: 'x', blocks: resultsPage(5), edits: 4 },
    ]);
  });

  it('refuses a click on an ephemeral by a user who cannot see it', async () => {
    const page1 = await ephemeralAnswer();
    await expect(clickOn(page1, 'search_next', 'U0EVE')).rejects.toThrow(
      /shown to U0BOB only, so U0EVE cannot click on it/,
    );
    expect(received).toHaveLength(1); // the command only
  });

  it('shows an ephemeral answer to a click on a channel message to the clicker', async () => {
    const post = await client.chat.postMessage({
      channel: 'C1',
      text: 'card',
      blocks: [button('▲ 0')],
    });
    await emulator.sendBlockAction({
      userId: 'U0CAROL',
      actionId: 'upvote',
      value: '2401.00001',
      channelId: 'C1',
      messageTs: post.ts!,
    });
    expect(payloadOf(0)).toMatchObject({ container: { is_ephemeral: false } });
    await respond(payloadOf(0).response_url as string, {
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Paperboy no longer knows that paper',
    });
    expect(emulator.ephemerals('C1')).toEqual([
      expect.objectContaining({
        user: 'U0CAROL',
        text: 'Paperboy no longer knows that paper',
        source: 'response_url',
      }),
    ]);
    expect(emulator.messages('C1')).toMatchObject([{ ts: post.ts, text: 'card', edits: 0 }]);
  });

  it('shows a slash command answer body: ephemeral by default, in_channel, refused when invalid', async () => {
    answer = { response_type: 'ephemeral', text: 'Help', blocks: [section('*/papers help*')] };
    const help = await emulator.sendSlashCommand({
      text: 'help',
      userId: 'U0BOB',
      channelId: 'C9',
    });
    expect(help).toMatchObject({ status: 200, json: answer });
    expect(help.ackError).toBeUndefined();
    expect(emulator.ephemerals()).toEqual([
      {
        channel: 'C9',
        user: 'U0BOB',
        ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
        text: 'Help',
        blocks: [section('*/papers help*')],
        source: 'ack',
        edits: 0,
      },
    ]);

    answer = { text: 'No response_type' };
    await emulator.sendSlashCommand({ text: 'x', userId: 'U0BOB', channelId: 'C9' });
    answer = { response_type: 'in_channel', text: 'Everyone sees this' };
    await emulator.sendSlashCommand({ text: 'x', userId: 'U0BOB', channelId: 'C9' });
    answer = { text: 'x', blocks: [section('x'.repeat(3001))] };
    const invalid = await emulator.sendSlashCommand({
      text: 'x',
      userId: 'U0BOB',
      channelId: 'C9',
    });
    expect(invalid.ackError).toBe('invalid_blocks');
    answer = {}; // an empty ack shows nothing
    expect((await emulator.sendSlashCommand({ text: 'x' })).ackError).toBeUndefined();

    expect(emulator.ephemerals().map((e) => e.text)).toEqual(['Help', 'No response_type']);
    expect(emulator.messages('C9').map((m) => m.text)).toEqual(['Everyone sees this']);

    // A click on the ack's ephemeral targets it like any other.
    const [shown] = emulator.ephemerals();
    await emulator.sendBlockAction({
      userId: 'U0BOB',
      actionId: 'anything',
      value: 'x',
      channelId: 'C9',
      messageTs: shown!.ts,
      ephemeral: true,
    });
    await respond(payloadOf(received.length - 1).response_url as string, { delete_original: true });
    expect(emulator.ephemerals().map((e) => e.text)).toEqual(['No response_type']);
  });

  it('sends events as JSON envelopes, with retry headers when asked', async () => {
    const event = { type: 'app_home_opened', user: 'U0BOB', tab: 'home' };
    await emulator.sendEvent(event, { eventId: 'Ev0TEST', retryNum: 1 });
    const [request] = received;
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect(JSON.parse(request?.body ?? '')).toMatchObject({
      type: 'event_callback',
      event_id: 'Ev0TEST',
      team_id: 'T0PAPERBOY',
      event,
      authorizations: [{ user_id: 'U0PAPERBOY', is_bot: true }],
    });
  });

  it('lets tests forge, age or strip signatures', async () => {
    const body = JSON.stringify({ type: 'event_callback' });
    expect((await emulator.signedPost(body, 'application/json')).status).toBe(200);
    expect(
      (await emulator.signedPost(body, 'application/json', { signature: 'v0=forged' })).status,
    ).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 600;
    expect((await emulator.signedPost(body, 'application/json', { timestamp: stale })).status).toBe(
      401,
    );
    expect((await emulator.signedPost(body, 'application/json', { signature: null })).status).toBe(
      401,
    );
    const unstamped = await emulator.signedPost(body, 'application/json', { omitTimestamp: true });
    expect(unstamped.status).toBe(401);
    expect(received[2]?.headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(received[3]?.headers['x-slack-signature']).toBeUndefined();
    expect(received[4]?.headers['x-slack-request-timestamp']).toBeUndefined();
  });
});

describe('Socket Mode', () => {
  type Envelope = Record<string, unknown> & { payload: Record<string, unknown> };
  const sockets: WebSocket[] = [];

  /** Connects like the SDK: a URL from apps.connections.open, then the WebSocket's first message. */
  async function connect(target = emulator) {
    const res = await fetch(`${target.apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.appToken}` },
    });
    const { url } = (await res.json()) as { url: string };
    const ws = new WebSocket(url);
    sockets.push(ws);
    const [first] = (await once(ws, 'message')) as [Buffer];
    return { ws, url, hello: JSON.parse(first.toString()) as unknown };
  }

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await emulator.waitFor(() => emulator.socketCount() === 0);
  });

  it('opens connections only for the app-level token', async () => {
    const open = (token: string | null) => api('apps.connections.open', {}, { token });
    expect((await open(emulator.appToken)).json).toEqual({
      ok: true,
      url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/socket-mode\?ticket=\w+$/),
    });
    expect((await open(emulator.token)).json).toEqual({
      ok: false,
      error: 'not_allowed_token_type',
    });
    expect((await open(null)).json).toEqual({ ok: false, error: 'not_authed' });
    expect((await open('xapp-1-wrong')).json.error).toBe('invalid_auth');
    // And the app token is no bot token.
    expect((await api('auth.test', {}, { token: emulator.appToken })).json.error).toBe(
      'not_allowed_token_type',
    );
  });

  it('says hello on connect, answers pings, and takes each ticket once', async () => {
    const { ws, url, hello } = await connect();
    expect(hello).toEqual({
      type: 'hello',
      num_connections: 1,
      debug_info: { host: 'emulator' },
      connection_info: { app_id: 'A0PAPERBOY' },
    });
    expect(emulator.socketCount()).toBe(1);
    await emulator.socketConnected();
    ws.ping('are you there');
    expect(String((await once(ws, 'pong'))[0])).toBe('are you there');

    const reused = new WebSocket(url);
    expect(String((await once(reused, 'error'))[0])).toMatch(/401/);
  });

  it('delivers commands, clicks and events as envelopes, and returns the ack', async () => {
    const { ws } = await connect();
    const envelopes: Envelope[] = [];
    ws.on('message', (data: Buffer) => {
      const envelope = JSON.parse(data.toString()) as Envelope;
      envelopes.push(envelope);
      // Like the SDK: an ack echoes the envelope id, with a payload for a command's reply.
      const payload = envelope.type === 'slash_commands' ? { text: 'Following' } : {};
      ws.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload }));
    });

    const ack = await emulator.socketSlashCommand({ text: 'follow hf', channelId: 'C9' });
    expect(ack).toMatchObject({
      envelope_id: envelopes[0]?.envelope_id,
      payload: { text: 'Following' },
    });
    expect(envelopes[0]).toMatchObject({
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: { command: '/papers', text: 'follow hf', channel_id: 'C9', team_id: 'T0PAPERBOY' },
    });
    expect(envelopes[0]?.payload.response_url).toMatch(
      new RegExp(`^${emulator.url}/response/\\w+$`),
    );

    const post = await client.chat.postMessage({
      channel: 'C1',
      text: 'x',
      blocks: [button('▲ 0')],
    });
    const click = await emulator.socketBlockAction({
      userId: 'U0BOB',
      actionId: 'upvote',
      value: '2401.00001',
      channelId: 'C1',
      messageTs: post.ts!,
    });
    expect(click.payload).toEqual({});
    expect(envelopes[1]).toMatchObject({
      type: 'interactive',
      accepts_response_payload: false,
      payload: {
        type: 'block_actions',
        message: { ts: post.ts },
        actions: [{ action_id: 'upvote', block_id: 'vote', value: '2401.00001' }],
      },
    });

    await emulator.socketEvent({ type: 'app_home_opened', user: 'U0BOB' }, { retryNum: 1 });
    expect(envelopes[2]).toMatchObject({
      type: 'events_api',
      retry_attempt: 1,
      retry_reason: 'timeout',
      payload: { type: 'event_callback', event: { type: 'app_home_opened', user: 'U0BOB' } },
    });
  });

  it('shows a slash command ack payload as an ephemeral, and delivers clicks on it', async () => {
    const { ws } = await connect();
    const envelopes: Envelope[] = [];
    ws.on('message', (data: Buffer) => {
      const envelope = JSON.parse(data.toString()) as Envelope;
      envelopes.push(envelope);
      const payload =
        envelope.type === 'slash_commands'
          ? { response_type: 'ephemeral', text: 'Results', blocks: resultsPage(1) }
          : undefined;
      ws.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload }));
    });

    const ack = await emulator.socketSlashCommand({
      text: 'search',
      userId: 'U0BOB',
      channelId: 'C9',
    });
    expect(ack.ackError).toBeUndefined();
    const [shown] = emulator.ephemerals('C9');
    expect(shown).toMatchObject({ user: 'U0BOB', source: 'ack', blocks: resultsPage(1) });

    await emulator.socketBlockAction({
      userId: 'U0BOB',
      actionId: 'search_next',
      value: '2',
      channelId: 'C9',
      messageTs: shown!.ts,
      ephemeral: true,
    });
    const click = envelopes[1]!.payload;
    expect(click).toMatchObject({
      type: 'block_actions',
      container: { message_ts: shown!.ts, channel_id: 'C9', is_ephemeral: true },
      actions: [{ action_id: 'search_next', block_id: 'pages' }],
    });
    expect(click).not.toHaveProperty('message');
    await respond(click.response_url as string, {
      replace_original: true,
      text: 'Results',
      blocks: resultsPage(2),
    });
    expect(emulator.ephemerals('C9')).toEqual([{ ...shown, blocks: resultsPage(2), edits: 1 }]);
  });

  it('rejects a delivery with no connection, or that is not acked in time', async () => {
    await expect(emulator.socketEvent({ type: 'app_home_opened' })).rejects.toThrow(
      'no Socket Mode connection',
    );
    await connect(); // connected, but never acks
    await expect(emulator.socketSlashCommand({ text: 'help' }, { timeoutMs: 100 })).rejects.toThrow(
      /did not ack the slash_commands envelope [\w-]+ within 100 ms/,
    );
  });

  it('drops its connections on close', async () => {
    const other = await SlackEmulator.start();
    const { ws } = await connect(other);
    const closed = once(ws, 'close');
    await other.close();
    await closed;
    expect(other.socketCount()).toBe(0);
  });
});

describe('seeded chaos', () => {
  const CHAOS = { seed: 42, rateLimited: 0.1, serverError: 0.1, slow: 0.05, slowMs: 40 };

  /** A raw call to `target`: its status, Retry-After, ok flag and how long the answer took. */
  async function call(target: SlackEmulator, method: string, args: Record<string, string>) {
    const startedAt = performance.now();
    const res = await fetch(`${target.apiUrl}${method}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${target.token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(args).toString(),
    });
    const json = (await res.json()) as { ok: boolean };
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      ok: json.ok,
      ms: performance.now() - startedAt,
    };
  }

  async function withEmulator<T>(
    options: SlackEmulatorOptions,
    run: (target: SlackEmulator) => Promise<T>,
  ): Promise<T> {
    const target = await SlackEmulator.start(options);
    try {
      return await run(target);
    } finally {
      await target.close();
    }
  }

  it('answers 429s and 500s that take no effect and slow answers that do, in about the shares asked', async () => {
    await withEmulator({ chaos: CHAOS }, async (chaotic) => {
      const answers = [];
      for (let i = 0; i < 400; i += 1) {
        answers.push(await call(chaotic, 'chat.postMessage', { channel: 'C0CHAOS', text: `${i}` }));
      }
      const stats = chaotic.chaosStats();
      const limited = answers.filter((a) => a.status === 429);
      const failed = answers.filter((a) => a.status === 500);
      expect(stats.rateLimited).toBe(limited.length);
      expect(stats.serverError).toBe(failed.length);
      const { rateLimited, serverError, slow } = stats;
      expect(stats.byMethod).toEqual({ 'chat.postMessage': { rateLimited, serverError, slow } });
      // 10 %, 10 % and 5 % of 400, give or take what a seed deals.
      expect(limited.length).toBeGreaterThan(20);
      expect(limited.length).toBeLessThan(65);
      expect(failed.length).toBeGreaterThan(20);
      expect(failed.length).toBeLessThan(65);
      expect(stats.slow).toBeGreaterThan(5);
      expect(stats.slow).toBeLessThan(40);
      expect(new Set(limited.map((a) => a.retryAfter))).toEqual(new Set(['1']));
      expect([...limited, ...failed].every((a) => !a.ok)).toBe(true);
      // Failures post nothing; every other call, slow ones included, posted its message.
      expect(chaotic.messages('C0CHAOS')).toHaveLength(400 - limited.length - failed.length);
      expect(answers.filter((a) => a.ms >= CHAOS.slowMs).length).toBeGreaterThanOrEqual(stats.slow);
      // The call log shows the failures as the caller saw them.
      expect(chaotic.calls('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(
        limited.length,
      );
    });
  });

  it('deals the same fates for the same seed, other ones for another seed, and none to other methods', async () => {
    const fates = (seed: number) =>
      withEmulator({ chaos: { ...CHAOS, seed, slowMs: 1 } }, async (chaotic) => {
        const statuses: number[] = [];
        for (let i = 0; i < 60; i += 1) {
          // auth.test is not among the methods chaos touches: it draws nothing.
          expect((await call(chaotic, 'auth.test', {})).status).toBe(200);
          statuses.push(
            (await call(chaotic, 'chat.postMessage', { channel: 'C1', text: 'x' })).status,
          );
        }
        expect(chaotic.chaosStats().byMethod['auth.test']).toBeUndefined();
        return statuses;
      });
    const first = await fates(7);
    expect(first.some((status) => status !== 200)).toBe(true);
    expect(await fates(7)).toEqual(first);
    expect(await fates(8)).not.toEqual(first);
  });

  it('takes effect before a slow answer arrives', async () => {
    await withEmulator({ chaos: { seed: 1, slow: 1, slowMs: 300 } }, async (chaotic) => {
      const answer = call(chaotic, 'chat.postMessage', { channel: 'C0SLOW', text: 'late' });
      await chaotic.waitFor(() => chaotic.messages('C0SLOW').length === 1, { timeoutMs: 250 });
      expect((await answer).ms).toBeGreaterThanOrEqual(290);
      expect(chaotic.chaosStats()).toMatchObject({ slow: 1, rateLimited: 0, serverError: 0 });
    });
  });

  it('is set and cleared at run time, reaches the WebClient as Slack’s errors would, and yields to failNext', async () => {
    await withEmulator({}, async (target) => {
      const web = new WebClient(target.token, {
        slackApiUrl: target.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      });
      await web.chat.postMessage({ channel: 'C0H', text: 'before' });
      target.setChaos({ seed: 3, serverError: 1, methods: ['conversations.history'] });
      // A 500 is an HTTP error to the client, not an `ok:false` answer: nothing says it did not land.
      await expect(web.conversations.history({ channel: 'C0H' })).rejects.toMatchObject({
        code: ErrorCode.HTTPError,
        statusCode: 500,
      });
      expect((await web.chat.postMessage({ channel: 'C0H', text: 'untouched' })).ok).toBe(true);
      target.failNext('conversations.history', { error: 'channel_not_found' });
      await expect(web.conversations.history({ channel: 'C0H' })).rejects.toMatchObject({
        data: { error: 'channel_not_found' },
      });
      target.setChaos({ seed: 3, rateLimited: 1 });
      await expect(web.chat.update({ channel: 'C0H', ts: '1.0', text: 'x' })).rejects.toMatchObject(
        {
          code: ErrorCode.RateLimitedError,
          retryAfter: 1,
        },
      );
      target.setChaos(undefined);
      expect((await web.conversations.history({ channel: 'C0H' })).messages).toHaveLength(2);
      expect(target.chaosStats()).toEqual({
        rateLimited: 1,
        serverError: 1,
        slow: 0,
        byMethod: {
          'conversations.history': { rateLimited: 0, serverError: 1, slow: 0 },
          'chat.update': { rateLimited: 1, serverError: 0, slow: 0 },
        },
      });
      target.reset();
      expect(target.chaosStats()).toEqual({
        rateLimited: 0,
        serverError: 0,
        slow: 0,
        byMethod: {},
      });
    });
  });

  it('refuses shares outside [0, 1] or adding up to more than 1', async () => {
    await expect(SlackEmulator.start({ chaos: { seed: 1, rateLimited: 1.5 } })).rejects.toThrow(
      RangeError,
    );
    expect(() => emulator.setChaos({ seed: 1, rateLimited: 0.6, serverError: 0.6 })).toThrow(
      'add up to 1 at most',
    );
  });
});
