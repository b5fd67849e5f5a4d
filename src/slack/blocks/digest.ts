import type { KnownBlock } from '@slack/types';
import { hfPaperUrl, type Paper } from '../../domain/paper';
import { cutAtSentence } from '../../domain/text';
import { escapeMrkdwn } from '../mrkdwn';
import { ACTION_IDS } from './ids';
import { fit, LIMITS } from './limits';
import { authorLine, upvoteLabel, type RenderedMessage } from './paper-card';

export interface DigestEntry {
  paper: Paper;
  teamVotes: number;
}

const TITLE_MAX = 200;

/**
 * A daily digest: the day's top papers in one message, each a section with its own upvote button
 * (`paper_upvote`, like every card). `day` is the local day it covers, `YYYY-MM-DD`.
 */
export function digestMessage(day: string, entries: readonly DigestEntry[]): RenderedMessage {
  const headline = `Today's top ${entries.length === 1 ? 'paper' : `${entries.length} papers`} (${day})`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `📰 ${headline}`, emoji: true } },
  ];
  entries.forEach(({ paper, teamVotes }, index) => {
    const title = escapeMrkdwn(cutAtSentence(paper.title, TITLE_MAX));
    const counts = paper.hfUpvotes !== undefined ? `  ·  ▲ ${paper.hfUpvotes} on HF` : '';
    blocks.push({
      type: 'section',
      block_id: `digest_paper_${index}`,
      text: {
        type: 'mrkdwn',
        text: fit(
          `*${index + 1}.* *<${hfPaperUrl(paper.id)}|${title}>*\n${escapeMrkdwn(authorLine(paper.authors))}${counts}`,
          LIMITS.sectionText,
        ),
      },
      accessory: {
        type: 'button',
        action_id: ACTION_IDS.upvote,
        text: { type: 'plain_text', text: upvoteLabel(teamVotes), emoji: true },
        value: paper.id,
        accessibility_label: `Upvote paper ${index + 1} (${teamVotes} team ${teamVotes === 1 ? 'vote' : 'votes'})`,
      },
    });
  });
  const text = `${headline}: ${entries.map((e) => escapeMrkdwn(e.paper.title)).join('; ')}`;
  return { text: fit(text, LIMITS.fallbackText), blocks };
}
