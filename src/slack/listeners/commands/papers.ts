import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { FEED_LABELS, FEEDS, isFeedId, type FeedId } from '../../../domain/paper';
import { decodeSlackText, escapeMrkdwn } from '../../mrkdwn';
import { helpMessage, notice } from '../../blocks/messages';
import type { RenderedMessage } from '../../blocks/paper-card';
import type { ChannelRef } from '../../../store/store';
import { answerAfterAck } from '../after-ack';
import type { ListenerDeps } from '../deps';
import type { CommandRequest } from './request';
import { searchCommand } from './search';
import { shareCommand } from './share';
import { topCommand } from './top';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * Splits `/papers` text (decoded from Slack's encoding) into a lower-cased subcommand, its
 * whitespace-separated arguments, and `rest`: everything after the subcommand, as typed.
 */
export function parseCommand(text: string): { subcommand: string; args: string[]; rest: string } {
  const decoded = decodeSlackText(text).trim();
  const [subcommand = '', ...args] = decoded.split(/\s+/).filter(Boolean);
  return {
    subcommand: subcommand.toLowerCase(),
    args,
    rest: decoded.slice(subcommand.length).trim(),
  };
}

const feedList = FEEDS.map((feed) => `\`${feed}\` (${FEED_LABELS[feed]})`).join(', ');

function parseFeed(args: string[]): FeedId | { problem: string } {
  const [raw = 'hf'] = args;
  const feed = raw.toLowerCase();
  if (isFeedId(feed)) return feed;
  return {
    problem: `I don't know the feed \`${escapeMrkdwn(raw)}\`. Feeds you can follow: ${feedList}.`,
  };
}

function isDirectMessage(channelId: string): boolean {
  return channelId.startsWith('D');
}

async function follow(
  deps: ListenerDeps,
  channel: ChannelRef,
  args: string[],
): Promise<RenderedMessage> {
  if (isDirectMessage(channel.channelId)) {
    return notice(
      'Feeds are followed by channels: run `/papers follow hf` in the channel that should get the papers.',
    );
  }
  if (args.length === 0) {
    const feeds = await deps.store.followedFeeds(channel);
    return notice(
      feeds.length === 0
        ? `This channel follows no feed yet. Try \`/papers follow hf\`. Feeds: ${feedList}.`
        : `This channel follows ${feeds.map((f) => FEED_LABELS[f]).join(', ')}.`,
    );
  }
  const feed = parseFeed(args);
  if (typeof feed !== 'string') return notice(feed.problem);
  const added = await deps.store.follow(channel, feed, deps.clock());
  return notice(
    added
      ? `This channel now follows *${FEED_LABELS[feed]}*: new papers are posted here as they appear (checked every ${deps.pollEvery}). If Paperboy is not in this channel yet, \`/invite @Paperboy\`.`
      : `This channel already follows *${FEED_LABELS[feed]}*.`,
  );
}

async function unfollow(
  deps: ListenerDeps,
  channel: ChannelRef,
  args: string[],
): Promise<RenderedMessage> {
  const feed = parseFeed(args);
  if (typeof feed !== 'string') return notice(feed.problem);
  const removed = await deps.store.unfollow(channel, feed);
  return notice(
    removed
      ? `This channel no longer follows *${FEED_LABELS[feed]}*. Cards already posted keep working.`
      : `This channel does not follow *${FEED_LABELS[feed]}*.`,
  );
}

type Handler = (
  deps: ListenerDeps,
  request: CommandRequest,
) => Promise<RenderedMessage | undefined>;

/** Answered in the ack itself: each is a quick store call, well inside Slack's 3 seconds. */
const QUICK: Readonly<Record<string, Handler>> = {
  follow: (deps, { channel, args }) => follow(deps, channel, args),
  unfollow: (deps, { channel, args }) => unfollow(deps, channel, args),
  help: async () => helpMessage(),
  '': async () => helpMessage(),
};

/** Acked at once and answered through `response_url`: these may search, fetch or post. */
const AFTER_ACK: Readonly<Record<string, Handler>> = {
  search: searchCommand,
  share: shareCommand,
  top: topCommand,
};

/** `/papers …`: routes a subcommand to its handler; an unknown one gets the help. */
export function papersCommand(deps: ListenerDeps) {
  return async ({ command, ack, respond }: CommandArgs): Promise<void> => {
    const { subcommand, args, rest } = parseCommand(command.text);
    const request: CommandRequest = {
      channel: { workspaceId: command.team_id, channelId: command.channel_id },
      userId: command.user_id,
      args,
      rest,
    };
    const slow = AFTER_ACK[subcommand];
    if (slow) {
      await ack();
      await answerAfterAck(deps, respond, () => slow(deps, request));
      return;
    }
    const quick = QUICK[subcommand];
    const reply = quick
      ? await quick(deps, request)
      : helpMessage(`I don't know \`/papers ${subcommand}\`. Here is what I can do:`);
    await ack({ response_type: 'ephemeral', text: reply?.text, blocks: reply?.blocks });
  };
}
