import type { Paper } from '../../src/domain/paper';
import { validateBlocks } from '../support/block-kit';
import { HOSTILE_QUERIES } from '../store/search-contract';
import { startHarness, type Harness } from '../support/harness';
import { fixturePapers, hfPaperItem } from '../support/papers';
import { renderBlocks } from '../support/render-text';

const NOW = new Date();

/** What the app posted to a response_url: an ephemeral answer. */
interface Answer {
  text: string;
  blocks: unknown[];
  /** The blocks as a reader sees them: mrkdwn rendered to text. */
  rendered: string;
  raw: Record<string, unknown>;
}

describe('/papers search: full-text search answered through response_url', () => {
  let h: Harness;
  const fixture = fixturePapers();
  const titleOf = (id: string) => fixture.find((p) => p.id === id)?.title ?? '';

  beforeAll(async () => {
    // The app alone: no poll runs, the store holds exactly what each test puts there.
    h = await startHarness({ role: 'app', items: [] });
    await h.paperboy.store.upsertPapers(fixture, NOW);
  });

  afterAll(async () => {
    await h?.stop();
  });

  /** Sends `/papers <text>`, checks the ack came in time, and returns the answer that followed. */
  async function papers(text: string, channelId = 'C0SEARCH'): Promise<Answer> {
    const before = h.slack.responseUrlPosts().length;
    const ack = await h.slack.sendSlashCommand({ text, channelId });
    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(3000);
    const post = await h.slack.waitFor(() => h.slack.responseUrlPosts()[before]);
    const blocks = (post.body.blocks ?? []) as unknown[];
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(post.body.response_type).toBe('ephemeral');
    return {
      text: String(post.body.text ?? ''),
      blocks,
      rendered: renderBlocks(blocks, { width: 400 }),
      raw: post.body,
    };
  }

  /** The paper ids of the results, in order, read from their Share buttons. */
  function resultIds(answer: Answer): string[] {
    return (answer.blocks as Array<{ accessory?: { action_id?: string; value?: string } }>)
      .filter((block) => block.accessory?.action_id === 'paper_share')
      .map((block) => block.accessory?.value ?? '');
  }

  it('ranks title matches first and shows five compact results with a snippet in bold', async () => {
    const answer = await papers('search speculative decoding');
    const ids = resultIds(answer);
    expect(ids).toHaveLength(5);
    for (const id of ids) expect(titleOf(id)).toMatch(/speculative decod/i);
    expect(answer.text).toMatch(/papers match `speculative decoding` · 1–5/);
    const mrkdwn = JSON.stringify(answer.blocks);
    expect(mrkdwn).toMatch(/\*speculative\*|\*Speculative\*/);
    expect(mrkdwn).toContain('Share to channel');
    expect(mrkdwn).toContain('https://arxiv.org/abs/');
  });

  it('offers Next when there is more, carrying the query and the next offset', async () => {
    const answer = await papers('search language model');
    const nav = (answer.blocks as Array<{ type: string; elements?: Array<Record<string, string>> }>)
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    expect(nav.map((button) => button['action_id'])).toEqual(['search_next']);
    expect(JSON.parse(nav[0]?.['value'] ?? '')).toEqual({ q: 'language model', offset: 5 });
  });

  it('finds an author’s papers, and cuts by date', async () => {
    const byAuthor = await papers('search author:"Lin Ivanov" sort:new');
    const expected = fixture
      .filter((p) => p.authors.includes('Lin Ivanov'))
      .sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime())
      .map((p) => p.id);
    expect(resultIds(byAuthor)).toEqual(expected);

    const dated = await papers('search model since:2025-05-01 until:2025-05-31 sort:new');
    for (const id of resultIds(dated)) {
      const published = fixture.find((p) => p.id === id)?.publishedAt.toISOString() ?? '';
      expect(published >= '2025-05-01' && published < '2025-06-01').toBe(true);
    }
  });

  it('says what to relax when nothing matches', async () => {
    const answer = await papers('search speculative decoding -decoding since:2025-11-01');
    expect(answer.text).toContain('No papers match');
    expect(answer.rendered).toContain('drop the `-excluded` words');
    expect(answer.rendered).toContain('widen or remove `since:`');
  });

  it('gives a friendly hint for a mistake in the query language', async () => {
    expect((await papers('search mamba since:yesterday')).text).toMatch(
      /can't read `yesterday` as a time.*`7d`/,
    );
    expect((await papers('search mamba sort:stars')).text).toMatch(/I can sort by/);
    expect((await papers('search')).text).toMatch(/Tell me what to look for/);
  });

  it('answers every hostile query in time with a useful, valid, inert message', async () => {
    const hostile = [
      ...HOSTILE_QUERIES,
      '',
      'x'.repeat(5000),
      '<!channel> speculative',
      '&lt;!everyone&gt; token',
      '<@U0BOSS> token',
      '`code` *bold* _it_ token',
    ];
    for (const query of [...hostile, '*', '^', ':']) {
      const answer = await papers(`search ${query}`);
      expect(answer.text.length).toBeGreaterThan(0);
      // An answer, not the apology for a failure.
      expect(answer.text).not.toContain('something went wrong');
      const all = JSON.stringify(answer.raw);
      expect(all).not.toMatch(/<!(channel|everyone|here)|<@U0BOSS/);
    }
    expect((await papers(`search ${'x'.repeat(5000)}`)).text).toMatch(/5,000 characters long/);
    for (const bare of ['*', '^', ':']) {
      expect((await papers(`search ${bare}`)).text).toMatch(/Tell me what to look for/);
    }
    expect(h.logs.some((line) => line.includes('failed after its ack'))).toBe(false);
    // The store is intact after all of it.
    expect(
      (
        await h.paperboy.store.search(
          'T',
          { include: [], exclude: [], authors: [], since: new Date(0), sort: 'new' },
          { offset: 0, limit: 100 },
          NOW,
        )
      ).total,
    ).toBe(fixture.length);
  });

  describe('a paper named by id or link', () => {
    const hfItem = hfPaperItem;

    it('shows a paper the store has', async () => {
      const known = fixture[0] as Paper;
      const answer = await papers(`search https://arxiv.org/abs/${known.id}v2`);
      expect(resultIds(answer)).toEqual([known.id]);
      expect(h.feed.requests().filter((r) => r.path.includes(known.id))).toEqual([]);
    });

    it('fetches one the store lacks from Hugging Face, and keeps it', async () => {
      h.feed.setPaper('2510.00001', hfItem('2510.00001', 'Fetched from the Hub'));
      const answer = await papers('search https://huggingface.co/papers/2510.00001');
      expect(answer.text).toBe('Found 2510.00001 on Hugging Face');
      expect(answer.rendered).toContain('Fetched from the Hub');
      expect(resultIds(answer)).toEqual(['2510.00001']);
      expect((await h.paperboy.store.getPaper('2510.00001'))?.hfUpvotes).toBe(42);
    });

    it('falls back to arXiv when Hugging Face does not know it', async () => {
      h.feed.setArxivEntry({
        id: '2510.00002v1',
        title: 'Only on arXiv',
        summary: 'Not featured on Hugging Face.',
        authors: ['Ada Lovelace'],
        published: '2025-10-02T12:00:00Z',
      });
      const answer = await papers('search arXiv:2510.00002');
      expect(answer.text).toBe('Found 2510.00002 on arXiv');
      expect(resultIds(answer)).toEqual(['2510.00002']);
    });

    it('says so when no source knows the id', async () => {
      const answer = await papers('search 2510.99999');
      expect(answer.text).toContain('Neither Hugging Face nor arXiv knows a paper *2510.99999*');
    });
  });

  // Last: it breaks the store for the rest of the file.
  it('tells the member when the search fails on our side, and logs why', async () => {
    await h.paperboy.store.close();
    const answer = await papers('search speculative decoding');
    expect(answer.text).toContain('Sorry, something went wrong on my side');
    expect(h.logs.some((line) => line.includes('a /papers request failed after its ack'))).toBe(
      true,
    );
  });
});
