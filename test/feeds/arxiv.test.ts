import { LogLevel } from '@slack/bolt';
import {
  ARXIV_MAX_RECENT_RESULTS,
  ARXIV_MIN_INTERVAL_MS,
  createArxivClient,
  parseArxivAtom,
  type ArxivClientOptions,
} from '../../src/feeds/arxiv';
import { normalizeHfItem } from '../../src/feeds/hf';
import { FeedError } from '../../src/feeds/http';
import { createLogger } from '../../src/logger';
import {
  arxivAtom,
  FeedServer,
  loadArxivFixture,
  loadHfFixture,
  type ArxivEntry,
} from '../support/feed-server';

const ATOM_TYPE = 'application/atom+xml; charset=UTF-8';

let server: FeedServer;
let warnings: string[];

beforeEach(async () => {
  server = await FeedServer.start();
  warnings = [];
});

afterEach(() => server.close());

/**
 * A client with a fake clock: `sleep` records the wait and moves the clock on at once, so pacing
 * is checked without waiting (the real-timer test below checks it against the server's clock).
 */
function client(overrides: Partial<ArxivClientOptions> = {}) {
  const clock = { now: 0, sleeps: [] as number[] };
  const arxiv = createArxivClient({
    baseUrl: server.arxivApiUrl,
    logger: createLogger({
      level: LogLevel.DEBUG,
      sink: (level, line) => {
        if (level === LogLevel.WARN) warnings.push(line);
      },
    }),
    fetch: { timeoutMs: 500, baseDelayMs: 1 },
    now: () => clock.now,
    sleep: async (ms) => {
      clock.sleeps.push(ms);
      clock.now += ms;
    },
    ...overrides,
  });
  return Object.assign(arxiv, { clock });
}

