import { validateBlocks, blocksTextLength } from '../support/block-kit';
import { paperIdOf } from '../support/cards';
import { startHarness, utcDay, type Harness } from '../support/harness';

const HOSTILE_TITLE = '<!channel> <@U123> & <http://evil.example|click>';

function item(id: string, paper: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    paper: {
      id,
      authors: [{ name: 'Ada Lovelace' }],
      publishedAt: '2025-06-03T17:59:00.000Z',
      title: `Paper ${id}`,
      summary: 'A sound abstract.',
      upvotes: 3,
      ...paper,
    },
    numComments: 1,
    ...extra,
  };
}

const ITEMS = [
  item('2506.00001', {
    title: HOSTILE_TITLE,
    summary: 'Ping <!here> & <@U999>, then <https://evil.example|win>.',
  }),
  item('2506.00002', { summary: `${'A sentence that goes on. '.repeat(800)}End.` }),
  // A 2024-style item: no summary anywhere.
  item('2406.00003', { summary: undefined }),
  item('2506.00004', { title: undefined }),
  item('not-an-id', {}),
  item('2506.00005', { publishedAt: 'yesterday' }),
  'not even an object',
  item('2506.00006', { githubRepo: 'octo/repo', githubStars: 1234 }),
];
const GOOD_IDS = ['2506.00001', '2506.00002', '2406.00003', '2506.00006'];

describe('a hostile feed: escaped and cut cards, bad items skipped, faults retried', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: ['C0READING'], items: [] });
    // The server's first answers misbehave: an HTML error page (not retried: it is not JSON) …
    h.feed.pushFault({
      status: 200,
      contentType: 'text/html',
      body: '<!DOCTYPE html><h1>Oops</h1>',
    });
    h.feed.setDaily(utcDay(), ITEMS);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('logs a poll that got an HTML page instead of JSON, and stores nothing from it', async () => {
    await h.slack.waitFor(() => h.logs.find((line) => line.includes('not JSON')));
    expect(await h.paperboy.store.getPapers(GOOD_IDS)).toEqual([]);
    expect(h.slack.messages()).toHaveLength(0);
  });

  it('retries after a 500 and a hanging response, then posts the good items', async () => {
    h.feed.pushFault({ status: 500, body: '{"error":"boom"}' });
    h.feed.pushFault({ hang: true });
    // The failed poll waits in BullMQ's backoff; run it now instead of in 10 s.
    const [retry] = await h.paperboy.queues.pollFeed.getDelayed();
    await retry?.promote();
    await h.slack.waitFor(() => h.slack.messages().length === GOOD_IDS.length, {
      timeoutMs: 10_000,
    });
    expect(h.slack.messages().map(paperIdOf).sort()).toEqual([...GOOD_IDS].sort());
    expect(h.logs.some((line) => line.includes('HTTP 500'))).toBe(true);
    expect(h.logs.some((line) => line.includes('no answer within'))).toBe(true);
  });

  it('skips malformed items with a logged reason', () => {
    const skipped = h.logs.filter((line) => line.includes('skipped HF item'));
    expect(skipped.some((line) => line.includes('missing title'))).toBe(true);
    expect(skipped.some((line) => line.includes('not an arXiv id'))).toBe(true);
    expect(skipped.some((line) => line.includes("'yesterday'"))).toBe(true);
    expect(skipped.length).toBeGreaterThanOrEqual(4);
  });

  it('escapes every piece of feed text: nobody is pinged, no link is injected', () => {
    const card = h.slack.messages().find((m) => paperIdOf(m) === '2506.00001')!;
    const wire = JSON.stringify(card.blocks) + card.text;
    for (const control of [
      '<!channel>',
      '<@U123>',
      '<!here>',
      '<@U999>',
      '<http://evil',
      '<https://evil',
    ]) {
      expect(wire).not.toContain(control);
    }
    expect(wire).toContain(
      '&lt;!channel&gt; &lt;@U123&gt; &amp; &lt;http://evil.example|click&gt;',
    );
  });

  it('cuts a 20,000-character abstract at a sentence within Block Kit’s limits', () => {
    const card = h.slack.messages().find((m) => paperIdOf(m) === '2506.00002')!;
    expect(validateBlocks(card.blocks, 'message')).toEqual([]);
    expect(blocksTextLength(card.blocks)).toBeLessThan(12_000);
    const abstract =
      JSON.stringify(card.blocks).match(/A sentence that goes on\.[^"]*"/)?.[0] ?? '';
    expect(abstract).toMatch(/goes on\."$/);
    expect(abstract.length).toBeLessThan(1000);
  });

  it('shows a card for an item without an abstract', () => {
    const card = h.slack.messages().find((m) => paperIdOf(m) === '2406.00003')!;
    expect(JSON.stringify(card.blocks)).toContain('No abstract available');
  });
});
