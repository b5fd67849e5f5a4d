import type { Job, JobsOptions } from 'bullmq';
import type { Clock } from '../src/domain/clock';
import { arxivCategoryOf, type FeedId, type PolledSource } from '../src/domain/feed';
import { passesFilters } from '../src/domain/follow-filters';
import type { Paper } from '../src/domain/paper';
import type { FeedBatch } from '../src/feeds/types';
import type { CardRefresher } from '../src/slack/card-refresher';
import { LIVING_CARD_DAYS } from './refresh-cards';
import type { Logger } from '../src/logger';
import { NO_JOB_METRICS, type JobMetrics } from '../src/ops/job-metrics';
import { jobIdPart, QUEUE_NAMES } from '../src/queue/names';
import type { ChannelRef, Store } from '../src/store/store';
import type { KeywordHit } from '../src/store/subscriber-index';
import type { AlertSend } from './alert';

/**
 * Fetches a feed, stores its papers, and queues what each following channel is owed: an
 * announcement per paper, or a place in its next digest; a note in the threads of cards whose
 * paper has a new arXiv version; and, for each member whose keywords new papers match, the
 * matches and (for instant alerts) one DM.
 */
export const name = QUEUE_NAMES.pollFeed;

export interface PollFeedData {
  /** `hf`: Hugging Face's daily list; `arxiv`: every arXiv category some channel follows. */
  feed: PolledSource;
}

export interface PollFeedResult {
  fetched: number;
  skipped: number;
  inserted: number;
  updated: number;
  announcementsQueued: number;
  heldForDigests?: number;
  versionNotesQueued?: number;
  /** New (member, paper) keyword matches, and the instant alert DMs queued for them. */
  alertMatches?: number;
  alertsQueued?: number;
}

export const options: JobsOptions = {
  // A failed poll is retried a few times; after that, the next scheduled poll picks up the work.
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 500 },
};

/** One poll at a time per worker; the queue's global concurrency makes it one across all workers. */
export const concurrency = 1;

/** The feed clients as the poll sees them: each returns the papers of its current window. */
export interface FeedSources {
  hf: { fetchDaily(now: Date): Promise<FeedBatch> };
  arxiv: {
    fetchRecent(
      categories: string[],
      options?: { start?: number; maxResults?: number },
    ): Promise<FeedBatch>;
  };
}

/** arXiv results per page, and pages per poll at most (a poll reads 1,000 updates at most). */
export const ARXIV_PAGE_SIZE = 200;
export const ARXIV_MAX_PAGES = 5;
/** An arXiv paper first published this long before a channel followed its category is old news. */
export const ARXIV_NEW_WITHIN_MS = 24 * 3600 * 1000;

/**
 * A paper is news to members' keywords for this long after Paperboy first saw it: a keyword added
 * today also catches the papers of the last few days still in the feeds. (An arXiv paper must also
 * have been published that recently: arXiv lists revisions of old papers beside new ones.)
 */
export const ALERT_NEW_WITHIN_MS = 3 * 24 * 3600 * 1000;

export type Announcement = ChannelRef & { paperId: string; feed?: FeedId };

/** A known paper's new arXiv version, to be noted in the thread of one of its cards. */
export type VersionNote = ChannelRef & { paperId: string; version: number; messageTs: string };

export interface PollFeedDeps {
  store: Store;
  feeds: FeedSources;
  enqueueAnnouncements(announcements: readonly Announcement[]): Promise<void>;
  enqueueVersionNotes(notes: readonly VersionNote[]): Promise<void>;
  /** Rewrites a paper's cards in a workspace (living cards: new upvotes, comments, stars). */
  refresher: Pick<CardRefresher, 'refresh'>;
  /** Every member's keywords, compiled (see SubscriberIndex). */
  keywords: { match(papers: readonly Paper[]): Promise<KeywordHit[]> };
  enqueueAlerts(sends: readonly AlertSend[]): Promise<void>;
  logger: Logger;
  clock: Clock;
  /** Counts what the job did (see JobMetrics); optional so a processor can be built bare. */
  metrics?: JobMetrics;
}

