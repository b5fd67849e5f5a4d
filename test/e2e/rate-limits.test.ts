import { createChannelPacer, DEFAULT_CHANNEL_PACING } from '../../src/queue/channel-pacer';
import { createRedisConnection, waitForRedis } from '../../src/queue/connection';
import type { FollowFilters } from '../../src/domain/follow-filters';
import { paperIdOf } from '../support/cards';
import { loadHfFixture } from '../support/feed-server';
import {
  eventually,
  startHarness,
  TEST_REDIS_URL,
  utcDay,
  waitForDrained,
  waitForJob,
  type Harness,
} from '../support/harness';
import type { PostedMessage } from '../support/slack-emulator';

/** Slack's limit as the emulator enforces it: one post per second per channel, bursts of 3. */
const SLACK_LIMIT = { perSecond: 1, burst: 3 };
const LONG_AGO = new Date('2020-01-01T00:00:00Z');
const HOT = 'C0HOT';
const QUIET = ['C0QUIET1', 'C0QUIET2', 'C0QUIET3', 'C0QUIET4'];
/** Papers above the quiet channels' min-upvotes, which every channel gets; and the hot one's rest. */
const POPULAR = ['2507.00001', '2507.00002'];
const HOT_ONLY = Array.from({ length: 8 }, (_, i) => `2507.001${String(i).padStart(2, '0')}`);

/** A Daily Papers item with this id, title and upvotes. */
function hfItem(id: string, title: string, upvotes: number): unknown {
  const [template] = loadHfFixture() as Array<{ paper: Record<string, unknown> }>;
  return { ...template, title, paper: { ...template?.paper, id, title, upvotes } };
}

/** When the emulator took a message, in ms since the epoch (its ts is its clock in µs). */
const postedAt = (message: PostedMessage) => Number(message.ts) * 1000;

