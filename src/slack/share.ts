import type { WebClient } from '@slack/web-api';
import type { Clock } from '../domain/clock';
import type { Paper } from '../domain/paper';
import type { Logger } from '../logger';
import { POST_LOCK_MS, type PostLocks } from '../queue/post-lock';
import type { ChannelRef, Delivery, Store } from '../store/store';
import { notice } from './blocks/messages';
import { sharedPaperCard, type RenderedMessage } from './blocks/paper-card';
import { messagePermalink } from './permalink';
import { postPaperCard } from './post-card';
import { platformErrorCode, retryAfterSeconds } from './client';

export type ShareOutcome =
  | { kind: 'posted'; delivery: Delivery }
  /** The paper already has a card in this channel (announced or shared before). */
  | { kind: 'already'; delivery: Delivery }
  /** Someone is posting it in this channel this very moment (a double click, a poll). */
  | { kind: 'in_progress' }
  /** Slack would not take the post; `reason` is for the member, in plain words. */
  | { kind: 'refused'; reason: string };

export interface ShareRequest {
  channel: ChannelRef;
  paper: Paper;
  userId: string;
  comment?: string;
}

/** What a member can do about Slack refusing a share, by Slack's error code. */
const REFUSALS: Readonly<Record<string, string>> = {
  not_in_channel: 'I am not in this channel yet: `/invite @Paperboy`, then share again.',
  channel_not_found:
    'I cannot post in this conversation (a private channel I am not in, or a direct message with someone else). Share it in a channel I am in.',
  is_archived: 'This channel is archived, so nothing can be posted in it.',
  restricted_action: 'A workspace setting keeps me from posting in this channel.',
};

/**
 * Posts a paper's full card in a channel on a member's behalf, with their comment above it, and
 * records it in the ledger (so votes refresh it and the poll never announces it there again).
 * A paper already in the channel is not posted twice: the existing card is returned instead.
 */
export interface ShareDeps {
  store: Store;
  /** A client that does not retry by itself: a post retried after a timeout may land twice. */
  slack: WebClient;
  locks: PostLocks;
  clock: Clock;
  logger: Logger;
}

/**
 * Rejects with `QueueUnavailableError` when Redis cannot be asked for the post lock: nothing is
 * posted then, and the listener asks the member to try again.
 */
export async function sharePaper(deps: ShareDeps, request: ShareRequest): Promise<ShareOutcome> {
  const { store, logger } = deps;
  const { channel, paper } = request;
  const target = { ...channel, paperId: paper.id };
  const existing = await store.findDelivery(channel, paper.id);
  if (existing) return { kind: 'already', delivery: existing };
  const release = await deps.locks.tryLock(target);
  if (!release) return { kind: 'in_progress' };
  try {
    // Checked again under the lock: a post that finished just before it was taken is recorded.
    const recorded = await store.findDelivery(channel, paper.id);
    if (recorded) return { kind: 'already', delivery: recorded };
    const outcome = await post(deps, request);
    if (outcome.kind === 'posted') {
      logger.info(`${request.userId} shared ${paper.id} in ${channel.channelId}`);
    }
    return outcome;
  } finally {
    // Redis may have gone away since the lock was taken: the member's answer is the post's
    // outcome all the same, and a lock that cannot be given back runs out by itself.
    await release().catch((error: unknown) =>
      logger.warn(
        `could not release the post lock of ${paper.id} in ${channel.channelId}; it expires in ${POST_LOCK_MS / 1000} s:`,
        error,
      ),
    );
  }
}

async function post(deps: ShareDeps, request: ShareRequest): Promise<ShareOutcome> {
  const { store, slack, clock } = deps;
  const { channel, paper, userId, comment } = request;
  const card = sharedPaperCard(
    paper,
    { teamVotes: await store.countVotes(channel.workspaceId, paper.id) },
    { userId, comment },
  );
  let messageTs: string;
  try {
    messageTs = await postPaperCard(slack, channel.channelId, paper.id, card);
  } catch (error) {
    const code = platformErrorCode(error);
    const refusal = code && REFUSALS[code];
    if (refusal) return { kind: 'refused', reason: refusal };
    const retryAfter = retryAfterSeconds(error);
    if (retryAfter !== undefined) {
      return {
        kind: 'refused',
        reason: `Slack asked me to slow down; try again in ${Math.max(1, Math.ceil(retryAfter))} s.`,
      };
    }
    // No answer (a timeout, a dropped connection): the card may be in the channel already.
    deps.logger.warn(`sharing ${paper.id} in ${channel.channelId}: Slack did not answer:`, error);
    return {
      kind: 'refused',
      reason:
        'Slack did not confirm the post. If the card does not show up in this channel in a minute, share it again.',
    };
  }
  const delivery = await store.recordDelivery({
    ...channel,
    paperId: paper.id,
    messageTs,
    postedAt: clock(),
    sharedBy: userId,
    ...(comment?.trim() ? { comment: comment.trim() } : {}),
  });
  return { kind: 'posted', delivery };
}

/** What the sharer is told: nothing when the card is posted (the card is the answer). */
export function shareOutcomeReply(
  outcome: ShareOutcome,
  workspaceUrl: string | undefined,
): RenderedMessage | undefined {
  switch (outcome.kind) {
    case 'posted':
      return undefined;
    case 'refused':
      return notice(outcome.reason);
    case 'in_progress':
      return notice(
        'This paper is being posted in this channel right now; it will appear in a moment.',
      );
    case 'already': {
      const { channelId, messageTs } = outcome.delivery;
      const link = messagePermalink(workspaceUrl, channelId, messageTs);
      return notice(
        `This paper is already in this channel${link ? `: <${link}|see its card and thread>` : ''}. Vote on it and discuss it there.`,
      );
    }
  }
}
