import { tz } from '@date-fns/tz';
import type { KnownBlock } from '@slack/types';
import { format } from 'date-fns';
import { arxivAbsUrl, arxivPdfUrl, hfPaperUrl, type Paper } from '../../domain/paper';
import { cutAtSentence } from '../../domain/text';
import { escapeMrkdwn, mrkdwnLink } from '../mrkdwn';
import { userMention } from '../permalink';
import { ACTION_IDS, BLOCK_IDS } from './ids';
import { fit, LIMITS } from './limits';

/** What the team added to a paper: shown on the card, refreshed when it changes. */
export interface CardStats {
  teamVotes: number;
  /** Replies in this card's thread. */
  replies?: number;
}

export interface RenderedMessage {
  /** The plain fallback notifications and screen readers use (mrkdwn, escaped). */
  text: string;
  blocks: KnownBlock[];
}

/** Authors shown before "et al.". */
const AUTHORS_SHOWN = 3;
/** A card is a teaser, not the paper: a few sentences of the abstract. */
const ABSTRACT_MAX = 600;
const TITLE_MAX = 300;
const AUTHORS_MAX = 500;

export function authorLine(authors: readonly string[]): string {
  if (authors.length === 0) return 'Unknown authors';
  if (authors.length <= AUTHORS_SHOWN + 1) return authors.join(', ');
  return `${authors.slice(0, AUTHORS_SHOWN).join(', ')} et al.`;
}

