import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import * as digest from '../../jobs/digest';
import * as noteVersion from '../../jobs/note-version';
import { createRedisConnection, waitForRedis } from '../../src/queue/connection';
import { createPostLocks } from '../../src/queue/post-lock';
import { createSlackClient } from '../../src/slack/client';
import { captureLogger, startHarness, TEST_REDIS_URL, type Harness } from '../support/harness';
import { minimalPaper } from '../support/papers';

/** Just enough of a BullMQ job to run a processor by hand, retries included. */
function handJob<T>(data: T): Job<T> {
  const job = {
    data,
    async updateData(next: T) {
      job.data = next;
    },
  };
  return job as unknown as Job<T>;
}

describe('digest and version-note jobs after an unanswered post', () => {
  let h: Harness;
  let redis: Redis;
  const { logger } = captureLogger();
  let deps: digest.DigestDeps & noteVersion.NoteVersionDeps;

  beforeAll(async () => {
    h = await startHarness({ channels: [], items: [], role: 'app' });
    redis = createRedisConnection(TEST_REDIS_URL, 'producer');
    await waitForRedis(redis);
    deps = {
      store: h.paperboy.store,
      slack: createSlackClient({
        token: h.slack.token,
        apiUrl: h.slack.apiUrl,
        logger,
        role: 'worker',
      }),
      locks: createPostLocks(redis, h.prefix),
      logger,
      clock: () => new Date(),
      timeZone: 'UTC',
      enqueueDigestPosts: async () => undefined,
    };
  });

  afterAll(async () => {
    await redis?.quit();
    await h?.stop();
  });

  it('finds the digest an unanswered attempt posted instead of posting it again', async () => {
    const channel = { workspaceId: h.slack.teamId, channelId: 'C0DIGESTRETRY' };
    await deps.store.upsertPapers(
      [minimalPaper('2506.40001'), minimalPaper('2506.40002')],
      new Date(),
    );
    await deps.store.queueDigestItems(
      ['2506.40001', '2506.40002'].map((paperId) => ({ ...channel, paperId, feed: 'hf' as const })),
      new Date(),
    );
    const post = digest.createProcessor(deps);
    const job = handJob<digest.DigestData>({ kind: 'post', ...channel, day: '2025-06-02', top: 5 });

    // Slack posts it, but the answer never arrives.
    h.slack.failNext('chat.postMessage', { dropResponse: true });
    await expect(post(job)).rejects.toThrow();
    expect(h.slack.messages(channel.channelId)).toHaveLength(1);

    const retried = await post(job);
    const [posted] = h.slack.messages(channel.channelId);
    expect(h.slack.messages(channel.channelId)).toHaveLength(1);
    expect(retried).toEqual({ posted: 2, messageTs: posted?.ts });
    expect((await deps.store.digestOf(channel, posted?.ts ?? ''))?.paperIds).toHaveLength(2);
    // Recorded: a third run has nothing left to post.
    expect(await post(job)).toEqual({ posted: 0 });
  });

  it('notes a version at most once, even when two jobs for it run at once', async () => {
    const channel = { workspaceId: h.slack.teamId, channelId: 'C0NOTES' };
    await deps.store.upsertPapers([minimalPaper('2506.40003')], new Date());
    await deps.store.recordDelivery({
      ...channel,
      paperId: '2506.40003',
      messageTs: '1700000000.000100',
      postedAt: new Date(),
    });
    const note = noteVersion.createProcessor(deps);
    const data = { ...channel, paperId: '2506.40003', version: 2, messageTs: '1700000000.000100' };
    const results = await Promise.allSettled([note(handJob(data)), note(handJob(data))]);
    // One posts; the other finds the card being noted and would be retried by BullMQ later…
    expect(results.filter((r) => r.status === 'fulfilled' && r.value.noted)).toHaveLength(1);
    // …when the note is recorded and nothing is left to do.
    expect(await note(handJob(data))).toEqual({ noted: false });
    const notes = h.slack
      .messages(channel.channelId)
      .filter((m) => m.threadTs === '1700000000.000100');
    expect(notes).toHaveLength(1);
    expect(await note(handJob({ ...data, version: 1 }))).toEqual({ noted: false });
  });

  it('posts a note whose first attempt Slack turned away (429), on the retry', async () => {
    const channel = { workspaceId: h.slack.teamId, channelId: 'C0NOTERETRY' };
    await deps.store.upsertPapers([minimalPaper('2506.40004')], new Date());
    await deps.store.recordDelivery({
      ...channel,
      paperId: '2506.40004',
      messageTs: '1700000000.000200',
      postedAt: new Date(),
    });
    const note = noteVersion.createProcessor(deps);
    const job = handJob({
      ...channel,
      paperId: '2506.40004',
      version: 2,
      messageTs: '1700000000.000200',
    });
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await expect(note(job)).rejects.toThrow();
    expect(await note(job)).toEqual({ noted: true });
    expect(
      h.slack.messages(channel.channelId).filter((m) => m.threadTs === '1700000000.000200'),
    ).toHaveLength(1);
  });
});
