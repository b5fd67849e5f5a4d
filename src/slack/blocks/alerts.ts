import type { KnownBlock, ModalView, SectionBlock } from '@slack/types';
import { describeAlertMode, type AlertMode } from '../../domain/alert-mode';
import { KEYWORD_LIMITS } from '../../domain/keywords';
import { arxivAbsUrl, type Paper } from '../../domain/paper';
import { cutAtSentence } from '../../domain/text';
import { escapeMrkdwn, mrkdwnLink } from '../mrkdwn';
import { channelMention } from '../permalink';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS } from './ids';
import { fit, LIMITS } from './limits';
import { authorLine, type RenderedMessage } from './paper-card';

/** One paper in a keyword alert. */
export interface AlertedPaper {
  paper: Paper;
  /** The member's keywords that matched it, in their canonical form. */
  keywords: string[];
  teamVotes: number;
  /** Where the paper was already posted in a channel the member is in: link there instead of repeating the card. */
  discussion?: { channelId: string; permalink?: string; replyCount?: number };
}

/**
 * Ranks a DM's papers: Hugging Face upvotes first (what the field is reading), then the team's
 * votes, then newest.
 */
export function byAlertRank(a: AlertedPaper, b: AlertedPaper): number {
  return (
    (b.paper.hfUpvotes ?? 0) - (a.paper.hfUpvotes ?? 0) ||
    b.teamVotes - a.teamVotes ||
    b.paper.publishedAt.getTime() - a.paper.publishedAt.getTime() ||
    a.paper.id.localeCompare(b.paper.id)
  );
}

/** Compact cards in one alert DM; the rest are behind "See all". */
export const ALERT_PAPERS_SHOWN = 10;

// Each piece of a compact card has its own budget (counted after escaping, which lengthens text),
// so that ten cards stay inside the ~12,000 characters a message may carry, links never cut.
const TITLE_MAX = 200;
const AUTHORS_MAX = 120;
const MATCHED_MAX = 200;
const ABSTRACT_MAX = 280;
const PERMALINK_MAX = 300;
/** One keyword in a list; canonical keywords are ≤ 100 characters, a few escapes still fit. */
const KEYWORD_SHOWN_MAX = 120;
/** The modal lists up to 100 blocks; one is its intro and one may say how many more there are. */
const MODAL_BLOCKS = 100;
/** A button value holds at most 2,000 characters. */
const BUTTON_VALUE_MAX = 2000;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A title as mrkdwn: cut at a sentence for reading, then hard-capped after escaping. */
function titleText(paper: Paper, max = TITLE_MAX): string {
  return fit(escapeMrkdwn(cutAtSentence(paper.title, max)), max);
}

/** `*<https://arxiv.org/abs/…|Title>*` */
export function paperTitleLink(paper: Paper, max = TITLE_MAX): string {
  return `*<${arxivAbsUrl(paper.id)}|${titleText(paper, max)}>*`;
}

/** A keyword in a code span: escaped, and a backtick (which would end the span) made a quote. */
export function keywordCode(keyword: string): string {
  return `\`${fit(escapeMrkdwn(keyword.replace(/`/g, "'")), KEYWORD_SHOWN_MAX)}\``;
}

/**
 * `matched \`tokenizer\`, \`"speculative decoding"\``: as many keywords as fit in `max` characters,
 * then "and N more".
 */
export function matchedLine(keywords: readonly string[], max = MATCHED_MAX): string {
  if (keywords.length === 0) return '';
  const shown: string[] = [];
  let used = 0;
  for (const keyword of keywords) {
    const code = keywordCode(keyword);
    // The first keyword always shows: it alone is at most KEYWORD_SHOWN_MAX + 2.
    if (shown.length > 0 && used + code.length + 2 > max) break;
    shown.push(code);
    used += code.length + 2;
  }
  const more = keywords.length - shown.length;
  return `matched ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** A permalink we link to: an https URL of sane length, else none (the channel alone is shown). */
function safePermalink(permalink: string | undefined): string | undefined {
  if (!permalink || permalink.length > PERMALINK_MAX) return undefined;
  return /^https:\/\/\S+$/.test(permalink) ? permalink : undefined;
}

/** `💬 Discussed in <#C…>  ·  <permalink|open the thread> (3 replies)` */
export function discussionLine(discussion: NonNullable<AlertedPaper['discussion']>): string {
  const permalink = safePermalink(discussion.permalink);
  const replies =
    discussion.replyCount === undefined
      ? ''
      : discussion.replyCount > 0
        ? ` (${plural(discussion.replyCount, 'reply', 'replies')})`
        : ' (no replies yet)';
  const thread = permalink ? `  ·  ${mrkdwnLink(permalink, 'open the thread')}` : '';
  return `💬 Discussed in ${channelMention(discussion.channelId)}${thread}${replies}`;
}

function countsLine(entry: AlertedPaper): string {
  const parts = [fit(escapeMrkdwn(authorLine(entry.paper.authors)), AUTHORS_MAX)];
  if (entry.paper.hfUpvotes) parts.push(`▲ ${entry.paper.hfUpvotes} on HF`);
  if (entry.teamVotes) parts.push(`▲ ${entry.teamVotes} team`);
  return parts.join('  ·  ');
}

/** The abstract's first sentences, or undefined when the feed had none. */
function abstractLine(paper: Paper): string | undefined {
  const source = paper.abstract || paper.aiSummary;
  if (!source) return undefined;
  return fit(escapeMrkdwn(cutAtSentence(source, ABSTRACT_MAX)), ABSTRACT_MAX);
}

/** A compact card: title, authors and counts, the keywords it matched; then its abstract or where it is discussed. */
function compactCard(entry: AlertedPaper): KnownBlock[] {
  const lines = [paperTitleLink(entry.paper), countsLine(entry), matchedLine(entry.keywords)];
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: fit(lines.filter(Boolean).join('\n'), LIMITS.sectionText),
      },
    },
  ];
  const below = entry.discussion ? discussionLine(entry.discussion) : abstractLine(entry.paper);
  if (below) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: fit(below, LIMITS.sectionText) }],
    });
  }
  return blocks;
}