function entry(id: string, overrides: Partial<ArxivEntry> = {}): ArxivEntry {
  return {
    id,
    title: `Paper ${id}`,
    summary: `Abstract of ${id}.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    published: '2024-06-11T17:59:56Z',
    ...overrides,
  };
}

function queries() {
  return server.requests().filter((request) => request.path === '/api/query');
}

describe('parseArxivAtom', () => {
  it('reads the 50 papers of the fixture, the same as the HF fixture', () => {
    const { papers, skipped } = parseArxivAtom(loadArxivFixture());

    expect(skipped).toEqual([]);
    expect(papers).toHaveLength(50);
    expect(papers[0]).toEqual({
      id: '2209.39127',
      title: 'Selective Token Generation for Few-shot Natural Language Generation',
      abstract: expect.stringMatching(/^Natural language modeling with limited training data/),
      authors: ['Clara Park', 'Maya Petrova', 'Clara Haddad', 'Elena Moreau'],
      publishedAt: new Date('2022-09-16T17:59:47Z'),
      version: 1,
      categories: ['cs.CL', 'cs.LG'],
    });
    for (const paper of papers) {
      expect(paper.id).toMatch(/^\d{4}\.\d{4,5}$/);
      // Every entry of the fixture is a v1, primary cs.CL, cross-listed in cs.LG.
      expect(paper.version).toBe(1);
      expect(paper.categories).toEqual(['cs.CL', 'cs.LG']);
    }
    // Ids, titles, abstracts, authors and dates agree with what the HF client makes of HF's copy.
    const fromHf = loadHfFixture().map((item) => {
      const result = normalizeHfItem(item);
      if (!result.ok) throw new Error(result.reason);
      const { id, title, abstract, authors, publishedAt } = result.paper;
      return { id, title, abstract, authors, publishedAt };
    });
    expect(
      papers.map(({ id, title, abstract, authors, publishedAt }) => ({
        id,
        title,
        abstract,
        authors,
        publishedAt,
      })),
    ).toEqual(fromHf);
  });

  it('is namespace-aware: any prefix, declared on any element', () => {
    const xml = `<?xml version="1.0"?>
      <a:feed xmlns:a="http://www.w3.org/2005/Atom">
        <os:totalResults xmlns:os="http://a9.com/-/spec/opensearch/1.1/">2</os:totalResults>
        <a:entry>
          <a:source><a:id>http://example.org/feed</a:id><a:title>A source</a:title></a:source>
          <atom:id xmlns:atom="http://www.w3.org/2005/Atom">http://arxiv.org/abs/2406.07550v1</atom:id>
          <dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">Not the title</dc:title>
          <a:title>  Image
            Tokenizer </a:title>
          <a:published>2024-06-11T17:59:56Z</a:published>
          <a:summary>An
            abstract.</a:summary>
          <a:author><a:name>Qihang Yu</a:name><x:name xmlns:x="urn:other">Not a name</x:name></a:author>
          <entry><title>Not an Atom entry: no namespace</title></entry>
        </a:entry>
        <entry xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
          <id>http://arxiv.org/abs/2406.07551v3</id>
          <title>Default namespace on the entry</title>
          <published>2024-06-12T00:00:00Z</published>
          <author><name>Ada Lovelace</name><arxiv:affiliation>Somewhere</arxiv:affiliation></author>
        </entry>
        <entry><id>http://arxiv.org/abs/2406.07552v1</id><title>No namespace at all</title></entry>
      </a:feed>`;
    expect(parseArxivAtom(xml)).toEqual({
      papers: [
        {
          id: '2406.07550',
          title: 'Image Tokenizer',
          abstract: 'An abstract.',
          authors: ['Qihang Yu'],
          publishedAt: new Date('2024-06-11T17:59:56Z'),
          version: 1,
        },
        {
          id: '2406.07551',
          title: 'Default namespace on the entry',
          abstract: '',
          authors: ['Ada Lovelace'],
          publishedAt: new Date('2024-06-12T00:00:00Z'),
          version: 3,
        },
      ],
      skipped: [],
    });
  });

  it('skips an Error entry with arXiv’s reason', () => {
    const xml = arxivAtom([{ error: 'incorrect id format for 1234.5678x' }]);
    expect(parseArxivAtom(xml)).toEqual({
      papers: [],
      skipped: [{ index: 0, reason: 'arXiv error: incorrect id format for 1234.5678x' }],
    });
  });

  it('skips the empty entry of an unknown id', () => {
    const xml = arxivAtom([entry('2406.07550v1'), { empty: true }]);
    const { papers, skipped } = parseArxivAtom(xml);
    expect(papers.map((paper) => paper.id)).toEqual(['2406.07550']);
    expect(skipped).toEqual([{ index: 1, reason: 'empty entry (no such paper)' }]);
  });

  it('drops the version of new- and old-style ids', () => {
    const xml = arxivAtom([entry('2406.07550v2'), entry('hep-th/9901001v1'), entry('0704.0001v3')]);
    expect(parseArxivAtom(xml).papers.map((paper) => paper.id)).toEqual([
      '2406.07550',
      'hep-th/9901001',
      '0704.0001',
    ]);
  });

  it('keeps the version of the id apart, and none when the id had none', () => {
    const xml = arxivAtom([
      entry('2406.07550v2'),
      entry('hep-th/9901001v12'),
      entry('2406.07551'),
      entry('math.GT/0309136'),
    ]);
    expect(parseArxivAtom(xml).papers.map(({ id, version }) => ({ id, version }))).toEqual([
      { id: '2406.07550', version: 2 },
      { id: 'hep-th/9901001', version: 12 },
      { id: '2406.07551', version: undefined },
      { id: 'math.GT/0309136', version: undefined },
    ]);
    expect(parseArxivAtom(xml).papers[2]).not.toHaveProperty('version');
  });

  it('reads the categories, primary first', () => {
    const xml = arxivAtom([
      entry('2406.07550v1', { categories: ['cs.LG', 'cs.CL', 'stat.ML'] }),
      entry('2406.07551v1', { categories: ['hep-th'] }),
    ]);
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv=');
    expect(parseArxivAtom(xml).papers.map((paper) => paper.categories)).toEqual([
      ['cs.LG', 'cs.CL', 'stat.ML'],
      ['hep-th'],
    ]);
  });

  it('puts the primary category first wherever it is, once, and keeps only arXiv categories', () => {
    const xml = `<?xml version="1.0"?>
      <feed xmlns="http://www.w3.org/2005/Atom">
        <entry>
          <id>http://arxiv.org/abs/2406.07550v1</id>
          <title>Categories in any order</title>
          <published>2024-06-11T17:59:56Z</published>
          <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
          <category term="68T50" scheme="http://arxiv.org/schemas/atom"/>
          <category term="I.2.7" scheme="http://arxiv.org/schemas/atom"/>
          <category term=" stat.ML " scheme="http://arxiv.org/schemas/atom"/>
          <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
          <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
          <category/>
          <x:category xmlns:x="urn:other" term="other.NS"/>
          <primary_category term="not.ArxivNS"/>
          <author><name>Ada</name><category term="author.Child"/></author>
          <ax:primary_category xmlns:ax="http://arxiv.org/schemas/atom" term="cs.CL"/>
        </entry>
        <entry>
          <id>http://arxiv.org/abs/2406.07551v1</id>
          <title>No category at all</title>
          <published>2024-06-11T17:59:56Z</published>
        </entry>
        <entry>
          <id>http://arxiv.org/abs/2406.07552v1</id>
          <title>A primary category only</title>
          <published>2024-06-11T17:59:56Z</published>
          <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="math.GT"/>
        </entry>
      </feed>`;
    const [first, second, third] = parseArxivAtom(xml).papers;
    expect(first?.categories).toEqual(['cs.CL', 'cs.LG', 'stat.ML']);
    expect(second).not.toHaveProperty('categories');
    expect(third?.categories).toEqual(['math.GT']);
  });

  it('says why it skips a malformed entry, and keeps the others', () => {
    const xml = arxivAtom([
      entry('2406.07550v1', { title: ' \n ' }),
      entry('2406.07551v1', { published: 'yesterday' }),
      entry('2406.07552v1', { published: '' }),
      entry('not-an-id'),
      entry('2406.07554v1', { title: 'A <b>bold</b> & "quoted" title', authors: [' ', 'Ada'] }),
    ]).replace('<id>http://arxiv.org/abs/not-an-id</id>', '<id>http://example.org/x</id>');
    const { papers, skipped } = parseArxivAtom(xml);
    expect(papers).toEqual([
      expect.objectContaining({ title: 'A <b>bold</b> & "quoted" title', authors: ['Ada'] }),
    ]);
    expect(skipped).toEqual([
      { index: 0, id: '2406.07550', reason: 'missing title' },
      { index: 1, id: '2406.07551', reason: "published is not a date: 'yesterday'" },
      { index: 2, id: '2406.07552', reason: 'missing published' },
      { index: 3, id: 'http://example.org/x', reason: "not an arXiv id: 'http://example.org/x'" },
    ]);
  });

  it.each([
    ['truncated XML', '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>'],
    ['an HTML page', '<!DOCTYPE html><html><body>Down</body></html>'],
    ['plain text', 'Rate exceeded.'],
    ['a feed outside the Atom namespace', '<feed><entry/></feed>'],
    ['an unknown entity', '<feed xmlns="http://www.w3.org/2005/Atom">&nbsp;</feed>'],
  ])('throws on %s', (_, xml) => {
    expect(() => parseArxivAtom(xml)).toThrow();
  });
});

describe('arXiv client', () => {
  it('asks for the ids, canonical, with max_results and an Atom Accept', async () => {
    server.setArxivEntry(entry('2406.07550v2'));
    server.setArxivEntry(entry('hep-th/9901001v1'));
    const { papers, skipped } = await client().fetchByIds([
      '2406.07550v1',
      'hep-th/9901001',
      '2406.07550',
    ]);

    expect(papers.map((paper) => paper.id)).toEqual(['2406.07550', 'hep-th/9901001']);
    expect(skipped).toEqual([]);
    const [request] = queries();
    expect(request?.query).toEqual({ id_list: '2406.07550,hep-th/9901001', max_results: '2' });
    expect(request?.headers.accept).toBe('application/atom+xml');
  });

  it('gives each paper its version and categories', async () => {
    server.setArxivEntry(entry('2406.07550v3', { categories: ['cs.LG', 'cs.CL'] }));
    const { papers } = await client().fetchByIds(['2406.07550']);
    expect(papers).toEqual([
      expect.objectContaining({ id: '2406.07550', version: 3, categories: ['cs.LG', 'cs.CL'] }),
    ]);
  });

  it('serves the fixture through the server', async () => {
    server.setArxivResponse(loadArxivFixture());
    const { papers } = await client().fetchByIds(['2209.39127']);
    expect(papers).toHaveLength(50);
  });

  it('tolerates a trailing slash on the base URL', async () => {
    server.setArxivEntry(entry('2406.07550v1'));
    const arxiv = client({ baseUrl: `${server.arxivApiUrl}/` });
    await expect(arxiv.fetchByIds(['2406.07550'])).resolves.toMatchObject({
      papers: [{ id: '2406.07550' }],
    });
    expect(queries()).toHaveLength(1);
  });

  it('skips an unknown id, naming it', async () => {
    server.setArxivEntry(entry('2406.07550v1'));
    const { papers, skipped } = await client().fetchByIds(['2406.07550', '2406.99999']);
    expect(papers.map((paper) => paper.id)).toEqual(['2406.07550']);
    expect(skipped).toEqual([
      { index: 1, id: '2406.99999', reason: 'empty entry (no such paper)' },
    ]);
    expect(warnings).toEqual([
      expect.stringContaining('skipped arXiv entry 1 (2406.99999): empty entry (no such paper)'),
    ]);
  });

  it('skips an Error entry with arXiv’s reason', async () => {
    server.setArxivResponse(arxivAtom([{ error: 'incorrect id format for 2406.07550' }]));
    const { papers, skipped } = await client().fetchByIds(['2406.07550']);
    expect(papers).toEqual([]);
    expect(skipped).toEqual([
      { index: 0, id: '2406.07550', reason: 'arXiv error: incorrect id format for 2406.07550' },
    ]);
  });

  it('asks again after an empty first page, then reads the entries', async () => {
    server.setArxivEntry(entry('2406.07550v1'));
    server.pushFault({ body: arxivAtom([], { totalResults: 1 }), contentType: ATOM_TYPE });
    const arxiv = client();
    const { papers } = await arxiv.fetchByIds(['2406.07550']);

    expect(papers.map((paper) => paper.id)).toEqual(['2406.07550']);
    expect(queries()).toHaveLength(2);
    // The second request keeps the spacing like any other.
    expect(arxiv.clock.sleeps).toEqual([ARXIV_MIN_INTERVAL_MS]);
    expect(warnings).toEqual([expect.stringContaining('no entry (totalResults 1); retry 1 of 2')]);
  });

  it('gives up with an empty batch after a bounded number of empty pages', async () => {
    server.setArxivResponse(arxivAtom([], { totalResults: 0 }));
    const batch = await client({ emptyPageRetries: 2 }).fetchByIds(['2406.07550']);
    expect(batch).toEqual({ papers: [], skipped: [] });
    expect(queries()).toHaveLength(3);
    expect(warnings.at(-1)).toContain('with no entry 3 times; giving up');
  });

  it('makes no request for no ids, and refuses what is not an arXiv id', async () => {
    await expect(client().fetchByIds([])).resolves.toEqual({ papers: [], skipped: [] });
    await expect(client().fetchByIds(['2406.07550', 'nope'])).rejects.toThrow(TypeError);
    expect(server.requests()).toEqual([]);
  });

  it('reads a long id list in paced requests of 100 ids, indexing skips across them', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `2406.${String(10000 + i)}`);
    server.setArxivEntry(entry('2406.10149v1'));
    const arxiv = client();
    const { papers, skipped } = await arxiv.fetchByIds(ids);

    expect(papers.map((paper) => paper.id)).toEqual(['2406.10149']);
    expect(skipped).toHaveLength(149);
    expect(skipped[148]).toEqual({
      index: 148,
      id: '2406.10148',
      reason: 'empty entry (no such paper)',
    });
    expect(queries().map((request) => request.query.max_results)).toEqual(['100', '50']);
    expect(arxiv.clock.sleeps).toEqual([ARXIV_MIN_INTERVAL_MS]);
  });
});

describe('recent papers by category', () => {
  /** Four papers: two in cs.CL, one in cs.LG cross-listed in cs.CL, one in math.GT. */
  function setEntries() {
    server.setArxivEntry(entry('2406.00001v1', { published: '2024-06-01T10:00:00Z' }));
    server.setArxivEntry(
      entry('2406.00004v1', { published: '2024-06-04T10:00:00Z', categories: ['math.GT'] }),
    );
    server.setArxivEntry(
      entry('2406.00003v2', {
        published: '2024-06-03T10:00:00Z',
        categories: ['cs.LG', 'cs.CL', 'stat.ML'],
      }),
    );
    server.setArxivEntry(
      entry('2406.00002v1', { published: '2024-06-02T10:00:00Z', categories: ['cs.CL'] }),
    );
  }

  it('asks arXiv for the newest submissions in the categories', async () => {
    setEntries();
    await client().fetchRecent(['cs.CL', 'cs.LG']);

    const [request] = queries();
    expect(queries()).toHaveLength(1);
    expect(request?.rawQuery).toBe(
      'search_query=cat:cs.CL+OR+cat:cs.LG&sortBy=lastUpdatedDate&sortOrder=descending' +
        '&start=0&max_results=100',
    );
    expect(request?.query).toEqual({
      search_query: 'cat:cs.CL OR cat:cs.LG',
      sortBy: 'lastUpdatedDate',
      sortOrder: 'descending',
      start: '0',
      max_results: '100',
    });
    expect(request?.headers.accept).toBe('application/atom+xml');
  });

  it('returns them newest first, a cross-listed paper once with its categories, primary first', async () => {
    setEntries();
    const { papers, skipped } = await client().fetchRecent(['cs.CL']);

    expect(skipped).toEqual([]);
    expect(papers.map((paper) => paper.id)).toEqual(['2406.00003', '2406.00002', '2406.00001']);
    expect(papers[0]).toEqual({
      id: '2406.00003',
      title: 'Paper 2406.00003v2',
      abstract: 'Abstract of 2406.00003v2.',
      authors: ['Ada Lovelace', 'Alan Turing'],
      publishedAt: new Date('2024-06-03T10:00:00Z'),
      version: 2,
      categories: ['cs.LG', 'cs.CL', 'stat.ML'],
    });

    const both = await client().fetchRecent(['cs.LG', 'cs.CL', 'math.GT']);
    expect(both.papers.map((paper) => paper.id)).toEqual([
      '2406.00004',
      '2406.00003',
      '2406.00002',
      '2406.00001',
    ]);
  });

  it('sorts what arXiv answers newest first, and keeps a paper once', async () => {
    server.setArxivResponse(
      arxivAtom([
        entry('2406.00001v1', { published: '2024-06-01T10:00:00Z' }),
        entry('2406.00002v1', { published: '2024-06-02T10:00:00Z' }),
        entry('2406.00001v2', { published: '2024-06-01T10:00:00Z' }),
      ]),
    );
    const { papers } = await client().fetchRecent(['cs.CL']);
    expect(papers.map(({ id, version }) => ({ id, version }))).toEqual([
      { id: '2406.00002', version: 1 },
      { id: '2406.00001', version: 1 },
    ]);
  });

  it('asks for maxResults papers, at most 200, and each category once', async () => {
    setEntries();
    const arxiv = client();
    const { papers } = await arxiv.fetchRecent(['cs.CL', 'cs.CL'], { maxResults: 2 });
    await arxiv.fetchRecent(['hep-th'], { maxResults: 5000 });

    expect(papers.map((paper) => paper.id)).toEqual(['2406.00003', '2406.00002']);
    expect(queries().map((request) => request.query)).toEqual([
      expect.objectContaining({ search_query: 'cat:cs.CL', max_results: '2' }),
      expect.objectContaining({
        search_query: 'cat:hep-th',
        max_results: String(ARXIV_MAX_RECENT_RESULTS),
      }),
    ]);
    expect(ARXIV_MAX_RECENT_RESULTS).toBe(200);
  });

  it('refuses what is not a category, or a bad maxResults, before any request', async () => {
    const arxiv = client();
    for (const bad of ['cs CL', 'cat:cs.CL', '', 'cs.CL+OR+cat:cs.LG', 'cs.CL&start=5', 'CS.CL']) {
      await expect(arxiv.fetchRecent(['cs.LG', bad])).rejects.toThrow(TypeError);
    }
    for (const maxResults of [0, -1, 1.5, NaN, Infinity]) {
      await expect(arxiv.fetchRecent(['cs.CL'], { maxResults })).rejects.toThrow(RangeError);
    }
    await expect(arxiv.fetchRecent([])).resolves.toEqual({ papers: [], skipped: [] });
    expect(server.requests()).toEqual([]);
  });

  it('asks again after an empty page when totalResults says there are papers', async () => {
    setEntries();
    server.pushFault({ body: arxivAtom([], { totalResults: 3 }), contentType: ATOM_TYPE });
    const arxiv = client();
    const { papers } = await arxiv.fetchRecent(['cs.CL']);

    expect(papers).toHaveLength(3);
    expect(queries()).toHaveLength(2);
    expect(queries()[1]?.rawQuery).toBe(queries()[0]?.rawQuery);
    expect(arxiv.clock.sleeps).toEqual([ARXIV_MIN_INTERVAL_MS]);
    expect(warnings).toEqual([expect.stringContaining('no entry (totalResults 3); retry 1 of 2')]);
  });

  it('takes an empty page with totalResults 0 as the answer', async () => {
    setEntries();
    const arxiv = client();
    await expect(arxiv.fetchRecent(['q-bio.NC'])).resolves.toEqual({ papers: [], skipped: [] });
    expect(queries()).toHaveLength(1);
    expect(arxiv.clock.sleeps).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('gives up with an empty batch after a bounded number of empty pages', async () => {
    server.setArxivResponse(arxivAtom([], { totalResults: 12 }));
    const batch = await client({ emptyPageRetries: 1 }).fetchRecent(['cs.CL']);
    expect(batch).toEqual({ papers: [], skipped: [] });
    expect(queries()).toHaveLength(2);
    expect(warnings.at(-1)).toContain('with no entry 2 times; giving up');
  });

  it('skips a malformed entry, saying why, and keeps the others', async () => {
    server.setArxivResponse(
      arxivAtom([entry('2406.00002v1'), entry('2406.00001v1', { title: '' })]),
    );
    const { papers, skipped } = await client().fetchRecent(['cs.CL']);
    expect(papers.map((paper) => paper.id)).toEqual(['2406.00002']);
    expect(skipped).toEqual([{ index: 1, id: '2406.00001', reason: 'missing title' }]);
    expect(warnings).toEqual([
      expect.stringContaining('skipped arXiv entry 1 (2406.00001): missing title'),
    ]);
  });

  it('fails like fetchByIds on an answer that is not a feed', async () => {
    server.pushFault({ body: '<!DOCTYPE html><html></html>', contentType: 'text/html' });
    await expect(client().fetchRecent(['cs.CL'])).rejects.toMatchObject({ kind: 'bad_body' });
  });

  it('shares the pacing with fetchByIds: one queue per client (fake clock)', async () => {
    setEntries();
    const arxiv = client();
    await arxiv.fetchRecent(['cs.CL']);
    await arxiv.fetchByIds(['2406.00001']);
    arxiv.clock.now += 1000;
    await arxiv.fetchRecent(['cs.LG']);

    expect(queries().map((request) => Object.keys(request.query)[0])).toEqual([
      'search_query',
      'id_list',
      'search_query',
    ]);
    expect(arxiv.clock.sleeps).toEqual([ARXIV_MIN_INTERVAL_MS, ARXIV_MIN_INTERVAL_MS - 1000]);
  });

  it('never overlaps or crowds requests of both kinds made at once (real timers)', async () => {
    setEntries();
    // The first answer is late: a request sent before it came would arrive within 100 ms.
    server.pushFault({ delayMs: 100 });
    const arxiv = createArxivClient({
      baseUrl: server.arxivApiUrl,
      logger: createLogger({ level: LogLevel.ERROR, sink: () => undefined }),
      minIntervalMs: 150,
    });
    const [recent, byId, again] = await Promise.all([
      arxiv.fetchRecent(['cs.CL']),
      arxiv.fetchByIds(['2406.00004']),
      arxiv.fetchRecent(['math.GT'], { maxResults: 1 }),
    ]);

    expect(recent.papers).toHaveLength(3);
    expect(byId.papers.map((paper) => paper.id)).toEqual(['2406.00004']);
    expect(again.papers.map((paper) => paper.id)).toEqual(['2406.00004']);
    const log = queries();
    expect(log.map((request) => request.query.search_query ?? request.query.id_list)).toEqual([
      'cat:cs.CL',
      '2406.00004',
      'cat:math.GT',
    ]);
    const times = log.map((request) => request.at);
    // 100 ms for the late answer, then the 150 ms interval (`Date.now()` truncates to the ms).
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(249);
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(149);
  });
});

describe('the feed server’s category search', () => {
  it('pages with start and max_results, counting every match in totalResults', async () => {
    for (let day = 1; day <= 5; day += 1) {
      server.setArxivEntry(
        entry(`2406.0000${day}v1`, {
          published: `2024-06-0${day}T00:00:00Z`,
          categories: day % 2 === 0 ? ['cs.LG'] : ['cs.CL', 'cs.LG'],
        }),
      );
    }
    const response = await fetch(
      `${server.arxivApiUrl}/query?search_query=cat:cs.CL+OR+cat:hep-th&start=1&max_results=1`,
    );
    const xml = await response.text();
    expect(parseArxivAtom(xml).papers.map((paper) => paper.id)).toEqual(['2406.00003']);
    expect(xml).toMatch(/totalResults[^>]*>3</);
    expect(xml).toMatch(/startIndex[^>]*>1</);
    expect(xml).toContain(
      '<arxiv:primary_category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>',
    );
  });

  it('answers an Error entry to a query it does not understand', async () => {
    const response = await fetch(`${server.arxivApiUrl}/query?search_query=all:electron`);
    expect(parseArxivAtom(await response.text()).skipped).toEqual([
      { index: 0, reason: expect.stringContaining('arXiv error: the feed server only answers') },
    ]);
  });
});

describe('pacing', () => {
  it('spaces back-to-back and concurrent calls by minIntervalMs (real timers)', async () => {
    server.setArxivEntry(entry('2406.07550v1'));
    const arxiv = createArxivClient({
      baseUrl: server.arxivApiUrl,
      logger: createLogger({ level: LogLevel.ERROR, sink: () => undefined }),
      minIntervalMs: 200,
    });
    await arxiv.fetchByIds(['2406.07550']);
    await arxiv.fetchByIds(['2406.07550']);
    await Promise.all([arxiv.fetchByIds(['2406.07550']), arxiv.fetchByIds(['2406.07550'])]);

    const times = queries().map((request) => request.at);
    expect(times).toHaveLength(4);
    // `Date.now()` on the server truncates to the millisecond; the client's clock does not.
    for (let i = 1; i < times.length; i += 1) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(199);
    }
  });

  it('waits the full interval by default, and only what is left of it', async () => {
    server.setArxivEntry(entry('2406.07550v1'));
    const arxiv = client({ minIntervalMs: undefined });
    await arxiv.fetchByIds(['2406.07550']);
    await arxiv.fetchByIds(['2406.07550']);
    arxiv.clock.now += 1000;
    await arxiv.fetchByIds(['2406.07550']);
    arxiv.clock.now += 5000;
    await arxiv.fetchByIds(['2406.07550']);

    expect(arxiv.clock.sleeps).toEqual([3000, 2000]);
    expect(queries()).toHaveLength(4);
  });

  it('serializes concurrent calls: one request at a time', async () => {
    server.setArxivEntry(entry('2406.07550v1'));
    server.setArxivEntry(entry('2406.07551v1'));
    // The first answer is late: a second request sent before it came would arrive within 100 ms.
    server.pushFault({ delayMs: 100 });
    const arxiv = client({ minIntervalMs: 50 });
    const results = await Promise.all(
      ['2406.07550', '2406.07551'].map(async (id) => (await arxiv.fetchByIds([id])).papers[0]?.id),
    );

    expect(results).toEqual(['2406.07550', '2406.07551']);
    const [first, second] = queries();
    expect(first?.query.id_list).toBe('2406.07550');
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(99);
    expect(arxiv.clock.sleeps).toEqual([50]);
  });

  it('keeps the spacing for retries and after a failed call', async () => {
    server.setArxivEntry(entry('2406.07550v1'));
    server.pushFault({ status: 503, body: 'busy', contentType: 'text/plain' });
    server.pushFault({ status: 403, body: 'forbidden', contentType: 'text/plain' });
    const arxiv = client();

    await expect(arxiv.fetchByIds(['2406.07550'])).rejects.toMatchObject({
      kind: 'http',
      status: 403,
    });
    // The 503's retry waited the interval, not the 1 ms backoff; the next call waits it too.
    await expect(arxiv.fetchByIds(['2406.07550'])).resolves.toMatchObject({
      papers: [{ id: '2406.07550' }],
    });
    expect(arxiv.clock.sleeps).toEqual([ARXIV_MIN_INTERVAL_MS, ARXIV_MIN_INTERVAL_MS]);
    expect(queries()).toHaveLength(3);
  });
});

describe('failures', () => {
  it('rejects malformed XML as bad_body, without retrying', async () => {
    server.pushFault({
      body: '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>cut',
      contentType: ATOM_TYPE,
    });
    const error: unknown = await client()
      .fetchByIds(['2406.07550'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedError);
    expect(error).toMatchObject({ kind: 'bad_body', retryable: false });
    expect((error as FeedError).message).toContain('not an Atom feed from http://127.0.0.1:');
    expect(queries()).toHaveLength(1);
  });

  it('rejects an HTML page served with 200 as bad_body', async () => {
    server.pushFault({ body: '<!DOCTYPE html><html></html>', contentType: 'text/html' });
    await expect(client().fetchByIds(['2406.07550'])).rejects.toMatchObject({
      kind: 'bad_body',
      message: expect.stringContaining('expected an Atom <feed>, got <html>; got text/html'),
    });
  });

  it('times out a hanging answer', async () => {
    server.pushFault({ hang: true });
    const arxiv = client({ fetch: { timeoutMs: 200, retries: 0 } });
    await expect(arxiv.fetchByIds(['2406.07550'])).rejects.toMatchObject({ kind: 'timeout' });
  });
});
