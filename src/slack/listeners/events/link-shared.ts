import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { paperIdFromUrl } from '../../../domain/paper-ref';
import { LookupUnavailableError } from '../../../feeds/lookup';
import type { Delivery } from '../../../store/store';
import { paperUnfurl, type DiscussedCard } from '../../blocks/unfurl';
import { platformErrorCode, retryAfterSeconds } from '../../client';
import type { ListenerDeps } from '../deps';

type LinkSharedArgs = SlackEventMiddlewareArgs<'link_shared'> & AllMiddlewareArgs;

/**
 * Paper links unfurled per message: a few cards under a message are useful, a wall of them is not,
 * and each unknown paper costs a lookup on Hugging Face (and maybe arXiv).
 */
export const UNFURL_MAX = 5;

/** Where `chat.unfurl` attaches the cards: a posted message, or a draft in the composer. */
type UnfurlTarget =
  | { channel: string; ts: string }
  | { unfurl_id: string; source: 'composer' | 'conversations_history' };

function unfurlTarget(event: LinkSharedArgs['event']): UnfurlTarget {
  const { unfurl_id: unfurlId, source } = event;
  // A link still in the composer has no message yet (its `channel` is `COMPOSER`): Slack names it
  // by `unfurl_id` and `source`, which also work for a posted message when given.
  if (unfurlId && (source === 'composer' || source === 'conversations_history')) {
    return { unfurl_id: unfurlId, source };
  }
  return { channel: event.channel, ts: event.message_ts };
}

/** The card an unfurl points to: the liveliest thread, then the first card posted. */
export function discussedCard(cards: readonly Delivery[]): DiscussedCard | undefined {
  const best = [...cards].sort(
    (a, b) =>
      (b.replyCount ?? 0) - (a.replyCount ?? 0) || a.postedAt.getTime() - b.postedAt.getTime(),
  )[0];
  return (
    best && { channelId: best.channelId, messageTs: best.messageTs, replies: best.replyCount ?? 0 }
  );
}

/**
 * `link_shared`: arXiv and Hugging Face links to a paper unfurl into the paper's card, with the
 * team's upvote button and, when the workspace already has a card of it, where it was discussed.
 * Papers Paperboy has not seen are looked up (and kept). Listing pages and other links are left
 * alone: no entry for them, and no call at all when no link names a paper. Nothing here throws: a
 * link whose lookup fails is skipped, and Slack refusing the unfurl is logged. A retried event
 * needs no dedupe: a second `chat.unfurl` for the same message replaces the first one's cards.
 */
export function linkShared(deps: ListenerDeps) {
  return async ({ event, body }: LinkSharedArgs): Promise<void> => {
    const workspaceId = body.team_id;
    const paperLinks = new Map<string, string>(); // URL as in the event → canonical paper id
    for (const { url } of event.links ?? []) {
      const paperId = typeof url === 'string' ? paperIdFromUrl(url) : undefined;
      if (paperId && !paperLinks.has(url)) paperLinks.set(url, paperId);
    }
    if (paperLinks.size === 0) return;
    const links = [...paperLinks].slice(0, UNFURL_MAX);
    if (paperLinks.size > links.length) {
      deps.logger.debug(`unfurling the first ${UNFURL_MAX} of ${paperLinks.size} paper links`);
    }

    // One lookup per paper, however many of its links the message holds.
    const cards = new Map<string, Promise<KnownBlock[] | undefined>>();
    for (const [, paperId] of links) {
      if (!cards.has(paperId)) cards.set(paperId, unfurlBlocks(deps, workspaceId, paperId));
    }
    const unfurls: Record<string, { blocks: KnownBlock[] }> = {};
    for (const [url, paperId] of links) {
      const blocks = await cards.get(paperId);
      if (blocks) unfurls[url] = { blocks };
    }
    if (Object.keys(unfurls).length === 0) return;

    try {
      await deps.slack.chat.unfurl({ ...unfurlTarget(event), unfurls });
    } catch (error) {
      const retryAfter = retryAfterSeconds(error);
      const why =
        retryAfter !== undefined
          ? `rate limited (retry after ${retryAfter} s)`
          : (platformErrorCode(error) ?? String(error));
      const count = Object.keys(unfurls).length;
      deps.logger.warn(`could not unfurl ${count} paper ${count === 1 ? 'link' : 'links'}: ${why}`);
    }
  };
}

/** The unfurl of one paper, or undefined (logged) when it cannot be found or looked up now. */
async function unfurlBlocks(
  deps: ListenerDeps,
  workspaceId: string,
  paperId: string,
): Promise<KnownBlock[] | undefined> {
  try {
    const found = await deps.lookup.find(paperId);
    if (!found) {
      deps.logger.debug(`not unfurling ${paperId}: neither Hugging Face nor arXiv knows it`);
      return undefined;
    }
    const [teamVotes, delivered] = await Promise.all([
      deps.store.countVotes(workspaceId, paperId),
      deps.store.deliveriesOf(workspaceId, paperId),
    ]);
    return paperUnfurl(
      found.paper,
      { teamVotes, discussed: discussedCard(delivered) },
      deps.workspaceUrl,
    );
  } catch (error) {
    if (error instanceof LookupUnavailableError) {
      deps.logger.info(`not unfurling ${paperId}: ${error.message}`);
    } else {
      deps.logger.warn(`not unfurling ${paperId}:`, error);
    }
    return undefined;
  }
}
