import { feedLabel, type FeedId } from '../../../domain/feed';
import { describeFilters, parseFollow, type FollowFilters } from '../../../domain/follow-filters';
import { quoted } from '../../../domain/text';
import { escapeMrkdwn } from '../../mrkdwn';
import { listed } from '../../blocks/limits';
import { notice } from '../../blocks/messages';
import type { RenderedMessage } from '../../blocks/paper-card';
import type { ListenerDeps } from '../deps';
import type { CommandRequest } from './request';

function isDirectMessage(channelId: string): boolean {
  return channelId.startsWith('D');
}

/** `*Hugging Face Daily Papers* (min-upvotes:10)`: a follow as replies show it. */
function followLine(feed: FeedId, filters: FollowFilters): string {
  const described = describeFilters(filters);
  return `*${feedLabel(feed)}*${described ? ` (\`${escapeMrkdwn(described)}\`)` : ''}`;
}

/** What a new or changed follow means for the channel, in a sentence. */
function howPostsArrive(filters: FollowFilters, pollEvery: string): string {
  if (filters.digest) {
    return `a digest of the day's top ${filters.digest.top} papers is posted here daily at ${filters.digest.time} (workspace time).`;
  }
  return `new papers are posted here as they appear (checked every ${pollEvery}).`;
}

/**
 * `/papers follow hf|arxiv:cs.CL,cs.LG [filters]`: follows, or changes the filters of a follow.
 * With no arguments: what this channel follows, with which filters.
 */
export async function followCommand(
  deps: ListenerDeps,
  { channel, rest }: CommandRequest,
): Promise<RenderedMessage> {
  if (isDirectMessage(channel.channelId)) {
    return notice(
      'Feeds are followed by channels: run `/papers follow hf` in the channel that should get the papers.',
    );
  }
  if (rest === '') {
    const follows = await deps.store.followsOf(channel);
    return notice(
      follows.length === 0
        ? 'This channel follows no feed yet. Try `/papers follow hf` (Hugging Face Daily Papers) or `/papers follow arxiv:cs.CL` (an arXiv category).'
        : `This channel follows ${listed(follows.map((f) => followLine(f.feed, f.filters)))}.`,
    );
  }
  const parsed = parseFollow(rest);
  if (!parsed.ok) return notice(escapeMrkdwn(parsed.problem));
  const outcomes = [];
  for (const feed of parsed.feeds) {
    outcomes.push({
      feed,
      outcome: await deps.store.follow(channel, feed, deps.clock(), parsed.filters),
    });
  }
  const added = outcomes
    .filter((o) => o.outcome === 'added')
    .map((o) => followLine(o.feed, parsed.filters));
  const changed = outcomes
    .filter((o) => o.outcome === 'updated')
    .map((o) => followLine(o.feed, parsed.filters));
  const same = outcomes.filter((o) => o.outcome === 'unchanged').map((o) => feedLabel(o.feed));
  const lines: string[] = [];
  if (added.length > 0) {
    lines.push(
      `This channel now follows ${added.join(', ')}: ${howPostsArrive(parsed.filters, deps.pollEvery)} If Paperboy is not in this channel yet, \`/invite @Paperboy\`.`,
    );
  }
  if (changed.length > 0) lines.push(`Updated: this channel now follows ${changed.join(', ')}.`);
  if (same.length > 0) lines.push(`This channel already follows *${same.join(', ')}* like that.`);
  return notice(lines.join('\n'));
}

/** `/papers unfollow hf|arxiv:cs.CL,cs.LG` (default `hf`): stops those feeds in this channel. */
export async function unfollowCommand(
  deps: ListenerDeps,
  { channel, rest }: CommandRequest,
): Promise<RenderedMessage> {
  const parsed = parseFollow(rest === '' ? 'hf' : rest);
  if (!parsed.ok || describeFilters(parsed.filters) !== '') {
    return notice(
      `I don't know the feed \`${escapeMrkdwn(quoted(rest))}\`. Feeds look like \`hf\` or \`arxiv:cs.CL\`; \`/papers follow\` shows what this channel follows.`,
    );
  }
  const lines: string[] = [];
  for (const feed of parsed.feeds) {
    lines.push(
      (await deps.store.unfollow(channel, feed))
        ? `This channel no longer follows *${feedLabel(feed)}*. Cards already posted keep working.`
        : `This channel does not follow *${feedLabel(feed)}*.`,
    );
  }
  return notice(lines.join('\n'));
}