/** Characters of text in blocks, as Slack counts them toward `msg_blocks_too_long`. */
function textLength(blocks: readonly KnownBlock[]): number {
  let total = 0;
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if (key === 'text') total += value.length;
    } else if (Array.isArray(value)) value.forEach((item) => walk(item));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(blocks);
  return total;
}

function alertHeadline(count: number, digest: 'daily' | 'weekly' | undefined): string {
  const papers = plural(count, 'paper', 'papers');
  if (digest) return `📬 Your ${digest} digest: ${papers} matched your keywords`;
  return `📬 ${plural(count, 'new paper', 'new papers')} ${count === 1 ? 'matches' : 'match'} your keywords`;
}

/**
 * The one DM a member gets after a poll (or at their digest time): a headline, up to
 * `ALERT_PAPERS_SHOWN` compact cards in the given order, and, when there are more, "…and N more"
 * with a button (`alert_more`, value `runKey`) that opens `alertMoreModal`. `runKey` identifies
 * the run so the listener can find the papers again; it must be 1–2,000 characters (a button's
 * value), else the button is left out.
 */
export function alertMessage(input: {
  papers: AlertedPaper[];
  runKey: string;
  digest?: 'daily' | 'weekly';
}): RenderedMessage {
  const { papers, runKey, digest } = input;
  const headline = alertHeadline(papers.length, digest);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: headline, emoji: true } },
  ];
  // Room kept for the "…and N more" line; the budgets above keep ten cards well under the rest.
  const budget = LIMITS.messageText - 300;
  let used = textLength(blocks);
  let shown = 0;
  for (const entry of papers.slice(0, ALERT_PAPERS_SHOWN)) {
    const card = compactCard(entry);
    const length = textLength(card);
    if (used + length > budget) break;
    blocks.push(...card);
    used += length;
    shown += 1;
  }
  const more = papers.length - shown;
  if (more > 0) {
    const section: SectionBlock = {
      type: 'section',
      block_id: BLOCK_IDS.alertMore,
      text: { type: 'mrkdwn', text: `…and ${plural(more, 'more paper', 'more papers')}.` },
    };
    if (runKey.length > 0 && runKey.length <= BUTTON_VALUE_MAX) {
      section.accessory = {
        type: 'button',
        action_id: ACTION_IDS.alertMore,
        text: { type: 'plain_text', text: `See all ${papers.length}`, emoji: true },
        value: runKey,
        accessibility_label: `See all ${papers.length} matched papers`,
      };
    }
    blocks.push({ type: 'divider' }, section);
  }
  const titles = papers.slice(0, ALERT_PAPERS_SHOWN).map((e) => escapeMrkdwn(e.paper.title));
  const text = papers.length === 0 ? headline : `${headline}: ${titles.join('; ')}`;
  return { text: fit(text, LIMITS.fallbackText), blocks };
}

/**
 * Every paper of one alert, one section each, opened by the DM's `alert_more` button. Past what
 * 100 blocks hold, the last block says how many more and points to App Home.
 */
