import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { paperCard } from './blocks/paper-card';

export interface CardTarget {
  channelId: string;
  messageTs: string;
}

/**
 * A safety stop for a refresh whose votes never settle. Each round covers every vote cast before
 * it began, so a burst of N clicks needs far fewer than N rounds.
 */
const MAX_ROUNDS = 100;

/**
 * Re-renders a paper's cards (every channel of the workspace it was posted in) after its votes
 * change. Concurrent requests for one paper coalesce into one running refresh plus, if anything
 * changed meanwhile, one more round; after writing, the count is read again and the cards are
 * rewritten if it moved. So the last write always shows the final count, even when several
 * processes refresh the same paper at once (each checks after its own write).
 */
export class CardRefresher {
  private readonly running = new Map<string, { dirty: boolean; done: Promise<void> }>();

  constructor(private readonly deps: { store: Store; slack: WebClient; logger: Logger }) {}

  /** `clicked` is refreshed too when it is not in the ledger (e.g. a card shared before it was). */
  refresh(workspaceId: string, paperId: string, clicked?: CardTarget): Promise<void> {
    const key = `${workspaceId}/${paperId}`;
    const current = this.running.get(key);
    if (current) {
      current.dirty = true;
      return current.done;
    }
    const state = { dirty: false, done: Promise.resolve() };
    state.done = (async () => {
      try {
        for (let round = 0; round < MAX_ROUNDS; round += 1) {
          state.dirty = false;
          const settled = await this.renderOnce(workspaceId, paperId, clicked);
          if (settled && !state.dirty) return;
        }
        this.deps.logger.warn(`votes on ${paperId} kept changing; stopped after ${MAX_ROUNDS} rounds`);
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, state);
    return state.done;
  }

  /** Writes every card once; true when the count did not move while writing. */
  private async renderOnce(workspaceId: string, paperId: string, clicked?: CardTarget): Promise<boolean> {
    const { store, slack, logger } = this.deps;
    const paper = await store.getPaper(paperId);
    if (!paper) return true;
    const teamVotes = await store.countVotes(workspaceId, paperId);
    const card = paperCard(paper, { teamVotes });
    const targets: CardTarget[] = await store.deliveriesOf(workspaceId, paperId);
    if (clicked && !targets.some((t) => t.channelId === clicked.channelId && t.messageTs === clicked.messageTs)) {
      targets.push(clicked);
    }
    await Promise.all(
      targets.map(async (target) => {
        try {
          await slack.chat.update({
            channel: target.channelId,
            ts: target.messageTs,
            text: card.text,
            blocks: card.blocks,
          });
        } catch (error) {
          // One deleted or unreachable card must not keep the others stale.
          logger.warn(`could not refresh the card of ${paperId} in ${target.channelId}:`, error);
        }
      }),
    );
    return (await store.countVotes(workspaceId, paperId)) === teamVotes;
  }
}
