import { LogLevel } from '@slack/bolt';
import type { Paper } from '../../src/domain/paper';
import {
  createHfClient,
  normalizeGithubRepo,
  normalizeHfItem,
  normalizeHfPaper,
} from '../../src/feeds/hf';
import type { HfClientOptions } from '../../src/feeds/hf';
import { FeedError } from '../../src/feeds/http';
import { createLogger } from '../../src/logger';
import { FeedServer, loadHfFixture } from '../support/feed-server';

// A fixed "now" well in the past, so the server (whose "future" is the real clock) serves both days.
const NOW = new Date('2025-06-03T08:00:00Z');
const TODAY = '2025-06-03';
const YESTERDAY = '2025-06-02';

let server: FeedServer;
let warnings: string[];

beforeEach(async () => {
  server = await FeedServer.start();
  warnings = [];
});

afterEach(() => server.close());

function client(overrides: Partial<HfClientOptions> = {}) {
  return createHfClient({
    baseUrl: server.hfApiUrl,
    logger: createLogger({
      level: LogLevel.DEBUG,
      sink: (level, line) => {
        if (level === LogLevel.WARN) warnings.push(line);
      },
    }),
    fetch: { timeoutMs: 500, baseDelayMs: 1, sleep: async () => undefined },
    ...overrides,
  });
}

/** A minimal valid HF item; `paper` fields and item fields override the defaults. */
function item(
  id: string,
  paper: Record<string, unknown> = {},
  rest: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    paper: {
      id,
      title: `Paper ${id}`,
      summary: `Abstract of ${id}.`,
      authors: [{ _id: 'a1', name: 'Ada Lovelace', hidden: false }],
      publishedAt: '2025-06-01T17:59:00.000Z',
      upvotes: 1,
      ...paper,
    },
    numComments: 0,
    ...rest,
  };
}

function items(count: number, from = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => item(`2506.${String(from + i).padStart(5, '0')}`));
}

function dailyRequests(date: string) {
  return server.requests().filter((request) => request.query.date === date);
}

function normalized(raw: unknown): Paper {
  const result = normalizeHfItem(raw);
  if (!result.ok) throw new Error(`expected a paper, got: ${result.reason}`);
  return result.paper;
}

describe('HF client against the fixture', () => {
  it('normalizes all 50 items', async () => {
    server.setDaily(TODAY, loadHfFixture());
    const { papers, skipped } = await client().fetchDaily(NOW);

    expect(skipped).toEqual([]);
    expect(papers).toHaveLength(50);
    expect(papers[0]).toEqual({
      id: '2209.39127',
      title: 'Selective Token Generation for Few-shot Natural Language Generation',
      abstract: expect.stringMatching(/^Natural language modeling with limited training data/),
      authors: ['Clara Park', 'Maya Petrova', 'Clara Haddad', 'Elena Moreau'],
      publishedAt: new Date('2022-09-16T17:59:47.000Z'),
      featuredAt: new Date('2022-09-16T03:47:12.777Z'),
      hfUpvotes: 0,
      hfComments: 0,
    });
    const byId = new Map(papers.map((paper) => [paper.id, paper]));
    expect(byId.get('2511.51140')).toMatchObject({
      githubRepo: 'https://github.com/thu-nics/TaH',
      githubStars: 256,
    });
    // The fixture's `.git` form.
    expect(byId.get('2407.44519')?.githubRepo).toBe('https://github.com/Papple-F/csg');
    expect(papers.filter((paper) => paper.githubRepo)).toHaveLength(11);
    expect(byId.get('2406.88987')).toMatchObject({ hfUpvotes: 21, hfComments: 2 });
  });

  it('asks for today and yesterday in UTC, 100 items a page', async () => {
    // 23:30 in UTC-5 is already the next day in UTC.
    await client().fetchDaily(new Date('2025-06-02T23:30:00-05:00'));
    expect(server.requests().map((request) => request.query)).toEqual([
      { date: TODAY, limit: '100', p: '0' },
      { date: YESTERDAY, limit: '100', p: '0' },
    ]);
    expect(server.requests()[0]?.path).toBe('/api/daily_papers');
  });

  it('tolerates a trailing slash on the base URL', async () => {
    server.setDaily(TODAY, items(1));
    const { papers } = await client({ baseUrl: `${server.hfApiUrl}/` }).fetchDaily(NOW);
    expect(papers).toHaveLength(1);
    expect(server.requests()[0]?.path).toBe('/api/daily_papers');
  });
});

