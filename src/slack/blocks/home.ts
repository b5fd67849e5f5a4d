import type { HomeView, KnownBlock } from '@slack/types';
import { feedLabel, type FeedId } from '../../domain/feed';
import { channelMention } from '../permalink';
import { HELP, helpEntryText } from './messages';

/** At most this many channels are listed by name; a Home tab is a summary, not a directory. */
const CHANNELS_SHOWN = 30;

/**
 * The App Home tab: what Paperboy does, which channels follow which feed in this workspace, and
 * the commands. Pure, like every builder.
 */
export function homeView(follows: ReadonlyArray<{ channelId: string; feed: FeedId }>): HomeView {
  const byFeed = new Map<FeedId, string[]>();
  for (const follow of follows)
    byFeed.set(follow.feed, [...(byFeed.get(follow.feed) ?? []), follow.channelId]);

  const following =
    byFeed.size === 0
      ? 'No channel follows a feed yet. Run `/papers follow hf` in the channel that should get new papers.'
      : [...byFeed]
          .map(([feed, channels]) => {
            const shown = channels.slice(0, CHANNELS_SHOWN).map(channelMention).join(', ');
            const more =
              channels.length > CHANNELS_SHOWN
                ? ` and ${channels.length - CHANNELS_SHOWN} more`
                : '';
            return `*${feedLabel(feed)}* → ${shown}${more}`;
          })
          .join('\n');

  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: '📰 Paperboy', emoji: true } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'New research papers, posted in the channels that follow a feed. Upvote a card with ▲ and discuss the paper in its thread.',
      },
    },
    { type: 'divider' },
    { type: 'header', text: { type: 'plain_text', text: 'Following', emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: following } },
    { type: 'divider' },
    { type: 'header', text: { type: 'plain_text', text: 'Commands', emoji: true } },
    ...HELP.map((entry): KnownBlock => ({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: helpEntryText(entry),
      },
    })),
  ];
  return { type: 'home', blocks };
}
