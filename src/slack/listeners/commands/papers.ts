import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { quoted } from '../../../domain/text';
import { decodeSlackText } from '../../mrkdwn';
import { helpMessage } from '../../blocks/messages';
import type { RenderedMessage } from '../../blocks/paper-card';
import { answerAfterAck } from '../after-ack';
import type { ListenerDeps } from '../deps';
import { alertsCommand, listCommand, subscribeCommand, unsubscribeCommand } from './alerts';
import { followCommand, unfollowCommand } from './follow';
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

type Handler = (
  deps: ListenerDeps,
  request: CommandRequest,
) => Promise<RenderedMessage | undefined>;

/** Answered in the ack itself: each is a quick store call, well inside Slack's 3 seconds. */
const QUICK: Readonly<Record<string, Handler>> = {
  follow: followCommand,
  unfollow: unfollowCommand,
  subscribe: subscribeCommand,
  unsubscribe: unsubscribeCommand,
  list: listCommand,
  help: async () => helpMessage(),
  '': async () => helpMessage(),
};

/** Acked at once and answered through `response_url`: these may search, fetch or post. */
const AFTER_ACK: Readonly<Record<string, Handler>> = {
  search: searchCommand,
  share: shareCommand,
  top: topCommand,
  alerts: alertsCommand,
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
      : helpMessage(`I don't know \`/papers ${quoted(subcommand)}\`. Here is what I can do:`);
    await ack({ response_type: 'ephemeral', text: reply?.text, blocks: reply?.blocks });
  };
}