export function createProcessor(deps: PollFeedDeps) {
  const { store, feeds, logger, clock } = deps;
  const metrics = deps.metrics ?? NO_JOB_METRICS;

  /**
   * Cards under {@link LIVING_CARD_DAYS} days old whose paper's counters this poll changed are
   * rewritten now (older papers leave the feed's window; the refresh-cards sweep keeps them).
   */
  async function refreshLivingCards(paperIds: readonly string[]): Promise<void> {
    const since = clock().getTime() - LIVING_CARD_DAYS * 24 * 3600 * 1000;
    for (const paperId of paperIds) {
      const cards = (await store.cardsOfPaper(paperId)).filter(
        (c) => c.postedAt.getTime() >= since,
      );
      for (const workspaceId of new Set(cards.map((card) => card.workspaceId))) {
        // Not awaited: the refresher paces itself (429s), and the poll must not wait on Slack.
        void deps.refresher
          .refresh(workspaceId, paperId)
          .catch((error: unknown) =>
            logger.warn(`could not refresh the cards of ${paperId}:`, error),
          );
      }
    }
  }

  /** Which followed feeds this poll serves, and the batch that serves them. */
  async function fetchSource(
    source: PolledSource,
  ): Promise<{ batch: FeedBatch; followed: FeedId[] } | undefined> {
    if (source === 'hf') return { batch: await feeds.hf.fetchDaily(clock()), followed: ['hf'] };
    const categories = await store.followedArxivCategories();
    // Nobody follows an arXiv category: nothing to ask arXiv (it asks for one call per 3 s).
    if (categories.length === 0) return undefined;
    // Newest updates first, page after page, until a page holds nothing new: a busy day's
    // announcement (hundreds of papers in cs.LG alone) is read whole, at one page per 3 s.
    const batch: FeedBatch = { papers: [], skipped: [] };
    for (let page = 0; page < ARXIV_MAX_PAGES; page += 1) {
      const next = await feeds.arxiv.fetchRecent(categories, {
        start: page * ARXIV_PAGE_SIZE,
        maxResults: ARXIV_PAGE_SIZE,
      });
      batch.papers.push(...next.papers);
      batch.skipped.push(...next.skipped);
      const known = new Map(
        (await store.getPapers(next.papers.map((p) => p.id))).map((p) => [p.id, p.version ?? 0]),
      );
      const news = next.papers.some((p) => (known.get(p.id) ?? -1) < (p.version ?? 0));
      if (next.papers.length < ARXIV_PAGE_SIZE || !news) break;
    }
    return { batch, followed: categories.map((category): FeedId => `arxiv:${category}`) };
  }

  /**
   * The (channel, paper) pairs this batch owes: channels that follow a feed carrying the paper,
   * whose filters the paper passes now (a `min-upvotes` paper is owed once it has the upvotes).
   */
  async function owed(batch: FeedBatch, followed: readonly FeedId[]) {
    const fresh = new Map(
      (await store.getPapers(batch.papers.map((p) => p.id))).map((p) => [p.id, p]),
    );
    const instant: Announcement[] = [];
    const digest: Array<ChannelRef & { paperId: string; feed: FeedId }> = [];
    for (const feed of followed) {
      const category = arxivCategoryOf(feed);
      // A cross-listed paper is in every category it lists, and is still one paper.
      const carried = batch.papers.filter(
        (p) => !category || p.categories?.some((c) => c.toLowerCase() === category.toLowerCase()),
      );
      const pending = await store.pendingAnnouncements(
        feed,
        carried.map((p) => p.id),
      );
      for (const item of pending) {
        const paper = fresh.get(item.paperId);
        if (!paper || !passesFilters(paper, item.filters)) continue;
        // arXiv lists revisions of old papers beside new ones: a paper is new to a category's
        // followers only if it was first published about when they followed or after. This also
        // spares a channel that just followed cs.LG the category's backlog.
        const old = paper.publishedAt.getTime() < item.followedAt.getTime() - ARXIV_NEW_WITHIN_MS;
        if (category && old) continue;
        const target = {
          workspaceId: item.workspaceId,
          channelId: item.channelId,
          paperId: item.paperId,
          feed,
        };
        (item.filters.digest ? digest : instant).push(target);
      }
    }
    return { instant, digest };
  }

  /**
   * Matches the batch's recent papers against members' keywords, records the matches (a pair
   * already recorded, by an earlier attempt or an overlapping poll, is not recorded again) and
   * queues one DM per member who wants instant alerts and has new matches.
   */
  async function matchKeywords(job: Job<PollFeedData>, papers: readonly Paper[]) {
    const now = clock();
    const since = new Date(now.getTime() - ALERT_NEW_WITHIN_MS);
    // Not only this poll's inserts: a poll that failed after storing its papers is retried, and
    // the retry must still match them (recording a match twice is a no-op).
    const seen = new Set(
      await store.firstSeenSince(
        papers.map((p) => p.id),
        since,
      ),
    );
    const recent = papers.filter(
      (p) =>
        seen.has(p.id) && (job.data.feed !== 'arxiv' || p.publishedAt.getTime() >= since.getTime()),
    );
    const hits = await deps.keywords.match(recent);
    const recorded = await store.recordAlertMatches(hits, now);
    const instant = new Set(
      hits.filter((hit) => hit.instant).map((hit) => `${hit.workspaceId}/${hit.userId}`),
    );
    const runKey = jobIdPart(`poll-${job.id ?? now.getTime()}-${job.attemptsMade}`);
    const sends = new Map<string, AlertSend>();
    for (const { workspaceId, userId } of recorded) {
      const key = `${workspaceId}/${userId}`;
      if (instant.has(key)) sends.set(key, { kind: 'send', workspaceId, userId, runKey });
    }
    await deps.enqueueAlerts([...sends.values()]);
    return { matches: recorded.length, alerts: sends.size };
  }

  return async function pollFeed(job: Job<PollFeedData>): Promise<PollFeedResult> {
    try {
      const result = await poll(job);
      metrics.pollCompleted(job.data.feed, { inserted: result.inserted, updated: result.updated });
      return result;
    } catch (error) {
      metrics.pollFailed(job.data.feed);
      throw error;
    }
  };

  async function poll(job: Job<PollFeedData>): Promise<PollFeedResult> {
    const { feed: source } = job.data;
    const fetched = await fetchSource(source);
    if (!fetched) {
      return { fetched: 0, skipped: 0, inserted: 0, updated: 0, announcementsQueued: 0 };
    }
    const { batch, followed } = fetched;
    await job.updateProgress(40);
    // Stamped after the fetch: a channel that followed while it ran still gets these papers.
    const { inserted, updated, newVersions, countersChanged } = await store.upsertPapers(
      batch.papers,
      clock(),
    );
    await refreshLivingCards(countersChanged);
    await job.updateProgress(70);
    // Every paper of the window, not only the new ones: a poll whose enqueueing failed halfway is
    // completed by the next one, the ledger keeps already-posted papers out, and a paper that
    // reaches a channel's min-upvotes in a later poll is owed from then on.
    const { instant, digest } = await owed(batch, followed);
    await deps.enqueueAnnouncements(instant);
    await store.queueDigestItems(digest, clock());
    const notes: VersionNote[] = [];
    for (const { id, version } of newVersions) {
      for (const card of await store.cardsOfPaper(id)) {
        if ((card.notedVersion ?? 0) >= version) continue;
        const { workspaceId, channelId, messageTs } = card;
        notes.push({ workspaceId, channelId, paperId: id, version, messageTs });
      }
    }
    await deps.enqueueVersionNotes(notes);
    const alerts = await matchKeywords(job, batch.papers);
    const result: PollFeedResult = {
      fetched: batch.papers.length,
      skipped: batch.skipped.length,
      inserted: inserted.length,
      updated: updated.length,
      announcementsQueued: instant.length,
      heldForDigests: digest.length,
      versionNotesQueued: notes.length,
      alertMatches: alerts.matches,
      alertsQueued: alerts.alerts,
    };
    logger.info(
      `polled ${source}: ${result.fetched} papers (${result.inserted} new, ${result.updated} refreshed, ${result.skipped} skipped), ${result.announcementsQueued} announcements queued, ${digest.length} held for digests, ${notes.length} new versions to note, ${alerts.alerts} alert DMs queued (${alerts.matches} keyword matches)`,
    );
    return result;
  }
}
