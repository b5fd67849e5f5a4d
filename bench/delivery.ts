import { DEFAULT_CHANNEL_PACING, type ChannelPacing } from '../src/queue/channel-pacer';
import { loadHfFixture } from '../test/support/feed-server';
import { startHarness, waitForDrained } from '../test/support/harness';

export interface DeliveryFigures {
  channels: number;
  papersPerChannel: number;
  /** Slack's limit as the emulator enforces it. */
  limit: { perSecond: number; burst: number };
  pacing: ChannelPacing | 'off';
  /** From the poll job's start to the last card's `chat.postMessage` answer. */
  pollToLastCardMs: number;
  /**
   * The least time Slack's limit allows: every channel posts its first `burst` cards at once, then
   * one per `1 / perSecond`, and the channels go in parallel: `(papers − burst) / perSecond`.
   */
  minimumMs: number;
  /** The same at the pacer's own interval (a little slower than Slack's limit, on purpose). */
  pacedMinimumMs?: number;
  /** 429 answers the emulator sent to `chat.postMessage`. */
  rateLimited: number;
  /** Cards posted more than once in one channel (extra copies). */
  duplicates: number;
  /** (channel, paper) pairs that never arrived. */
  lost: number;
  /** Announce job runs, by how they ended: `delayed` ones were told to wait by the pacer. */
  runs: { completed: number; delayed: number; failed: number };
}

/**
 * Delivery under Slack's per-channel limit: `papers` fixture papers to each of `channels`
 * channels, the emulator answering 429 past 1 message per second per channel (bursts of 3), the
 * real app with its default pacing (or `'off'`, for comparison), real Redis and SQLite.
 */
export async function measureDelivery(
  channels: number,
  papers: number,
  pacing: ChannelPacing | 'off' = DEFAULT_CHANNEL_PACING,
): Promise<DeliveryFigures> {
  const items = loadHfFixture().slice(0, papers);
  const paperIds = (items as Array<{ paper: { id: string } }>).map((item) => item.paper.id);
  const channelIds = Array.from({ length: channels }, (_, i) => `C0DELIVER${i}`);
  const limit = { perSecond: 1, burst: 3 };
  const expected = channels * papers;
  let lastPostAt = 0;
  const h = await startHarness({
    channels: channelIds,
    items,
    channelPacing: pacing,
    emulator: { channelRateLimit: limit },
  });
  try {
    h.slack.on('message', () => (lastPostAt = Date.now()));
    await h.slack.waitFor(() => h.slack.messages().length >= expected, { timeoutMs: 180_000 });
    await waitForDrained(h.paperboy.queues.announce, 30_000);
    // A little longer: a late duplicate would show up now.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const poll = (await h.paperboy.queues.pollFeed.getCompleted()).find(
      (job) => job.data.feed === 'hf',
    );
    const counts = new Map<string, number>();
    for (const message of h.slack.messages()) {
      const key = `${message.channel}/${String(message.metadata?.event_payload['paper_id'])}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    let lost = 0;
    for (const channel of channelIds) {
      for (const paperId of paperIds) if (!counts.has(`${channel}/${paperId}`)) lost += 1;
    }
    const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    const durations = await h.paperboy.metrics.registry
      .getSingleMetric('paperboy_job_duration_seconds')
      ?.get();
    const runsOf = (outcome: string) =>
      durations?.values.find(
        (v) =>
          // A histogram's values are its buckets, sum and count, each named.
          (v as { metricName?: string }).metricName === 'paperboy_job_duration_seconds_count' &&
          v.labels.queue === 'announce' &&
          v.labels.outcome === outcome,
      )?.value ?? 0;
    return {
      channels,
      papersPerChannel: papers,
      limit,
      pacing,
      pollToLastCardMs: lastPostAt - (poll?.processedOn ?? lastPostAt),
      minimumMs: (Math.max(0, papers - limit.burst) / limit.perSecond) * 1000,
      ...(pacing === 'off'
        ? {}
        : { pacedMinimumMs: Math.max(0, papers - pacing.burst) * pacing.intervalMs }),
      rateLimited: h.slack.calls('chat.postMessage').filter((c) => c.status === 429).length,
      duplicates,
      lost,
      runs: {
        completed: runsOf('completed'),
        delayed: runsOf('delayed'),
        failed: runsOf('failed'),
      },
    };
  } finally {
    await h.stop();
  }
}
