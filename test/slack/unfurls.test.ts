import { hfPaperItem, minimalPaper } from '../support/papers';
import { validateBlocks } from '../support/block-kit';
import { eventually, startHarness, type Harness } from '../support/harness';
import { renderBlocks } from '../support/render-text';
import type { ApiCall } from '../support/slack-emulator';

const CHANNEL = 'C0READING';
/** In the store from the start: a new-style and an old-style arXiv id. */
const KNOWN = minimalPaper('2406.07550', { title: 'An Image is Worth 32 Tokens' });
const OLD_STYLE = minimalPaper('hep-th/9901001', { title: 'Large N Limits of Field Theories' });
/** In the store, with cards in three channels of the workspace (and one in another workspace). */
const DISCUSSED = minimalPaper('2405.00001', { title: 'A Paper the Team Discussed' });
const ELSEWHERE = minimalPaper('2405.00002', { title: 'Another Known Paper' });

interface Button {
  action_id?: string;
  value?: string;
  text?: { text: string };
}
interface Block {
  type: string;
  block_id?: string;
  elements?: Array<Button & { type: string }>;
}

/** The domain Slack names a link by: the unfurl domain it matched. */
function domainOf(url: string): string {
  const host = new URL(url).hostname;
  return host.endsWith('arxiv.org') ? 'arxiv.org' : host.replace(/^www\./, '');
}

const hfItem = hfPaperItem;

