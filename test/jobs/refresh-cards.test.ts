import type { Job } from 'bullmq';
import * as refreshCards from '../../jobs/refresh-cards';
import type { Paper } from '../../src/domain/paper';
import { createHfClient, type HfClient } from '../../src/feeds/hf';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { FeedServer } from '../support/feed-server';
import { captureLogger, tempDatabase } from '../support/harness';
import { minimalPaper } from '../support/papers';

const NOW = new Date('2025-06-10T12:00:00.000Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type Counters = Pick<Paper, 'hfUpvotes' | 'hfComments' | 'githubStars'>;

/** What HF's `GET /api/papers/{id}` answers for a paper stored as `minimalPaper(id)`. */
function hfAnswer(id: string, counters: Counters): Record<string, unknown> {
  const paper = minimalPaper(id);
  return {
    id,
    title: paper.title,
    summary: paper.abstract,
    authors: paper.authors.map((name) => ({ name })),
    publishedAt: paper.publishedAt.toISOString(),
    ...(counters.hfUpvotes === undefined ? {} : { upvotes: counters.hfUpvotes }),
    ...(counters.hfComments === undefined ? {} : { numComments: counters.hfComments }),
    ...(counters.githubStars === undefined ? {} : { githubStars: counters.githubStars }),
  };
}

describe('the refresh-cards sweep (living cards)', () => {
  let db: ReturnType<typeof tempDatabase>;
  let store: SqliteStore;
  let server: FeedServer;
  let hf: HfClient;
  let logLines: string[];
  let logger: ReturnType<typeof captureLogger>['logger'];
  let refreshCalls: Array<[string, string]>;
  let waits: number[];
  let progress: number[];
  let nextTs: number;

  beforeEach(async () => {
    db = tempDatabase();
    store = SqliteStore.open(db.file);
    server = await FeedServer.start();
    ({ logger, lines: logLines } = captureLogger());
    // No retries: one HF answer per paper, so each scripted fault hits the paper it is meant for.
    hf = createHfClient({
      baseUrl: server.hfApiUrl,
      logger,
      fetch: { timeoutMs: 2_000, retries: 0, sleep: async () => undefined },
    });
    refreshCalls = [];
    waits = [];
    progress = [];
    nextTs = 1;
  });

  afterEach(async () => {
    await store.close();
    await server.close();
    db.remove();
  });

  /** A stored paper with these counters. */
  async function storePaper(id: string, counters: Counters) {
    await store.upsertPapers([minimalPaper(id, counters)], new Date(NOW.getTime() - 8 * DAY));
  }

  /** A card of the paper in a workspace's channel, posted `ageMs` before NOW. */
  async function postCard(workspaceId: string, channelId: string, paperId: string, ageMs: number) {
    await store.recordDelivery({
      workspaceId,
      channelId,
      paperId,
      messageTs: `1749000000.${String(nextTs++).padStart(6, '0')}`,
      postedAt: new Date(NOW.getTime() - ageMs),
    });
  }

  function fakeJob(): Job<refreshCards.RefreshCardsData> {
    const job = {
      data: {},
      updateProgress: async (value: number) => {
        progress.push(value);
      },
    };
    return job as unknown as Job<refreshCards.RefreshCardsData>;
  }

  function sweep(
    overrides: Partial<refreshCards.RefreshCardsDeps> = {},
  ): Promise<refreshCards.RefreshCardsResult> {
    const processor = refreshCards.createProcessor({
      store,
      hf,
      refresher: {
        refresh: async (workspaceId, paperId) => {
          refreshCalls.push([workspaceId, paperId]);
        },
      },
      logger,
      clock: () => NOW,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...overrides,
    });
    return processor(fakeJob());
  }

  function fetchedIds(): string[] {
    return server
      .requests()
      .map((request) => /^\/api\/papers\/(.+)$/.exec(request.path)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(decodeURIComponent);
  }

  it('declares its queue, schedule and HF budget', () => {
    expect(refreshCards.name).toBe('refresh-cards');
    expect(refreshCards.options.attempts).toBe(1);
    expect(refreshCards.options.removeOnComplete).toBeDefined();
    expect(refreshCards.options.removeOnFail).toBeDefined();
    expect(refreshCards.concurrency).toBe(1);
    expect(refreshCards.LIVING_CARD_DAYS).toBe(7);
    expect(refreshCards.REFRESH_EVERY_MS).toBe(30 * MINUTE);
    // HF allows 500 calls per 5 minutes for everything we do; the sweep keeps well under it.
    expect(refreshCards.HF_CALLS_PER_MINUTE * 5).toBeLessThanOrEqual(300);
    expect(refreshCards.HF_CALL_SPACING_MS).toBe(MINUTE / refreshCards.HF_CALLS_PER_MINUTE);
  });

  it.each([
    ['HF upvotes', { hfUpvotes: 9 }],
    ['comments', { hfComments: 4 }],
    ['GitHub stars', { githubStars: 120 }],
  ])('stores the new %s and refreshes the cards once per workspace', async (_what, change) => {
    await storePaper('2406.00001', { hfUpvotes: 3, hfComments: 1, githubStars: 100 });
    await postCard('T1', 'C1', '2406.00001', 2 * DAY);
    await postCard('T1', 'C2', '2406.00001', 1 * DAY);
    await postCard('T2', 'C9', '2406.00001', 3 * DAY);
    server.setPaper(
      '2406.00001',
      hfAnswer('2406.00001', { hfUpvotes: 3, hfComments: 1, githubStars: 100, ...change }),
    );

    const result = await sweep();

    expect(result).toEqual({ papers: 1, refreshed: 1, unchanged: 0, failed: 0 });
    expect(await store.getPaper('2406.00001')).toMatchObject({
      hfUpvotes: 3,
      hfComments: 1,
      githubStars: 100,
      ...change,
    });
    expect(refreshCalls.sort()).toEqual([
      ['T1', '2406.00001'],
      ['T2', '2406.00001'],
    ]);
    expect(logLines.some((line) => line.includes('1 changed and rewritten'))).toBe(true);
  });

  it('keeps a counter HF leaves out, and refreshes when another one moved', async () => {
    await storePaper('2406.00002', { hfUpvotes: 3, hfComments: 1, githubStars: 100 });
    await postCard('T1', 'C1', '2406.00002', DAY);
    server.setPaper('2406.00002', hfAnswer('2406.00002', { hfUpvotes: 5 }));

    expect(await sweep()).toMatchObject({ refreshed: 1 });
    expect(await store.getPaper('2406.00002')).toMatchObject({
      hfUpvotes: 5,
      hfComments: 1,
      githubStars: 100,
    });
  });

  it('leaves the store and the cards alone when nothing moved', async () => {
    await storePaper('2406.00003', { hfUpvotes: 3, hfComments: 1, githubStars: 100 });
    await storePaper('2406.00004', { hfUpvotes: 8, githubStars: 50 });
    await postCard('T1', 'C1', '2406.00003', DAY);
    await postCard('T1', 'C1', '2406.00004', DAY);
    server.setPaper(
      '2406.00003',
      hfAnswer('2406.00003', { hfUpvotes: 3, hfComments: 1, githubStars: 100 }),
    );
    // HF leaving stars out is no news: the card would read the same.
    server.setPaper('2406.00004', hfAnswer('2406.00004', { hfUpvotes: 8 }));
    const upsert = jest.spyOn(store, 'upsertPapers');

    const result = await sweep();

    expect(result).toEqual({ papers: 2, refreshed: 0, unchanged: 2, failed: 0 });
    expect(upsert).not.toHaveBeenCalled();
    expect(refreshCalls).toEqual([]);
    expect(fetchedIds()).toEqual(['2406.00003', '2406.00004']);
  });

  it('does not fetch a paper whose cards are all older than 7 days', async () => {
    await storePaper('2406.00010', { hfUpvotes: 1 });
    await storePaper('2406.00011', { hfUpvotes: 1 });
    await storePaper('2406.00012', { hfUpvotes: 1 });
    // Only old cards: no longer living.
    await postCard('T1', 'C1', '2406.00010', 7 * DAY + MINUTE);
    await postCard('T2', 'C2', '2406.00010', 30 * DAY);
    // Exactly 7 days old: still living.
    await postCard('T1', 'C1', '2406.00011', 7 * DAY);
    // An old card in T1, a new one in T2: fetched, and only T2 (the living card's) refreshed.
    await postCard('T1', 'C1', '2406.00012', 10 * DAY);
    await postCard('T2', 'C2', '2406.00012', DAY);
    for (const id of ['2406.00010', '2406.00011', '2406.00012']) {
      server.setPaper(id, hfAnswer(id, { hfUpvotes: 2 }));
    }

    const result = await sweep();

    expect(result).toEqual({ papers: 2, refreshed: 2, unchanged: 0, failed: 0 });
    expect(fetchedIds().sort()).toEqual(['2406.00011', '2406.00012']);
    expect(refreshCalls.sort()).toEqual([
      ['T1', '2406.00011'],
      ['T2', '2406.00012'],
    ]);
    expect((await store.getPaper('2406.00010'))?.hfUpvotes).toBe(1);
  });

  it('does nothing, and asks HF nothing, when no card is living', async () => {
    await storePaper('2406.00013', { hfUpvotes: 1 });
    await postCard('T1', 'C1', '2406.00013', 8 * DAY);

    expect(await sweep()).toEqual({ papers: 0, refreshed: 0, unchanged: 0, failed: 0 });
    expect(server.requests()).toEqual([]);
    expect(progress).toEqual([100]);
  });

  it('goes on with the other papers when HF answers 404 or 500 for one', async () => {
    for (const id of ['2406.00020', '2406.00021', '2406.00022', '2406.00023']) {
      await storePaper(id, { hfUpvotes: 1 });
    }
    // recentCards is oldest first: the papers are fetched in this order.
    await postCard('T1', 'C1', '2406.00020', 4 * DAY); // HF does not know it: 404
    await postCard('T1', 'C1', '2406.00021', 3 * DAY); // HF fails: 500
    await postCard('T1', 'C1', '2406.00022', 2 * DAY); // moved
    await postCard('T2', 'C1', '2406.00023', 1 * DAY); // moved
    server.setPaper('2406.00021', hfAnswer('2406.00021', { hfUpvotes: 5 }));
    server.setPaper('2406.00022', hfAnswer('2406.00022', { hfUpvotes: 6 }));
    server.setPaper('2406.00023', hfAnswer('2406.00023', { hfUpvotes: 7 }));
    // Faults are used one per request: the first (the 404 paper's) is answered normally.
    server.pushFault({});
    server.pushFault({ status: 500, body: '{"error":"Internal Error"}' });

    const result = await sweep();

    expect(result).toEqual({ papers: 4, refreshed: 2, unchanged: 0, failed: 2 });
    expect(fetchedIds()).toEqual(['2406.00020', '2406.00021', '2406.00022', '2406.00023']);
    expect(refreshCalls).toEqual([
      ['T1', '2406.00022'],
      ['T2', '2406.00023'],
    ]);
    expect((await store.getPaper('2406.00021'))?.hfUpvotes).toBe(1);
    expect((await store.getPaper('2406.00023'))?.hfUpvotes).toBe(7);
    expect(logLines.some((line) => line.includes('HF does not know 2406.00020'))).toBe(true);
    expect(logLines.some((line) => line.includes('could not fetch 2406.00021'))).toBe(true);
    expect(progress).toEqual([25, 50, 75, 100]);
  });

  it('stops asking HF for the rest of the sweep once HF says it is over the limit', async () => {
    for (const id of ['2406.00030', '2406.00031', '2406.00032']) {
      await storePaper(id, { hfUpvotes: 1 });
      server.setPaper(id, hfAnswer(id, { hfUpvotes: 2 }));
    }
    await postCard('T1', 'C1', '2406.00030', 3 * DAY);
    await postCard('T1', 'C1', '2406.00031', 2 * DAY);
    await postCard('T1', 'C1', '2406.00032', 1 * DAY);
    server.pushFault({});
    server.pushFault({ status: 429, headers: { 'retry-after': '60' } });

    const result = await sweep();

    expect(result).toEqual({ papers: 3, refreshed: 1, unchanged: 0, failed: 2 });
    expect(fetchedIds()).toEqual(['2406.00030', '2406.00031']);
    expect(progress.at(-1)).toBe(100);
  });

  it('counts a paper whose cards could not be rewritten in one workspace as failed, and does the others', async () => {
    await storePaper('2406.00040', { hfUpvotes: 1 });
    await storePaper('2406.00041', { hfUpvotes: 1 });
    await postCard('T1', 'C1', '2406.00040', 2 * DAY);
    await postCard('T2', 'C1', '2406.00040', 2 * DAY);
    await postCard('T1', 'C1', '2406.00041', 1 * DAY);
    server.setPaper('2406.00040', hfAnswer('2406.00040', { hfUpvotes: 2 }));
    server.setPaper('2406.00041', hfAnswer('2406.00041', { hfUpvotes: 2 }));

    const result = await sweep({
      refresher: {
        refresh: async (workspaceId, paperId) => {
          if (workspaceId === 'T1' && paperId === '2406.00040') throw new Error('store is busy');
          refreshCalls.push([workspaceId, paperId]);
        },
      },
    });

    expect(result).toEqual({ papers: 2, refreshed: 1, unchanged: 0, failed: 1 });
    expect(refreshCalls).toEqual([
      ['T2', '2406.00040'],
      ['T1', '2406.00041'],
    ]);
  });

  describe('pacing', () => {
    const ids = ['2406.00050', '2406.00051', '2406.00052', '2406.00053'];

    beforeEach(async () => {
      for (const [i, id] of ids.entries()) {
        await storePaper(id, { hfUpvotes: 1 });
        await postCard('T1', 'C1', id, (4 - i) * DAY);
        server.setPaper(id, hfAnswer(id, { hfUpvotes: 1 }));
      }
    });

    /**
     * A sweep on a simulated clock: each HF call takes `callMs`, each sleep moves the clock on.
     * Returns when each call started.
     */
    async function pacedSweep(callMs: number): Promise<number[]> {
      let t = NOW.getTime();
      const starts: number[] = [];
      const result = await sweep({
        clock: () => new Date(t),
        sleep: async (ms) => {
          waits.push(ms);
          t += ms;
        },
        hf: {
          fetchPaper: async (id) => {
            starts.push(t);
            t += callMs;
            return hf.fetchPaper(id);
          },
        },
      });
      expect(result).toEqual({ papers: 4, refreshed: 0, unchanged: 4, failed: 0 });
      return starts;
    }

    it('spaces HF calls by 60 s / HF_CALLS_PER_MINUTE, without waiting before the first', async () => {
      const starts = await pacedSweep(0);
      const spacing = 60_000 / refreshCards.HF_CALLS_PER_MINUTE;
      expect(waits).toEqual([spacing, spacing, spacing]);
      expect(starts.slice(1).map((start, i) => start - (starts[i] ?? 0))).toEqual([
        spacing,
        spacing,
        spacing,
      ]);
    });

    it('counts the time a call took toward the spacing', async () => {
      const spacing = refreshCards.HF_CALL_SPACING_MS;
      const starts = await pacedSweep(spacing / 4);
      expect(waits).toEqual([(spacing * 3) / 4, (spacing * 3) / 4, (spacing * 3) / 4]);
      expect(starts.slice(1).map((start, i) => start - (starts[i] ?? 0))).toEqual([
        spacing,
        spacing,
        spacing,
      ]);
    });

    it('does not wait after a call slower than the spacing', async () => {
      await pacedSweep(refreshCards.HF_CALL_SPACING_MS * 2);
      expect(waits).toEqual([]);
    });
  });
});
