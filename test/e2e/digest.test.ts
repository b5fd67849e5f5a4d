import { loadHfFixture } from '../support/feed-server';
import { startHarness, utcDay, waitForDrained, waitForJob, type Harness } from '../support/harness';
import type { PostedMessage } from '../support/slack-emulator';

/**
 * A channel that asked for `digest:daily@09:00 top:2` in New York, on the day the clocks went
 * forward (9 March 2025): 09:00 local is 13:00 UTC that day. The clock is the test's.
 */
describe('daily digests at the workspace’s local time', () => {
  let h: Harness;
  let now = new Date('2025-03-09T12:00:00Z');
  const CHANNEL = 'C0DIGEST';
  const items = (loadHfFixture() as Array<{ paper: { id: string; upvotes: number } }>).slice(0, 3);
  const byUpvotes = [...items].sort(
    (a, b) => b.paper.upvotes - a.paper.upvotes || a.paper.id.localeCompare(b.paper.id),
  );

  beforeAll(async () => {
    h = await startHarness({
      channels: [],
      items: [],
      clock: () => now,
      env: { WORKSPACE_TIME_ZONE: 'America/New_York' },
    });
    await h.paperboy.store.follow(
      { workspaceId: h.slack.teamId, channelId: CHANNEL },
      'hf',
      new Date('2020-01-01T00:00:00Z'),
      { digest: { time: '09:00', top: 2 } },
    );
    h.feed.setDaily(utcDay(now), items);
    await waitForJob(h.paperboy.queues.pollFeed, await h.paperboy.queues.pollNow('hf'));
  });

  afterAll(async () => {
    await h?.stop();
  });

  /** Runs the digest tick as the scheduler would, and waits for what it queued. */
  async function tick(): Promise<void> {
    const queue = h.paperboy.queues.digest;
    const job = await queue.add('digest', { kind: 'tick' });
    await waitForJob(queue, job.id);
    // The scheduler's next tick waits in the delayed set for ever: wait for the posts alone.
    for (const queued of await queue.getJobs(['wait', 'active', 'prioritized'])) {
      await waitForJob(queue, queued.id);
    }
  }

  const digests = () =>
    h.slack.messages(CHANNEL).filter((m) => m.metadata?.event_type === 'paper_digest');

  it('holds the papers instead of posting one card each', async () => {
    await waitForDrained(h.paperboy.queues.announce);
    expect(h.slack.messages(CHANNEL)).toEqual([]);
  });

  it('waits for 09:00 local time, which is 13:00 UTC on the day the clocks change', async () => {
    now = new Date('2025-03-09T12:59:00Z');
    await tick();
    expect(digests()).toEqual([]);
    now = new Date('2025-03-09T13:00:00Z');
    await tick();
    expect(digests()).toHaveLength(1);
  });

  it('posts the top papers by HF upvotes, each with its own upvote button, and records them', async () => {
    const [digest] = digests() as [PostedMessage];
    const buttons = (
      digest.blocks as Array<{ accessory?: { action_id: string; value: string } }>
    ).flatMap((b) => (b.accessory ? [b.accessory] : []));
    expect(buttons.map((b) => b.action_id)).toEqual(['paper_upvote', 'paper_upvote']);
    expect(buttons.map((b) => b.value)).toEqual(byUpvotes.slice(0, 2).map((i) => i.paper.id));
    expect(JSON.stringify(digest.blocks)).toContain('(2025-03-09)');
    const ledger = await h.paperboy.store.findDelivery(
      { workspaceId: h.slack.teamId, channelId: CHANNEL },
      byUpvotes[0]?.paper.id ?? '',
    );
    expect(ledger).toMatchObject({ messageTs: digest.ts, digest: true });
  });

  it('posts once a day, and nothing on a day with nothing new', async () => {
    await tick();
    now = new Date('2025-03-10T13:30:00Z');
    // The feed still lists yesterday's papers; the one the digest left out is not held again.
    h.feed.setDaily(utcDay(now), []);
    await waitForJob(h.paperboy.queues.pollFeed, await h.paperboy.queues.pollNow('hf'));
    await tick();
    expect(digests()).toHaveLength(1);
  });

  it('posts the next digest with what is new since, none of the earlier papers', async () => {
    now = new Date('2025-03-11T13:00:00Z');
    const fresh = { ...items[0], paper: { ...items[0]?.paper, id: '2503.99001', upvotes: 1 } };
    h.feed.setDaily(utcDay(now), [fresh]);
    await waitForJob(h.paperboy.queues.pollFeed, await h.paperboy.queues.pollNow('hf'));
    await tick();
    const latest = digests().at(-1);
    expect(digests()).toHaveLength(2);
    const ids = (latest?.blocks as Array<{ accessory?: { value: string } }>).flatMap((b) =>
      b.accessory ? [b.accessory.value] : [],
    );
    expect(ids).toEqual(['2503.99001']);
  });

  it('rewrites the whole digest when someone votes in it', async () => {
    const digest = digests()[0] as PostedMessage;
    const second = byUpvotes[1]?.paper.id ?? '';
    await h.slack.sendBlockAction({
      userId: 'U0ALICE',
      actionId: 'paper_upvote',
      value: second,
      channelId: CHANNEL,
      messageTs: digest.ts,
      blockId: 'digest_paper_1',
    });
    const updated = await h.slack.waitFor(() => {
      const message = h.slack.messages(CHANNEL).find((m) => m.ts === digest.ts);
      const labels = JSON.stringify(message?.blocks ?? []).match(/▲ \d+(?=","emoji)/g);
      return labels?.join(' ') === '▲ 0 ▲ 1' && message;
    });
    expect(JSON.stringify(updated.blocks)).toContain(byUpvotes[0]?.paper.id);
    // Still the day it covered, whatever day the vote came.
    expect(JSON.stringify(updated.blocks)).toContain('(2025-03-09)');
  });
});