/** `1234` → `1.2k`: star counts read at a glance. */
export function compactNumber(value: number): string {
  if (value < 1000) return String(value);
  const thousands = (value / 1000).toFixed(value < 10_000 ? 1 : 0);
  // 999,999 rounds to "1000": that is a million, not "1000k".
  if (Number(thousands) < 1000) return `${thousands.replace(/\.0$/, '')}k`;
  return `${(value / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** Dates on cards are calendar days in UTC, the time zone arXiv and Hugging Face publish in. */
export function dateInWords(date: Date): string {
  return format(date, 'MMMM d, yyyy', { in: tz('UTC') });
}

/**
 * Optional links (GitHub, project page) come from the feed: only sane http(s) URLs are linked,
 * short enough that the whole links line stays inside a context element's limit.
 */
const OPTIONAL_URL_MAX = 500;

function isHttpUrl(url: string | undefined): url is string {
  return url !== undefined && /^https?:\/\//.test(url) && url.length <= OPTIONAL_URL_MAX;
}

export function linkLine(paper: Paper): string {
  const links = [
    mrkdwnLink(arxivAbsUrl(paper.id), 'arXiv'),
    mrkdwnLink(arxivPdfUrl(paper.id), 'PDF'),
    mrkdwnLink(hfPaperUrl(paper.id), 'Hugging Face'),
  ];
  if (isHttpUrl(paper.githubRepo)) {
    const stars = paper.githubStars !== undefined ? ` ★ ${compactNumber(paper.githubStars)}` : '';
    links.push(mrkdwnLink(paper.githubRepo, `GitHub${stars}`));
  }
  if (isHttpUrl(paper.projectPage)) links.push(mrkdwnLink(paper.projectPage, 'Project page'));
  return links.join('  ·  ');
}

export function metaLine(paper: Paper): string {
  const parts = [
    fit(escapeMrkdwn(authorLine(paper.authors)), AUTHORS_MAX),
    dateInWords(paper.publishedAt),
  ];
  if (paper.hfUpvotes !== undefined) parts.push(`▲ ${paper.hfUpvotes} on HF`);
  if (paper.hfComments !== undefined) {
    parts.push(`💬 ${paper.hfComments} ${paper.hfComments === 1 ? 'comment' : 'comments'}`);
  }
  return parts.join('  ·  ');
}

function teaser(paper: Paper): string {
  if (paper.aiSummary)
    return `*TL;DR* ${escapeMrkdwn(cutAtSentence(paper.aiSummary, ABSTRACT_MAX))}`;
  if (paper.abstract) return escapeMrkdwn(cutAtSentence(paper.abstract, ABSTRACT_MAX));
  return '_No abstract available._';
}

/** The upvote button's label: the team's count, e.g. `▲ 3`. */
export function upvoteLabel(teamVotes: number): string {
  return `▲ ${teamVotes}`;
}

/**
 * A paper card: title linking to the paper's page, authors, date, HF counters, a teaser of the
 * abstract, links, and the team's upvote button. Pure: the same paper and stats give the same
 * blocks. Every piece of feed text is escaped and cut to Block Kit's limits.
 */
export function paperCard(paper: Paper, stats: CardStats): RenderedMessage {
  const title = escapeMrkdwn(cutAtSentence(paper.title, TITLE_MAX));
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: BLOCK_IDS.title,
      text: {
        type: 'mrkdwn',
        text: fit(`*<${hfPaperUrl(paper.id)}|${title}>*`, LIMITS.sectionText),
      },
    },
    {
      type: 'context',
      block_id: BLOCK_IDS.meta,
      elements: [{ type: 'mrkdwn', text: fit(metaLine(paper), LIMITS.sectionText) }],
    },
    {
      type: 'section',
      block_id: BLOCK_IDS.abstract,
      text: { type: 'mrkdwn', text: fit(teaser(paper), LIMITS.sectionText) },
    },
    {
      type: 'context',
      block_id: BLOCK_IDS.links,
      elements: [{ type: 'mrkdwn', text: linkLine(paper) }],
    },
    {
      type: 'actions',
      block_id: BLOCK_IDS.actions,
      elements: [
        {
          type: 'button',
          action_id: ACTION_IDS.upvote,
          text: { type: 'plain_text', text: upvoteLabel(stats.teamVotes), emoji: true },
          value: paper.id,
          accessibility_label: `Upvote this paper (${stats.teamVotes} team ${stats.teamVotes === 1 ? 'vote' : 'votes'})`,
        },
      ],
    },
  ];
  if (stats.replies) {
    blocks.push({
      type: 'context',
      block_id: BLOCK_IDS.replies,
      elements: [
        {
          type: 'mrkdwn',
          text: `💬 ${stats.replies} ${stats.replies === 1 ? 'reply' : 'replies'} in the thread`,
        },
      ],
    });
  }
  const fallback = `📄 ${escapeMrkdwn(paper.title)} (${escapeMrkdwn(authorLine(paper.authors))})`;
  return { text: fit(fallback, LIMITS.fallbackText), blocks };
}

/** Who shared a card with `/papers share`, and what they wrote above it. */
export interface ShareNote {
  userId: string;
  /** As the member typed it (decoded); escaped here. */
  comment?: string;
}

/** A shared comment is a line or two above a card, not an essay. */
const COMMENT_MAX = 1000;

/**
 * A paper card shared by a member: their comment above the card. The comment is outside text:
 * escaped, so `<!channel>` in it pings nobody.
 */
export function sharedPaperCard(paper: Paper, stats: CardStats, share: ShareNote): RenderedMessage {
  const card = paperCard(paper, stats);
  const who = userMention(share.userId);
  const comment = share.comment?.trim();
  // Escaped first, then cut: escaping lengthens text (`<` is `&lt;`), and `fit` keeps entities whole.
  const text = comment
    ? `${who} shared a paper: ${fit(escapeMrkdwn(comment), COMMENT_MAX)}`
    : `${who} shared a paper.`;
  return {
    text: fit(`${text} ${card.text}`, LIMITS.fallbackText),
    blocks: [
      { type: 'section', block_id: BLOCK_IDS.sharedBy, text: { type: 'mrkdwn', text } },
      ...card.blocks,
    ],
  };
}

/** The card a ledger entry shows: shared cards keep their sharer's note through every refresh. */
export function cardForDelivery(
  paper: Paper,
  stats: CardStats,
  delivery: { sharedBy?: string; comment?: string; replyCount?: number },
): RenderedMessage {
  const cardStats = { ...stats, replies: delivery.replyCount ?? 0 };
  return delivery.sharedBy
    ? sharedPaperCard(paper, cardStats, { userId: delivery.sharedBy, comment: delivery.comment })
    : paperCard(paper, cardStats);
}