describe('per-channel pacing against Slack’s per-channel rate limit', () => {
  let h: Harness;
  const ws = () => h.slack.teamId;
  const follow = (channelId: string, filters?: FollowFilters) =>
    h.paperboy.store.follow({ workspaceId: ws(), channelId }, 'hf', LONG_AGO, filters);
  const cardsIn = (channel: string) =>
    h.slack
      .messages(channel)
      .filter((m) => m.metadata?.event_type === 'paper_posted')
      .map(paperIdOf);
  /** 429s of `chat.postMessage`, forced or the emulator's own limit. */
  const rateLimited = () => h.slack.calls('chat.postMessage').filter((c) => c.status === 429);

  async function poll(): Promise<number> {
    const id = await h.paperboy.queues.pollNow('hf');
    await waitForJob(h.paperboy.queues.pollFeed, id);
    const job = await h.paperboy.queues.pollFeed.getJob(id!);
    return job?.processedOn ?? Date.now();
  }

  beforeAll(async () => {
    // The real pace (about 1 per second, bursts of 3) against a Slack that enforces its limit.
    h = await startHarness({
      channels: [],
      items: [],
      channelPacing: DEFAULT_CHANNEL_PACING,
      emulator: { channelRateLimit: SLACK_LIMIT },
    });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('posts a hot channel’s cards at Slack’s pace while quiet channels get theirs at once', async () => {
    await follow(HOT);
    for (const channel of QUIET) await follow(channel, { minUpvotes: 100 });
    h.feed.setDaily(utcDay(), [
      ...POPULAR.map((id, i) => hfItem(id, `Popular paper ${i}`, 200)),
      ...HOT_ONLY.map((id, i) => hfItem(id, `Niche paper ${i}`, 5)),
    ]);
    const hotCount = POPULAR.length + HOT_ONLY.length;

    const pollStartedAt = await poll();
    await eventually(
      async () => cardsIn(HOT).length >= hotCount,
      'every card in the hot channel',
      20_000,
    );
    await waitForDrained(h.paperboy.queues.announce);

    // Everything delivered, once.
    expect([...cardsIn(HOT)].sort()).toEqual([...POPULAR, ...HOT_ONLY].sort());
    for (const channel of QUIET) expect([...cardsIn(channel)].sort()).toEqual(POPULAR);
    // Slack never had to say no: the pacer kept the hot channel inside the limit.
    expect(rateLimited().length).toBe(0);
    expect(await h.paperboy.queues.announce.getJobCounts('failed')).toEqual({ failed: 0 });

    const hot = h.slack.messages(HOT).map(postedAt);
    // A burst, then about one a second: ten posts need seven seconds past the burst.
    const needed = (hotCount - SLACK_LIMIT.burst) * 1000;
    expect(hot.at(-1)! - hot[0]!).toBeGreaterThanOrEqual(needed - 50);
    // …and not much more: the pace is 1.05 s, and a woken job finds its slot free.
    expect(hot.at(-1)! - pollStartedAt).toBeLessThan(needed * 1.05 + 2_500);

    // The quiet channels did not queue behind the hot one: their cards came in the first second,
    // while the hot channel was still working through its backlog.
    const quiet = QUIET.flatMap((channel) => h.slack.messages(channel).map(postedAt));
    expect(Math.max(...quiet) - pollStartedAt).toBeLessThan(1_500);
    expect(Math.max(...quiet)).toBeLessThan(hot[4]!);
  });

  it('holds only the channel Slack answered 429, for its Retry-After, and delivers everything once', async () => {
    const STALLED = 'C0STALLED';
    const FREE = ['C0FREE1', 'C0FREE2', 'C0FREE3'];
    await follow(STALLED, { keywords: [['zanzibar']] });
    for (const channel of FREE) await follow(channel, { keywords: [['quokka']] });
    const stalledPapers = ['2507.00201', '2507.00202', '2507.00203'];
    const freePapers = ['2507.00301', '2507.00302'];
    const stalledItems = stalledPapers.map((id, i) => hfItem(id, `Zanzibar study ${i}`, 1));
    const freeItems = freePapers.map((id, i) => hfItem(id, `Quokka study ${i}`, 1));
    const before429s = rateLimited().length;
    // The first test's channels sit this one out.
    for (const channel of [HOT, ...QUIET]) {
      await h.paperboy.store.unfollow({ workspaceId: ws(), channelId: channel }, 'hf');
    }

    // The stalled channel's first post gets a 429 with Retry-After: 2.
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
    h.feed.setDaily(utcDay(), stalledItems.slice(0, 1));
    await poll();
    const forced = await h.slack.waitFor(() => rateLimited()[before429s]);
    expect(forced.args.channel).toBe(STALLED);
    const blockedUntil = forced.at + 2_000;

    // During the block, more papers for the stalled channel and for three others.
    h.feed.setDaily(utcDay(), [...stalledItems, ...freeItems]);
    const secondPollAt = await poll();
    expect(secondPollAt).toBeLessThan(blockedUntil - 500);
    await eventually(
      async () =>
        cardsIn(STALLED).length >= stalledPapers.length &&
        FREE.every((channel) => cardsIn(channel).length >= freePapers.length),
      'every card of the second round',
      10_000,
    );
    await waitForDrained(h.paperboy.queues.announce);

    // The other channels were not held: their cards came before the stalled channel's block ended.
    for (const channel of FREE) {
      expect([...cardsIn(channel)].sort()).toEqual(freePapers);
      for (const message of h.slack.messages(channel)) {
        expect(postedAt(message)).toBeLessThan(blockedUntil);
      }
    }
    // The stalled channel: no call at all during the block (its other jobs waited on the pacer,
    // not on Slack), then each card once.
    const stalledCalls = h.slack
      .calls('chat.postMessage')
      .filter((c) => c.args.channel === STALLED && c !== forced);
    expect(stalledCalls.length).toBe(stalledPapers.length);
    for (const call of stalledCalls) expect(call.at).toBeGreaterThanOrEqual(blockedUntil - 20);
    expect([...cardsIn(STALLED)].sort()).toEqual(stalledPapers);
    // The forced 429 is the only one, and the metrics counted it.
    expect(rateLimited()).toHaveLength(before429s + 1);
    const counted = await h.paperboy.metrics.registry
      .getSingleMetric('paperboy_slack_rate_limited_total')
      ?.get();
    expect(counted?.values).toEqual([
      expect.objectContaining({ labels: { method: 'chat.postMessage' }, value: 1 }),
    ]);
    expect(await h.paperboy.queues.announce.getJobCounts('failed')).toEqual({ failed: 0 });
  });
  it('paces digests, version notes in threads and alert DMs like cards: each takes its channel’s slot', async () => {
    const MIXED = 'C0MIXED';
    const member = { workspaceId: ws(), userId: 'U0PACED' };
    const dm = { workspaceId: ws(), channelId: `D${member.userId}` };
    const mixed = { workspaceId: ws(), channelId: MIXED };
    // Another process has just used both channels' bursts.
    const redis = createRedisConnection(TEST_REDIS_URL, 'producer');
    try {
      await waitForRedis(redis);
      const elsewhere = createChannelPacer(redis, h.prefix, DEFAULT_CHANNEL_PACING);
      for (const channel of [mixed, dm]) {
        for (let i = 0; i < DEFAULT_CHANNEL_PACING.burst; i += 1) {
          expect(await elsewhere.reserve(channel)).toBe(0);
        }
      }
    } finally {
      await redis.quit();
    }
    const busyFrom = Date.now();

    const [paperId, otherId] = HOT_ONLY;
    await h.paperboy.store.queueDigestItems(
      [paperId!, otherId!].map((id) => ({ ...mixed, paperId: id, feed: 'hf' as const })),
      new Date(),
    );
    const cardTs = '1700000000.000100';
    await h.paperboy.store.recordDelivery({
      ...mixed,
      paperId: paperId!,
      messageTs: cardTs,
      postedAt: new Date(),
    });
    await h.paperboy.store.recordAlertMatches(
      [{ ...member, paperId: paperId!, keywords: ['niche'] }],
      new Date(),
    );
    await h.paperboy.queues.enqueueDigestPosts([{ ...mixed, day: '2025-07-01', top: 5 }]);
    await h.paperboy.queues.enqueueVersionNotes([
      { ...mixed, paperId: paperId!, version: 2, messageTs: cardTs },
    ]);
    await h.paperboy.queues.enqueueAlerts([{ kind: 'send', ...member, runKey: 'paced' }]);

    await eventually(
      async () =>
        h.slack.messages(MIXED).length >= 2 && h.slack.directMessages(member.userId).length >= 1,
      'the digest, the note and the DM',
      10_000,
    );
    const inMixed = h.slack.messages(MIXED).map(postedAt);
    const [dmAt] = h.slack.directMessages(member.userId).map(postedAt);
    const { intervalMs } = DEFAULT_CHANNEL_PACING;
    // Neither channel had a slot before one interval; the channel's two posts came about an
    // interval apart, not in a burst (slots are granted an interval apart; a digest does more
    // work between its slot and its post than a note does, hence the slack).
    expect(Math.min(...inMixed, dmAt!) - busyFrom).toBeGreaterThanOrEqual(intervalMs - 100);
    expect(Math.abs(inMixed[1]! - inMixed[0]!)).toBeGreaterThanOrEqual(intervalMs - 150);
    expect(h.slack.messages(MIXED).filter((m) => m.threadTs === cardTs)).toHaveLength(1);
    expect(
      h.slack.messages(MIXED).filter((m) => m.metadata?.event_type === 'paper_digest'),
    ).toHaveLength(1);
    for (const queue of [
      h.paperboy.queues.digest,
      h.paperboy.queues.noteVersion,
      h.paperboy.queues.alert,
    ]) {
      expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    }
  });
});
