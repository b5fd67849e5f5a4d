import type { Paper } from '../../domain/paper';
import type { Delivery } from '../store';

/** Every column of `papers` a `Paper` is read from (not the search vector: it stays in the database). */
export const PAPER_COLUMNS = [
  'id',
  'title',
  'abstract',
  'authors',
  'published_at',
  'featured_at',
  'hf_upvotes',
  'hf_comments',
  'github_repo',
  'github_stars',
  'project_page',
  'ai_summary',
  'ai_keywords',
  'version',
  'categories',
] as const;

/** The paper columns of table alias `alias`, for a select list. */
export function paperColumns(alias: string): string {
  return PAPER_COLUMNS.map((column) => `${alias}.${column}`).join(', ');
}

/** A `papers` row as `pg` returns it: jsonb parsed, timestamptz as Date. */
export interface PaperRow {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  published_at: Date;
  featured_at: Date | null;
  hf_upvotes: number | null;
  hf_comments: number | null;
  github_repo: string | null;
  github_stars: number | null;
  project_page: string | null;
  ai_summary: string | null;
  ai_keywords: string[] | null;
  version: number | null;
  categories: string[] | null;
}

export function rowToPaper(row: PaperRow): Paper {
  const paper: Paper = {
    id: row.id,
    title: row.title,
    abstract: row.abstract,
    authors: row.authors,
    publishedAt: row.published_at,
  };
  if (row.featured_at !== null) paper.featuredAt = row.featured_at;
  if (row.hf_upvotes !== null) paper.hfUpvotes = row.hf_upvotes;
  if (row.hf_comments !== null) paper.hfComments = row.hf_comments;
  if (row.github_repo !== null) paper.githubRepo = row.github_repo;
  if (row.github_stars !== null) paper.githubStars = row.github_stars;
  if (row.project_page !== null) paper.projectPage = row.project_page;
  if (row.ai_summary !== null) paper.aiSummary = row.ai_summary;
  if (row.ai_keywords !== null) paper.aiKeywords = row.ai_keywords;
  if (row.version !== null) paper.version = row.version;
  if (row.categories !== null) paper.categories = row.categories;
  return paper;
}

/** A paper as a `jsonb_to_recordset` record (see `PAPER_RECORD`): dates as ISO strings. */
export function paperToRecord(paper: Paper): Record<string, unknown> {
  return {
    id: paper.id,
    title: paper.title,
    abstract: paper.abstract,
    authors: paper.authors,
    published_at: paper.publishedAt.toISOString(),
    featured_at: paper.featuredAt?.toISOString() ?? null,
    hf_upvotes: paper.hfUpvotes ?? null,
    hf_comments: paper.hfComments ?? null,
    github_repo: paper.githubRepo ?? null,
    github_stars: paper.githubStars ?? null,
    project_page: paper.projectPage ?? null,
    ai_summary: paper.aiSummary ?? null,
    // An empty list is no list, as in the SQLite adapter: absent when read back.
    ai_keywords: paper.aiKeywords?.length ? paper.aiKeywords : null,
    version: paper.version ?? null,
    categories: paper.categories?.length ? paper.categories : null,
  };
}

/** The record type of `paperToRecord`'s objects, for `jsonb_to_recordset(…) AS x ${PAPER_RECORD}`. */
export const PAPER_RECORD = `(id text, title text, abstract text, authors jsonb,
  published_at timestamptz, featured_at timestamptz, hf_upvotes integer, hf_comments integer,
  github_repo text, github_stars integer, project_page text, ai_summary text, ai_keywords jsonb,
  version integer, categories jsonb)`;

export interface DeliveryRow {
  workspace_id: string;
  channel_id: string;
  paper_id: string;
  message_ts: string;
  posted_at: Date;
  shared_by: string | null;
  share_comment: string | null;
  reply_count: number;
  noted_version: number | null;
  digest: boolean;
}

export const DELIVERY_COLUMNS = `workspace_id, channel_id, paper_id, message_ts, posted_at,
  shared_by, share_comment, reply_count, noted_version, digest`;

export function rowToDelivery(row: DeliveryRow): Delivery {
  const delivery: Delivery = {
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    paperId: row.paper_id,
    messageTs: row.message_ts,
    postedAt: row.posted_at,
  };
  if (row.shared_by !== null) delivery.sharedBy = row.shared_by;
  if (row.share_comment !== null) delivery.comment = row.share_comment;
  if (row.reply_count > 0) delivery.replyCount = row.reply_count;
  if (row.noted_version !== null) delivery.notedVersion = row.noted_version;
  if (row.digest) delivery.digest = true;
  return delivery;
}
