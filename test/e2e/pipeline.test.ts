import { Redis } from 'ioredis';
import { PAPER_POSTED_EVENT } from '../../src/slack/blocks/ids';
import { loadHfFixture } from '../support/feed-server';
import {
  startHarness,
  TEST_REDIS_URL,
  waitForDrained,
  waitForJob,
  type Harness,
} from '../support/harness';

const CHANNELS = ['C0READING', 'C0ML'];
const FIXTURE_SIZE = 50;

function postedPairs(h: Harness): string[] {
  return h.slack
    .messages()
    .map((m) => `${m.channel}/${String(m.metadata?.event_payload['paper_id'])}`)
    .sort();
}

describe('the core pipeline: HF feed → poll → announce → cards in Slack', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: CHANNELS });
    await h.slack.waitFor(() => h.slack.messages().length >= FIXTURE_SIZE * CHANNELS.length, {
      timeoutMs: 20_000,
    });
    // A card is recorded in the ledger just after Slack answers its post.
    await waitForDrained(h.paperboy.queues.announce);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('posts every fixture paper once in every followed channel', async () => {
    const pairs = postedPairs(h);
    expect(pairs).toHaveLength(FIXTURE_SIZE * CHANNELS.length);
    expect(new Set(pairs).size).toBe(pairs.length);
    const fixtureIds = (loadHfFixture() as Array<{ paper: { id: string } }>).map((i) => i.paper.id);
    for (const channel of CHANNELS) {
      const ids = h.slack.messages(channel).map((m) => m.metadata?.event_payload['paper_id']);
      expect(new Set(ids)).toEqual(new Set(fixtureIds));
    }
  });

  it('posts rich cards with a fallback text, paper metadata and the upvote button', () => {
    const [message] = h.slack.messages('C0READING');
    expect(message?.text).toMatch(/^📄 /);
    expect(message?.metadata?.event_type).toBe(PAPER_POSTED_EVENT);
    const button = JSON.stringify(message?.blocks);
    expect(button).toContain('"action_id":"paper_upvote"');
    expect(button).toContain(`"value":"${String(message?.metadata?.event_payload['paper_id'])}"`);
    expect(button).toContain('▲ 0');
  });

  it('records every card in the deliveries ledger with its message ts', async () => {
    for (const message of h.slack.messages()) {
      const paperId = String(message.metadata?.event_payload['paper_id']);
      const delivery = await h.paperboy.store.findDelivery(
        { workspaceId: h.slack.teamId, channelId: message.channel },
        paperId,
      );
      expect(delivery?.messageTs).toBe(message.ts);
    }
  });

  it('posts nothing more when the feed is polled again', async () => {
    const before = h.slack.calls('chat.postMessage').length;
    const id = await h.paperboy.queues.pollNow('hf');
    const result = (await waitForJob(h.paperboy.queues.pollFeed, id)) as {
      inserted: number;
      updated: number;
      announcementsQueued: number;
    };
    expect(result).toMatchObject({ inserted: 0, updated: FIXTURE_SIZE, announcementsQueued: 0 });
    expect(h.slack.calls('chat.postMessage')).toHaveLength(before);
  });

  it('does not post again when an announce job runs again after its post succeeded', async () => {
    const [first] = h.slack.messages('C0ML');
    const paperId = String(first?.metadata?.event_payload['paper_id']);
    const before = h.slack.calls('chat.postMessage').length;
    // A fresh job id: what a retry looks like once the original job's record has been removed.
    const job = await h.paperboy.queues.announce.add(
      'announce',
      { workspaceId: h.slack.teamId, channelId: 'C0ML', paperId },
      { jobId: `retry-${Date.now()}` },
    );
    expect(await waitForJob(h.paperboy.queues.announce, job.id)).toMatchObject({
      source: 'ledger',
      messageTs: first?.ts,
    });
    expect(h.slack.calls('chat.postMessage')).toHaveLength(before);
  });

  it('finds a card posted by an attempt that died before recording it, instead of posting twice', async () => {
    const message = h.slack.messages('C0ML')[1];
    const paperId = String(message?.metadata?.event_payload['paper_id']);
    const before = h.slack.calls('chat.postMessage').length;
    // The crash window: the post landed, the ledger write did not.
    const store = h.paperboy.store as unknown as { db: import('better-sqlite3').Database };
    store.db
      .prepare('DELETE FROM deliveries WHERE channel_id = ? AND paper_id = ?')
      .run('C0ML', paperId);
    const job = await h.paperboy.queues.announce.add(
      'announce',
      {
        workspaceId: h.slack.teamId,
        channelId: 'C0ML',
        paperId,
        // The mark an attempt sets just before it posts.
        postStartedAt: Math.floor(Number(message?.ts) * 1000) - 50,
      },
      { jobId: `crashed-${Date.now()}` },
    );
    expect(await waitForJob(h.paperboy.queues.announce, job.id)).toMatchObject({
      source: 'history',
      messageTs: message?.ts,
    });
    expect(h.slack.calls('chat.postMessage')).toHaveLength(before);
    const delivery = await h.paperboy.store.findDelivery(
      { workspaceId: h.slack.teamId, channelId: 'C0ML' },
      paperId,
    );
    expect(delivery?.messageTs).toBe(message?.ts);
  });

  it('keeps the bot token and signing secret out of every job and queue key in Redis', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${h.prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const type = await redis.type(key);
        const dump =
          type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : type === 'string'
              ? ((await redis.get(key)) ?? '')
              : '';
        expect(dump).not.toContain(h.slack.token);
        expect(dump).not.toContain(h.slack.signingSecret);
      }
    } finally {
      redis.disconnect();
    }
  });
});
