import { createHmac, timingSafeEqual } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { boltAppFor } from './bolt-app';
import { silentSlackLogger } from './silent-logger';
import { SlackEmulator, type PostedMessage } from './slack-emulator';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const modal = (title: string, extra: Partial<ModalView> = {}): ModalView => ({
  type: 'modal',
  callback_id: 'paper_modal',
  title: plain(title),
  close: plain('Close'),
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*` } }],
  ...extra,
});

const ARXIV = 'https://arxiv.org/abs/2406.07550';
const HF = 'https://huggingface.co/papers/2406.07550';

let emulator: SlackEmulator;
let client: WebClient;

beforeAll(async () => {
  emulator = await SlackEmulator.start();
  client = new WebClient(emulator.token, {
    slackApiUrl: emulator.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentSlackLogger,
  });
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

/** Whether a request carries a valid Slack signature for `secret`, checked like Bolt checks it. */
function verify(headers: IncomingHttpHeaders, body: string, secret: string): boolean {
  const timestamp = Number(headers['x-slack-request-timestamp']);
  const signature = String(headers['x-slack-signature'] ?? '');
  if (!timestamp || Math.abs(Date.now() / 1000 - timestamp) > 300) return false;
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return (
    signature.length === expected.length &&
    timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

describe('with a stand-in app', () => {
  interface Received {
    headers: IncomingHttpHeaders;
    body: string;
    verified: boolean;
    /** An event callback's JSON, an interaction's `payload`, or a slash command's fields. */
    parsed: Record<string, unknown>;
  }
  let app: http.Server;
  let received: Received[];
  let other: SlackEmulator | undefined;

  beforeAll(async () => {
    app = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const verified = verify(req.headers, body, emulator.signingSecret);
        const form = new URLSearchParams(body);
        const parsed = (
          req.headers['content-type'] === 'application/json'
            ? JSON.parse(body)
            : form.has('payload')
              ? JSON.parse(form.get('payload')!)
              : Object.fromEntries(form)
        ) as Record<string, unknown>;
        received.push({ headers: req.headers, body, verified, parsed });
        // Like Bolt: a request that is not Slack's is refused; an event or a close is acked empty.
        res.writeHead(verified ? 200 : 401);
        res.end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  });
  beforeEach(() => {
    received = [];
    emulator.setAppUrl(`http://127.0.0.1:${(app.address() as AddressInfo).port}`);
  });
  afterEach(async () => {
    await other?.close();
    other = undefined;
  });
  afterAll(async () => {
    app.closeAllConnections();
    await new Promise((resolve) => app.close(resolve));
  });

  /** The `event` of the n-th request the stand-in received. */
  const eventOf = (n: number) => received[n]?.parsed.event as Record<string, unknown>;

  /** A card posted by the app, as a thread parent. */
  async function postCard(channel = 'C1'): Promise<string> {
    const card = await client.chat.postMessage({ channel, text: 'card', blocks: [section('A')] });
    return card.ts!;
  }

  describe('postAsUser', () => {
    it('stores the message, shows it in messages() and conversations.history, a reply in its thread only', async () => {
      const cardTs = await postCard();
      const emitted: PostedMessage[] = [];
      emulator.on('message', (m) => emitted.push(m));
      const top = await emulator.postAsUser({
        userId: 'U0ALICE',
        channel: 'C1',
        text: 'What a paper',
      });
      const reply = await emulator.postAsUser({
        userId: 'U0BOB',
        channel: 'C1',
        text: 'Agreed',
        threadTs: cardTs,
      });
      emulator.removeAllListeners('message');

      expect(top.message).toEqual({
        channel: 'C1',
        ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
        text: 'What a paper',
        user: 'U0ALICE',
        edits: 0,
      });
      expect(reply.message).toEqual({
        channel: 'C1',
        ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
        text: 'Agreed',
        threadTs: cardTs,
        user: 'U0BOB',
        edits: 0,
      });
      expect(Number(top.message.ts)).toBeGreaterThan(Number(cardTs));
      expect(Number(reply.message.ts)).toBeGreaterThan(Number(top.message.ts));
      // One message event each, no link_shared: the app acked each one.
      expect(top.responses.map((r) => r.status)).toEqual([200]);
      expect(reply.responses.map((r) => r.status)).toEqual([200]);
      expect(emitted).toEqual([top.message, reply.message]);

      expect(emulator.messages('C1')).toEqual([
        expect.objectContaining({ ts: cardTs, user: emulator.botUserId, botId: emulator.botId }),
        top.message,
        reply.message,
      ]);
      expect(emulator.messages('C2')).toEqual([]);

      // Like Slack: top-level messages newest first; the reply counts under its parent.
      const history = await client.conversations.history({ channel: 'C1' });
      expect(history.messages).toHaveLength(2);
      const [newest, parent] = history.messages!;
      expect(newest).toMatchObject({ type: 'message', ts: top.message.ts, text: 'What a paper' });
      expect(newest?.user).toBe('U0ALICE');
      expect(newest?.bot_id).toBeUndefined();
      expect(parent).toMatchObject({ ts: cardTs, thread_ts: cardTs, reply_count: 1 });
    });

    it('sends a signed message event with Slack’s fields in a channel the bot is in, thread_ts and parent_user_id in a thread', async () => {
      const cardTs = await postCard();
      const top = await emulator.postAsUser({ userId: 'U0ALICE', channel: 'C1', text: 'Look' });
      const onCard = await emulator.postAsUser({
        userId: 'U0BOB',
        channel: 'C1',
        text: 'Nice card',
        threadTs: cardTs,
      });
      const onAlice = await emulator.postAsUser({
        userId: 'U0BOB',
        channel: 'C1',
        text: 'Where?',
        threadTs: top.message.ts,
      });

      expect(received).toHaveLength(3);
      for (const request of received) {
        expect(request.headers['content-type']).toBe('application/json');
        expect(request.headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
        expect(request.verified).toBe(true);
        expect(request.parsed).toMatchObject({
          type: 'event_callback',
          team_id: 'T0PAPERBOY',
          api_app_id: 'A0PAPERBOY',
          event_id: expect.stringMatching(/^Ev0/),
        });
      }
      const base = { type: 'message', team: 'T0PAPERBOY', event_ts: expect.any(String) };
      expect(eventOf(0)).toEqual({
        ...base,
        channel: 'C1',
        channel_type: 'channel',
        user: 'U0ALICE',
        text: 'Look',
        ts: top.message.ts,
      });
      expect(eventOf(1)).toEqual({
        ...base,
        channel: 'C1',
        channel_type: 'channel',
        user: 'U0BOB',
        text: 'Nice card',
        ts: onCard.message.ts,
        thread_ts: cardTs,
        parent_user_id: emulator.botUserId,
      });
      expect(eventOf(2)).toEqual({
        ...base,
        channel: 'C1',
        channel_type: 'channel',
        user: 'U0BOB',
        text: 'Where?',
        ts: onAlice.message.ts,
        thread_ts: top.message.ts,
        parent_user_id: 'U0ALICE',
      });
      // The signature covers the exact body: another secret does not verify it.
      expect(verify(received[0]!.headers, received[0]!.body, 'another-secret')).toBe(false);
    });

    it('sends no message event in a DM or a channel the bot is not in; link_shared there says whether the bot is in', async () => {
      // The app posted in C3, but its members (set explicitly) do not include the bot.
      await postCard('C3');
      emulator.setChannelMembers('C3', ['U0ALICE', 'U0BOB']);
      received = [];
      const dm = await emulator.postAsUser({ userId: 'U0ALICE', channel: 'DU0ALICE', text: 'hi' });
      const nobody = await emulator.postAsUser({ userId: 'U0ALICE', channel: 'C2', text: 'hi' });
      const notIn = await emulator.postAsUser({ userId: 'U0BOB', channel: 'C3', text: 'hi' });
      // Stored and shown all the same; the app hears nothing.
      expect(emulator.messages('DU0ALICE')).toEqual([dm.message]);
      expect(emulator.messages('C2')).toEqual([nobody.message]);
      expect(emulator.messages('C3').at(-1)).toEqual(notIn.message);
      expect([dm, nobody, notIn].map((r) => r.responses)).toEqual([[], [], []]);
      expect(received).toEqual([]);

      // An app link still reaches the app as link_shared, naming whether the bot is there.
      for (const channel of ['DU0ALICE', 'C2', 'C3']) {
        const { responses } = await emulator.postAsUser({
          userId: 'U0ALICE',
          channel,
          text: `See ${ARXIV}`,
        });
        expect(responses.map((r) => r.status)).toEqual([200]);
      }
      expect(received.map((r) => r.parsed.event)).toEqual([
        expect.objectContaining({
          type: 'link_shared',
          channel: 'DU0ALICE',
          is_bot_user_member: true,
        }),
        expect.objectContaining({ type: 'link_shared', channel: 'C2', is_bot_user_member: false }),
        expect.objectContaining({ type: 'link_shared', channel: 'C3', is_bot_user_member: false }),
      ]);
    });

    it('formats typed text like Slack’s client: escaped, bare links wrapped, no broadcast', async () => {
      emulator.setChannelMembers('C1', ['U0ALICE', emulator.botUserId]);
      const typed =
        `Tom & Jerry <b>bold</b> <!channel>, see ${ARXIV}. and (${HF}) ` +
        `or <${ARXIV}v2> or ${ARXIV}?a=1&b=2`;
      const { message } = await emulator.postAsUser({
        userId: 'U0ALICE',
        channel: 'C1',
        text: typed,
      });
      const expected =
        `Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; &lt;!channel&gt;, see <${ARXIV}>. and (<${HF}>) ` +
        `or &lt;<${ARXIV}v2>&gt; or <${ARXIV}?a=1&amp;b=2>`;
      expect(message.text).toBe(expected);
      expect(emulator.messages('C1')[0]?.text).toBe(expected);
      expect(eventOf(0).text).toBe(expected);
      // Typed, `<!channel>` is text, not Slack's broadcast.
      expect(message.text).not.toContain('<!channel>');
      // The links reach the app as the member typed them: no trailing period, no escaped `&`.
      expect((eventOf(1).links as Array<{ url: string }>).map((l) => l.url)).toEqual([
        ARXIV,
        HF,
        `${ARXIV}v2`,
        `${ARXIV}?a=1&b=2`,
      ]);
    });

    it('ends a bare link at `|`, so that typed text cannot label one link with another URL', async () => {
      const { message } = await emulator.postAsUser({
        userId: 'U0ALICE',
        channel: 'C1',
        text: `https://evil.example/x|${ARXIV}`,
      });
      // Two links side by side, each showing where it leads; not `<https://evil.example/x|…>`.
      expect(message.text).toBe(`<https://evil.example/x>|<${ARXIV}>`);
      expect(eventOf(0).links).toEqual([{ domain: 'arxiv.org', url: ARXIV }]);
    });

    it('sends link_shared only for links on the unfurl domains and their subdomains, each URL once', async () => {
      const cardTs = await postCard();
      const text = [
        ARXIV,
        'https://www.arxiv.org/abs/2401.00001',
        HF,
        'https://hf.co/papers/2401.00002',
        'https://example.com/abs/2406.07550',
        'https://notarxiv.org/abs/2406.07550',
        'https://arxiv.org.example.com/abs/1',
        ARXIV,
      ].join(' and ');
      const reply = await emulator.postAsUser({
        userId: 'U0ALICE',
        channel: 'C1',
        text,
        threadTs: cardTs,
      });
      expect(reply.responses.map((r) => r.status)).toEqual([200, 200]);
      expect(received).toHaveLength(2);
      expect(eventOf(0).type).toBe('message');
      expect(received[1]?.verified).toBe(true);
      const linkShared = eventOf(1);
      expect(linkShared).toEqual({
        type: 'link_shared',
        channel: 'C1',
        is_bot_user_member: true,
        user: 'U0ALICE',
        message_ts: reply.message.ts,
        thread_ts: cardTs,
        unfurl_id: expect.any(String),
        source: 'conversations_history',
        links: [
          { domain: 'arxiv.org', url: ARXIV },
          { domain: 'arxiv.org', url: 'https://www.arxiv.org/abs/2401.00001' },
          { domain: 'huggingface.co', url: HF },
          { domain: 'hf.co', url: 'https://hf.co/papers/2401.00002' },
        ],
        event_ts: expect.any(String),
      });
      expect(linkShared.unfurl_id).not.toBe('');

      // No app link: no link_shared.
      received = [];
      const plainText = await emulator.postAsUser({
        userId: 'U0ALICE',
        channel: 'C1',
        text: 'https://example.com/x and arxiv.org/abs/2406.07550 without a scheme',
      });
      expect(plainText.responses).toHaveLength(1);
      expect(received.map((r) => (r.parsed.event as { type: string }).type)).toEqual(['message']);
    });

    it('takes other unfurl domains from the unfurlDomains option', async () => {
      other = await SlackEmulator.start({ unfurlDomains: ['example.com'] });
      other.setAppUrl(`http://127.0.0.1:${(app.address() as AddressInfo).port}`);
      await other.postAsUser({
        userId: 'U0ALICE',
        channel: 'C1',
        text: `${ARXIV} https://example.com/a https://docs.example.com/b`,
      });
      // No message event: the bot is not in C1.
      expect(received).toHaveLength(1);
      expect(eventOf(0).links).toEqual([
        { domain: 'example.com', url: 'https://example.com/a' },
        { domain: 'example.com', url: 'https://docs.example.com/b' },
      ]);
    });

    it('attaches chat.unfurl by unfurl_id and source to the message; a later unfurl of a URL replaces it', async () => {
      emulator.setChannelMembers('C1', ['U0ALICE', 'U0BOB', emulator.botUserId]);
      const first = await emulator.postAsUser({
        userId: 'U0ALICE',
        channel: 'C1',
        text: `${ARXIV} and ${HF}`,
      });
      const unfurlId = eventOf(1).unfurl_id as string;
      const second = await emulator.postAsUser({
        userId: 'U0BOB',
        channel: 'C1',
        text: `Also ${ARXIV}`,
      });
      const secondUnfurlId = eventOf(3).unfurl_id as string;
      expect(secondUnfurlId).not.toBe(unfurlId);
      expect(emulator.unfurlsOf('C1', first.message.ts)).toEqual({});

      const v1 = { blocks: [section('v1')] };
      await client.chat.unfurl({
        unfurl_id: unfurlId,
        source: 'conversations_history',
        unfurls: { [ARXIV]: v1 },
      });
      expect(emulator.unfurlsOf('C1', first.message.ts)).toEqual({ [ARXIV]: v1 });
      expect(emulator.unfurls()).toEqual([
        {
          unfurlId,
          source: 'conversations_history',
          channel: 'C1',
          ts: first.message.ts,
          unfurls: { [ARXIV]: v1 },
        },
      ]);
      // Attached to that message only.
      expect(emulator.unfurlsOf('C1', second.message.ts)).toEqual({});
      expect(emulator.unfurlsOf('C2', first.message.ts)).toEqual({});

      // A later unfurl of the same URL replaces the card; other URLs' cards stay.
      const v2 = { blocks: [section('v2')] };
      const hf = { blocks: [section('hf')] };
      await client.chat.unfurl({
        unfurl_id: unfurlId,
        source: 'conversations_history',
        unfurls: { [ARXIV]: v2, [HF]: hf },
      });
      expect(emulator.unfurlsOf('C1', first.message.ts)).toEqual({ [ARXIV]: v2, [HF]: hf });
      const v3 = { blocks: [section('v3')] };
      await client.chat.unfurl({ channel: 'C1', ts: first.message.ts, unfurls: { [ARXIV]: v3 } });
      expect(emulator.unfurlsOf('C1', first.message.ts)).toEqual({ [ARXIV]: v3, [HF]: hf });

      await client.chat.unfurl({
        unfurl_id: secondUnfurlId,
        source: 'conversations_history',
        unfurls: { [ARXIV]: v1 },
      });
      expect(emulator.unfurlsOf('C1', second.message.ts)).toEqual({ [ARXIV]: v1 });
      expect(emulator.unfurlsOf('C1', first.message.ts)).toEqual({ [ARXIV]: v3, [HF]: hf });
    });
  });

  describe('openHome', () => {
    it('sends a signed app_home_opened, carrying the published view once there is one', async () => {
      await emulator.openHome('U0ALICE');
      const base = { type: 'app_home_opened', tab: 'home', event_ts: expect.any(String) };
      expect(received[0]?.verified).toBe(true);
      expect(eventOf(0)).toEqual({ ...base, user: 'U0ALICE', channel: 'DU0ALICE' });

      const home = { type: 'home' as const, blocks: [section('*Your alerts*')] };
      const published = await client.views.publish({ user_id: 'U0ALICE', view: home });
      await emulator.openHome('U0ALICE');
      expect(eventOf(1)).toEqual({
        ...base,
        user: 'U0ALICE',
        channel: 'DU0ALICE',
        view: emulator.homeView('U0ALICE'),
      });
      expect(eventOf(1).view).toMatchObject({
        id: published.view!.id,
        hash: published.view!.hash,
        type: 'home',
        blocks: [{ ...section('*Your alerts*'), block_id: expect.any(String) }],
      });

      // The latest publish: same id, new content.
      await client.views.publish({
        user_id: 'U0ALICE',
        view: { type: 'home', blocks: [section('*Updated*')] },
      });
      const response = await emulator.openHome('U0ALICE');
      expect(response.status).toBe(200);
      expect(eventOf(2).view).toMatchObject({
        id: published.view!.id,
        blocks: [section('*Updated*')],
      });

      // Another member's Home tab has nothing published.
      await emulator.openHome('U0BOB');
      expect(eventOf(3)).toEqual({ ...base, user: 'U0BOB', channel: 'DU0BOB' });
    });
  });

  describe('closeModal', () => {
    /** A trigger_id from a slash command run by `userId`. */
    async function trigger(userId = 'U0ALICE'): Promise<string> {
      await emulator.sendSlashCommand({ text: 'alerts', userId });
      return received.at(-1)!.parsed.trigger_id as string;
    }

    it('pops only the top modal, refuses another one, and sends view_closed only with notify_on_close', async () => {
      const root = (await client.views.open({ trigger_id: await trigger(), view: modal('Root') }))
        .view!;
      const pushed = (
        await client.views.push({
          trigger_id: await trigger(),
          view: modal('Pushed', { notify_on_close: true, private_metadata: 'p1' }),
        })
      ).view!;
      expect(emulator.openModals('U0ALICE').map((v) => v.id)).toEqual([root.id, pushed.id]);
      received = [];

      // The root is under the pushed view, and Bob sees neither.
      await expect(emulator.closeModal('U0ALICE', root.id!)).rejects.toThrow(
        `${root.id} is not the modal U0ALICE sees`,
      );
      await expect(emulator.closeModal('U0BOB', pushed.id!)).rejects.toThrow(
        'is not the modal U0BOB sees',
      );
      expect(emulator.openModals('U0ALICE').map((v) => v.id)).toEqual([root.id, pushed.id]);
      expect(received).toEqual([]);

      const closed = await emulator.closeModal('U0ALICE', pushed.id!);
      expect(closed?.status).toBe(200);
      expect(emulator.openModals('U0ALICE').map((v) => v.id)).toEqual([root.id]);
      expect(received).toHaveLength(1);
      expect(received[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(received[0]?.verified).toBe(true);
      expect(received[0]?.parsed).toMatchObject({
        type: 'view_closed',
        user: { id: 'U0ALICE' },
        team: { id: 'T0PAPERBOY' },
        api_app_id: 'A0PAPERBOY',
        view: {
          id: pushed.id,
          callback_id: 'paper_modal',
          private_metadata: 'p1',
          notify_on_close: true,
          root_view_id: root.id,
          previous_view_id: root.id,
        },
        is_cleared: false,
      });

      // Without notify_on_close: closed, and the app hears nothing.
      expect(await emulator.closeModal('U0ALICE', root.id!)).toBeUndefined();
      expect(emulator.openModals('U0ALICE')).toEqual([]);
      expect(received).toHaveLength(1);
      await expect(emulator.closeModal('U0ALICE', root.id!)).rejects.toThrow(
        'is not the modal U0ALICE sees',
      );
    });
  });

  describe('the change event', () => {
    let changes: number;
    const count = () => (changes += 1);
    beforeEach(() => {
      changes = 0;
      emulator.on('change', count);
    });
    afterEach(() => {
      emulator.off('change', count);
    });

    it('fires after a Web API call, failed ones included', async () => {
      await client.auth.test();
      expect(changes).toBe(1);
      await expect(client.chat.postMessage({ channel: 'C1', text: '' })).rejects.toThrow('no_text');
      expect(changes).toBe(2);
    });

    it('fires once a member’s message is stored, before the app hears of it', async () => {
      let storedAtChange: string[] = [];
      let requestsAtChange: number | undefined;
      const record = () => {
        storedAtChange = emulator.messages('C1').map((m) => m.text ?? '');
        requestsAtChange = received.length;
      };
      emulator.setChannelMembers('C1', ['U0ALICE', emulator.botUserId]);
      emulator.on('change', record);
      try {
        await emulator.postAsUser({ userId: 'U0ALICE', channel: 'C1', text: 'hello' });
      } finally {
        emulator.off('change', record);
      }
      expect(changes).toBe(1);
      expect(storedAtChange).toEqual(['hello']);
      expect(requestsAtChange).toBe(0);
      expect(received).toHaveLength(1);
    });

    it('fires once a modal is closed, and not for a refused close', async () => {
      await emulator.sendSlashCommand({ text: 'alerts', userId: 'U0ALICE' });
      const triggerId = received.at(-1)!.parsed.trigger_id as string;
      const view = (await client.views.open({ trigger_id: triggerId, view: modal('M') })).view!;
      let openAtChange: number | undefined;
      const record = () => (openAtChange = emulator.openModals('U0ALICE').length);
      changes = 0;
      emulator.on('change', record);
      try {
        await expect(emulator.closeModal('U0ALICE', 'V0NOPE')).rejects.toThrow();
        expect(changes).toBe(0);
        await emulator.closeModal('U0ALICE', view.id!);
      } finally {
        emulator.off('change', record);
      }
      expect(changes).toBe(1);
      expect(openAtChange).toBe(0);
    });
  });
});

describe('a real Bolt app', () => {
  let bolt: App;
  let seen: Array<Record<string, unknown>>;
  let homeOpens: Array<Record<string, unknown>>;

  beforeAll(async () => {
    bolt = boltAppFor(emulator);
    bolt.message(async ({ message }) => {
      seen.push(message as unknown as Record<string, unknown>);
    });
    bolt.event('link_shared', async ({ event, client: web }) => {
      await web.chat.unfurl({
        unfurl_id: event.unfurl_id!,
        source: event.source as 'conversations_history',
        unfurls: Object.fromEntries(
          event.links.map((link) => [link.url, { blocks: [section(`Card for ${link.url}`)] }]),
        ),
      });
    });
    bolt.event('app_home_opened', async ({ event, client: web }) => {
      homeOpens.push(event as unknown as Record<string, unknown>);
      await web.views.publish({
        user_id: event.user,
        view: { type: 'home', blocks: [section(`Opened ${homeOpens.length}`)] },
      });
    });
    const server = (await bolt.start(0)) as http.Server;
    emulator.setAppUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  beforeEach(() => {
    seen = [];
    homeOpens = [];
  });
  afterAll(async () => {
    await bolt.stop();
  });

  it('verifies and routes a member’s message, and its link_shared unfurls onto it', async () => {
    emulator.setChannelMembers('C1', ['U0ALICE', emulator.botUserId]);
    const { message, responses } = await emulator.postAsUser({
      userId: 'U0ALICE',
      channel: 'C1',
      text: `Read ${ARXIV} & https://example.com/x`,
    });
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const unfurls = await emulator.waitFor(() => {
      const attached = emulator.unfurlsOf('C1', message.ts);
      return Object.keys(attached).length > 0 && attached;
    });
    expect(unfurls).toEqual({ [ARXIV]: { blocks: [section(`Card for ${ARXIV}`)] } });
    await emulator.waitFor(() => seen.length > 0);
    expect(seen[0]).toMatchObject({
      type: 'message',
      user: 'U0ALICE',
      channel: 'C1',
      ts: message.ts,
      text: `Read <${ARXIV}> &amp; <https://example.com/x>`,
    });
  });

  it('routes app_home_opened, with the view the app published on the last open', async () => {
    expect((await emulator.openHome('U0BOB')).status).toBe(200);
    await emulator.waitFor(() => emulator.homeView('U0BOB'));
    expect(homeOpens[0]).not.toHaveProperty('view');
    await emulator.openHome('U0BOB');
    await emulator.waitFor(() => homeOpens.length === 2);
    expect(homeOpens[1]).toMatchObject({
      type: 'app_home_opened',
      user: 'U0BOB',
      view: { type: 'home', blocks: [section('Opened 1')] },
    });
    // The app's answer to the second open, so that nothing is still on its way after the test.
    await emulator.waitFor(() => emulator.views('U0BOB').length === 2);
  });
});
