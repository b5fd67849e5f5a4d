import { validateBlocks, blocksTextLength } from '../support/block-kit';
import { paperIdOf } from '../support/cards';
import { loadHfFixture } from '../support/feed-server';
import {
  eventually,
  startHarness,
  utcDay,
  waitForDrained,
  waitForJob,
  type Harness,
} from '../support/harness';

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

/** Resolves once the polls the harness starts with (hf and arxiv) have run and none is pending. */
async function startUpPollsDone(h: Harness): Promise<void> {
  await eventually(async () => {
    const { completed = 0, ...pending } = await h.paperboy.queues.pollFeed.getJobCounts(
      'completed',
      'active',
      'wait',
      'prioritized',
    );
    return completed >= 2 && Object.values(pending).every((count) => count === 0);
  }, 'the start-up polls');
}

describe('a hostile feed: escaped and cut cards, bad items skipped, faults retried', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: ['C0READING'], items: [] });
    // Faults are used up by whichever request comes next: the start-up polls go first (on a busy
    // machine they may start after the harness returns), then a poll that meets them.
    await startUpPollsDone(h);
    // The server's first answers misbehave: an HTML error page (not retried: it is not JSON) …
    h.feed.pushFault({
      status: 200,
      contentType: 'text/html',
      body: '<!DOCTYPE html><h1>Oops</h1>',
    });
    h.feed.setDaily(utcDay(), ITEMS);
    await h.paperboy.queues.pollNow('hf');
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

describe('a feed answer cut short or far too long: the poll fails whole, the next one stores all', () => {
  const fixture = loadHfFixture() as Array<{ paper: { id: string } }>;
  /** Today's papers, yesterday's, and today's again once the first two are stored. */
  const TODAY = fixture.slice(0, 4);
  const YESTERDAY = fixture.slice(4, 8);
  const LATER = fixture.slice(8, 12);
  const idsOf = (items: typeof fixture) => items.map((item) => item.paper.id);
  const yesterday = () => utcDay(new Date(Date.now() - 24 * 3600 * 1000));
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: ['C0READING'], items: [] });
    // The start-up polls (an empty feed) go first: the faults below are for the polls run here.
    await startUpPollsDone(h);
    h.feed.setDaily(utcDay(), TODAY);
    h.feed.setDaily(yesterday(), YESTERDAY);
  });

  afterAll(async () => {
    await h?.stop();
  });

  /**
   * Runs a poll now, and waits for its first attempt to fail (BullMQ keeps it for a retry);
   * answers its job id and the line that logged the failure.
   */
  async function failedPoll(): Promise<{ id: string; logged: string; dates: string[] }> {
    const asked = h.feed.requests().length;
    const id = await h.paperboy.queues.pollNow('hf');
    if (id === undefined) throw new Error('no poll job was added');
    const logged = await h.slack.waitFor(() =>
      h.logs.find((line) => line.includes(`poll-feed job ${id} failed (attempt 1, will retry)`)),
    );
    const dates = h.feed
      .requests()
      .slice(asked)
      .map((request) => request.query['date'] ?? '');
    return { id, logged, dates };
  }

  /** The failed poll's retry, run now instead of after its backoff; answers its result. */
  async function retryNow(id: string): Promise<unknown> {
    await eventually(
      async () => (await h.paperboy.queues.pollFeed.getJobState(id)) === 'delayed',
      `poll ${id} to wait for its retry`,
    );
    await (await h.paperboy.queues.pollFeed.getJob(id))?.promote();
    return waitForJob(h.paperboy.queues.pollFeed, id);
  }

  it('stores nothing from a poll whose second answer is truncated JSON, and all of it on the retry', async () => {
    // Today's page arrives whole; yesterday's breaks off mid-item.
    const whole = JSON.stringify(YESTERDAY);
    h.feed.pushFault({ delayMs: 1 });
    h.feed.pushFault({ status: 200, body: whole.slice(0, Math.floor(whole.length * 0.6)) });

    const { id, logged, dates } = await failedPoll();
    expect(dates).toEqual([utcDay(), yesterday()]);
    expect(logged).toMatch(/FeedError: not JSON from http:\/\/127\.0\.0\.1:\d+\/api\/daily_papers/);
    // Not half-written: today's papers, read whole before the cut, are not stored either.
    expect(await h.paperboy.store.getPapers([...idsOf(TODAY), ...idsOf(YESTERDAY)])).toEqual([]);
    expect(h.slack.messages()).toEqual([]);

    expect(await retryNow(id)).toMatchObject({ fetched: 8, inserted: 8, skipped: 0 });
    const stored = await h.paperboy.store.getPapers([...idsOf(TODAY), ...idsOf(YESTERDAY)]);
    expect(stored.map((paper) => paper.id).sort()).toEqual(
      [...idsOf(TODAY), ...idsOf(YESTERDAY)].sort(),
    );
    await h.slack.waitFor(() => h.slack.messages().length === 8);
  });

  it('stops reading a 10 MB answer at the size cap, stores nothing from it, and all on the retry', async () => {
    await waitForDrained(h.paperboy.queues.announce);
    const before = h.slack.messages().length;
    h.feed.setDaily(utcDay(), LATER);
    // Valid JSON, chunked without a Content-Length: only its size is wrong.
    const padding = 'An abstract that goes on and on. '.repeat(320_000);
    const huge = JSON.stringify([...LATER, { paper: { ...LATER[0]!.paper, summary: padding } }]);
    expect(huge.length).toBeGreaterThan(10 * 1024 * 1024);
    h.feed.pushFault({ status: 200, body: huge });

    const { id, logged, dates } = await failedPoll();
    // Today's answer failed the poll: yesterday's was not even asked for.
    expect(dates).toEqual([utcDay()]);
    expect(logged).toMatch(/FeedError: response larger than 5 MB from http:\/\/127\.0\.0\.1:\d+\//);
    expect(await h.paperboy.store.getPapers(idsOf(LATER))).toEqual([]);
    expect(h.slack.messages()).toHaveLength(before);

    expect(await retryNow(id)).toMatchObject({ fetched: 8, inserted: 4, skipped: 0 });
    const stored = await h.paperboy.store.getPapers(idsOf(LATER));
    expect(stored.map((paper) => paper.id).sort()).toEqual(idsOf(LATER).sort());
    await h.slack.waitFor(() => h.slack.messages().length === before + LATER.length);
  });
});
