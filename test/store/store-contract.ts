import type { FeedId } from '../../src/domain/feed';
import type { Paper } from '../../src/domain/paper';
import type { ChannelRef, Delivery, Store } from '../../src/store/store';
import { minimalPaper } from '../support/papers';

/**
 * The behaviour every `Store` adapter must share. Each adapter's test file calls this with a way to
 * open a fresh, empty store; `cleanup` closes it and removes whatever it created.
 */
export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
}

const T0 = Date.parse('2025-06-02T10:00:00.000Z');
/** A time `minutes` after T0. */
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

/** A paper with every optional field set. */
function fullPaper(id: string, overrides: Partial<Paper> = {}): Paper {
  return {
    id,
    title: 'Tokenizer-free Language Models',
    abstract: 'We train language models on raw bytes. They match subword models.',
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'],
    publishedAt: new Date('2025-05-30T17:59:47.123Z'),
    featuredAt: new Date('2025-06-01T03:47:12.777Z'),
    hfUpvotes: 12,
    hfComments: 3,
    githubRepo: 'https://github.com/example/bytes',
    githubStars: 1234,
    projectPage: 'https://example.org/bytes',
    aiSummary: 'Byte-level models match subword ones.',
    aiKeywords: ['bytes', 'tokenization'],
    ...overrides,
  };
}

/** Pending pairs without their (here empty) filters, which the filter tests look at on their own. */
async function pending(
  store: Store,
  feed: FeedId,
  ids: readonly string[],
): Promise<Array<ChannelRef & { paperId: string }>> {
  const pairs = await store.pendingAnnouncements(feed, ids);
  for (const pair of pairs) expect(pair.filters).toEqual({});
  return pairs.map(({ filters: _filters, followedAt: _followedAt, ...pair }) => pair);
}

const byPair = (a: ChannelRef & { paperId: string }, b: ChannelRef & { paperId: string }): number =>
  `${a.workspaceId}/${a.channelId}/${a.paperId}`.localeCompare(
    `${b.workspaceId}/${b.channelId}/${b.paperId}`,
  );

