import { loadHfFixture } from '../support/feed-server';
import { paperIdOf, upvoteLabelOf, type CommandReply } from '../support/cards';
import { startHarness, type Harness } from '../support/harness';

const ITEMS = loadHfFixture().slice(0, 1) as Array<{ paper: { id: string } }>;
const PAPER = ITEMS[0]!.paper.id;

describe('Socket Mode: the app works over the WebSocket alone, with no HTTP receiver', () => {
  let h: Harness;

  beforeAll(async () => {
    // The emulator's default app token: the harness builds config before we could ask it.
    h = await startHarness({
      channels: ['C0READING'],
      items: ITEMS,
      env: { SLACK_APP_TOKEN: 'xapp-1-test-app-token' },
    });
    await h.slack.socketConnected();
    await h.slack.waitFor(() => h.slack.messages('C0READING').length === 1);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('connects with the app token through SLACK_API_URL and listens on no port', () => {
    expect(h.slack.appToken).toBe('xapp-1-test-app-token');
    // The emulator answers apps.connections.open only for the app token.
    expect(h.slack.calls('apps.connections.open').map((c) => c.response.ok)).toEqual([true]);
    expect(h.slack.socketCount()).toBe(1);
    expect(h.paperboy.port).toBeUndefined();
  });

  it('answers /papers help in the ack', async () => {
    const ack = await h.slack.socketSlashCommand({ text: 'help', channelId: 'C0NEW' });
    const reply = ack.payload as CommandReply;
    expect(reply.response_type).toBe('ephemeral');
    expect(`${reply.text ?? ''} ${JSON.stringify(reply.blocks ?? [])}`).toContain('/papers follow');
    expect(ack.elapsedMs).toBeLessThan(3000);
  });

  it('acks a search at once and answers it through response_url', async () => {
    const ack = await h.slack.socketSlashCommand({
      text: `search ${PAPER}`,
      channelId: 'C0SEARCH',
    });
    expect(ack.elapsedMs).toBeLessThan(3000);
    const answer = await h.slack.waitFor(() =>
      h.slack.ephemerals('C0SEARCH').find((e) => e.source === 'response_url'),
    );
    expect(JSON.stringify(answer.blocks)).toContain(`"value":"${PAPER}"`);
  });

  it('follows a feed in the channel the command is run in', async () => {
    const ack = await h.slack.socketSlashCommand({ text: 'follow hf', channelId: 'C0FOLLOW' });
    expect(JSON.stringify(ack.payload)).toContain('now follows *Hugging Face Daily Papers*');
    expect(
      await h.paperboy.store.followedFeeds({ workspaceId: h.slack.teamId, channelId: 'C0FOLLOW' }),
    ).toEqual(['hf']);
  });

  it('counts an upvote clicked on a card and refreshes the card', async () => {
    const card = h.slack.messages('C0READING')[0]!;
    expect(paperIdOf(card)).toBe(PAPER);
    const ack = await h.slack.socketBlockAction({
      userId: 'U0ALICE',
      actionId: 'paper_upvote',
      value: PAPER,
      channelId: 'C0READING',
      messageTs: card.ts,
    });
    expect(ack.envelope_id).toBeTruthy();
    await h.slack.waitFor(() => upvoteLabelOf(h.slack.messages('C0READING')[0]) === '▲ 1');
    expect(await h.paperboy.store.countVotes(h.slack.teamId, PAPER)).toBe(1);
  });

  it('reconnects after the connection drops, even when Slack refuses a few reconnects', async () => {
    const opensBefore = h.slack.calls('apps.connections.open').length;
    h.slack.failNext('apps.connections.open', { status: 500, times: 4 });
    h.slack.dropSockets();
    await h.slack.waitFor(
      () =>
        h.slack.calls('apps.connections.open').length === opensBefore + 5 &&
        h.slack.socketCount() === 1,
      { timeoutMs: 25_000 },
    );
    const opens = h.slack.calls('apps.connections.open').slice(opensBefore);
    expect(opens.map((call) => call.status)).toEqual([500, 500, 500, 500, 200]);
    const ack = await h.slack.socketSlashCommand({ text: 'help', channelId: 'C0NEW' });
    expect(JSON.stringify(ack.payload)).toContain('/papers follow');
  }, 30_000);
});
