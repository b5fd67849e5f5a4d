import type { KnownBlock } from '@slack/types';
import { LookupUnavailableError } from '../feeds/lookup';
import type { Delivery } from '../store/store';
import { paperUnfurl, type DiscussedCard } from './blocks/unfurl';
import type { ListenerDeps } from './listeners/deps';

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

/** The unfurl of one paper, or undefined (logged) when it cannot be found or looked up now. */
export async function unfurlBlocks(
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
