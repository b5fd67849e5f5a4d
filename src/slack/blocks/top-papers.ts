import type { KnownBlock } from '@slack/types';
import { hfPaperUrl } from '../../domain/paper';
import { cutAtSentence } from '../../domain/text';
import type { TopPaper } from '../../store/store';
import { escapeMrkdwn } from '../mrkdwn';
import { channelMention, messagePermalink } from '../permalink';
import { fit, LIMITS } from './limits';
import type { RenderedMessage } from './paper-card';

/** Papers listed by `/papers top`. Each is one section: ten stay far inside every limit. */
export const TOP_LIMIT = 10;
const TITLE_MAX = 200;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function topLine(rank: number, entry: TopPaper, workspaceUrl: string | undefined): string {
  const { paper, firstCard } = entry;
  const title = escapeMrkdwn(cutAtSentence(paper.title, TITLE_MAX));
  const counts = [`▲ ${entry.teamVotes} team`, `💬 ${plural(entry.replies, 'reply', 'replies')}`];
  if (paper.hfUpvotes !== undefined) counts.push(`▲ ${paper.hfUpvotes} on HF`);
  const thread = messagePermalink(workspaceUrl, firstCard.channelId, firstCard.messageTs);
  const where = thread
    ? // A link's label cannot hold a mention: the channel goes after it.
      `<${thread}|thread> in ${channelMention(firstCard.channelId)}`
    : `posted in ${channelMention(firstCard.channelId)}`;
  return `*${rank}.* *<${hfPaperUrl(paper.id)}|${title}>*\n${counts.join('  ·  ')}  ·  ${where}`;
}

/**
 * `/papers top`: the workspace's most valued papers in a window, each linked to the thread where
 * the team discussed it. `windowLabel` reads after "Top papers", e.g. "this week".
 */
export function topPapersMessage(
  windowLabel: string,
  entries: readonly TopPaper[],
  workspaceUrl: string | undefined,
): RenderedMessage {
  if (entries.length === 0) {
    const text = `No papers were posted in this workspace ${windowLabel}, so there is no top list. Try \`/papers top all\`, or share one with \`/papers share &lt;arXiv id&gt;\`.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const headline = `Top papers ${windowLabel}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: headline } },
    ...entries.map((entry, index): KnownBlock => ({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: fit(topLine(index + 1, entry, workspaceUrl), LIMITS.sectionText),
      },
    })),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Ranked by team votes, then thread replies, then Hugging Face upvotes.',
        },
      ],
    },
  ];
  return {
    text: fit(
      `${headline}: ${entries.map((e) => escapeMrkdwn(e.paper.title)).join('; ')}`,
      LIMITS.fallbackText,
    ),
    blocks,
  };
}
