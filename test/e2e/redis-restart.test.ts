import { QUEUE_UNAVAILABLE } from '../../src/slack/listeners/after-ack';
import { paperIdOf, upvoteLabelOf } from '../support/cards';
import { loadHfFixture } from '../support/feed-server';
import { ThrowawayRedis } from '../support/throwaway-redis';
import { TEST_WORKER_TUNING } from '../support/worker-process';
import { startHarness, utcDay, waitForDrained, type Harness } from '../support/harness';
import type { EphemeralMessage, PostedMessage } from '../support/slack-emulator';

const CHANNELS = ['C0READING', 'C0ML'];
const FIXTURE = loadHfFixture() as Array<{ paper: { id: string; title: string } }>;
const EXPECTED_PAIRS = CHANNELS.flatMap((channel) =>
  FIXTURE.map((i) => `${channel}/${i.paper.id}`),
);
/** Where members share during the outage: no feed is followed there, so no card is owed. */
const SHARE_CHANNEL = 'C0SHARE';
/** Slack's limit for an answer, which the app keeps while Redis is away. */
const SLACK_MS = 3_000;
/** How long Redis stays down at least. */
const OUTAGE_MS = 2_000;

function postedPairs(h: Harness, channels = CHANNELS): string[] {
  return h.slack
    .messages()
    .filter((m) => channels.includes(m.channel))
    .map((m) => `${m.channel}/${paperIdOf(m)}`);
}

