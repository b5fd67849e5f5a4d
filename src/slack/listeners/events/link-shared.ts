import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { paperIdFromUrl } from '../../../domain/paper-ref';
import { platformErrorCode, retryAfterSeconds } from '../../client';
import { unfurlBlocks } from '../../unfurl';
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