describe('paging', () => {
  it('reads pages until a short one', async () => {
    server.setDaily(TODAY, items(250));
    const { papers } = await client({ pageSize: 100 }).fetchDaily(NOW);
    expect(papers).toHaveLength(250);
    expect(new Set(papers.map((paper) => paper.id)).size).toBe(250);
    expect(dailyRequests(TODAY).map((request) => request.query.p)).toEqual(['0', '1', '2']);
  });

  it('stops at an empty page when the last full page was the end', async () => {
    server.setDaily(TODAY, items(200));
    const { papers } = await client().fetchDaily(NOW);
    expect(papers).toHaveLength(200);
    expect(dailyRequests(TODAY)).toHaveLength(3);
  });

  it('stops at maxPages, and says so', async () => {
    server.setDaily(TODAY, items(50));
    const { papers } = await client({ pageSize: 10, maxPages: 2 }).fetchDaily(NOW);
    expect(papers).toHaveLength(20);
    expect(dailyRequests(TODAY)).toHaveLength(2);
    expect(warnings).toEqual([expect.stringContaining(`for ${TODAY} after 2 pages`)]);
  });

  it('never asks for more than HF allows', async () => {
    await client({ pageSize: 500 }).fetchDaily(NOW);
    expect(dailyRequests(TODAY)[0]?.query.limit).toBe('100');
  });
});

describe('today and yesterday', () => {
  it('merges both days and keeps one copy of a paper featured on both, today’s', async () => {
    server.setDaily(TODAY, [item('2506.00001'), item('2506.00002', { upvotes: 9 })]);
    server.setDaily(YESTERDAY, [item('2506.00002v2', { upvotes: 3 }), item('2506.00003')]);
    const { papers } = await client().fetchDaily(NOW);
    expect(papers.map((paper) => paper.id)).toEqual(['2506.00001', '2506.00002', '2506.00003']);
    expect(papers[1]?.hfUpvotes).toBe(9);
  });

  it('treats the 400 HF gives for a future date as an empty day', async () => {
    // "Today" a day ahead of the real clock is in the future for the server; "yesterday" is not.
    const now = new Date(Date.now() + 24 * 60 * 60 * 1000);
    const realToday = new Date().toISOString().slice(0, 10);
    server.setDaily(realToday, items(2));
    const { papers } = await client().fetchDaily(now);
    expect(papers).toHaveLength(2);
    expect(server.requests()).toHaveLength(2);
    expect(warnings).toEqual([]);
  });
});

describe('failures', () => {
  it('does not take a 400 for yesterday, a day HF has surely reached, as an empty day', async () => {
    server.setDaily(TODAY, items(2));
    // The first request (today) is answered normally; the second (yesterday) gets the 400.
    server.pushFault({ delayMs: 1 });
    server.pushFault({ status: 400, body: '{"error":"limit must be at most 50"}' });
    await expect(client().fetchDaily(NOW)).rejects.toMatchObject({ kind: 'http', status: 400 });
  });

  it('propagates a 4xx other than 400 at once', async () => {
    server.pushFault({ status: 403, body: '{"error":"Forbidden"}' });
    await expect(client().fetchDaily(NOW)).rejects.toMatchObject({
      kind: 'http',
      status: 403,
      retryable: false,
    });
    expect(server.requests()).toHaveLength(1);
  });

  it('retries a 500 and carries on', async () => {
    server.setDaily(TODAY, items(3));
    server.pushFault({ status: 500 });
    const { papers } = await client().fetchDaily(NOW);
    expect(papers).toHaveLength(3);
    expect(dailyRequests(TODAY)).toHaveLength(2);
  });

  it('rejects a JSON answer that is not an array as bad_json', async () => {
    server.pushFault({ body: '{"error":"Invalid request"}' });
    const error: unknown = await client()
      .fetchDaily(NOW)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedError);
    expect(error).toMatchObject({ kind: 'bad_json', retryable: false });
    expect((error as FeedError).message).toContain('expected a JSON array');
  });

  it('rejects an HTML page served with 200 as bad_json, without retrying', async () => {
    server.pushFault({ body: '<!DOCTYPE html><html></html>', contentType: 'text/html' });
    await expect(client().fetchDaily(NOW)).rejects.toMatchObject({ kind: 'bad_json' });
    expect(server.requests()).toHaveLength(1);
  });

  it('times out a hanging day', async () => {
    server.pushFault({ hang: true });
    const options = { timeoutMs: 200, retries: 0 };
    await expect(client({ fetch: options }).fetchDaily(NOW)).rejects.toMatchObject({
      kind: 'timeout',
    });
  });
});

