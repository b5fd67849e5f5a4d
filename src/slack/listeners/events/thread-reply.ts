import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../deps';

type MessageArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/** The fields of a `message` event this listener reads; Bolt's union type spreads them over subtypes. */
interface MessageFields {
  subtype?: string;
  ts?: string;
  thread_ts?: string;
  bot_id?: string;
  user?: string;
  channel?: string;
  previous_message?: MessageFields;
}

/** A reply in a thread (not the thread's parent), written by a person. */
function isPersonsReply(message: MessageFields | undefined, botUserId: string): boolean {
  if (!message?.thread_ts || message.thread_ts === message.ts) return false;
  return !message.bot_id && message.user !== botUserId;
}

/** Subtypes that are replies people wrote; edits, joins and the like are not new replies. */
const REPLY_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message']);

/**
 * Counts replies in the threads of paper cards from Slack's `message` events (never by polling
 * `conversations.replies`, which Slack throttles hard): +1 for a person's reply, -1 when one is
 * deleted; the bot's own messages do not count, and a retried event (same `event_id`) counts
 * once. The card whose count changed is refreshed (its thread is its own: other cards of the
 * paper keep theirs); refreshes coalesce, so a burst of replies costs a few `chat.update` calls.
 */
export function threadReply(deps: ListenerDeps, botUserId: string) {
  return async ({ event, body }: MessageArgs): Promise<void> => {
    const message = event as MessageFields;
    let delta = 0;
    let threadTs: string | undefined;
    if (REPLY_SUBTYPES.has(message.subtype) && isPersonsReply(message, botUserId)) {
      delta = 1;
      threadTs = message.thread_ts;
    } else if (
      message.subtype === 'message_deleted' &&
      isPersonsReply(message.previous_message, botUserId)
    ) {
      delta = -1;
      threadTs = message.previous_message?.thread_ts;
    }
    const channelId = message.channel;
    if (delta === 0 || !threadTs || !channelId) return;
    if (!(await deps.store.markEventSeen(body.event_id, deps.clock()))) return;

    const channel = { workspaceId: body.team_id, channelId };
    const card = await deps.store.countThreadReplies(channel, threadTs, delta);
    if (!card) return; // a thread, but not under one of our cards
    // Not awaited: the debounce holds the refresh back, and the event needs nothing more from us.
    deps.refresher
      .refreshSoon(channel.workspaceId, card.paperId, card)
      .catch((error: unknown) => deps.logger.warn(`could not refresh ${card.paperId}:`, error));
  };
}
