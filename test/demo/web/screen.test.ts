/**
 * `renderScreen` over a real Slack emulator's state: what one member sees of the local workspace.
 * Messages, replies, ephemerals, unfurls and the Home tab go through the emulator's Web API as the
 * app would send them; members' messages through `postAsUser`, which needs an app to send the
 * `message` event to (a stand-in that answers 200). Modals are handed in through a `SlackState`
 * whose `openModals` is overridden: opening one for real needs an app that answers a click.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  demoDirectory,
  type WorkspaceDirectory,
  type WorkspaceMember,
} from '../../../src/demo/web/directory';
import {
  conversationOf,
  parsePlace,
  renderScreen,
  type Place,
  type ScreenInput,
  type SlackState,
} from '../../../src/demo/web/screen';
import { SlackEmulator, type SlackView } from '../../support/slack-emulator';
import { visibleText } from '../../support/html-text';

let slack: SlackEmulator;
let app: http.Server;
let directory: WorkspaceDirectory;
let alice: WorkspaceMember;
let bob: WorkspaceMember;

beforeAll(async () => {
  slack = await SlackEmulator.start();
  // The app's stand-in: every event is acked, nothing more.
  app = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  slack.setAppUrl(`http://127.0.0.1:${(app.address() as AddressInfo).port}`);
  directory = demoDirectory(slack.botUserId);
  [alice, bob] = directory.members as [WorkspaceMember, WorkspaceMember];
});

afterAll(async () => {
  await slack?.close();
  await new Promise<void>((resolve) => {
    if (!app?.listening) return resolve();
    app.close(() => resolve());
    app.closeAllConnections();
  });
});

beforeEach(() => slack.reset());

/** Calls a Web API method with the bot token, as the app does; returns Slack's answer. */
/** The parts of Slack's answers these tests read. */
interface SlackAnswer {
  ok: boolean;
  error?: string;
  ts?: string;
  message_ts?: string;
  view?: { id: string };
}

