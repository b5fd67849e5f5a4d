import * as announce from '../../jobs/announce';
import type { FeedId } from '../../src/domain/feed';
import type { Paper } from '../../src/domain/paper';
import { fixturePapers } from '../support/papers';
import { startHarness, waitForJob, type Harness } from '../support/harness';

const [PAPER_A, PAPER_B, PAPER_C] = fixturePapers(3) as [Paper, Paper, Paper];

describe('the announce job against Slack’s failures', () => {
  let h: Harness;

  beforeAll(async () => {
    // No followers and an empty feed: the jobs below are the only ones.
    h = await startHarness({ channels: [], items: [] });
    await h.paperboy.store.upsertPapers([PAPER_A, PAPER_B, PAPER_C], new Date());
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function runAnnounce(channelId: string, paperId: string, feed?: FeedId) {
    const data = { workspaceId: h.slack.teamId, channelId, paperId, ...(feed ? { feed } : {}) };
    await h.paperboy.queues.enqueueAnnouncements([data]);
    const id = announce.jobId(data);
    const outcome = await waitForJob(h.paperboy.queues.announce, id).then(
      (value) => ({ value, error: undefined }),
      (error: Error) => ({ value: undefined, error }),
    );
    const job = await h.paperboy.queues.announce.getJob(id);
    return { ...outcome, job };
  }

  it('waits out a 429 for its Retry-After without using up an attempt, then posts once', async () => {
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    const { value, job } = await runAnnounce('C0RATE', PAPER_A.id);
    expect(value).toMatchObject({ source: 'posted' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(h.slack.messages('C0RATE')).toHaveLength(1);
    expect(job?.attemptsMade).toBeLessThanOrEqual(1);
  });

  it('fails at once, with the reason, when the channel does not exist', async () => {
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const { error, job } = await runAnnounce('C0GONE', PAPER_A.id);
    expect(error?.message).toContain('channel_not_found: the channel does not exist');
    expect(job?.attemptsMade).toBe(1);
    expect(h.slack.messages('C0GONE')).toHaveLength(0);
    expect(
      await h.paperboy.store.findDelivery(
        { workspaceId: h.slack.teamId, channelId: 'C0GONE' },
        PAPER_A.id,
      ),
    ).toBeUndefined();
  });

  it('retries a 500 and posts exactly once, checking the channel first', async () => {
    h.slack.failNext('chat.postMessage', { status: 500 });
    const { value } = await runAnnounce('C0FLAKY', PAPER_B.id);
    expect(value).toMatchObject({ source: 'posted' });
    expect(h.slack.messages('C0FLAKY')).toHaveLength(1);
    // The 500 left it unknown whether the post landed: the retry looked before posting again.
    const lookups = h.slack
      .calls('conversations.history')
      .filter((call) => call.args['channel'] === 'C0FLAKY');
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.args['include_all_metadata']).toBeTruthy();
  }, 20_000);

  it('fails at once for a paper the store does not have', async () => {
    const { error, job } = await runAnnounce('C0READING', '2401.99999');
    expect(error?.message).toContain('not in the store');
    expect(job?.attemptsMade).toBe(1);
  });

  it('does not post twice when Slack posted the card but the answer never arrived', async () => {
    h.slack.failNext('chat.postMessage', { dropResponse: true });
    const { value } = await runAnnounce('C0DROP', PAPER_C.id);
    expect(value).toMatchObject({ source: 'history' });
    expect(h.slack.messages('C0DROP')).toHaveLength(1);
    expect(
      h.slack.calls('chat.postMessage').filter((c) => c.args['channel'] === 'C0DROP'),
    ).toHaveLength(1);
    const delivery = await h.paperboy.store.findDelivery(
      { workspaceId: h.slack.teamId, channelId: 'C0DROP' },
      PAPER_C.id,
    );
    expect(delivery?.messageTs).toBe(h.slack.messages('C0DROP')[0]?.ts);
  }, 20_000);

  it('posts nothing in a channel that unfollowed the feed after the card was queued', async () => {
    const { value } = await runAnnounce('C0LEFT', PAPER_A.id, 'hf');
    expect(value).toEqual({ source: 'unfollowed' });
    expect(h.slack.messages('C0LEFT')).toHaveLength(0);
  });

  it('sends an announcement that ran out of attempts back to run when it is queued again', async () => {
    const data = { workspaceId: h.slack.teamId, channelId: 'C0OUTAGE', paperId: PAPER_B.id };
    const id = announce.jobId(data);
    // A job that used its only attempt while Slack was down, as a long outage leaves them.
    h.slack.failNext('chat.postMessage', { status: 503 });
    await h.paperboy.queues.announce.add(announce.name, data, { jobId: id, attempts: 1 });
    await expect(waitForJob(h.paperboy.queues.announce, id)).rejects.toThrow('failed');

    await h.paperboy.queues.enqueueAnnouncements([data]);
    await expect(waitForJob(h.paperboy.queues.announce, id)).resolves.toMatchObject({
      source: expect.any(String),
    });
    expect(h.slack.messages('C0OUTAGE')).toHaveLength(1);
  }, 20_000);
});
