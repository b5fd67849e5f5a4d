import type { Paper } from '../domain/paper';

/** A feed item that could not become a {@link Paper}, and why. */
export interface SkippedItem {
  /** Position of the item in what the feed answered (0-based, across pages or requests). */
  index: number;
  /** The item's arXiv id (canonical when valid, else as given), when it had one. */
  id?: string;
  /** In plain words, e.g. `missing title`. */
  reason: string;
  /** The feed day (`YYYY-MM-DD`, UTC) the item came from, for feeds read day by day (HF). */
  date?: string;
}

/** What one feed read produced: the papers, and the items that could not become one. */
export interface FeedBatch {
  papers: Paper[];
  skipped: SkippedItem[];
}
