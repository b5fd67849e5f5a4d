import type { AnnounceResult } from '../../jobs/announce';
import { loadHfFixture } from '../support/feed-server';
import { eventually, startHarness, utcDay, waitForJob, type Harness } from '../support/harness';

const SEED = 0xc4a05;
/** 5 channels × the fixture's 50 papers: 250 cards, in 20–40 s under the chaos below. */
const CHANNELS = ['C0CHAOS1', 'C0CHAOS2', 'C0CHAOS3', 'C0CHAOS4', 'C0CHAOS5'];
const PAPER_IDS = (loadHfFixture() as Array<{ paper: { id: string } }>).map((i) => i.paper.id);
const POSTS = CHANNELS.length * PAPER_IDS.length;
/**
 * On posts, updates and history reads: 10 % answered 429 (Retry-After 1), 10 % answered 500
 * (taking no effect), 5 % answered 1.5 s late (taking effect at once).
 */
const CHAOS = { seed: SEED, rateLimited: 0.1, serverError: 0.1, slow: 0.05, slowMs: 1_500 };
/**
 * How long the storm lasts: every card's first attempts and most retries fall in it. Then Slack
 * recovers, as it does after an incident: a job's backoff (2 s, doubling) keeps growing while
 * its attempts keep failing, and about one run in a hundred would have a card fail six times in
 * a row and wait two minutes. Within 20 s a job fails four times at most (at 0, 2, 6 and 14 s
 * after its first failure), so the last card is in within about 40 s, every run.
 */
const STORM_MS = 20_000;

const pairOf = (channel: string, paperId: string) => `${channel}/${paperId}`;

/**
 * The whole app (harness) announcing 250 cards while Slack rate-limits, fails and dawdles at
 * random (seeded): a 429 delays a job without using up an attempt, a 500 is retried with backoff
 * after a look in the channel (nothing says the post did not land), a slow answer is waited for.
 * Every (channel, paper) ends up in Slack exactly once and in the ledger with its ts.
 */
describe('announcements while Slack answers 429s, 500s and slowly at random', () => {
  let h: Harness;

  beforeAll(async () => {
    // The channels follow HF from the start; the feed has nothing until chaos is on.
    h = await startHarness({ channels: CHANNELS, items: [] });
    await eventually(
      async () =>
        (await h.paperboy.queues.pollFeed.getCompleted()).some((job) => job.data.feed === 'hf'),
      'the start-up poll of HF',
    );
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function ledger(): Promise<Map<string, string>> {
    const cards = await h.paperboy.store.recentCards(new Date(0));
    return new Map(cards.map((card) => [pairOf(card.channelId, card.paperId), card.messageTs]));
  }

  it('posts every (channel, paper) exactly once, and the ledger agrees', async () => {
    h.slack.setChaos(CHAOS);
    const calm = setTimeout(() => h.slack.setChaos(undefined), STORM_MS);
    h.feed.setDaily(utcDay(), loadHfFixture());
    const startedAt = Date.now();
    const poll = await h.paperboy.queues.pollNow('hf');
    expect(await waitForJob(h.paperboy.queues.pollFeed, poll)).toMatchObject({
      announcementsQueued: POSTS,
    });
    const announce = h.paperboy.queues.announce;
    await eventually(
      async () => {
        if ((await ledger()).size < POSTS) return false;
        const counts = await announce.getJobCounts('wait', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((count) => count === 0);
      },
      'every card posted and recorded',
      60_000,
    ).finally(() => clearTimeout(calm));
    const elapsedMs = Date.now() - startedAt;
    // A little longer: a late duplicate would show up now.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const inSlack = new Map<string, string[]>();
    for (const message of h.slack.messages()) {
      const pair = pairOf(message.channel, String(message.metadata?.event_payload['paper_id']));
      inSlack.set(pair, [...(inSlack.get(pair) ?? []), message.ts]);
    }
    const recorded = await ledger();
    const expected = CHANNELS.flatMap((c) => PAPER_IDS.map((p) => pairOf(c, p))).sort();
    expect([...inSlack].filter(([, ts]) => ts.length > 1).map(([pair]) => pair)).toEqual([]);
    expect([...inSlack.keys()].sort()).toEqual(expected);
    expect([...recorded.keys()].sort()).toEqual(expected);
    for (const [pair, [ts]] of inSlack) expect(recorded.get(pair)).toBe(ts);
    expect(await announce.getJobCounts('failed')).toEqual({ failed: 0 });

    const chaos = h.slack.chaosStats();
    const posts = chaos.byMethod['chat.postMessage'];
    // The seed did make a mess of it.
    expect(posts?.rateLimited).toBeGreaterThan(0);
    expect(posts?.serverError).toBeGreaterThan(0);
    expect(posts?.slow).toBeGreaterThan(0);
    const completed = await announce.getJobs(['completed']);
    const sources = new Map<string, number>();
    for (const job of completed) {
      const source = (job.returnvalue as AnnounceResult).source;
      sources.set(source, (sources.get(source) ?? 0) + 1);
    }
    const retried = h.logs.filter((line) => /announce job .* failed \(attempt/.test(line)).length;
    const by = (method: string) => {
      const counts = chaos.byMethod[method];
      return counts
        ? `${method} ${counts.rateLimited}/${counts.serverError}/${counts.slow}`
        : `${method} 0/0/0`;
    };
    console.log(
      [
        `chaos run: ${POSTS} cards in ${(elapsedMs / 1000).toFixed(1)} s (seed ${SEED}, a ${STORM_MS / 1000} s storm)`,
        `  chaos dealt ${chaos.rateLimited} 429s, ${chaos.serverError} 500s, ${chaos.slow} slow answers ` +
          `(429/500/slow: ${by('chat.postMessage')}, ${by('conversations.history')})`,
        `  calls: chat.postMessage ${h.slack.calls('chat.postMessage').length}, ` +
          `conversations.history ${h.slack.calls('conversations.history').length}; ` +
          `attempts failed and retried with backoff: ${retried}`,
        `  results: ${[...sources].map(([source, n]) => `${source} ${n}`).join(', ')}`,
      ].join('\n'),
    );
  }, 75_000);
});
