import { loadHfFixture } from '../support/feed-server';
import { paperIdOf, upvoteLabelOf } from '../support/cards';
import { startHarness, type Harness } from '../support/harness';

const CHANNELS = ['C0READING', 'C0ML'];
const ITEMS = loadHfFixture().slice(0, 3) as Array<{ paper: { id: string } }>;
const [A, B, C] = ITEMS.map((item) => item.paper.id) as [string, string, string];

describe('paper_upvote: a vote round-trip through signed block_actions requests', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: CHANNELS, items: ITEMS });
    await h.slack.waitFor(() => h.slack.messages().length === 3 * CHANNELS.length);
  });

  afterAll(async () => {
    await h?.stop();
  });

  const card = (channel: string, paperId: string) =>
    h.slack.messages(channel).find((m) => paperIdOf(m) === paperId)!;
  /** A click on `paperId`'s card in `channel`; `value` forges what the button carries. */
  const click = (userId: string, channel: string, paperId: string, value = paperId) =>
    h.slack.sendBlockAction({
      userId,
      actionId: 'paper_upvote',
      value,
      channelId: channel,
      messageTs: card(channel, paperId).ts,
    });
  const labelOn = (channel: string, paperId: string) => upvoteLabelOf(card(channel, paperId));

  it('counts a click, takes it back on the second click, and refreshes the card', async () => {
    const paperId = A;
    const first = await click('U0ALICE', 'C0READING', A);
    expect(first.status).toBe(200);
    await h.slack.waitFor(() => labelOn('C0READING', paperId) === '▲ 1');
    expect(await h.paperboy.store.countVotes(h.slack.teamId, paperId)).toBe(1);

    await click('U0ALICE', 'C0READING', A);
    await h.slack.waitFor(() => labelOn('C0READING', paperId) === '▲ 0');
    expect(await h.paperboy.store.countVotes(h.slack.teamId, paperId)).toBe(0);
  });

  it('refreshes the same paper’s card in the other channels too', async () => {
    const paperId = B;
    await click('U0BOB', 'C0READING', B);
    await h.slack.waitFor(() => labelOn('C0ML', paperId) === '▲ 1');
    expect(labelOn('C0READING', paperId)).toBe('▲ 1');
  });

  it('loses no vote when 20 people click at once', async () => {
    const paperId = C;
    const voters = Array.from({ length: 20 }, (_, i) => `U0VOTER${i}`);
    const answers = await Promise.all(voters.map((user) => click(user, 'C0ML', C)));
    expect(answers.map((a) => a.status)).toEqual(voters.map(() => 200));
    await h.slack.waitFor(
      () => labelOn('C0ML', paperId) === '▲ 20' && labelOn('C0READING', paperId) === '▲ 20',
    );
    expect(await h.paperboy.store.countVotes(h.slack.teamId, paperId)).toBe(20);
  });

  it('acknowledges before the card is refreshed, however slow Slack is to update it', async () => {
    h.slack.failNext('chat.update', { delayMs: 3_500 });
    const answer = await click('U0CAROL', 'C0ML', A);
    expect(answer.status).toBe(200);
    expect(answer.elapsedMs).toBeLessThan(1_000);
    await h.slack.waitFor(() => labelOn('C0ML', A) === '▲ 1' && labelOn('C0READING', A) === '▲ 1', {
      timeoutMs: 8_000,
    });
  }, 15_000);

  it('ignores a click whose value is not a paper id', async () => {
    const before = h.slack.calls('chat.update').length;
    const answer = await click('U0MALLORY', 'C0ML', A, "'; DROP TABLE votes; --");
    expect(answer.status).toBe(200);
    // Absence takes a moment to be sure of: give a wrongly accepted click time to show.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.calls('chat.update')).toHaveLength(before);
  });

  it('tells the clicker when the paper is unknown instead of counting the vote', async () => {
    const answer = await click('U0DAVE', 'C0ML', A, '2401.00001');
    expect(answer.status).toBe(200);
    const reply = await h.slack.waitFor(() =>
      h.slack
        .responseUrlPosts()
        .find((post) => String(post.body['text']).includes('no longer knows')),
    );
    expect(reply.body['response_type']).toBe('ephemeral');
    expect(await h.paperboy.store.countVotes(h.slack.teamId, '2401.00001')).toBe(0);
  });
});
