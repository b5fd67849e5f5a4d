import { loadHfFixture } from '../test/support/feed-server';
import { startHarness } from '../test/support/harness';

export interface PipelineFigures {
  channels: number;
  cards: number;
  /** From the poll job's start to the last card's `chat.postMessage` answer. */
  pollToLastCardMs: number;
  cardsPerSecond: number;
}

/**
 * The core pipeline's latency: the 50-paper fixture, one poll, every card posted to `channels`
 * channels of the emulator (which does not rate-limit here), real Redis and SQLite.
 */
export async function measurePipeline(channels: number): Promise<PipelineFigures> {
  const fixture = loadHfFixture();
  const channelIds = Array.from({ length: channels }, (_, i) => `C0BENCH${i}`);
  const expected = fixture.length * channels;
  let lastPostAt = 0;
  const h = await startHarness({ channels: channelIds });
  try {
    h.slack.on('message', () => (lastPostAt = Date.now()));
    await h.slack.waitFor(() => h.slack.messages().length >= expected, { timeoutMs: 120_000 });
    // The Hugging Face poll, not the arXiv one (which finds no followed category and ends at once).
    const poll = (await h.paperboy.queues.pollFeed.getCompleted()).find(
      (job) => job.data.feed === 'hf',
    );
    const pollToLastCardMs = lastPostAt - (poll?.processedOn ?? lastPostAt);
    return {
      channels,
      cards: expected,
      pollToLastCardMs,
      cardsPerSecond: Math.round((expected / pollToLastCardMs) * 1000),
    };
  } finally {
    await h.stop();
  }
}