describe('hostile and malformed items', () => {
  it('skips bad items with reasons, logs them, and keeps the good ones', async () => {
    const hostileTitle = '<!channel> <@U123> & <http://evil.example|click>';
    const longAbstract = `${'lorem ipsum '.repeat(2000).slice(0, 19_999)}.`;
    server.setDaily(TODAY, [
      item('2506.00001', { title: hostileTitle, summary: longAbstract }),
      item('2406.12340', { title: '  \n ' }, { title: undefined }),
      { paper: { title: 'No id', publishedAt: '2025-06-01T00:00:00Z' } },
      item('not-an-id'),
      item('2506.00004', { publishedAt: 'yesterday' }),
      'just a string',
      null,
      item('2506.00007', { summary: undefined }),
    ]);
    const { papers, skipped } = await client().fetchDaily(NOW);

    expect(papers.map((paper) => paper.id)).toEqual(['2506.00001', '2506.00007']);
    expect(papers[0]?.title).toBe(hostileTitle);
    expect(papers[0]?.abstract).toBe(longAbstract);
    expect(longAbstract).toHaveLength(20_000);
    expect(papers[1]?.abstract).toBe('');
    expect(skipped).toEqual([
      { index: 1, id: '2406.12340', reason: 'missing title', date: TODAY },
      { index: 2, reason: 'missing paper.id', date: TODAY },
      { index: 3, id: 'not-an-id', reason: "not an arXiv id: 'not-an-id'", date: TODAY },
      {
        index: 4,
        id: '2506.00004',
        reason: "publishedAt is not a date: 'yesterday'",
        date: TODAY,
      },
      { index: 5, reason: 'not an object (got string)', date: TODAY },
      { index: 6, reason: 'not an object (got null)', date: TODAY },
    ]);
    expect(warnings).toHaveLength(6);
    expect(warnings[0]).toContain(`skipped HF item 1 (2406.12340) of ${TODAY}: missing title`);
  });
});

describe("sharing Hugging Face's rate limit", () => {
  it('waits for its turn before every request it makes', async () => {
    server.setDaily(TODAY, [loadHfFixture()[0]]);
    let turns = 0;
    const hf = client({
      waitTurn: async () => {
        turns += 1;
      },
    });
    await hf.fetchDaily(NOW);
    await hf.fetchPaper('2406.07550');
    expect(turns).toBeGreaterThanOrEqual(3);
    expect(turns).toBe(server.requests().length);
  });
});

