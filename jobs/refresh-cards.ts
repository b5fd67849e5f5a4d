import type { Job, JobsOptions } from 'bullmq';
import type { Clock } from '../src/domain/clock';
import type { Paper } from '../src/domain/paper';
import type { HfClient } from '../src/feeds/hf';
import { FeedError } from '../src/feeds/http';
import type { Logger } from '../src/logger';
import { QUEUE_NAMES } from '../src/queue/names';
import type { CardRefresher } from '../src/slack/card-refresher';
import type { Store } from '../src/store/store';

/**
 * Living cards: for {@link LIVING_CARD_DAYS} days after a card is posted, its paper's HF upvotes,
 * comment count and GitHub stars are fetched again from Hugging Face, and the cards whose numbers
 * moved are edited in place (chat.update through the {@link CardRefresher}), never reposted.
 */
export const name = QUEUE_NAMES.refreshCards;

/** A scheduled sweep: everything it needs is in the store. */
export type RefreshCardsData = Record<string, never>;

export interface RefreshCardsResult {
  /** Distinct papers with a card posted within the last {@link LIVING_CARD_DAYS} days. */
  papers: number;
  /** Papers whose counters moved: stored again, and their cards rewritten. */
  refreshed: number;
  /** Papers HF gave the same counters for: nothing written, nothing sent to Slack. */
  unchanged: number;
  /** Papers HF did not know or could not give now, or whose cards could not be rewritten. */
  failed: number;
}

/** How often the sweep runs (for the scheduler), in ms. */
export const REFRESH_EVERY_MS = 30 * 60 * 1000;

/** How long after it is posted a card keeps being refreshed. */
export const LIVING_CARD_DAYS = 7;

/**
 * The sweep's share of Hugging Face's limit (500 calls per 5 minutes, i.e. 100 a minute): 300 per
 * 5 minutes at most, leaving the rest to polls and `/papers share` lookups. At one call a second,
 * a 30-minute interval covers 1,800 papers.
 */
export const HF_CALLS_PER_MINUTE = 60;

/** The least time between the starts of two HF calls of one sweep, in ms. */
export const HF_CALL_SPACING_MS = 60_000 / HF_CALLS_PER_MINUTE;

export const options: JobsOptions = {
  // A failed sweep is not retried: the next scheduled one fetches the same papers anyway.
  attempts: 1,
  removeOnComplete: { count: 10 },
  removeOnFail: { count: 100 },
};

/** One sweep at a time: two would share one HF budget and fetch every paper twice. */
export const concurrency = 1;

export interface RefreshCardsDeps {
  store: Store;
  hf: Pick<HfClient, 'fetchPaper'>;
  refresher: Pick<CardRefresher, 'refresh'>;
  logger: Logger;
  clock: Clock;
  /** How the sweep waits between HF calls; injectable so tests need not wait. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

const DAY_MS = 24 * 3600 * 1000;

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether HF's copy says something new about a counter the card shows. */
function countersMoved(stored: Paper, fresh: Paper): boolean {
  // A counter HF left out is not a change: the upsert keeps the stored one.
  const moved = (key: 'hfUpvotes' | 'hfComments' | 'githubStars') =>
    fresh[key] !== undefined && fresh[key] !== stored[key];
  return moved('hfUpvotes') || moved('hfComments') || moved('githubStars');
}

export function createProcessor(deps: RefreshCardsDeps) {
  const { store, hf, refresher, logger, clock } = deps;
  const sleep = deps.sleep ?? timerSleep;

  /** The papers of every card posted since `since`, each with the workspaces it was posted in. */
  async function livingPapers(since: Date): Promise<Map<string, Set<string>>> {
    const byPaper = new Map<string, Set<string>>();
    for (const card of await store.recentCards(since)) {
      let workspaces = byPaper.get(card.paperId);
      if (!workspaces) byPaper.set(card.paperId, (workspaces = new Set()));
      workspaces.add(card.workspaceId);
    }
    return byPaper;
  }

  /** Rewrites the paper's cards in each workspace; one workspace's failure does not stop the rest. */
  async function refreshCards(paperId: string, workspaces: Set<string>): Promise<boolean> {
    let allDone = true;
    for (const workspaceId of workspaces) {
      try {
        await refresher.refresh(workspaceId, paperId);
      } catch (error) {
        allDone = false;
        logger.warn(`could not refresh the cards of ${paperId} in ${workspaceId}:`, error);
      }
    }
    return allDone;
  }

  return async function refreshCardsSweep(job: Job<RefreshCardsData>): Promise<RefreshCardsResult> {
    const now = clock();
    const byPaper = await livingPapers(new Date(now.getTime() - LIVING_CARD_DAYS * DAY_MS));
    const result: RefreshCardsResult = {
      papers: byPaper.size,
      refreshed: 0,
      unchanged: 0,
      failed: 0,
    };

    let done = 0;
    let lastCallAt: number | undefined;
    let rateLimited = false;
    for (const [paperId, workspaces] of byPaper) {
      if (lastCallAt !== undefined) {
        // Spaced from the previous call's start, so a slow answer is not waited for twice.
        const wait = lastCallAt + HF_CALL_SPACING_MS - clock().getTime();
        if (wait > 0) await sleep(wait);
      }
      lastCallAt = clock().getTime();

      try {
        const fresh = await hf.fetchPaper(paperId);
        if (!fresh) {
          result.failed += 1;
          logger.warn(`HF does not know ${paperId} (any more): its cards keep their numbers`);
        } else {
          const stored = await store.getPaper(paperId);
          if (stored && !countersMoved(stored, fresh)) {
            result.unchanged += 1;
          } else {
            await store.upsertPapers([fresh], now);
            if (await refreshCards(paperId, workspaces)) result.refreshed += 1;
            else result.failed += 1;
          }
        }
      } catch (error) {
        result.failed += 1;
        logger.warn(`could not fetch ${paperId} from HF to refresh its cards:`, error);
        // HF says we are over its limit even after the client's retries: more calls only make it
        // worse, so the rest waits for the next sweep.
        if (error instanceof FeedError && error.status === 429) rateLimited = true;
      }

      done += 1;
      if (rateLimited) break;
      await job.updateProgress(Math.round((done / byPaper.size) * 100));
    }
    // Papers a rate limit left unfetched count as failed; and an empty sweep is done too.
    result.failed += byPaper.size - done;
    if (rateLimited || byPaper.size === 0) await job.updateProgress(100);

    logger.info(
      `refreshed living cards: ${result.papers} papers from the last ${LIVING_CARD_DAYS} days, ${result.refreshed} changed and rewritten, ${result.unchanged} unchanged, ${result.failed} failed${rateLimited ? ' (stopped early: HF rate limit)' : ''}`,
    );
    return result;
  };
}
