import { isArxivCategory } from './arxiv-id';

/**
 * What a channel can follow: Hugging Face Daily Papers (`hf`) or one arXiv category
 * (`arxiv:cs.CL`). Ids are stored as they are written here.
 */
export type FeedId = 'hf' | `arxiv:${string}`;

export function isFeedId(value: string): value is FeedId {
  if (value === 'hf') return true;
  return value.startsWith('arxiv:') && isArxivCategory(value.slice('arxiv:'.length));
}

/** What one poll job fetches: HF's daily list, or every arXiv category some channel follows. */
export const POLLED_SOURCES = ['hf', 'arxiv'] as const;
export type PolledSource = (typeof POLLED_SOURCES)[number];

export function sourceOf(feed: FeedId): PolledSource {
  return feed === 'hf' ? 'hf' : 'arxiv';
}

/** The arXiv category of an `arxiv:` feed. */
export function arxivCategoryOf(feed: FeedId): string | undefined {
  return feed.startsWith('arxiv:') ? feed.slice('arxiv:'.length) : undefined;
}

export function feedLabel(feed: FeedId): string {
  return feed === 'hf' ? 'Hugging Face Daily Papers' : `arXiv ${feed.slice('arxiv:'.length)}`;
}
