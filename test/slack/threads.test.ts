import { loadHfFixture } from '../support/feed-server';
import { paperIdOf } from '../support/cards';
import { startHarness, type Harness } from '../support/harness';
import type { PostedMessage } from '../support/slack-emulator';

const ITEMS = loadHfFixture().slice(0, 2) as Array<{ paper: { id: string } }>;
const CHANNEL = 'C0READING';
/** The same papers' cards in another channel: their threads are their own. */
const ELSEWHERE = 'C0ELSEWHERE';

describe('thread replies under a card, counted from message events', () => {
  let h: Harness;
  let card: PostedMessage;
  let other: PostedMessage;
  let seq = 0;

  beforeAll(async () => {
    h = await startHarness({ channels: [CHANNEL, ELSEWHERE], items: ITEMS });
    await h.slack.waitFor(() => h.slack.messages(ELSEWHERE).length === 2);
    const cards = await h.slack.waitFor(() => {
      const posted = h.slack.messages(CHANNEL);
      return posted.length === 2 && posted;
    });
    [card, other] = cards as [PostedMessage, PostedMessage];
  });

  afterAll(async () => {
    await h?.stop();
  });

  const nextTs = () => `1800000000.${String((seq += 1)).padStart(6, '0')}`;
  const reply = (threadTs: string, fields: Record<string, unknown> = {}) => ({
    type: 'message',
    channel: CHANNEL,
    user: 'U0ALICE',
    text: 'Interesting ablation',
    ts: nextTs(),
    thread_ts: threadTs,
    ...fields,
  });
  const replies = async () =>
    (
      await h.paperboy.store.findDelivery(
        { workspaceId: h.slack.teamId, channelId: CHANNEL },
        paperIdOf(card),
      )
    )?.replyCount ?? 0;
  const repliesLine = () =>
    JSON.stringify(h.slack.messages(CHANNEL).find((m) => m.ts === card.ts)?.blocks ?? []).match(
      /💬 (\d+) repl(y|ies) in the thread/,
    )?.[1];

  it('counts a person’s reply and shows the count on the card', async () => {
    const answer = await h.slack.sendEvent(reply(card.ts));
    expect(answer.status).toBe(200);
    await h.slack.waitFor(() => repliesLine() === '1');
    expect(await replies()).toBe(1);
  });

  it('counts a reply also sent to the channel, and one with a file', async () => {
    await h.slack.sendEvent(reply(card.ts, { subtype: 'thread_broadcast' }));
    await h.slack.sendEvent(reply(card.ts, { subtype: 'file_share' }));
    await h.slack.waitFor(async () => (await replies()) === 3);
    const deleted = (ts: string) => ({
      type: 'message',
      subtype: 'message_deleted',
      channel: CHANNEL,
      ts: nextTs(),
      deleted_ts: ts,
      previous_message: {
        type: 'message',
        subtype: 'thread_broadcast',
        user: 'U0ALICE',
        ts,
        thread_ts: card.ts,
      },
    });
    await h.slack.sendEvent(deleted('1800000000.999001'));
    await h.slack.sendEvent(deleted('1800000000.999002'));
    await h.slack.waitFor(async () => (await replies()) === 1);
  });

  it('counts a retried event once', async () => {
    const event = reply(card.ts);
    await h.slack.sendEvent(event, { eventId: 'Ev0RETRIED' });
    await h.slack.sendEvent(event, { eventId: 'Ev0RETRIED', retryNum: 1 });
    await h.slack.sendEvent(event, { eventId: 'Ev0RETRIED', retryNum: 2 });
    await h.slack.waitFor(() => repliesLine() === '2');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await replies()).toBe(2);
  });

  it('ignores the bot’s own replies, the parent message, edits and other threads', async () => {
    await h.slack.sendEvent(reply(card.ts, { user: h.slack.botUserId, bot_id: 'B0PAPERBOY' }));
    await h.slack.sendEvent(reply(card.ts, { bot_id: 'B0OTHERBOT', user: undefined }));
    await h.slack.sendEvent({ ...reply(card.ts), ts: card.ts });
    await h.slack.sendEvent(reply(card.ts, { subtype: 'message_changed' }));
    await h.slack.sendEvent(reply('1700000000.000001'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await replies()).toBe(2);
  });

  it('does not subtract a deleted bot message or the card itself', async () => {
    const before = await replies();
    const deletedBy = (previous: Record<string, unknown>) => ({
      type: 'message',
      subtype: 'message_deleted',
      channel: CHANNEL,
      ts: nextTs(),
      deleted_ts: previous['ts'],
      previous_message: { type: 'message', thread_ts: card.ts, ...previous },
    });
    await h.slack.sendEvent(
      deletedBy({ ts: '1800000000.888001', bot_id: 'B0PAPERBOY', user: h.slack.botUserId }),
    );
    await h.slack.sendEvent(deletedBy({ ts: '1800000000.888002', bot_id: 'B0OTHERBOT' }));
    await h.slack.sendEvent(deletedBy({ ts: card.ts, user: 'U0ALICE' }));
    // A counted reply after them: once it shows, the events before it were handled too.
    await h.slack.sendEvent(reply(card.ts));
    await h.slack.waitFor(async () => (await replies()) === before + 1);
    await h.slack.sendEvent(deletedBy({ ts: '1800000000.888003', user: 'U0ALICE' }));
    await h.slack.waitFor(async () => (await replies()) === before);
  });

  it('subtracts a deleted reply, never below zero', async () => {
    const deleted = (threadTs: string) => ({
      type: 'message',
      subtype: 'message_deleted',
      channel: CHANNEL,
      ts: nextTs(),
      deleted_ts: '1800000000.000001',
      previous_message: {
        type: 'message',
        user: 'U0ALICE',
        ts: '1800000000.000001',
        thread_ts: threadTs,
      },
    });
    await h.slack.sendEvent(deleted(card.ts));
    await h.slack.waitFor(() => repliesLine() === '1');
    await h.slack.sendEvent(deleted(card.ts));
    await h.slack.sendEvent(deleted(card.ts));
    await h.slack.waitFor(async () => (await replies()) === 0);
    await h.slack.waitFor(() => repliesLine() === undefined);
  });

  it('refreshes a card a few times for a burst of replies, not once per reply', async () => {
    const updatesOf = (ts: string) =>
      h.slack.calls('chat.update').filter((call) => call.args['ts'] === ts).length;
    const before = updatesOf(other.ts);
    await Promise.all(Array.from({ length: 20 }, () => h.slack.sendEvent(reply(other.ts))));
    await h.slack.waitFor(() => {
      const line = JSON.stringify(h.slack.messages(CHANNEL).find((m) => m.ts === other.ts)?.blocks);
      return line.includes('💬 20 replies in the thread');
    });
    const updates = updatesOf(other.ts) - before;
    expect(updates).toBeGreaterThan(0);
    expect(updates).toBeLessThanOrEqual(5);
  });
  it('rewrites only the card whose thread changed, not the paper’s card in another channel', async () => {
    const twin = h.slack.messages(ELSEWHERE).find((m) => paperIdOf(m) === paperIdOf(card));
    const updatesOf = (ts: string | undefined) =>
      h.slack.calls('chat.update').filter((call) => call.args['ts'] === ts).length;
    const [cardBefore, twinBefore] = [updatesOf(card.ts), updatesOf(twin?.ts)];
    const target = (await replies()) + 1;
    await h.slack.sendEvent(reply(card.ts));
    await h.slack.waitFor(() => repliesLine() === String(target));
    expect(updatesOf(card.ts)).toBeGreaterThan(cardBefore);
    expect(updatesOf(twin?.ts)).toBe(twinBefore);
  });
});