describe('Redis killed mid-run and restarted: Slack keeps its answers, nothing is lost', () => {
  let redis: ThrowawayRedis;
  let h: Harness;

  beforeAll(async () => {
    redis = await ThrowawayRedis.start({ persistent: true });
    // No papers at first: the run starts once the posts are slowed down.
    h = await startHarness({
      channels: CHANNELS,
      items: [],
      env: { REDIS_URL: redis.url },
      // A job whose worker lost Redis mid-run stays active there, its lock unrenewed: taken back
      // within seconds rather than BullMQ's 30 s, so the test waits on delivery, not on the clock.
      workerTuning: TEST_WORKER_TUNING,
    });
  });

  afterAll(async () => {
    // The harness cleans its keys in Redis, which must be up for it.
    redis?.thaw();
    if (redis) await redis.restart().catch(() => undefined);
    await h?.stop();
    await redis?.remove();
  });

  /** Runs `/papers <text>`: the ack must come within Slack's 3 s; `answer` waits for what follows. */
  async function papers(text: string, channelId: string, userId = 'U0ALICE') {
    const before = h.slack.ephemerals(channelId, userId).length;
    const sentAt = Date.now();
    const ack = await h.slack.sendSlashCommand({ text, channelId, userId });
    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(SLACK_MS);
    return {
      answer: async () => {
        const answer = await h.slack.waitFor(
          () => h.slack.ephemerals(channelId, userId)[before] as EphemeralMessage,
          { timeoutMs: 5_000 },
        );
        return { answer, ms: Date.now() - sentAt };
      },
    };
  }

  it('acks every request while Redis is down, and delivers each (channel, paper) once after', async () => {
    const started = Date.now();
    // Slow enough that the run is mid-way when Redis dies (4 posts at a time, 50 ms each).
    h.slack.failNext('chat.postMessage', { delayMs: 50, times: 1_000 });
    h.feed.setDaily(utcDay(), FIXTURE);
    await h.paperboy.queues.pollNow('hf');
    await h.slack.waitFor(() => postedPairs(h).length >= 20, { timeoutMs: 10_000 });

    await redis.kill();
    const killedAt = Date.now();
    const postedAtKill = postedPairs(h).length;
    expect(postedAtKill).toBeLessThan(EXPECTED_PAIRS.length);

    // Search needs only the store: it answers, with the paper.
    const search = await (await papers('search Selective Token Generation', 'C0ASK')).answer();
    expect(search.answer.text).not.toContain(QUEUE_UNAVAILABLE);
    expect(JSON.stringify(search.answer.blocks)).toContain(FIXTURE[0]!.paper.id);

    // A share takes a post lock in Redis: the member hears why it did not happen, at once.
    const target = FIXTURE[0]!.paper.id;
    const share = await (await papers(`share ${target} worth a read`, SHARE_CHANNEL)).answer();
    expect(share.answer.text).toBe(QUEUE_UNAVAILABLE);
    expect(share.ms).toBeLessThan(SLACK_MS);

    // The "Share to channel" button under a search result: the same.
    const before = h.slack.ephemerals(SHARE_CHANNEL, 'U0BOB').length;
    const clickedAt = Date.now();
    const click = await h.slack.sendBlockAction({
      userId: 'U0BOB',
      actionId: 'paper_share',
      value: target,
      channelId: SHARE_CHANNEL,
      messageTs: '1800000000.000100',
    });
    expect(click.status).toBe(200);
    expect(click.elapsedMs).toBeLessThan(SLACK_MS);
    const button = await h.slack.waitFor(
      () => h.slack.ephemerals(SHARE_CHANNEL, 'U0BOB')[before] as EphemeralMessage,
    );
    expect(button.text).toBe(QUEUE_UNAVAILABLE);
    expect(Date.now() - clickedAt).toBeLessThan(SLACK_MS);
    expect(h.slack.messages(SHARE_CHANNEL)).toEqual([]);

    // App Home needs only the store and Slack: published.
    const home = await h.slack.sendEvent({
      type: 'app_home_opened',
      user: 'U0ALICE',
      tab: 'home',
      channel: 'D0HOME',
    });
    expect(home.status).toBe(200);
    expect(home.elapsedMs).toBeLessThan(SLACK_MS);
    await h.slack.waitFor(() => h.slack.views('U0ALICE').length === 1);

    // An upvote needs only the store and Slack: counted, and the card shows it.
    const card = h.slack.messages('C0READING')[0] as PostedMessage;
    const vote = await h.slack.sendBlockAction({
      userId: 'U0CAROL',
      actionId: 'paper_upvote',
      value: paperIdOf(card),
      channelId: 'C0READING',
      messageTs: card.ts,
    });
    expect(vote.status).toBe(200);
    expect(vote.elapsedMs).toBeLessThan(SLACK_MS);
    await h.slack.waitFor(
      () => upvoteLabelOf(h.slack.messages('C0READING').find((m) => m.ts === card.ts)) === '▲ 1',
    );

    // Down long enough for the connections to go through several reconnect attempts.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, killedAt + OUTAGE_MS - Date.now())),
    );
    // Nothing is posted while Redis is away (the jobs in flight when it died aside).
    expect(postedPairs(h).length).toBeLessThanOrEqual(postedAtKill + 8);

    await redis.restart();
    // The workers reconnect by themselves; jobs that failed on the lock come back after their
    // backoff (2 s): every pair arrives, none twice.
    await h.slack.waitFor(() => postedPairs(h).length >= EXPECTED_PAIRS.length, {
      timeoutMs: 20_000,
    });
    await waitForDrained(h.paperboy.queues.announce, 10_000);
    const pairs = postedPairs(h);
    expect(pairs).toHaveLength(EXPECTED_PAIRS.length);
    expect(new Set(pairs)).toEqual(new Set(EXPECTED_PAIRS));
    expect(await h.paperboy.queues.announce.getJobCounts('failed')).toEqual({ failed: 0 });
    for (const channelId of CHANNELS) {
      for (const { paper } of FIXTURE) {
        const delivery = await h.paperboy.store.findDelivery(
          { workspaceId: h.slack.teamId, channelId },
          paper.id,
        );
        expect(delivery?.messageTs).toBeDefined();
      }
    }

    // And sharing works again.
    await papers(`share ${target} worth a read`, SHARE_CHANNEL);
    const [shared] = await h.slack.waitFor(
      () => h.slack.messages(SHARE_CHANNEL).length === 1 && h.slack.messages(SHARE_CHANNEL),
    );
    expect(paperIdOf(shared)).toBe(target);
    // Kept well under jest's 30 s for the whole file.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it('answers a share within 3 s while Redis hangs, instead of hanging with it', async () => {
    const target = FIXTURE[1]!.paper.id;
    redis.freeze();
    try {
      const share = await (await papers(`share ${target}`, 'C0HUNG')).answer();
      expect(share.answer.text).toBe(QUEUE_UNAVAILABLE);
      expect(share.ms).toBeLessThan(SLACK_MS);
    } finally {
      redis.thaw();
    }
    await papers(`share ${target}`, 'C0HUNG');
    await h.slack.waitFor(() => h.slack.messages('C0HUNG').length === 1, { timeoutMs: 5_000 });
  }, 15_000);
});
