/**
 * A paper as Paperboy knows it, whatever feed it came from. Every optional field is optional
 * because the feeds leave it out often enough (HF items from 2024 have no `summary`, most papers
 * have no GitHub repository).
 */
export interface Paper {
  /** Canonical id: the bare arXiv id without version (`2406.07550`, `hep-th/9901001`). */
  id: string;
  title: string;
  /** The abstract, whitespace collapsed. Empty when the feed had none. */
  abstract: string;
  authors: string[];
  /** When the paper appeared on arXiv. */
  publishedAt: Date;
  /** When Hugging Face featured it on Daily Papers. */
  featuredAt?: Date;
  hfUpvotes?: number;
  hfComments?: number;
  /** Always a full `https://github.com/owner/repo` URL once normalized. */
  githubRepo?: string;
  githubStars?: number;
  projectPage?: string;
  aiSummary?: string;
  aiKeywords?: string[];
  /** The arXiv version the feed showed (`2` for `2406.07550v2`), when it said. */
  version?: number;
  /** arXiv categories, primary first (`cs.CL`, `cs.LG`), when the feed said. */
  categories?: string[];
}

export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

export function arxivPdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}

export function hfPaperUrl(id: string): string {
  return `https://huggingface.co/papers/${id}`;
}
