import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { digestMessage } from './blocks/digest';
import { cardForDelivery } from './blocks/paper-card';
import { platformErrorCode, retryAfterSeconds } from './client';

export interface CardTarget {
  channelId: string;
  messageTs: string;
  /** Set on digests: the message lists several papers, and is rewritten whole. */
  digest?: boolean;
  /** Set on shared cards, whose sharer's note must survive the refresh. */
  sharedBy?: string;
  comment?: string;
  /** The card's own thread replies, shown under its buttons. */
  replyCount?: number;
}

/**
 * A safety stop for a refresh whose votes never settle. Each round covers every vote cast before
 * it began, so a burst of N clicks needs far fewer than N rounds.
 */
const MAX_ROUNDS = 100;
/**
 * How long a reply-triggered refresh waits for more replies: a lively thread gets one update every
 * two seconds or so, not one per reply, which keeps a card under `chat.update`'s Tier 3 limit
 * (about 50 a minute).
 */
export const REPLY_DEBOUNCE_MS = 2_000;
/** The pause before rewriting a card whose update failed for a reason that may pass. */
const TRANSIENT_RETRY_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Re-renders a paper's cards (every channel of the workspace it was posted in) after its votes
 * change. Concurrent requests for one paper coalesce into one running refresh plus, if anything
 * changed meanwhile, one more round; after writing, the count is read again and the cards are
 * rewritten if it moved. So the last write always shows the final count, even when several
 * processes refresh the same paper at once (each checks after its own write).
 */
/** How a refresh round picks its cards: all of the paper's, or only some (a thread's own card). */
interface RefreshState {
  dirty: boolean;
  done: Promise<void>;
  clicked: Map<string, CardTarget>;
  /** Undefined: every card of the paper in the workspace. */
  only?: Map<string, CardTarget>;
}

const cardKey = (card: CardTarget) => `${card.channelId}/${card.messageTs}`;

export class CardRefresher {
  private readonly running = new Map<string, RefreshState>();

  private readonly scheduled = new Map<
    string,
    { cards: Map<string, CardTarget>; done: Promise<void> }
  >();

  constructor(
    private readonly deps: {
      store: Store;
      slack: WebClient;
      logger: Logger;
    },
  ) {}

  /**
   * Rewrites one card after `delayMs`, together with every other card asked for until then (a
   * burst of thread replies becomes one write per card). Votes use {@link refresh}: a click
   * wants its answer at once, on every card of the paper.
   */
  refreshSoon(
    workspaceId: string,
    paperId: string,
    card: CardTarget,
    delayMs = REPLY_DEBOUNCE_MS,
  ): Promise<void> {
    const key = `${workspaceId}/${paperId}`;
    const pending = this.scheduled.get(key);
    if (pending) {
      pending.cards.set(cardKey(card), card);
      return pending.done;
    }
    const cards = new Map([[cardKey(card), card]]);
    const done = new Promise<void>((resolve) => {
      // Unref'd: a pending refresh must not keep a stopping process alive.
      setTimeout(resolve, delayMs).unref();
    }).then(() => {
      this.scheduled.delete(key);
      return this.start(workspaceId, paperId, { only: [...cards.values()] });
    });
    this.scheduled.set(key, { cards, done });
    return done;
  }

  /**
   * Rewrites every card of the paper in the workspace. `clicked` is refreshed too when it is not
   * in the ledger (e.g. a card shared before it was).
   */
  refresh(workspaceId: string, paperId: string, clicked?: CardTarget): Promise<void> {
    return this.start(workspaceId, paperId, { clicked });
  }

  private start(
    workspaceId: string,
    paperId: string,
    request: { clicked?: CardTarget; only?: CardTarget[] },
  ): Promise<void> {
    const key = `${workspaceId}/${paperId}`;
    const current = this.running.get(key);
    if (current) {
      current.dirty = true;
      if (request.clicked) current.clicked.set(cardKey(request.clicked), request.clicked);
      if (!request.only) current.only = undefined;
      else for (const card of request.only) current.only?.set(cardKey(card), card);
      return current.done;
    }
    const state: RefreshState = {
      dirty: false,
      done: Promise.resolve(),
      clicked: new Map(request.clicked ? [[cardKey(request.clicked), request.clicked]] : []),
      ...(request.only ? { only: new Map(request.only.map((card) => [cardKey(card), card])) } : {}),
    };
    state.done = (async () => {
      try {
        for (let round = 0; round < MAX_ROUNDS; round += 1) {
          state.dirty = false;
          const { settled, retryInMs } = await this.renderOnce(workspaceId, paperId, state);
          if (settled && !state.dirty) return;
          if (retryInMs > 0) await sleep(retryInMs);
        }
        this.deps.logger.warn(
          `votes on ${paperId} kept changing; stopped after ${MAX_ROUNDS} rounds`,
        );
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, state);
    return state.done;
  }

  /**
   * Writes every card once. Settled when every write landed (or failed for good) and the count
   * did not move meanwhile; a write that may succeed later (429, network) asks for another round.
   */
  private async renderOnce(
    workspaceId: string,
    paperId: string,
    state: Pick<RefreshState, 'clicked' | 'only'>,
  ): Promise<{ settled: boolean; retryInMs: number }> {
    const { store, slack, logger } = this.deps;
    const paper = await store.getPaper(paperId);
    if (!paper) return { settled: true, retryInMs: 0 };
    const teamVotes = await store.countVotes(workspaceId, paperId);
    const { only } = state;
    const targets: CardTarget[] = (await store.deliveriesOf(workspaceId, paperId)).filter(
      (card) => !only || only.has(cardKey(card)),
    );
    for (const extra of state.clicked.values()) {
      const known = targets.some(
        (t) => t.channelId === extra.channelId && t.messageTs === extra.messageTs,
      );
      if (!known) targets.push(extra);
    }
    let retryInMs = 0;
    await Promise.all(
      targets.map(async (target) => {
        try {
          const card = target.digest
            ? await this.digestFor(workspaceId, target)
            : cardForDelivery(paper, { teamVotes }, target);
          await slack.chat.update({
            channel: target.channelId,
            ts: target.messageTs,
            text: card.text,
            blocks: card.blocks,
          });
        } catch (error) {
          // One deleted or unreachable card must not keep the others stale: log it and go on.
          logger.warn(`could not refresh the card of ${paperId} in ${target.channelId}:`, error);
          if (platformErrorCode(error) !== undefined) return;
          const retryAfter = retryAfterSeconds(error);
          retryInMs = Math.max(
            retryInMs,
            retryAfter !== undefined ? retryAfter * 1000 : TRANSIENT_RETRY_MS,
          );
        }
      }),
    );
    const moved = (await store.countVotes(workspaceId, paperId)) !== teamVotes;
    return { settled: !moved && retryInMs === 0, retryInMs };
  }

  /** A digest message as it reads now: its papers, in their order, with their current votes. */
  private async digestFor(workspaceId: string, target: CardTarget) {
    const { store } = this.deps;
    const digest = await store.digestOf(
      { workspaceId, channelId: target.channelId },
      target.messageTs,
    );
    const papers = await store.getPapers(digest?.paperIds ?? []);
    const entries = await Promise.all(
      papers.map(async (paper) => ({
        paper,
        teamVotes: await store.countVotes(workspaceId, paper.id),
      })),
    );
    return digestMessage(digest?.day ?? '', entries);
  }
}