async function api(method: string, args: Record<string, unknown>): Promise<SlackAnswer> {
  const res = await fetch(slack.apiUrl + method, {
    method: 'POST',
    headers: { authorization: `Bearer ${slack.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const body = (await res.json()) as SlackAnswer;
  if (!body.ok) throw new Error(`${method} failed: ${String(body.error)}`);
  return body;
}

/** Posts as the app; resolves with the message's ts. */
const post = async (channel: string, text: string, threadTs?: string): Promise<string> =>
  (await api('chat.postMessage', { channel, text, ...(threadTs ? { thread_ts: threadTs } : {}) }))
    .ts!;

const place = (name: string): Place => {
  const found = parsePlace(name, directory);
  if (!found) throw new Error(`no place ${name}`);
  return found;
};

/** The screen `member` sees at `where`; nothing unread and no modal errors unless given. */
function screen(
  where: string,
  options: Partial<Omit<ScreenInput, 'place'>> = {},
): ReturnType<typeof renderScreen> {
  return renderScreen({
    state: slack,
    directory,
    member: alice,
    place: place(where),
    unread: () => 0,
    modalErrors: () => undefined,
    ...options,
  });
}

/** The emulator's state, with some of its answers replaced. */
const stateWith = (overrides: Partial<SlackState>): SlackState => ({
  messages: (channel) => slack.messages(channel),
  ephemerals: (channel, user) => slack.ephemerals(channel, user),
  homeView: (userId) => slack.homeView(userId),
  openModals: (userId) => slack.openModals(userId),
  unfurlsOf: (channel, ts) => slack.unfurlsOf(channel, ts),
  ...overrides,
});

/** The sidebar's button for a place, as markup. */
function placeButton(sidebar: string, name: string): string {
  const match = new RegExp(`<button[^>]*data-place="${name}"[^>]*>.*?</button>`).exec(sidebar);
  if (!match) throw new Error(`no sidebar entry for ${name}`);
  return match[0];
}

/** Each message's markup in a pane, by its ts. */
function articles(html: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [markup, ts] of html.matchAll(/<article[^>]*data-ts="([^"]+)"[\s\S]*?<\/article>/g)) {
    found.set(ts!, markup);
  }
  return found;
}

describe('parsePlace and conversationOf', () => {
  it('names channels by id and the app by its two tabs', () => {
    expect(parsePlace('C0PAPERS', directory)).toEqual({
      kind: 'channel',
      channel: directory.channels[0],
    });
    expect(parsePlace('app:home', directory)).toEqual({ kind: 'app', tab: 'home' });
    expect(parsePlace('app:messages', directory)).toEqual({ kind: 'app', tab: 'messages' });
  });

  it('knows no other place', () => {
    for (const name of ['', 'C0NOPE', 'papers', '#papers', 'app:', 'app:settings', 'DU0ALICE']) {
      expect(parsePlace(name, directory)).toBeUndefined();
    }
  });

  it('shows a channel’s messages in a channel, the member’s DM with the app under Messages, none on Home', () => {
    expect(conversationOf(place('C0GENERAL'), 'U0ALICE')).toBe('C0GENERAL');
    expect(conversationOf(place('app:messages'), 'U0ALICE')).toBe('DU0ALICE');
    expect(conversationOf(place('app:messages'), 'U0BOB')).toBe('DU0BOB');
    expect(conversationOf(place('app:home'), 'U0ALICE')).toBeUndefined();
  });
});

describe('the sidebar', () => {
  it('lists every channel, the DM with the app and its Home tab, and marks where the member is', () => {
    const { sidebar } = screen('C0GENERAL');
    expect(sidebar).toContain('Paperboy Lab');
    for (const name of ['C0PAPERS', 'C0GENERAL', 'app:messages', 'app:home']) {
      expect(placeButton(sidebar, name)).toBeDefined();
    }
    expect(visibleText(placeButton(sidebar, 'C0PAPERS'))).toBe('#papers');
    expect(visibleText(placeButton(sidebar, 'app:messages'))).toContain('Paperboy');
    expect(visibleText(placeButton(sidebar, 'app:home'))).toContain('Home');
    const active = [...sidebar.matchAll(/class="place active[^"]*" data-place="([^"]+)"/g)];
    expect(active.map((m) => m[1])).toEqual(['C0GENERAL']);
    expect(placeButton(screen('app:home').sidebar, 'app:home')).toContain('place active');
    expect(placeButton(screen('app:messages').sidebar, 'app:messages')).toContain('place active');
  });

  it('shows the unread callback’s counts as badges, on channels and the DM only', () => {
    const counts: Record<string, number> = { C0GENERAL: 3, DU0ALICE: 2, C0PAPERS: 0 };
    const asked: string[] = [];
    const { sidebar } = screen('C0PAPERS', {
      unread: (conversation) => {
        asked.push(conversation);
        return counts[conversation] ?? 0;
      },
    });
    expect(placeButton(sidebar, 'C0GENERAL')).toMatch(
      /class="place unread".*<span class="badge">3</,
    );
    expect(placeButton(sidebar, 'app:messages')).toContain('<span class="badge">2</span>');
    expect(placeButton(sidebar, 'C0PAPERS')).not.toContain('badge');
    expect(placeButton(sidebar, 'app:home')).not.toContain('badge');
    // The DM asked about is the member's own, not someone else's.
    expect(asked).toContain('DU0ALICE');
    expect(asked).not.toContain('DU0BOB');
  });
});

describe('messages and threads', () => {
  it('shows top-level messages in the channel, and a thread’s replies only in the thread pane', async () => {
    const parent = await post('C0PAPERS', 'A paper about tokenizers');
    const other = await post('C0PAPERS', 'A paper about diffusion');
    await post('C0PAPERS', 'first reply from the app', parent);
    await slack.postAsUser({
      userId: 'U0BOB',
      channel: 'C0PAPERS',
      text: 'Bob agrees',
      threadTs: parent,
    });

    const { main, thread } = screen('C0PAPERS');
    expect(thread).toBe('');
    const shown = articles(main);
    expect([...shown.keys()]).toEqual([parent, other]);
    expect(main).not.toContain('first reply from the app');
    expect(main).not.toContain('Bob agrees');
    expect(shown.get(parent)).toContain(
      `<button type="button" class="reply-bar" data-open-thread="${parent}">2 replies</button>`,
    );
    expect(shown.get(other)).not.toContain('reply-bar');

    const open = screen('C0PAPERS', { threadTs: parent });
    expect(visibleText(open.thread)).toContain('Thread #papers');
    const inThread = [...articles(open.thread).values()].map(visibleText);
    expect(inThread).toHaveLength(3);
    expect(inThread[0]).toContain('A paper about tokenizers');
    expect(inThread[1]).toContain('first reply from the app');
    expect(inThread[2]).toContain('Bob agrees');
    expect(open.thread).toContain('<div class="reply-count">2 replies</div>');
    expect(open.thread).not.toContain('A paper about diffusion');
    // The channel beside an open thread is the same.
    expect(open.main).toBe(main);
  });

  it('counts one reply as "1 reply"', async () => {
    const parent = await post('C0GENERAL', 'Lunch?');
    await slack.postAsUser({
      userId: 'U0BOB',
      channel: 'C0GENERAL',
      text: 'Yes',
      threadTs: parent,
    });
    const { main, thread } = screen('C0GENERAL', { threadTs: parent });
    expect(main).toContain('>1 reply</button>');
    expect(thread).toContain('<div class="reply-count">1 reply</div>');
  });

  it('opens no thread for a ts that is not in the conversation', async () => {
    const parent = await post('C0GENERAL', 'Elsewhere');
    expect(screen('C0PAPERS', { threadTs: parent }).thread).toBe('');
    expect(screen('C0GENERAL', { threadTs: '1.000001' }).thread).toBe('');
  });

  it('names the author: the app with its APP badge, a member by name', async () => {
    const fromApp = await post('C0GENERAL', 'Posted by the app');
    const { message } = await slack.postAsUser({
      userId: 'U0BOB',
      channel: 'C0GENERAL',
      text: 'Hi all',
    });
    const shown = articles(screen('C0GENERAL').main);
    expect(shown.get(fromApp)).toMatch(
      /<span class="author">Paperboy<\/span><span class="app-badge">APP</,
    );
    expect(shown.get(message.ts)).toContain('<span class="author">Bob</span><time>');
    expect(shown.get(message.ts)).not.toContain('app-badge');
  });

  it('shows the member’s DM with the app under Messages, and nobody else’s', async () => {
    await post('U0ALICE', 'Two new papers match "tokenizer"');
    await post('U0BOB', 'Bob’s own alert');
    const { main, title } = screen('app:messages');
    expect(main).toContain('Two new papers match');
    expect(main).not.toContain('Bob’s own alert');
    expect(title).toBe('Paperboy · Paperboy Lab');
    expect(screen('app:messages', { member: bob }).main).toContain('Bob’s own alert');
  });

  it('says so when a conversation is empty', () => {
    expect(screen('C0GENERAL').main).toContain('No messages yet.');
    expect(screen('app:messages').main).toContain('No messages yet.');
  });
});

describe('ephemeral messages', () => {
  it('are shown only to their member, always from the app, marked "Only visible to you"', async () => {
    await post('C0PAPERS', 'A card everyone sees');
    const { message_ts: ts } = await api('chat.postEphemeral', {
      channel: 'C0PAPERS',
      user: 'U0ALICE',
      text: 'Subscribed to *tokenizer*',
    });

    const forAlice = articles(screen('C0PAPERS').main).get(ts as string);
    expect(forAlice).toBeDefined();
    expect(forAlice).toContain('class="message ephemeral"');
    expect(forAlice).toContain('data-ephemeral="true"');
    expect(forAlice).toMatch(/<span class="author">Paperboy<\/span><span class="app-badge">APP</);
    expect(forAlice).toContain('Only visible to you');
    expect(forAlice).toContain('<b>tokenizer</b>');
    // Nobody replies in an ephemeral's thread.
    expect(forAlice).not.toContain('data-open-thread');

    const forBob = screen('C0PAPERS', { member: bob }).main;
    expect(forBob).toContain('A card everyone sees');
    expect(forBob).not.toContain('Subscribed to');
    expect(forBob).not.toContain('Only visible to you');
  });

  it('sit among the messages in time order, and only in their own conversation', async () => {
    const before = await post('C0PAPERS', 'before');
    const { message_ts: ephemeral } = await api('chat.postEphemeral', {
      channel: 'C0PAPERS',
      user: 'U0ALICE',
      text: 'only for Alice',
    });
    const after = await post('C0PAPERS', 'after');
    expect([...articles(screen('C0PAPERS').main).keys()]).toEqual([before, ephemeral, after]);
    expect(screen('C0GENERAL').main).not.toContain('only for Alice');
  });
});

describe('unfurls', () => {
  it('attach under the message whose link they unfurl, and under no other', async () => {
    const before = await post('C0GENERAL', 'no links here');
    const { message } = await slack.postAsUser({
      userId: 'U0ALICE',
      channel: 'C0GENERAL',
      text: 'Worth a look: https://arxiv.org/abs/2406.07550',
    });
    const after = await post('C0GENERAL', 'nor here');
    await api('chat.unfurl', {
      channel: 'C0GENERAL',
      ts: message.ts,
      unfurls: {
        'https://arxiv.org/abs/2406.07550': {
          title: 'An Image is Worth 32 Tokens',
          text: 'Abstract…',
        },
      },
    });

    const shown = articles(screen('C0GENERAL').main);
    const unfurled = shown.get(message.ts)!;
    expect(unfurled).toContain('<div class="unfurls">');
    expect(visibleText(unfurled.slice(unfurled.indexOf('class="unfurls"')))).toContain(
      'An Image is Worth 32 Tokens',
    );
    expect(shown.get(before)).not.toContain('unfurls');
    expect(shown.get(after)).not.toContain('unfurls');
  });
});

describe('the Home tab', () => {
  const home = {
    type: 'home',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Your keywords:* tokenizer' } }],
  };

  it('shows a placeholder until the app publishes a view, then the view', async () => {
    const before = screen('app:home');
    expect(before.main).toContain('Opening Paperboy’s Home tab…');
    expect(before.main).toContain('class="app-tab active" data-place="app:home"');
    expect(before.composer).toBeNull();

    const { view } = await api('views.publish', { user_id: 'U0ALICE', view: home });
    const after = screen('app:home');
    expect(after.main).not.toContain('Opening Paperboy’s Home tab');
    expect(after.main).toContain(`<section class="home" data-view-id="${view!.id}">`);
    expect(after.main).toContain('<b>Your keywords:</b> tokenizer');
    expect(after.composer).toBeNull();
    expect(after.thread).toBe('');
    // Each member has their own.
    expect(screen('app:home', { member: bob }).main).toContain('Opening Paperboy’s Home tab…');
  });
});

describe('the modal', () => {
  const modal = (id: string, hash: string, title: string): SlackView => ({
    id,
    type: 'modal',
    hash,
    callback_id: 'keywords',
    private_metadata: '',
    title: { type: 'plain_text', text: title },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Never mind' },
    blocks: [
      {
        type: 'input',
        block_id: 'keywords',
        label: { type: 'plain_text', text: 'Keywords' },
        element: { type: 'plain_text_input', action_id: 'value' },
      },
      {
        type: 'input',
        block_id: 'mode',
        label: { type: 'plain_text', text: 'Mode' },
        element: { type: 'plain_text_input', action_id: 'value' },
      },
    ],
    state: { values: {} },
    root_view_id: id,
    previous_view_id: null,
  });
  const under = modal('V0UNDER', '1.aaaa', 'Under');
  const top = modal('V0TOP', '1.bbbb', 'Alert keywords');

  it('is empty, with an empty key, when the member has none open', () => {
    const { modal: html, modalKey } = screen('C0PAPERS');
    expect(html).toBe('');
    expect(modalKey).toBe('');
  });

  it('shows the top modal with its title, submit and close, and the app’s errors inline', () => {
    const errors = { keywords: 'Give at least one <keyword>' };
    const asked: string[] = [];
    const { modal: html } = screen('C0PAPERS', {
      state: stateWith({ openModals: (userId) => (userId === 'U0ALICE' ? [under, top] : []) }),
      modalErrors: (view) => {
        asked.push(view.id);
        return errors;
      },
    });
    expect(asked).toEqual(['V0TOP']);
    expect(html).toContain('data-view-id="V0TOP"');
    expect(html).not.toContain('V0UNDER');
    expect(html).toContain('<h2>Alert keywords</h2>');
    expect(html).toContain('data-modal-submit>Save</button>');
    expect(html).toContain('data-modal-close>Never mind</button>');
    const keywordsBlock =
      /<div class="bk-input bk-input-block bk-has-error" data-block-id="keywords"[\s\S]*?role="alert">([^<]*)</.exec(
        html,
      );
    expect(keywordsBlock?.[1]).toBe('Give at least one &lt;keyword&gt;');
    expect(html).toContain('<div class="bk-input bk-input-block" data-block-id="mode"');
    expect(html.match(/class="bk-error"/g)).toHaveLength(1);
  });

  it('has no submit button without one, and "Cancel" for a missing close', () => {
    const bare = { ...top, submit: null, close: null } as SlackView;
    const { modal: html } = screen('C0PAPERS', { state: stateWith({ openModals: () => [bare] }) });
    expect(html).not.toContain('data-modal-submit');
    expect(html).toContain('data-modal-close>Cancel</button>');
  });

  it('keeps its key while only the rest of the screen changes; a new view, hash or errors change it', async () => {
    let modals = [top];
    let errors: Record<string, string> | undefined;
    const keyed = (where = 'C0PAPERS') =>
      screen(where, {
        state: stateWith({ openModals: () => modals }),
        modalErrors: () => errors,
      }).modalKey;

    const first = keyed();
    expect(first).not.toBe('');
    await post('C0PAPERS', 'a card arrives under the modal');
    expect(keyed()).toBe(first);
    expect(keyed('app:home')).toBe(first);

    errors = { keywords: 'Too short' };
    const withErrors = keyed();
    expect(withErrors).not.toBe(first);
    expect(keyed()).toBe(withErrors);
    errors = { keywords: 'Still too short' };
    expect(keyed()).not.toBe(withErrors);
    errors = undefined;
    expect(keyed()).toBe(first);

    modals = [{ ...top, hash: '2.cccc', title: { type: 'plain_text', text: 'Updated' } }];
    expect(keyed()).not.toBe(first);
    modals = [top, modal('V0PUSHED', '1.dddd', 'Pushed')];
    expect(keyed()).not.toBe(first);
    modals = [top];
    expect(keyed()).toBe(first);
  });
});

describe('the message box', () => {
  it('is labelled with the channel, and absent in the app’s tabs (its Messages tab is read-only)', () => {
    expect(screen('C0PAPERS').composer).toBe('Message #papers');
    expect(screen('C0GENERAL').composer).toBe('Message #general');
    expect(screen('app:messages').composer).toBeNull();
    expect(screen('app:messages').main).toContain(
      'Sending messages to this app has been turned off.',
    );
    expect(screen('app:home').composer).toBeNull();
  });
});

describe('escaping', () => {
  const hostile: WorkspaceDirectory = {
    teamName: 'Lab <b>&</b>',
    app: { userId: 'U0PAPERBOY', name: 'Paperboy' },
    members: [
      { id: 'U0ALICE', name: 'Alice', title: '' },
      { id: 'U0EVE', name: '<img src=x onerror="alert(1)">', title: '' },
    ],
    channels: [
      { id: 'C0PAPERS', name: 'papers', topic: '' },
      { id: 'C0EVIL', name: '<script>alert(2)</script>', topic: '"><svg onload=alert(3)>' },
    ],
  };
  const hostileScreen = (where: string) =>
    renderScreen({
      state: slack,
      directory: hostile,
      member: hostile.members[0]!,
      place: parsePlace(where, hostile)!,
      unread: () => 0,
      modalErrors: () => undefined,
    });
  /** No tag or handler that hostile text could have added: escaped text holds no `<`. */
  const inert = (html: string) => {
    const tags = html.match(/<[^>]*>/g) ?? [];
    expect(tags.filter((tag) => /^<\/?(script|img|svg)\b|\son\w+=/i.test(tag))).toEqual([]);
  };

  it('escapes channel, member and team names wherever they are shown', async () => {
    const { message } = await slack.postAsUser({
      userId: 'U0EVE',
      channel: 'C0EVIL',
      text: 'hello',
    });
    await post('C0EVIL', 'Welcome <@U0EVE> to <#C0EVIL>');
    const shown = hostileScreen('C0EVIL');
    for (const html of [shown.sidebar, shown.main]) inert(html);
    expect(shown.sidebar).toContain('Lab &lt;b&gt;&amp;&lt;/b&gt;');
    expect(shown.sidebar).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(shown.main).toContain('&quot;&gt;&lt;svg onload=alert(3)&gt;');
    const eve = articles(shown.main).get(message.ts)!;
    expect(eve).toContain(
      '<span class="author">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</span>',
    );
    expect(eve).toContain('data-initial="&lt;"');
    expect(visibleText(shown.main)).toContain(
      'Welcome @<img src=x onerror="alert(1)"> to #<script>alert(2)</script>',
    );
    // The title and the placeholder are text, set as such by the page (document.title, placeholder).
    expect(shown.title).toBe('#<script>alert(2)</script> · Lab <b>&</b>');
    expect(shown.composer).toBe('Message #<script>alert(2)</script>');
  });

  it('shows <script> typed by a member as text', async () => {
    const typed = '<script>alert(1)</script> & <img src=x onerror=alert(2)>';
    const { message } = await slack.postAsUser({
      userId: 'U0BOB',
      channel: 'C0PAPERS',
      text: typed,
    });
    const { main } = screen('C0PAPERS');
    inert(main);
    expect(visibleText(articles(main).get(message.ts)!)).toContain(typed);

    const parent = await post('C0PAPERS', 'a card');
    await slack.postAsUser({ userId: 'U0BOB', channel: 'C0PAPERS', text: typed, threadTs: parent });
    const { thread } = screen('C0PAPERS', { threadTs: parent });
    inert(thread);
    expect(visibleText(thread)).toContain(typed);
  });
});