describe('fetchPaper', () => {
  /** What `GET /api/papers/{id}` answers: a daily item's `paper`, with `numComments` in it. */
  function paperAnswer(id: string, fields: Record<string, unknown> = {}) {
    return { ...(item(id).paper as Record<string, unknown>), numComments: 4, ...fields };
  }

  it('normalizes the paper HF has', async () => {
    server.setPaper(
      '2406.07550',
      paperAnswer('2406.07550', {
        title: 'An Image is Worth\n 32 Tokens',
        githubRepo: 'bytedance/1d-tokenizer',
        githubStars: 900,
        ai_summary: 'A 1D tokenizer.',
        ai_keywords: ['tokenizer'],
        projectPage: 'https://yucornetto.github.io/projects/titok.html',
      }),
    );
    await expect(client().fetchPaper('2406.07550')).resolves.toEqual({
      id: '2406.07550',
      title: 'An Image is Worth 32 Tokens',
      abstract: 'Abstract of 2406.07550.',
      authors: ['Ada Lovelace'],
      publishedAt: new Date('2025-06-01T17:59:00.000Z'),
      hfUpvotes: 1,
      hfComments: 4,
      githubRepo: 'https://github.com/bytedance/1d-tokenizer',
      githubStars: 900,
      aiSummary: 'A 1D tokenizer.',
      aiKeywords: ['tokenizer'],
      projectPage: 'https://yucornetto.github.io/projects/titok.html',
    });
    expect(server.requests().map((request) => request.path)).toEqual(['/api/papers/2406.07550']);
    expect(warnings).toEqual([]);
  });

  it('asks for the canonical id', async () => {
    server.setPaper('2406.07550', paperAnswer('2406.07550'));
    await expect(client().fetchPaper(' 2406.07550v3 ')).resolves.toMatchObject({
      id: '2406.07550',
    });
    expect(server.requests()[0]?.path).toBe('/api/papers/2406.07550');
  });

  it('answers undefined for a paper HF does not know (404), without retrying', async () => {
    await expect(client().fetchPaper('2406.99999')).resolves.toBeUndefined();
    expect(server.requests()).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('skips a paper it cannot normalize, and says so', async () => {
    server.setPaper('2406.07550', paperAnswer('2406.07550', { title: undefined }));
    await expect(client().fetchPaper('2406.07550')).resolves.toBeUndefined();
    expect(warnings).toEqual([
      expect.stringContaining('skipped HF paper 2406.07550: missing title'),
    ]);
  });

  it('does not take another paper for the one asked for', async () => {
    server.setPaper('2406.07550', paperAnswer('2406.07551'));
    await expect(client().fetchPaper('2406.07550')).resolves.toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('the answer is paper 2406.07551')]);
  });

  it('rejects an answer that is not a JSON object as bad_json', async () => {
    server.setPaper('2406.07550', [paperAnswer('2406.07550')]);
    await expect(client().fetchPaper('2406.07550')).rejects.toMatchObject({
      kind: 'bad_json',
      message: expect.stringContaining('expected a JSON object'),
    });
  });

  it('rejects an HTML page as bad_json, without retrying', async () => {
    server.pushFault({ body: '<!DOCTYPE html><html></html>', contentType: 'text/html' });
    await expect(client().fetchPaper('2406.07550')).rejects.toMatchObject({ kind: 'bad_json' });
    expect(server.requests()).toHaveLength(1);
  });

  it('retries a 500, and propagates other HTTP errors', async () => {
    server.setPaper('2406.07550', paperAnswer('2406.07550'));
    server.pushFault({ status: 500 });
    await expect(client().fetchPaper('2406.07550')).resolves.toMatchObject({ id: '2406.07550' });
    server.pushFault({ status: 403, body: '{"error":"Forbidden"}' });
    await expect(client().fetchPaper('2406.07550')).rejects.toMatchObject({
      kind: 'http',
      status: 403,
    });
  });

  it('refuses what is not an arXiv id, without a request', async () => {
    await expect(client().fetchPaper('../daily_papers')).rejects.toThrow(TypeError);
    expect(server.requests()).toEqual([]);
  });
});

describe('normalizeHfPaper', () => {
  it('makes of a paper object what normalizeHfItem makes of its daily item', () => {
    for (const raw of loadHfFixture()) {
      const { paper, numComments } = raw as { paper: Record<string, unknown>; numComments: number };
      expect(normalizeHfPaper({ ...paper, numComments })).toEqual(normalizeHfItem(raw));
    }
  });

  it.each([
    ['missing id', { title: 'T', publishedAt: '2025-01-01' }],
    ['not an object (got array)', []],
    ['not an object (got null)', null],
  ])('says why it skips: %s', (reason, raw) => {
    expect(normalizeHfPaper(raw)).toMatchObject({ ok: false, reason });
  });
});