describe('link unfurls: paper links become paper cards (link_shared → chat.unfurl)', () => {
  let h: Harness;
  let seq = 0;

  beforeAll(async () => {
    // The app alone: no poll runs, the store holds exactly what each test puts there.
    h = await startHarness({ role: 'app', items: [] });
    await h.paperboy.store.upsertPapers([KNOWN, OLD_STYLE, DISCUSSED, ELSEWHERE], new Date());
  });

  afterAll(async () => {
    await h?.stop();
  });

  /** A `link_shared` event as Slack sends it for a posted message, with a fresh `message_ts`. */
  function linkShared(urls: string[], fields: Record<string, unknown> = {}) {
    seq += 1;
    return {
      type: 'link_shared',
      channel: CHANNEL,
      is_bot_user_member: true,
      user: 'U0ALICE',
      message_ts: `1800000000.${String(seq).padStart(6, '0')}`,
      links: urls.map((url) => ({ domain: domainOf(url), url })),
      event_ts: `1800000000.${String(seq).padStart(6, '0')}`,
      ...fields,
    };
  }

  /** Sends the event and returns the `chat.unfurl` call it led to, once Slack took it. */
  async function unfurl(event: Record<string, unknown>): Promise<ApiCall> {
    const answer = await h.slack.sendEvent(event);
    expect(answer.status).toBe(200);
    const call = await h.slack.waitFor(() =>
      h.slack
        .calls('chat.unfurl')
        .find(
          (c) =>
            (event['unfurl_id'] !== undefined && c.args['unfurl_id'] === event['unfurl_id']) ||
            (c.args['ts'] === event['message_ts'] && c.args['channel'] === event['channel']),
        ),
    );
    expect(call.response['ok']).toBe(true);
    return call;
  }

  /**
   * Sends an event (unless `sent`) that must not unfurl: a later event that does proves it was
   * handled. An event whose handler waits on a lookup must be waited for by its caller first.
   */
  async function expectNoUnfurl(
    event: Record<string, unknown>,
    options: { sent?: boolean } = {},
  ): Promise<void> {
    if (!options.sent) expect((await h.slack.sendEvent(event)).status).toBe(200);
    await unfurl(linkShared([`https://arxiv.org/abs/${KNOWN.id}`]));
    expect(
      h.slack.calls('chat.unfurl').filter((c) => c.args['ts'] === event['message_ts']),
    ).toEqual([]);
  }

  const entries = (call: ApiCall) => call.args['unfurls'] as Record<string, { blocks: Block[] }>;
  const upvoteButton = (blocks: Block[]): Button | undefined =>
    blocks
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.type === 'button' && e.action_id === 'paper_upvote');
  const contextText = (blocks: Block[], blockId: string): string | undefined =>
    (blocks.find((b) => b.block_id === blockId)?.elements?.[0] as { text?: string } | undefined)
      ?.text;

  describe.each([
    ['arXiv abstract', `https://arxiv.org/abs/${KNOWN.id}`, KNOWN.id],
    ['arXiv abstract, versioned', `https://arxiv.org/abs/${KNOWN.id}v2`, KNOWN.id],
    ['arXiv PDF', `https://arxiv.org/pdf/${KNOWN.id}`, KNOWN.id],
    ['arXiv PDF, versioned', `https://arxiv.org/pdf/${KNOWN.id}v1`, KNOWN.id],
    ['arXiv PDF with .pdf', `https://arxiv.org/pdf/${KNOWN.id}v1.pdf`, KNOWN.id],
    ['arXiv HTML', `https://arxiv.org/html/${KNOWN.id}`, KNOWN.id],
    ['arXiv HTML, versioned', `https://arxiv.org/html/${KNOWN.id}v3`, KNOWN.id],
    ['www.arxiv.org', `https://www.arxiv.org/abs/${KNOWN.id}`, KNOWN.id],
    ['export.arxiv.org', `https://export.arxiv.org/abs/${KNOWN.id}`, KNOWN.id],
    ['plain http', `http://arxiv.org/abs/${KNOWN.id}`, KNOWN.id],
    ['old-style id', `https://arxiv.org/abs/${OLD_STYLE.id}`, OLD_STYLE.id],
    ['old-style id, versioned PDF', `https://arxiv.org/pdf/${OLD_STYLE.id}v2`, OLD_STYLE.id],
    ['Hugging Face paper page', `https://huggingface.co/papers/${KNOWN.id}`, KNOWN.id],
    [
      'Hugging Face, with a fragment',
      `https://huggingface.co/papers/${KNOWN.id}#community`,
      KNOWN.id,
    ],
    ['hf.co short link', `https://hf.co/papers/${KNOWN.id}`, KNOWN.id],
  ])('%s', (_label, url, paperId) => {
    it(`unfurls ${url} into the card of ${paperId}`, async () => {
      const call = await unfurl(linkShared([url]));
      expect(call.args['channel']).toBe(CHANNEL);
      expect(Object.keys(entries(call))).toEqual([url]);
      const blocks = entries(call)[url]?.blocks ?? [];
      expect(validateBlocks(blocks, 'message')).toEqual([]);
      expect(upvoteButton(blocks)).toMatchObject({ value: paperId, text: { text: '▲ 0' } });
      const title = paperId === KNOWN.id ? KNOWN.title : OLD_STYLE.title;
      expect(renderBlocks(blocks)).toContain(title);
    });
  });

  it('leaves listing pages and other links alone, with no call when none is a paper', async () => {
    const ignored = [
      'https://huggingface.co/papers/date/2025-06-01',
      'https://huggingface.co/papers/week/2025-W23',
      'https://huggingface.co/papers/trending',
      'https://huggingface.co/papers',
      'https://hf.co/papers/date/2025-06-01',
      'https://huggingface.co/datasets/squad',
      'https://arxiv.org/list/cs.CL/recent',
      'https://arxiv.org/abs/',
      'https://huggingface.co/papers/not-a-paper',
    ];
    await expectNoUnfurl(linkShared(ignored));

    // Mixed with a paper link: only the paper gets an entry.
    const paperUrl = `https://huggingface.co/papers/${KNOWN.id}`;
    const call = await unfurl(linkShared([...ignored.slice(0, 3), paperUrl]));
    expect(Object.keys(entries(call))).toEqual([paperUrl]);
  });

  it('says where the team discussed a paper: the liveliest thread, then the oldest card', async () => {
    const { store } = h.paperboy;
    const workspaceId = h.slack.teamId;
    const cards = [
      { channelId: 'C0QUIET', messageTs: '1700000000.000100', replies: 0 },
      { channelId: 'C0FIRST', messageTs: '1700000100.000200', replies: 5 },
      { channelId: 'C0LATER', messageTs: '1700000200.000300', replies: 5 },
    ];
    for (const card of cards) {
      await store.recordDelivery({
        workspaceId,
        channelId: card.channelId,
        paperId: DISCUSSED.id,
        messageTs: card.messageTs,
        postedAt: new Date(Number(card.messageTs) * 1000),
      });
      if (card.replies) {
        await store.countThreadReplies(
          { workspaceId, channelId: card.channelId },
          card.messageTs,
          card.replies,
        );
      }
    }
    // Another workspace's card and votes are not this team's.
    const other = { workspaceId: 'T0OTHER', channelId: 'C0ELSEWHERE' };
    await store.recordDelivery({
      ...other,
      paperId: DISCUSSED.id,
      messageTs: '1600000000.000100',
      postedAt: new Date(1_600_000_000_000),
    });
    await store.countThreadReplies(other, '1600000000.000100', 50);
    await store.toggleVote('T0OTHER', DISCUSSED.id, 'U0MALLORY', new Date());
    for (const user of ['U0ALICE', 'U0BOB', 'U0CAROL']) {
      await store.toggleVote(workspaceId, DISCUSSED.id, user, new Date());
    }

    const url = `https://arxiv.org/abs/${DISCUSSED.id}`;
    const blocks = entries(await unfurl(linkShared([url])))[url]?.blocks ?? [];
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(upvoteButton(blocks)?.text?.text).toBe('▲ 3');
    const permalink = 'https://paperboy-test.slack.com/archives/C0FIRST/p1700000100000200';
    expect(contextText(blocks, 'paper_discussed')).toBe(
      `💬 Discussed in <#C0FIRST>  ·  <${permalink}|5 replies>  ·  ▲ 3`,
    );
    expect(renderBlocks(blocks)).toContain(`Discussed in #C0FIRST  ·  5 replies (${permalink})`);

    // A paper with no card in the workspace says nothing of the kind.
    const fresh = `https://arxiv.org/abs/${ELSEWHERE.id}`;
    const freshBlocks = entries(await unfurl(linkShared([fresh])))[fresh]?.blocks ?? [];
    expect(contextText(freshBlocks, 'paper_discussed')).toBeUndefined();
    expect(JSON.stringify(freshBlocks)).not.toContain('Discussed');
  });

  it('fetches a paper Paperboy has not seen from Hugging Face, and keeps it', async () => {
    h.feed.setPaper('2510.00001', hfItem('2510.00001', 'Fetched from the Hub'));
    const url = 'https://hf.co/papers/2510.00001';
    const blocks = entries(await unfurl(linkShared([url])))[url]?.blocks ?? [];
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(renderBlocks(blocks)).toContain('Fetched from the Hub');
    expect(upvoteButton(blocks)?.value).toBe('2510.00001');
    expect((await h.paperboy.store.getPaper('2510.00001'))?.title).toBe('Fetched from the Hub');

    // Kept: the next link to it is answered from the store.
    const asked = () => h.feed.requests().filter((r) => r.path.endsWith('/2510.00001')).length;
    const before = asked();
    await unfurl(linkShared(['https://arxiv.org/abs/2510.00001v2']));
    expect(asked()).toBe(before);
  });

  it('escapes a hostile title from the feed', async () => {
    const hostile =
      '<!channel> Attention <@U0BOSS> is *all* you need & <https://evil.example|more>';
    h.feed.setPaper('2510.00004', hfItem('2510.00004', hostile));
    const url = 'https://huggingface.co/papers/2510.00004';
    const call = await unfurl(linkShared([url]));
    const raw = JSON.stringify(call.args['unfurls']);
    expect(raw).not.toMatch(/<!channel>|<@U0BOSS>|<https:\/\/evil/);
    expect(raw).toContain('&lt;!channel&gt; Attention &lt;@U0BOSS&gt;');
    expect(renderBlocks(entries(call)[url]?.blocks)).toContain(hostile);
  });

  it('answers several links in one message with one call, an entry per paper URL, up to 5', async () => {
    const urls = [
      `https://arxiv.org/abs/${KNOWN.id}`,
      `https://arxiv.org/pdf/${KNOWN.id}v1`,
      'https://example.com/not-a-paper',
      `https://huggingface.co/papers/${DISCUSSED.id}`,
      `https://arxiv.org/abs/${OLD_STYLE.id}`,
    ];
    const before = h.slack.calls('chat.unfurl').length;
    const call = await unfurl(linkShared(urls));
    expect(Object.keys(entries(call)).sort()).toEqual(
      urls.filter((u) => !u.includes('example.com')).sort(),
    );
    expect(h.slack.calls('chat.unfurl')).toHaveLength(before + 1);
    for (const entry of Object.values(entries(call))) {
      expect(validateBlocks(entry.blocks, 'message')).toEqual([]);
    }

    // Seven paper links: the first five get cards.
    const seven = [KNOWN.id, OLD_STYLE.id, DISCUSSED.id, ELSEWHERE.id, '2510.00001', '2510.00004']
      .map((id) => `https://arxiv.org/abs/${id}`)
      .concat(`https://hf.co/papers/${KNOWN.id}`);
    const capped = await unfurl(linkShared(seven));
    expect(Object.keys(entries(capped))).toEqual(seven.slice(0, 5));
  });

  it('unfurls a link still in the composer by unfurl_id and source', async () => {
    const url = `https://arxiv.org/abs/${KNOWN.id}`;
    const unfurlId = 'C0READING.1800000000.000999.1b90fa1278528ce6e2f6';
    const event = linkShared([url], {
      channel: 'COMPOSER',
      message_ts: 'U0ALICE-909b5454-75f8-4ac4-b325-1b40e230bbd8',
      unfurl_id: unfurlId,
      source: 'composer',
    });
    const call = await unfurl(event);
    expect(call.args).toMatchObject({ unfurl_id: unfurlId, source: 'composer' });
    expect(call.args['channel']).toBeUndefined();
    expect(call.args['ts']).toBeUndefined();
    expect(h.slack.unfurls().at(-1)).toMatchObject({
      unfurlId,
      source: 'composer',
    });
  });

  it('skips a paper nobody knows, and one that cannot be looked up now, and logs why', async () => {
    const known = `https://arxiv.org/abs/${KNOWN.id}`;
    const unknown = 'https://arxiv.org/abs/2510.99999';
    const call = await unfurl(linkShared([unknown, known]));
    expect(Object.keys(entries(call))).toEqual([known]);

    // Hugging Face and arXiv both refuse: the lookup is unavailable, the link is skipped.
    h.feed.pushFault({ status: 403, body: '{"error":"forbidden"}' });
    h.feed.pushFault({ status: 403, body: 'forbidden' });
    const unavailable = linkShared(['https://huggingface.co/papers/2510.00003']);
    await h.slack.sendEvent(unavailable);
    await h.slack.waitFor(
      () => h.logs.find((line) => line.includes('not unfurling 2510.00003: could not reach')),
      { timeoutMs: 10_000 },
    );
    await expectNoUnfurl(unavailable, { sent: true });
  });

  it('counts a click on an unfurl’s upvote button as the clicker’s vote', async () => {
    const url = `https://arxiv.org/abs/${ELSEWHERE.id}`;
    const event = linkShared([url]);
    const blocks = entries(await unfurl(event))[url]?.blocks ?? [];
    const button = upvoteButton(blocks);
    const actions = blocks.find((b) => b.type === 'actions');
    // A button in an unfurl is in a message attachment: Slack says so in the container.
    const payload = {
      type: 'block_actions',
      user: { id: 'U0DAVE', username: 'dave', name: 'dave', team_id: h.slack.teamId },
      api_app_id: 'A0PAPERBOY',
      token: 'legacy-verification-token',
      container: {
        type: 'message_attachment',
        message_ts: event.message_ts,
        attachment_id: 1,
        channel_id: CHANNEL,
        is_ephemeral: false,
        is_app_unfurl: true,
        app_unfurl_url: url,
      },
      trigger_id: '1.2.3',
      team: { id: h.slack.teamId, domain: 'paperboy-test' },
      channel: { id: CHANNEL, name: 'reading' },
      message: { type: 'message', ts: event.message_ts, user: 'U0ALICE', text: url },
      response_url: `${h.slack.url}/response/unfurl-click`,
      actions: [
        {
          action_id: button?.action_id,
          block_id: actions?.block_id,
          value: button?.value,
          type: 'button',
          text: button?.text,
          action_ts: '1800000001.000000',
        },
      ],
    };
    const before = await h.paperboy.store.countVotes(h.slack.teamId, ELSEWHERE.id);
    const form = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const answer = await h.slack.signedPost(form, 'application/x-www-form-urlencoded');
    expect(answer.status).toBe(200);
    await eventually(
      async () => (await h.paperboy.store.countVotes(h.slack.teamId, ELSEWHERE.id)) === before + 1,
      'the vote from the unfurl',
    );
    // The unfurl is unfurled again with the new count.
    await h.slack.waitFor(() =>
      h.slack
        .unfurls()
        .some((u) => JSON.stringify(u.unfurls[url] ?? {}).includes(`▲ ${before + 1}`)),
    );
  });

  it('logs a 429 or an error from Slack, and keeps answering', async () => {
    const url = `https://arxiv.org/abs/${KNOWN.id}`;
    h.slack.failNext('chat.unfurl', { status: 429, retryAfter: 7 });
    const limited = await h.slack.sendEvent(linkShared([url]));
    expect(limited.status).toBe(200);
    await h.slack.waitFor(() => h.logs.find((line) => line.includes('retry after 7 s')));

    h.slack.failNext('chat.unfurl', { error: 'cannot_unfurl_url' });
    await h.slack.sendEvent(linkShared([url]));
    await h.slack.waitFor(() =>
      h.logs.find(
        (line) => line.includes('could not unfurl') && line.includes('cannot_unfurl_url'),
      ),
    );

    // Still alive: the next link unfurls.
    await unfurl(linkShared([url]));
  });
});
