import { waitForDrained, waitForJob, startHarness, utcDay, type Harness } from '../support/harness';
import { loadHfFixture, type ArxivEntry } from '../support/feed-server';
import { paperIdOf } from '../support/cards';

/** A Daily Papers item for `id`, with this many upvotes. */
function hfItem(id: string, title: string, upvotes: number, summary = 'An abstract.'): unknown {
  const [template] = loadHfFixture() as Array<{ paper: Record<string, unknown> }>;
  return {
    ...template,
    title,
    summary,
    paper: { ...template?.paper, id, title, summary, upvotes },
  };
}

function arxivEntry(
  id: string,
  title: string,
  categories: string[],
  version = 1,
  published = '2025-06-02T12:00:00Z',
): ArxivEntry {
  return {
    id: `${id}v${version}`,
    title,
    summary: `About ${title.toLowerCase()}.`,
    authors: ['Ada Lovelace'],
    published,
    categories,
  };
}

describe('feeds, filters and new versions, from poll to channel', () => {
  let h: Harness;
  const ws = () => h.slack.teamId;
  const LONG_AGO = new Date('2020-01-01T00:00:00Z');

  beforeAll(async () => {
    // No channel follows anything yet: each test sets up its own follows and polls by hand.
    h = await startHarness({ channels: [], items: [] });
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function poll(source: 'hf' | 'arxiv'): Promise<void> {
    // Polls run one at a time: ours waits for any scheduled one, then runs to completion.
    const id = await h.paperboy.queues.pollNow(source);
    await waitForJob(h.paperboy.queues.pollFeed, id);
    await waitForDrained(h.paperboy.queues.announce);
    await waitForDrained(h.paperboy.queues.noteVersion);
  }

  const cardsIn = (channel: string) =>
    h.slack
      .messages(channel)
      .filter((m) => m.metadata?.event_type === 'paper_posted')
      .map(paperIdOf);

  it('announces an HF paper when it crosses a channel’s min-upvotes, not before', async () => {
    await h.paperboy.store.follow({ workspaceId: ws(), channelId: 'C0MIN' }, 'hf', LONG_AGO, {
      minUpvotes: 10,
    });
    h.feed.setDaily(utcDay(), [hfItem('2506.10001', 'Rising paper', 5)]);
    await poll('hf');
    expect(cardsIn('C0MIN')).toEqual([]);
    h.feed.setDaily(utcDay(), [hfItem('2506.10001', 'Rising paper', 12)]);
    await poll('hf');
    expect(cardsIn('C0MIN')).toEqual(['2506.10001']);
    await poll('hf');
    expect(cardsIn('C0MIN')).toEqual(['2506.10001']);

    // A living card: the next poll's upvotes reach the posted card by an edit, not a new post.
    h.feed.setDaily(utcDay(), [hfItem('2506.10001', 'Rising paper', 15)]);
    await poll('hf');
    await h.slack.waitFor(() =>
      JSON.stringify(h.slack.messages('C0MIN')[0]?.blocks ?? []).includes('▲ 15 on HF'),
    );
    expect(cardsIn('C0MIN')).toEqual(['2506.10001']);
  });

  it('keeps to a channel’s keywords and excluded keywords', async () => {
    await h.paperboy.store.follow({ workspaceId: ws(), channelId: 'C0KEYS' }, 'hf', LONG_AGO, {
      keywords: [['speculative', 'decoding'], ['tokenizer']],
      excludeKeywords: [['survey']],
    });
    h.feed.setDaily(utcDay(), [
      hfItem('2506.10002', 'Faster Speculative Decoding', 1),
      hfItem('2506.10003', 'Better tokenizers for code', 1),
      hfItem('2506.10004', 'A survey of speculative decoding', 1),
      hfItem('2506.10005', 'Decoding speculative fiction', 1),
    ]);
    await poll('hf');
    expect(cardsIn('C0KEYS').sort()).toEqual(['2506.10002', '2506.10003']);
  });

  it('posts an arXiv category’s papers, a cross-listing once, and one paper from two sources once', async () => {
    const channel = { workspaceId: ws(), channelId: 'C0ARXIV' };
    await h.paperboy.store.follow(channel, 'arxiv:cs.CL', LONG_AGO);
    await h.paperboy.store.follow(channel, 'arxiv:cs.LG', LONG_AGO);
    await h.paperboy.store.follow(channel, 'hf', LONG_AGO);
    h.feed.setArxivEntry(arxivEntry('2506.20001', 'Only in cs.CL', ['cs.CL']));
    h.feed.setArxivEntry(arxivEntry('2506.20002', 'Cross-listed', ['cs.LG', 'cs.CL']));
    h.feed.setArxivEntry(arxivEntry('2506.20003', 'Elsewhere', ['math.GT']));
    h.feed.setArxivEntry(arxivEntry('2506.20004', 'On HF too', ['cs.CL']));
    h.feed.setDaily(utcDay(), [hfItem('2506.20004', 'On HF too', 3)]);
    await poll('arxiv');
    await poll('hf');
    await poll('arxiv');
    expect(cardsIn('C0ARXIV').sort()).toEqual(['2506.20001', '2506.20002', '2506.20004']);
    const stored = await h.paperboy.store.getPaper('2506.20004');
    expect(stored).toMatchObject({ hfUpvotes: 3, version: 1, categories: ['cs.CL'] });
  });

  it('notes a new version in the existing thread once, instead of posting it again', async () => {
    h.feed.setArxivEntry(arxivEntry('2506.20001', 'Only in cs.CL', ['cs.CL'], 2));
    await poll('arxiv');
    await poll('arxiv');
    const [card] = h.slack
      .messages('C0ARXIV')
      .filter((m) => m.metadata?.event_payload['paper_id'] === '2506.20001');
    const notes = h.slack.messages('C0ARXIV').filter((m) => m.threadTs === card?.ts);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.text).toContain('*v2* of this paper is out');
    expect(notes[0]?.text).toContain('https://arxiv.org/abs/2506.20001v2');
    expect(cardsIn('C0ARXIV').filter((id) => id === '2506.20001')).toHaveLength(1);
    expect(
      (
        await h.paperboy.store.findDelivery(
          { workspaceId: ws(), channelId: 'C0ARXIV' },
          '2506.20001',
        )
      )?.notedVersion,
    ).toBe(2);
  });

  it('does not announce a new version of a paper it never saw as a new paper', async () => {
    // First published in 2019, before the channel followed cs.CL; revised now.
    h.feed.setArxivEntry(
      arxivEntry('1901.00009', 'An old paper, revised', ['cs.CL'], 3, '2019-01-05T12:00:00Z'),
    );
    await poll('arxiv');
    await poll('arxiv');
    expect(cardsIn('C0ARXIV')).not.toContain('1901.00009');
    expect((await h.paperboy.store.getPaper('1901.00009'))?.version).toBe(3);
  });

  it('matches a followed category whatever its case', async () => {
    const channel = { workspaceId: ws(), channelId: 'C0CASE' };
    await h.paperboy.store.follow(channel, 'arxiv:cs.lg', LONG_AGO);
    h.feed.setArxivEntry(arxivEntry('2506.20010', 'Learning things', ['cs.LG']));
    await poll('arxiv');
    // Both cs.LG papers (the cross-listed one from earlier too), however the follow was written.
    expect(cardsIn('C0CASE').sort()).toEqual(['2506.20002', '2506.20010']);
  });

  it('reads a busy day page by page, and stops at a page with nothing new', async () => {
    const channel = { workspaceId: ws(), channelId: 'C0BUSY' };
    // Keywords nothing matches: the papers are stored, no card is posted.
    await h.paperboy.store.follow(channel, 'arxiv:cs.IR', LONG_AGO, { keywords: [['zzzz']] });
    for (let i = 0; i < 250; i += 1) {
      const id = `2506.3${String(i).padStart(4, '0')}`;
      h.feed.setArxivEntry(arxivEntry(id, `Retrieval ${i}`, ['cs.IR']));
    }
    const pagesBefore = h.feed.requests().filter((r) => r.query['search_query']).length;
    await poll('arxiv');
    const stored = await h.paperboy.store.getPapers(['2506.30000', '2506.30249']);
    expect(stored.map((p) => p.id)).toEqual(['2506.30000', '2506.30249']);
    const pages = h.feed.requests().filter((r) => r.query['search_query']).length - pagesBefore;
    expect(pages).toBe(2);
    // Nothing new now: one page, then stop.
    await poll('arxiv');
    expect(h.feed.requests().filter((r) => r.query['search_query']).length - pagesBefore).toBe(3);
  });
});
