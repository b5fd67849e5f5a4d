import type { Paper } from '../../src/domain/paper';
import { parseSearchQuery, type SearchQuery } from '../../src/domain/search-query';
import type { Store } from '../../src/store/store';
import { fixturePapers, minimalPaper } from '../support/papers';
import type { OpenedStore } from './store-contract';

const NOW = new Date('2025-12-01T12:00:00.000Z');
const WORKSPACE = 'T1';

/** The query language parsed as `/papers search` would; a test of the store, so it must parse. */
export function query(text: string): SearchQuery {
  const parsed = parseSearchQuery(text, { now: NOW, timeZone: 'UTC' });
  if (!parsed.ok) throw new Error(`test query did not parse: ${parsed.hint}`);
  return parsed.query;
}

/** Hostile or odd input that must parse to something and search without a database error. */
export const HOSTILE_QUERIES = [
  '"unbalanced quote',
  'speculative" decoding"',
  'NEAR(speculative decoding)',
  'token*',
  '^token',
  ':token',
  'title:token',
  'AND OR NOT',
  'token AND NOT decoding',
  "'; DROP TABLE papers; --",
  'papers_fts MATCH *',
  '"" token',
  '\u0301 token',
  '🚀 token 🧠',
  'نموذج لغوي token',
  'トークン token',
  'token '.repeat(16).trim(),
  `${'x'.repeat(300)} token`,
];

