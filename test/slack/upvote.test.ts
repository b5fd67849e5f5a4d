import { loadHfFixture } from '../support/feed-server';
import { paperIdOf, upvoteLabelOf } from '../support/cards';
import { startHarness, type Harness } from '../support/harness';

const CHANNELS = ['C0READING', 'C0ML'];

describe('paper_upvote: a vote round-trip through signed block_actions requests', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: CHANNELS, items: loadHfFixture().slice(0, 3) });
    await h.slack.waitFor(() => h.slack.messages().length === 3 * CHANNELS.length);
  });

  afterAll(async () => {
    await h?.stop();
  });

  const card = (channel: string, index: number) => h.slack.messages(channel)[index]!;
  const click = (userId: string, channel: string, index: number) =>
    h.slack.sendBlockAction({
      userId,
      actionId: 'paper_upvote',
      value: paperIdOf(card(channel, index)),
      channelId: channel,
      messageTs: card(channel, index).ts,
    });
  const labelOn = (channel: string, paperId: string) =>
    upvoteLabelOf(h.slack.messages(channel).find((m) => paperIdOf(m) === paperId));

  it('counts a click, takes it back on the second click, and refreshes the card', async () => {
    const paperId = paperIdOf(card('C0READING', 0));
    const first = await click('U0ALICE', 'C0READING', 0);
    expect(first.status).toBe(200);
    await h.slack.waitFor(() => labelOn('C0READING', paperId) === '▲ 1');
    expect(await h.paperboy.store.countVotes(h.slack.teamId, paperId)).toBe(1);

    await click('U0ALICE', 'C0READING', 0);
    await h.slack.waitFor(() => labelOn('C0READING', paperId) === '▲ 0');
    expect(await h.paperboy.store.countVotes(h.slack.teamId, paperId)).toBe(0);
  });

  it('refreshes the same paper’s card in the other channels too', async () => {
    const paperId = paperIdOf(card('C0READING', 1));
    await click('U0BOB', 'C0READING', 1);
    await h.slack.waitFor(() => labelOn('C0ML', paperId) === '▲ 1');
    expect(labelOn('C0READING', paperId)).toBe('▲ 1');
  });

  it('loses no vote when 20 people click at once', async () => {
    const paperId = paperIdOf(card('C0ML', 2));
    const voters = Array.from({ length: 20 }, (_, i) => `U0VOTER${i}`);
    const answers = await Promise.all(voters.map((user) => click(user, 'C0ML', 2)));
    expect(answers.map((a) => a.status)).toEqual(voters.map(() => 200));
    await h.slack.waitFor(() => labelOn('C0ML', paperId) === '▲ 20' && labelOn('C0READING', paperId) === '▲ 20');
    expect(await h.paperboy.store.countVotes(h.slack.teamId, paperId)).toBe(20);
  });

  it('acknowledges at once', async () => {
    const answer = await click('U0CAROL', 'C0ML', 0);
    expect(answer.status).toBe(200);
    expect(answer.elapsedMs).toBeLessThan(3000);
    await h.slack.waitFor(() => labelOn('C0ML', paperIdOf(card('C0ML', 0))) === '▲ 1');
  });

  it('ignores a click whose value is not a paper id', async () => {
    const before = h.slack.calls('chat.update').length;
    const answer = await h.slack.sendBlockAction({
      userId: 'U0MALLORY',
      actionId: 'paper_upvote',
      value: "'; DROP TABLE votes; --",
      channelId: 'C0ML',
      messageTs: card('C0ML', 0).ts,
    });
    expect(answer.status).toBe(200);
    // Absence takes a moment to be sure of: give a wrongly accepted click time to show.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.calls('chat.update')).toHaveLength(before);
  });

  it('tells the clicker when the paper is unknown instead of counting the vote', async () => {
    const answer = await h.slack.sendBlockAction({
      userId: 'U0DAVE',
      actionId: 'paper_upvote',
      value: '2401.00001',
      channelId: 'C0ML',
      messageTs: card('C0ML', 0).ts,
    });
    expect(answer.status).toBe(200);
    const reply = await h.slack.waitFor(() =>
      h.slack.responseUrlPosts().find((post) => String(post.body['text']).includes('no longer knows')),
    );
    expect(reply.body['response_type']).toBe('ephemeral');
    expect(await h.paperboy.store.countVotes(h.slack.teamId, '2401.00001')).toBe(0);
  });
});
