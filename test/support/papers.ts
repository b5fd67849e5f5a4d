import type { Paper } from '../../src/domain/paper';
import { normalizeHfItem } from '../../src/feeds/hf';
import { loadHfFixture } from './feed-server';

/** A minimal paper: only the required fields. */
export function minimalPaper(id: string, overrides: Partial<Paper> = {}): Paper {
  return {
    id,
    title: `Paper ${id}`,
    abstract: `The abstract of ${id}.`,
    authors: ['Ada Lovelace'],
    publishedAt: new Date('2025-06-01T17:59:00.000Z'),
    ...overrides,
  };
}

/** The recorded HF feed's papers, normalized as the poll would store them. */
export function fixturePapers(count?: number): Paper[] {
  return loadHfFixture()
    .slice(0, count)
    .map((item) => {
      const result = normalizeHfItem(item);
      if (!result.ok) throw new Error(`fixture item is malformed: ${result.reason}`);
      return result.paper;
    });
}

/** A Hugging Face single-paper API answer (`GET /api/papers/{id}`), as the feed server serves it. */
export function hfPaperItem(id: string, title: string): Record<string, unknown> {
  return {
    id,
    title,
    summary: 'An abstract fetched from Hugging Face.',
    authors: [{ name: 'Grace Hopper' }],
    publishedAt: '2025-10-01T17:59:00.000Z',
    upvotes: 42,
  };
}
