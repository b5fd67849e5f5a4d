import type { KnownBlock } from '@slack/types';
import type { Paper } from '../../domain/paper';
import { channelMention, messagePermalink } from '../permalink';
import { BLOCK_IDS } from './ids';
import { paperCard, upvoteLabel } from './paper-card';

/** The card of the paper where the workspace discussed it: the one an unfurl points to. */
export interface DiscussedCard {
  channelId: string;
  messageTs: string;
  /** Replies in that card's thread. */
  replies: number;
}

export interface UnfurlStats {
  /** The team's votes on the paper, across the workspace. */
  teamVotes: number;
  /** Absent when the paper has no card in the workspace yet. */
  discussed?: DiscussedCard;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * `Discussed in <#C…>  ·  <thread|5 replies>  ·  ▲ 7`. A link's label cannot hold a channel
 * mention, so the link sits on the replies; without a workspace URL there is no link, only the
 * channel.
 */
export function discussedLine(
  discussed: DiscussedCard,
  teamVotes: number,
  workspaceUrl: string | undefined,
): string {
  const replies =
    discussed.replies > 0 ? plural(discussed.replies, 'reply', 'replies') : 'no replies yet';
  const thread = messagePermalink(workspaceUrl, discussed.channelId, discussed.messageTs);
  return [
    `💬 Discussed in ${channelMention(discussed.channelId)}`,
    thread ? `<${thread}|${replies}>` : replies,
    upvoteLabel(teamVotes),
  ].join('  ·  ');
}

/**
 * The blocks of a paper link's unfurl: the paper's card (title, authors, teaser, links, the team's
 * upvote button) and, when the team already discussed the paper, a line saying where, linked to
 * that card's thread. An unfurl is a message attachment: the same Block Kit limits as a message,
 * which the card already keeps (every piece of feed text escaped and cut).
 */
export function paperUnfurl(
  paper: Paper,
  stats: UnfurlStats,
  workspaceUrl: string | undefined,
): KnownBlock[] {
  const blocks = [...paperCard(paper, { teamVotes: stats.teamVotes }).blocks];
  if (stats.discussed) {
    blocks.push({
      type: 'context',
      block_id: BLOCK_IDS.discussed,
      elements: [
        {
          type: 'mrkdwn',
          // Ids, counts and a permalink built from checked ids: no outside text, a few dozen
          // characters.
          text: discussedLine(stats.discussed, stats.teamVotes, workspaceUrl),
        },
      ],
    });
  }
  return blocks;
}
