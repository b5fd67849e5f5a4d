import { createHmac } from 'node:crypto';
import { loadHfFixture } from '../support/feed-server';
import { paperIdOf } from '../support/cards';
import { eventually, startHarness, type Harness } from '../support/harness';

const FORM = 'application/x-www-form-urlencoded';

describe('requests from Slack are verified with the signing secret', () => {
  let h: Harness;
  let body: string;
  let paperId: string;

  beforeAll(async () => {
    h = await startHarness({ channels: ['C0READING'], items: loadHfFixture().slice(0, 1) });
    const [card] = await h.slack.waitFor(
      () => h.slack.messages().length === 1 && h.slack.messages(),
    );
    paperId = paperIdOf(card);
    const payload = {
      type: 'block_actions',
      user: { id: 'U0MALLORY', team_id: h.slack.teamId },
      team: { id: h.slack.teamId },
      container: { type: 'message', channel_id: 'C0READING', message_ts: card!.ts },
      channel: { id: 'C0READING' },
      message: { ts: card!.ts, blocks: card!.blocks },
      actions: [
        { type: 'button', action_id: 'paper_upvote', block_id: 'paper_actions', value: paperId },
      ],
      response_url: `${h.slack.url}/response/forged`,
      trigger_id: '1.2.3',
      api_app_id: 'A0PAPERBOY',
      token: 'legacy',
    };
    body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  });

  afterAll(async () => {
    await h?.stop();
  });

  const votes = () => h.paperboy.store.countVotes(h.slack.teamId, paperId);
  /** Rejected means nothing happens, now or a moment later (work after the response would show). */
  async function expectNothingHappened(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await votes()).toBe(0);
    expect(h.slack.calls('chat.update')).toHaveLength(0);
  }
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (timestamp: number, raw: string, secret = h.slack.signingSecret) =>
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${raw}`).digest('hex')}`;

  it('rejects a forged signature with 401 and counts nothing', async () => {
    const answer = await h.slack.signedPost(body, FORM, {
      signature: sign(now(), body, 'not-the-secret'),
    });
    expect(answer.status).toBe(401);
    await expectNothingHappened();
  });

  it('rejects a stale timestamp (a replay) with 401', async () => {
    const stale = now() - 6 * 60;
    const answer = await h.slack.signedPost(body, FORM, { timestamp: stale });
    expect(answer.status).toBe(401);
    await expectNothingHappened();
  });

  it('rejects a replayed body under a new timestamp with the old signature', async () => {
    const old = now() - 10;
    const answer = await h.slack.signedPost(body, FORM, {
      timestamp: now(),
      signature: sign(old, body),
    });
    expect(answer.status).toBe(401);
    await expectNothingHappened();
  });

  it('rejects a request without signature headers', async () => {
    expect((await h.slack.signedPost(body, FORM, { signature: null })).status).toBe(401);
    expect((await h.slack.signedPost(body, FORM, { omitTimestamp: true })).status).toBe(401);
    await expectNothingHappened();
  });

  it('accepts the same request properly signed', async () => {
    const answer = await h.slack.signedPost(body, FORM);
    expect(answer.status).toBe(200);
    await eventually(async () => (await votes()) === 1, 'the vote to be counted');
    await h.slack.waitFor(() => h.slack.calls('chat.update').length > 0);
  });
});