export function alertMoreModal(papers: AlertedPaper[]): ModalView {
  const intro: KnownBlock = {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${plural(papers.length, 'paper', 'papers')} matched your keywords.`,
      },
    ],
  };
  const room = MODAL_BLOCKS - 1;
  const shown = papers.length <= room ? papers : papers.slice(0, room - 1);
  const blocks: KnownBlock[] = [
    intro,
    ...shown.map((entry): KnownBlock => {
      const lines = [
        paperTitleLink(entry.paper, 150),
        fit(escapeMrkdwn(authorLine(entry.paper.authors)), 100),
        matchedLine(entry.keywords, 150),
      ];
      if (entry.discussion) lines.push(discussionLine(entry.discussion));
      return {
        type: 'section',
        text: { type: 'mrkdwn', text: fit(lines.filter(Boolean).join('\n'), LIMITS.sectionText) },
      };
    }),
  ];
  const more = papers.length - shown.length;
  if (more > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${plural(more, 'more paper', 'more papers')}. Paperboy’s App Home lists what matched you this week.`,
        },
      ],
    });
  }
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.alertMoreModal,
    title: { type: 'plain_text', text: 'Matched papers' },
    close: { type: 'plain_text', text: 'Close' },
    blocks,
  };
}

/** The example a member can copy: every kind of keyword once. */
export const KEYWORDS_EXAMPLE = 'tokenizer "speculative decoding" diffu* -survey author:"Name"';

const KEYWORD_RULES = `Put a phrase in quotes ("speculative decoding"), use word* for words that start with it (diffu*), -word to leave out papers with a word (-survey), and author:"Name" for an author. Up to ${KEYWORD_LIMITS.perMember} keywords, ${KEYWORD_LIMITS.minLength}–${KEYWORD_LIMITS.maxLength} characters each.`;

/**
 * The modal App Home's "Add keywords" opens. Its one input is read back as
 * `view.state.values[BLOCK_IDS.alertKeywordsInput][ACTION_IDS.alertKeywordsInput].value`.
 */
export function keywordsModal(): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.alertKeywordsModal,
    title: { type: 'plain_text', text: 'Add keywords' },
    submit: { type: 'plain_text', text: 'Add' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: BLOCK_IDS.alertKeywordsInput,
        label: { type: 'plain_text', text: 'Keywords' },
        element: {
          type: 'plain_text_input',
          action_id: ACTION_IDS.alertKeywordsInput,
          multiline: false,
          placeholder: { type: 'plain_text', text: KEYWORDS_EXAMPLE },
        },
        hint: { type: 'plain_text', text: KEYWORD_RULES },
      },
    ],
  };
}

/**
 * Items joined by `separator` into texts of at most `max` characters each, never splitting an
 * item (an item longer than `max` is cut with `fit`). For lists that may outgrow one section.
 */
export function packTexts(items: readonly string[], separator: string, max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of items) {
    const item = fit(raw, max);
    if (current && current.length + separator.length + item.length > max) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}${separator}${item}` : item;
  }
  if (current) out.push(current);
  return out;
}

const HOW_TO_CHANGE =
  'Add with `/papers subscribe &lt;keywords&gt;`, remove one with `/papers unsubscribe &lt;keyword&gt;`, change how alerts arrive with `/papers alerts instant|daily 09:00|weekly mon 09:00|off`, or do all of it in Paperboy’s App Home.';

/**
 * `/papers list`: the member's keywords, how many of the 50 they use, how their alerts arrive, and
 * how to change either. With no keywords, how to subscribe, with an example.
 */
export function keywordsMessage(
  keywords: string[],
  mode: AlertMode,
  timeZone?: string,
): RenderedMessage {
  const modeText = `*Alerts:* ${escapeMrkdwn(describeAlertMode(mode, timeZone))}`;
  const section = (text: string): KnownBlock => ({
    type: 'section',
    text: { type: 'mrkdwn', text },
  });
  const context = (text: string): KnownBlock => ({
    type: 'context',
    elements: [{ type: 'mrkdwn', text }],
  });
  if (keywords.length === 0) {
    const intro = `You have no keywords yet. Subscribe to some and Paperboy sends you a DM when new papers match them, e.g.\n\`/papers subscribe ${escapeMrkdwn(KEYWORDS_EXAMPLE)}\``;
    return {
      text: 'You have no keywords yet. Subscribe with `/papers subscribe &lt;keywords&gt;`.',
      blocks: [section(intro), context(escapeMrkdwn(KEYWORD_RULES)), section(modeText)],
    };
  }
  const headline = `*Your keywords* (${keywords.length} of ${KEYWORD_LIMITS.perMember}):`;
  const lists = packTexts(keywords.map(keywordCode), '  ·  ', LIMITS.sectionText);
  return {
    text: fit(
      `Your keywords (${keywords.length} of ${KEYWORD_LIMITS.perMember}): ${keywords.map(escapeMrkdwn).join(', ')}`,
      LIMITS.fallbackText,
    ),
    blocks: [section(headline), ...lists.map(section), section(modeText), context(HOW_TO_CHANGE)],
  };
}