describe('normalizeHfItem', () => {
  it('collapses the hard line breaks of titles and abstracts', () => {
    const paper = normalized(
      item('2506.00001', {
        title: 'Selective\n  Token   Generation\n',
        summary: '  Natural language\nmodeling\n\n is hard. ',
      }),
    );
    expect(paper.title).toBe('Selective Token Generation');
    expect(paper.abstract).toBe('Natural language modeling is hard.');
  });

  it('falls back on the item-level title, summary and publishedAt', () => {
    const paper = normalized({
      paper: { id: '2506.00001' },
      title: 'Item title',
      summary: 'Item summary',
      publishedAt: '2025-01-02T03:04:05.000Z',
    });
    expect(paper).toEqual({
      id: '2506.00001',
      title: 'Item title',
      abstract: 'Item summary',
      authors: [],
      publishedAt: new Date('2025-01-02T03:04:05.000Z'),
    });
  });

  it('canonicalizes versioned and old-style ids', () => {
    expect(normalized(item('2406.07550v3')).id).toBe('2406.07550');
    expect(normalized(item('hep-th/9901001v2')).id).toBe('hep-th/9901001');
  });

  it('keeps every author with a name, hidden or not', () => {
    const paper = normalized(
      item('2506.00001', {
        authors: [
          { name: ' Grace\nHopper ', hidden: true },
          { name: '' },
          { _id: 'x' },
          'not an author',
          { name: 'Alan Turing' },
        ],
      }),
    );
    expect(paper.authors).toEqual(['Grace Hopper', 'Alan Turing']);
  });

  it('maps the optional extras', () => {
    const paper = normalized(
      item(
        '2506.00001',
        {
          submittedOnDailyAt: '2025-06-02T03:47:12.777Z',
          upvotes: 42,
          githubStars: 1200,
          projectPage: 'https://example.org/project',
          ai_summary: 'A  short\nsummary.',
          ai_keywords: ['tokens', ' selective\ngeneration ', 7, ''],
        },
        { numComments: 5 },
      ),
    );
    expect(paper).toMatchObject({
      featuredAt: new Date('2025-06-02T03:47:12.777Z'),
      hfUpvotes: 42,
      hfComments: 5,
      githubStars: 1200,
      projectPage: 'https://example.org/project',
      aiSummary: 'A short summary.',
      aiKeywords: ['tokens', 'selective generation'],
    });
  });

  it('drops malformed optional fields without dropping the paper', () => {
    const paper = normalized(
      item(
        '2506.00001',
        {
          upvotes: -1,
          githubStars: 1.5,
          githubRepo: 'https://gitlab.com/o/r',
          projectPage: 'javascript:alert(1)',
          submittedOnDailyAt: 'soon',
          ai_summary: '   ',
          ai_keywords: 'tokens',
          authors: 'Ada',
        },
        { numComments: Number.POSITIVE_INFINITY },
      ),
    );
    expect(paper).toEqual({
      id: '2506.00001',
      title: 'Paper 2506.00001',
      abstract: 'Abstract of 2506.00001.',
      authors: [],
      publishedAt: new Date('2025-06-01T17:59:00.000Z'),
    });
  });

  it('keeps fields it does not know about out of the way', () => {
    const raw = item('2506.00001', { mediaUrls: ['x'], organization: { name: 'o' } });
    expect(normalizeHfItem({ ...raw, thumbnail: '/t.png', submittedBy: {} }).ok).toBe(true);
  });

  it.each([
    ['missing publishedAt', item('2506.00001', { publishedAt: undefined })],
    ['not an arXiv id: 2406', item('2506.00001', { id: 2406 })],
    ['missing paper.id', { title: 'T', publishedAt: '2025-01-01' }],
    ['not an object (got array)', []],
  ])('says why it skips: %s', (reason, raw) => {
    expect(normalizeHfItem(raw)).toMatchObject({ ok: false, reason });
  });
});

describe('normalizeGithubRepo', () => {
  it.each([
    ['https://github.com/thu-nics/TaH', 'https://github.com/thu-nics/TaH'],
    ['https://github.com/Papple-F/csg.git', 'https://github.com/Papple-F/csg'],
    ['https://github.com/o/r/', 'https://github.com/o/r'],
    ['http://www.github.com/o/r.js', 'https://github.com/o/r.js'],
    ['github.com/o/r', 'https://github.com/o/r'],
    ['https://github.com/o/r/tree/main/src', 'https://github.com/o/r'],
    ['https://github.com/o/r#readme', 'https://github.com/o/r'],
    ['owner/repo', 'https://github.com/owner/repo'],
    [' owner/repo.git/ ', 'https://github.com/owner/repo'],
  ])('normalizes %s', (raw, expected) => {
    expect(normalizeGithubRepo(raw)).toBe(expected);
  });

  it.each([
    '',
    'repo',
    'https://github.com/o',
    'https://github.com/o/r/issues/1',
    'https://gitlab.com/o/r',
    'https://github.com.evil.example/o/r',
    'ftp://github.com/o/r',
    '/o/r',
    'o/r/x',
    'o/..',
    'https://huggingface.co/spaces/o/r',
  ])('drops %s', (raw) => {
    expect(normalizeGithubRepo(raw)).toBeUndefined();
  });

  it('normalizes the owner/repo form inside an item', () => {
    expect(normalized(item('2506.00001', { githubRepo: 'HKUNLP/icl' })).githubRepo).toBe(
      'https://github.com/HKUNLP/icl',
    );
  });
});