/** The behaviour of `Store.search` and `Store.topPapers` every adapter must share. */
export function describeSearchContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Search contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const fixture = fixturePapers();

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });

    afterEach(async () => {
      await cleanup();
    });

    async function ids(text: string, limit = 100, offset = 0): Promise<string[]> {
      const results = await store.search(WORKSPACE, query(text), { offset, limit }, NOW);
      return results.hits.map((hit) => hit.paper.id);
    }

    describe('on the fixture corpus', () => {
      beforeEach(async () => {
        await store.upsertPapers(fixture, NOW);
      });

      it('ranks papers with the words in the title above those with them only in the abstract', async () => {
        const titleMatches = fixture
          .filter((p) => /speculative decod/i.test(p.title))
          .map((p) => p.id);
        const bothWords = fixture.filter((p) =>
          [/speculative/i, /decod/i].every((word) =>
            word.test(`${p.title} ${p.abstract} ${(p.aiKeywords ?? []).join(' ')}`),
          ),
        );
        expect(titleMatches.length).toBeGreaterThanOrEqual(4);

        const found = await ids('speculative decoding');
        expect(found.slice(0, titleMatches.length).sort()).toEqual([...titleMatches].sort());
        expect(found.sort()).toEqual(bothWords.map((p) => p.id).sort());
      });

      it('finds exactly the papers of an author, matching within one name', async () => {
        const expected = fixture.filter((p) => p.authors.includes('Lin Ivanov')).map((p) => p.id);
        expect(expected.length).toBeGreaterThan(1);
        expect((await ids('author:"Lin Ivanov"')).sort()).toEqual(expected.sort());
        expect((await ids('author:"lin ivanov"')).sort()).toEqual(expected.sort());
        const lins = fixture.filter((p) => p.authors.some((a) => /\bLin\b/.test(a)));
        expect((await ids('author:lin')).sort()).toEqual(lins.map((p) => p.id).sort());
      });

      it('cuts by publication date with since: and until:', async () => {
        const from = Date.parse('2025-01-01T00:00:00Z');
        const to = Date.parse('2025-04-01T00:00:00Z');
        const inRange = (p: Paper) =>
          p.publishedAt.getTime() >= from && p.publishedAt.getTime() < to;
        const expected = fixture.filter(inRange).map((p) => p.id);
        expect(expected.length).toBeGreaterThan(2);
        expect((await ids('since:2025-01-01 until:2025-03-31')).sort()).toEqual(expected.sort());
        expect((await ids('since:2025-01-01 until:2025-03')).sort()).toEqual(expected.sort());

        const lastWeek = fixture.filter(
          (p) => p.publishedAt.getTime() >= Date.parse('2025-11-24T00:00:00Z'),
        );
        expect((await ids('since:7d')).sort()).toEqual(lastWeek.map((p) => p.id).sort());
      });

      it('sorts by date with sort:new and by votes with sort:votes', async () => {
        const newest = [...fixture]
          .filter((p) => /model/i.test(`${p.title} ${p.abstract}`))
          .sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime());
        const byDate = await ids('model sort:new');
        expect(byDate.map((id) => fixture.find((p) => p.id === id)?.publishedAt.getTime())).toEqual(
          newest.map((p) => p.publishedAt.getTime()),
        );

        const underdog = [...fixture].sort((a, b) => (a.hfUpvotes ?? 0) - (b.hfUpvotes ?? 0))[0];
        if (!underdog) throw new Error('empty fixture');
        await store.toggleVote(WORKSPACE, underdog.id, 'U1', NOW);
        const byVotes = await ids('sort:votes since:2000');
        expect(byVotes[0]).toBe(underdog.id);
        const rest = fixture
          .filter((p) => p.id !== underdog.id)
          .map((p) => p.hfUpvotes ?? 0)
          .sort((a, b) => b - a);
        expect(
          byVotes.slice(1).map((id) => fixture.find((p) => p.id === id)?.hfUpvotes ?? 0),
        ).toEqual(rest);
        // Another workspace's votes are not this one's.
        const elsewhere = await store.search(
          'T2',
          query('sort:votes since:2000'),
          { offset: 0, limit: 1 },
          NOW,
        );
        expect(elsewhere.hits[0]?.paper.id).not.toBe(underdog.id);
      });

      it('pages through the ranking without gaps or repeats, and keeps the total', async () => {
        const all = await ids('language', 100);
        expect(all.length).toBeGreaterThan(10);
        const pages: string[] = [];
        for (let offset = 0; offset < all.length; offset += 5) {
          const page = await store.search(WORKSPACE, query('language'), { offset, limit: 5 }, NOW);
          expect(page.total).toBe(all.length);
          pages.push(...page.hits.map((hit) => hit.paper.id));
        }
        expect(pages).toEqual(all);
        const past = await store.search(
          WORKSPACE,
          query('language'),
          { offset: 500, limit: 5 },
          NOW,
        );
        expect(past).toEqual({ hits: [], total: all.length, capped: false });
      });

      it('marks the matched words in a one-line snippet of the abstract', async () => {
        const results = await store.search(
          WORKSPACE,
          query('speculative decoding'),
          { offset: 0, limit: 5 },
          NOW,
        );
        for (const hit of results.hits) {
          const text = hit.snippet.map((part) => part.text).join('');
          expect(text.length).toBeLessThan(400);
          const matched = hit.snippet.filter((part) => part.match).map((p) => p.text.toLowerCase());
          for (const word of matched) expect(word).toMatch(/^(speculative|decod\w*)$/);
        }
        expect(results.hits.some((hit) => hit.snippet.some((part) => part.match))).toBe(true);
      });

      it('answers hostile and odd queries without an error', async () => {
        for (const text of HOSTILE_QUERIES) {
          const parsed = parseSearchQuery(text, { now: NOW, timeZone: 'UTC' });
          if (!parsed.ok) continue;
          const results = await store.search(WORKSPACE, parsed.query, { offset: 0, limit: 5 }, NOW);
          expect(results.total).toBeGreaterThanOrEqual(results.hits.length);
        }
        // Still all there.
        expect((await ids('since:2000', 100)).length).toBe(fixture.length);
      });
    });

    describe('matching rules', () => {
      const papers = [
        minimalPaper('2506.00001', {
          title: 'A faster tokenizer for code',
          abstract: 'We speed up speculative decoding.',
          authors: ['Wei Li', 'Ana Souza'],
        }),
        minimalPaper('2506.00002', {
          title: 'Decoding speculative execution attacks',
          abstract: 'A survey of side channels.',
          authors: ['Wei', 'Li Zhang'],
        }),
        minimalPaper('2506.00003', {
          title: 'Naïve Bayes, revisited',
          abstract: 'Speculative decoding: a survey.',
          authors: ['José Núñez'],
        }),
      ];

      beforeEach(async () => {
        await store.upsertPapers(papers, NOW);
      });

      it('stems words: tokenizers finds tokenizer', async () => {
        expect(await ids('tokenizers')).toEqual(['2506.00001']);
      });

      it('requires every word, anywhere', async () => {
        expect((await ids('speculative decoding')).sort()).toEqual([
          '2506.00001',
          '2506.00002',
          '2506.00003',
        ]);
        expect(await ids('speculative tokenizer')).toEqual(['2506.00001']);
      });

      it('matches a quoted phrase only with its words in order', async () => {
        expect((await ids('"speculative decoding"')).sort()).toEqual(['2506.00001', '2506.00003']);
        expect(await ids('"decoding speculative"')).toEqual(['2506.00002']);
      });

      it('leaves out excluded words and phrases', async () => {
        expect(await ids('speculative -survey')).toEqual(['2506.00001']);
        expect((await ids('speculative -"side channels"')).sort()).toEqual([
          '2506.00001',
          '2506.00003',
        ]);
      });

      it('matches an author within one name, never across two', async () => {
        expect(await ids('author:"Wei Li"')).toEqual(['2506.00001']);
        expect(await ids('author:"Li Zhang"')).toEqual(['2506.00002']);
        expect((await ids('author:wei')).sort()).toEqual(['2506.00001', '2506.00002']);
      });

      it('folds accents', async () => {
        expect(await ids('naive')).toEqual(['2506.00003']);
        expect(await ids('author:"jose nunez"')).toEqual(['2506.00003']);
      });

      it('finds nothing, quietly, for words no paper has', async () => {
        const results = await store.search(
          WORKSPACE,
          query('quantum'),
          { offset: 0, limit: 5 },
          NOW,
        );
        expect(results).toEqual({ hits: [], total: 0, capped: false });
      });
    });

    describe('ranking boosts', () => {
      const twin = (id: string, overrides: Partial<Paper> = {}) =>
        minimalPaper(id, {
          title: 'Mixture of experts at scale',
          abstract: 'Experts route tokens.',
          publishedAt: new Date('2025-06-01T00:00:00Z'),
          ...overrides,
        });
      const first = async (text: string) => (await ids(text))[0];

      it('breaks a tie in text with HF upvotes', async () => {
        await store.upsertPapers([twin('2506.00001'), twin('2506.00002', { hfUpvotes: 300 })], NOW);
        expect(await first('experts')).toBe('2506.00002');
      });

      it('breaks a tie in text with the team’s votes, of this workspace only', async () => {
        await store.upsertPapers([twin('2506.00001'), twin('2506.00002')], NOW);
        await store.toggleVote(WORKSPACE, '2506.00001', 'U1', NOW);
        await store.toggleVote('T2', '2506.00002', 'U1', NOW);
        await store.toggleVote('T2', '2506.00002', 'U2', NOW);
        expect(await first('experts')).toBe('2506.00001');
      });

      it('breaks a tie in text with recency', async () => {
        await store.upsertPapers(
          [
            twin('2506.00001'),
            twin('2506.00002', { publishedAt: new Date('2025-11-28T00:00:00Z') }),
          ],
          NOW,
        );
        expect(await first('experts')).toBe('2506.00002');
      });

      it('keeps a title match above a popular abstract match', async () => {
        await store.upsertPapers(
          [
            twin('2506.00001', { title: 'Routing with experts', hfUpvotes: 0 }),
            twin('2506.00002', {
              title: 'Scaling laws',
              abstract: 'About routing.',
              hfUpvotes: 5000,
            }),
          ],
          NOW,
        );
        expect(await first('routing')).toBe('2506.00001');
      });
    });

    describe('topPapers', () => {
      const day = (iso: string) => new Date(iso);
      const card = (paperId: string, channelId: string, postedAt: string, ts: string) =>
        store.recordDelivery({
          workspaceId: WORKSPACE,
          channelId,
          paperId,
          messageTs: ts,
          postedAt: day(postedAt),
        });

      beforeEach(async () => {
        await store.upsertPapers(
          [
            minimalPaper('2506.00001', { hfUpvotes: 5 }),
            minimalPaper('2506.00002', { hfUpvotes: 50 }),
            minimalPaper('2506.00003', { hfUpvotes: 500 }),
            minimalPaper('2506.00004', { hfUpvotes: 900 }),
            minimalPaper('2506.00005', { hfUpvotes: 9000 }),
          ],
          NOW,
        );
        await card('2506.00001', 'C1', '2025-11-30T09:00:00Z', '1.1');
        await card('2506.00002', 'C1', '2025-11-30T10:00:00Z', '1.2');
        await card('2506.00003', 'C1', '2025-11-30T11:00:00Z', '1.3');
        await card('2506.00003', 'C2', '2025-12-01T08:00:00Z', '2.3');
        await card('2506.00004', 'C1', '2025-10-01T11:00:00Z', '1.4');
        // 2506.00005 was never posted in this workspace: it is no team's top paper here.
      });

      it('ranks team votes first, then thread replies, then HF upvotes', async () => {
        await store.toggleVote(WORKSPACE, '2506.00001', 'U1', NOW);
        await store.countThreadReplies({ workspaceId: WORKSPACE, channelId: 'C1' }, '1.2', 3);
        await store.countThreadReplies({ workspaceId: WORKSPACE, channelId: 'C2' }, '2.3', 1);
        const top = await store.topPapers(WORKSPACE, undefined, 10);
        expect(top.map((entry) => [entry.paper.id, entry.teamVotes, entry.replies])).toEqual([
          ['2506.00001', 1, 0],
          ['2506.00002', 0, 3],
          ['2506.00003', 0, 1],
          ['2506.00004', 0, 0],
        ]);
      });

      it('links each paper to its first card and cuts by when that card was posted', async () => {
        const top = await store.topPapers(WORKSPACE, day('2025-11-30T10:00:00Z'), 10);
        expect(top.map((entry) => entry.paper.id)).toEqual(['2506.00003', '2506.00002']);
        expect(top[0]?.firstCard).toMatchObject({ channelId: 'C1', messageTs: '1.3' });
        expect(await store.topPapers(WORKSPACE, undefined, 2)).toHaveLength(2);
        expect(await store.topPapers('T2', undefined, 10)).toEqual([]);
      });

      it('counts thread replies per card, never below zero, and only for our cards', async () => {
        const channel = { workspaceId: WORKSPACE, channelId: 'C1' };
        const count = async (ts: string, delta: number) =>
          (await store.countThreadReplies(channel, ts, delta))?.replyCount ?? 0;
        expect(await count('1.1', 2)).toBe(2);
        expect(await count('1.1', -1)).toBe(1);
        expect(await count('1.1', -5)).toBe(0);
        expect(await store.countThreadReplies(channel, '1.1', 1)).toMatchObject({
          paperId: '2506.00001',
          messageTs: '1.1',
          replyCount: 1,
        });
        expect((await store.findDelivery(channel, '2506.00001'))?.replyCount).toBe(1);
        expect(await store.countThreadReplies(channel, '9.9', 1)).toBeUndefined();
        expect(
          await store.countThreadReplies({ workspaceId: WORKSPACE, channelId: 'C2' }, '1.1', 1),
        ).toBeUndefined();
      });

      it('remembers Slack event ids for a day', async () => {
        const at = new Date('2025-12-01T00:00:00Z');
        const later = (hours: number) => new Date(at.getTime() + hours * 3_600_000);
        expect(await store.markEventSeen('Ev1', at)).toBe(true);
        expect(await store.markEventSeen('Ev1', later(1))).toBe(false);
        expect(await store.markEventSeen('Ev2', at)).toBe(true);
        // More than a day later the first id is forgotten (Slack stopped retrying long before).
        expect(await store.markEventSeen('Ev3', later(25))).toBe(true);
        expect(await store.markEventSeen('Ev1', later(25))).toBe(true);
      });
    });
  });
}