export function describeStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });

    afterEach(async () => {
      await cleanup();
    });

    describe('upsertPapers', () => {
      it('reports first-seen ids as inserted and known ids as updated', async () => {
        const first = await store.upsertPapers(
          [minimalPaper('2506.00001'), minimalPaper('2506.00002')],
          at(0),
        );
        expect(first).toEqual({
          inserted: ['2506.00001', '2506.00002'],
          updated: [],
          newVersions: [],
          countersChanged: [],
        });

        const second = await store.upsertPapers(
          [minimalPaper('2506.00002'), minimalPaper('2506.00003')],
          at(15),
        );
        expect(second).toEqual({
          inserted: ['2506.00003'],
          updated: ['2506.00002'],
          newVersions: [],
          countersChanged: [],
        });
      });

      it('reports known papers with a higher arXiv version, or changed counters', async () => {
        await store.upsertPapers(
          [minimalPaper('2506.00001', { version: 1, hfUpvotes: 3 }), minimalPaper('2506.00002')],
          at(0),
        );
        const again = await store.upsertPapers(
          [
            minimalPaper('2506.00001', { version: 2, hfUpvotes: 3 }),
            minimalPaper('2506.00002', { githubStars: 10 }),
            minimalPaper('2506.00003', { version: 4 }),
          ],
          at(5),
        );
        // A first version number (a new paper, or one HF brought without it) is no news.
        expect(again.newVersions).toEqual([{ id: '2506.00001', version: 2 }]);
        expect(again.countersChanged).toEqual(['2506.00002']);
        // An older version seen later does not lower what is known.
        await store.upsertPapers([minimalPaper('2506.00001', { version: 1 })], at(6));
        expect((await store.getPaper('2506.00001'))?.version).toBe(2);
      });

      it('says which papers it first saw since a time; a refresh does not make a paper new', async () => {
        await store.upsertPapers([minimalPaper('2506.00001')], at(0));
        await store.upsertPapers([minimalPaper('2506.00001'), minimalPaper('2506.00002')], at(10));
        const ids = ['2506.00002', '2506.00001', '2506.09999'];
        expect(await store.firstSeenSince(ids, at(5))).toEqual(['2506.00002']);
        expect(await store.firstSeenSince(ids, at(0))).toEqual(['2506.00002', '2506.00001']);
        expect(await store.firstSeenSince([], at(0))).toEqual([]);
      });

      it('accepts an empty batch', async () => {
        expect(await store.upsertPapers([], at(0))).toEqual({
          inserted: [],
          updated: [],
          newVersions: [],
          countersChanged: [],
        });
      });

      it('refreshes counters and fields of a known paper', async () => {
        await store.upsertPapers([fullPaper('2506.00001')], at(0));
        await store.upsertPapers(
          [
            fullPaper('2506.00001', {
              title: 'Tokenizer-free Language Models, revised',
              abstract: 'A new abstract.',
              authors: ['Ada Lovelace', 'Alan Turing'],
              hfUpvotes: 40,
              hfComments: 7,
              githubStars: 2000,
              aiKeywords: ['bytes'],
            }),
          ],
          at(15),
        );
        const paper = await store.getPaper('2506.00001');
        expect(paper).toMatchObject({
          title: 'Tokenizer-free Language Models, revised',
          abstract: 'A new abstract.',
          authors: ['Ada Lovelace', 'Alan Turing'],
          hfUpvotes: 40,
          hfComments: 7,
          githubStars: 2000,
          aiKeywords: ['bytes'],
        });
      });

      it('does not erase known values when a later item lacks an optional field', async () => {
        const known = fullPaper('2506.00001');
        await store.upsertPapers([known], at(0));
        // The same paper as a sparser feed item: no abstract, no authors, no optional fields.
        await store.upsertPapers(
          [
            {
              id: '2506.00001',
              title: known.title,
              abstract: '',
              authors: [],
              publishedAt: known.publishedAt,
            },
          ],
          at(15),
        );
        expect(await store.getPaper('2506.00001')).toEqual(known);
      });
    });

    describe('getPaper / getPapers', () => {
      it('round-trips every field, dates as Dates and arrays as arrays', async () => {
        const paper = fullPaper('2506.00001');
        await store.upsertPapers([paper], at(0));
        const read = await store.getPaper('2506.00001');
        expect(read).toEqual(paper);
        expect(read?.publishedAt).toBeInstanceOf(Date);
        expect(read?.publishedAt.toISOString()).toBe('2025-05-30T17:59:47.123Z');
        expect(read?.featuredAt?.toISOString()).toBe('2025-06-01T03:47:12.777Z');
        expect(Array.isArray(read?.authors)).toBe(true);
        expect(Array.isArray(read?.aiKeywords)).toBe(true);
      });

      it('round-trips a paper with only the required fields, adding none', async () => {
        const paper = minimalPaper('hep-th/9901001', { abstract: '', authors: [] });
        await store.upsertPapers([paper], at(0));
        const read = await store.getPaper('hep-th/9901001');
        expect(read).toEqual(paper);
        for (const key of [
          'featuredAt',
          'hfUpvotes',
          'hfComments',
          'githubRepo',
          'githubStars',
          'projectPage',
          'aiSummary',
          'aiKeywords',
        ] as const) {
          expect(read?.[key]).toBeUndefined();
        }
      });

      it('keeps zero counters as zero, not as absent', async () => {
        await store.upsertPapers(
          [minimalPaper('2506.00001', { hfUpvotes: 0, hfComments: 0, githubStars: 0 })],
          at(0),
        );
        expect(await store.getPaper('2506.00001')).toMatchObject({
          hfUpvotes: 0,
          hfComments: 0,
          githubStars: 0,
        });
      });

      it('returns undefined for an unknown id', async () => {
        expect(await store.getPaper('2506.99999')).toBeUndefined();
      });

      it('getPapers keeps the order asked and skips unknown ids', async () => {
        await store.upsertPapers(
          ['2506.00001', '2506.00002', '2506.00003'].map((id) => minimalPaper(id)),
          at(0),
        );
        const papers = await store.getPapers([
          '2506.00003',
          '2506.99999',
          '2506.00001',
          '2506.00002',
        ]);
        expect(papers.map((p) => p.id)).toEqual(['2506.00003', '2506.00001', '2506.00002']);
        expect(papers[0]).toEqual(minimalPaper('2506.00003'));
        expect(await store.getPapers([])).toEqual([]);
      });
    });

    describe('follow / unfollow / followedFeeds', () => {
      const general: ChannelRef = { workspaceId: 'T1', channelId: 'C1' };

      it('follows once, unfollows once, and lists what a channel follows', async () => {
        expect(await store.followedFeeds(general)).toEqual([]);
        expect(await store.follow(general, 'hf', at(0))).toBe('added');
        expect(await store.follow(general, 'hf', at(5))).toBe('unchanged');
        expect(await store.followedFeeds(general)).toEqual(['hf']);

        expect(await store.unfollow(general, 'hf')).toBe(true);
        expect(await store.unfollow(general, 'hf')).toBe(false);
        expect(await store.followedFeeds(general)).toEqual([]);
      });

      it('lists a workspace’s follows by channel, and no other workspace’s', async () => {
        await store.follow({ workspaceId: 'T1', channelId: 'C9' }, 'hf', at(0));
        await store.follow(general, 'hf', at(0));
        await store.follow({ workspaceId: 'T2', channelId: 'C5' }, 'hf', at(0));
        expect(await store.followsIn('T1')).toEqual([
          { channelId: general.channelId, feed: 'hf' },
          { channelId: 'C9', feed: 'hf' },
        ]);
        expect(await store.followsIn('T3')).toEqual([]);
      });

      it('scopes follows to the channel within its workspace', async () => {
        await store.follow(general, 'hf', at(0));
        expect(await store.followedFeeds({ workspaceId: 'T1', channelId: 'C2' })).toEqual([]);
        expect(await store.followedFeeds({ workspaceId: 'T2', channelId: 'C1' })).toEqual([]);
        expect(await store.unfollow({ workspaceId: 'T2', channelId: 'C1' }, 'hf')).toBe(false);
        expect(await store.followedFeeds(general)).toEqual(['hf']);
      });
    });

    describe('pendingAnnouncements', () => {
      const early: ChannelRef = { workspaceId: 'T1', channelId: 'CEARLY' };
      const late: ChannelRef = { workspaceId: 'T1', channelId: 'CLATE' };
      const otherTeam: ChannelRef = { workspaceId: 'T2', channelId: 'CEARLY' };
      const bystander: ChannelRef = { workspaceId: 'T1', channelId: 'CNONE' };
      const ids = ['2506.00001', '2506.00002', '2506.00003'];

      beforeEach(async () => {
        // 2506.00001 was seen before anyone followed, 2506.00002 exactly when `early` followed,
        // 2506.00003 after both follows.
        await store.upsertPapers([minimalPaper('2506.00001')], at(-60));
        await store.follow(early, 'hf', at(0));
        await store.follow(otherTeam, 'hf', at(0));
        await store.upsertPapers([minimalPaper('2506.00002')], at(0));
        await store.follow(late, 'hf', at(30));
        await store.upsertPapers([minimalPaper('2506.00003')], at(60));
      });

      it('pairs followers with papers first seen at or after their follow began', async () => {
        const owed = await pending(store, 'hf', ids);
        expect([...owed].sort(byPair)).toEqual(
          [
            { ...early, paperId: '2506.00002' },
            { ...early, paperId: '2506.00003' },
            { ...late, paperId: '2506.00003' },
            { ...otherTeam, paperId: '2506.00002' },
            { ...otherTeam, paperId: '2506.00003' },
          ].sort(byPair),
        );
        expect(owed.some((p) => p.channelId === bystander.channelId)).toBe(false);
      });

      it('keeps the first-seen time when a known paper is refreshed later', async () => {
        // Seen again after `late` followed: still a paper from before the follow for `late`.
        await store.upsertPapers([minimalPaper('2506.00002', { hfUpvotes: 5 })], at(90));
        const owed = await pending(store, 'hf', ['2506.00002']);
        expect(owed.some((p) => p.channelId === late.channelId)).toBe(false);
      });

      it('only includes channels that follow that feed', async () => {
        await store.unfollow(otherTeam, 'hf');
        // A follow of another feed (future feeds such as arXiv) must not receive HF papers.
        await store.follow(bystander, 'arxiv:cs.CL', at(0));
        const owed = await pending(store, 'hf', ids);
        const channels = new Set(owed.map((p) => `${p.workspaceId}/${p.channelId}`));
        expect(channels).toEqual(new Set(['T1/CEARLY', 'T1/CLATE']));
      });

      it('excludes pairs that already have a delivery', async () => {
        await store.recordDelivery({
          ...early,
          paperId: '2506.00003',
          messageTs: '1717322400.000100',
          postedAt: at(61),
        });
        const owed = await pending(store, 'hf', ids);
        expect(owed).not.toContainEqual({ ...early, paperId: '2506.00003' });
        // The same paper in other channels is still owed.
        expect(owed).toContainEqual({ ...late, paperId: '2506.00003' });
        expect(owed).toContainEqual({ ...otherTeam, paperId: '2506.00003' });
        expect(owed).toContainEqual({ ...early, paperId: '2506.00002' });
        expect(owed).toHaveLength(4);
      });

      it('only considers the given paper ids', async () => {
        const owed = await pending(store, 'hf', ['2506.00002', '2506.99999']);
        expect([...owed].sort(byPair)).toEqual(
          [
            { ...early, paperId: '2506.00002' },
            { ...otherTeam, paperId: '2506.00002' },
          ].sort(byPair),
        );
        expect(await pending(store, 'hf', [])).toEqual([]);
      });

      it('stops once a channel unfollows', async () => {
        await store.unfollow(early, 'hf');
        const owed = await pending(store, 'hf', ids);
        expect(owed.some((p) => p.channelId === early.channelId && p.workspaceId === 'T1')).toBe(
          false,
        );
      });
    });

    describe('votes', () => {
      const paperId = '2506.00001';

      beforeEach(async () => {
        await store.upsertPapers([minimalPaper(paperId), minimalPaper('2506.00002')], at(0));
      });

      it('toggles a vote 0 → 1 → 0', async () => {
        expect(await store.countVotes('T1', paperId)).toBe(0);
        expect(await store.toggleVote('T1', paperId, 'U1', at(1))).toEqual({
          voted: true,
          count: 1,
        });
        expect(await store.countVotes('T1', paperId)).toBe(1);
        expect(await store.toggleVote('T1', paperId, 'U1', at(2))).toEqual({
          voted: false,
          count: 0,
        });
        expect(await store.countVotes('T1', paperId)).toBe(0);
      });

      it('counts per workspace and per paper', async () => {
        await store.toggleVote('T1', paperId, 'U1', at(1));
        await store.toggleVote('T1', paperId, 'U2', at(1));
        // The same user id in another workspace is another person.
        expect(await store.toggleVote('T2', paperId, 'U1', at(1))).toEqual({
          voted: true,
          count: 1,
        });
        expect(await store.countVotes('T1', paperId)).toBe(2);
        expect(await store.countVotes('T2', paperId)).toBe(1);
        expect(await store.countVotes('T1', '2506.00002')).toBe(0);
        expect(await store.toggleVote('T1', paperId, 'U2', at(2))).toEqual({
          voted: false,
          count: 1,
        });
        expect(await store.countVotes('T2', paperId)).toBe(1);
      });

      it('counts 100 concurrent votes from 100 users as 100', async () => {
        const users = Array.from({ length: 100 }, (_, i) => `U${String(i).padStart(3, '0')}`);
        const results = await Promise.all(
          users.map((user) => store.toggleVote('T1', paperId, user, at(1))),
        );
        expect(results.every((r) => r.voted)).toBe(true);
        expect(await store.countVotes('T1', paperId)).toBe(100);
      });

      it('keeps one vote per user: a second click takes it back', async () => {
        const [first, second] = await Promise.all([
          store.toggleVote('T1', paperId, 'U1', at(1)),
          store.toggleVote('T1', paperId, 'U1', at(1)),
        ]);
        expect([first?.voted, second?.voted].sort()).toEqual([false, true]);
        expect(await store.countVotes('T1', paperId)).toBe(0);
      });
    });

    describe('deliveries', () => {
      const paperId = '2506.00001';
      const channel: ChannelRef = { workspaceId: 'T1', channelId: 'C1' };

      beforeEach(async () => {
        await store.upsertPapers([minimalPaper(paperId), minimalPaper('2506.00002')], at(0));
      });

      it('records a delivery and finds it again', async () => {
        const delivery: Delivery = {
          ...channel,
          paperId,
          messageTs: '1717322400.000100',
          postedAt: at(1),
        };
        expect(await store.recordDelivery(delivery)).toEqual(delivery);
        expect(await store.findDelivery(channel, paperId)).toEqual(delivery);
        expect(await store.findDelivery(channel, '2506.00002')).toBeUndefined();
        expect(await store.findDelivery({ workspaceId: 'T2', channelId: 'C1' }, paperId)).toBe(
          undefined,
        );
      });

      it('is idempotent: a second record keeps and returns the first', async () => {
        const first: Delivery = {
          ...channel,
          paperId,
          messageTs: '1717322400.000100',
          postedAt: at(1),
        };
        await store.recordDelivery(first);
        const again = await store.recordDelivery({
          ...first,
          messageTs: '1717322999.000900',
          postedAt: at(9),
        });
        expect(again).toEqual(first);
        expect(await store.findDelivery(channel, paperId)).toEqual(first);
        expect(await store.deliveriesOf('T1', paperId)).toEqual([first]);
      });

      it('keeps who shared a card and their comment', async () => {
        const shared: Delivery = {
          ...channel,
          paperId,
          messageTs: '1717322400.000100',
          postedAt: at(1),
          sharedBy: 'U0ALICE',
          comment: 'Worth a read <!channel> & more',
        };
        expect(await store.recordDelivery(shared)).toEqual(shared);
        expect(await store.deliveriesOf('T1', paperId)).toEqual([shared]);
      });

      it('lists a paper’s cards in a workspace, oldest first', async () => {
        const second: Delivery = {
          workspaceId: 'T1',
          channelId: 'CB',
          paperId,
          messageTs: '2.0',
          postedAt: at(2),
        };
        const third: Delivery = { ...second, channelId: 'CA', messageTs: '3.0', postedAt: at(3) };
        const first: Delivery = { ...second, channelId: 'CC', messageTs: '1.0', postedAt: at(1) };
        await store.recordDelivery(second);
        await store.recordDelivery(third);
        await store.recordDelivery(first);
        // Not this paper, not this workspace.
        await store.recordDelivery({ ...first, paperId: '2506.00002' });
        await store.recordDelivery({ ...first, workspaceId: 'T2' });

        expect(await store.deliveriesOf('T1', paperId)).toEqual([first, second, third]);
        expect(await store.deliveriesOf('T2', paperId)).toEqual([{ ...first, workspaceId: 'T2' }]);
        expect(await store.deliveriesOf('T3', paperId)).toEqual([]);
      });
    });
  });
}
