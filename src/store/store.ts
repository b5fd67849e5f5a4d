import type { AlertMode } from '../domain/alert-mode';
import type { FeedId } from '../domain/feed';
import type { DailyDigest, FollowFilters } from '../domain/follow-filters';
import type { Paper } from '../domain/paper';
import type { SearchQuery } from '../domain/search-query';

/** A channel in a workspace. Slack ids are only unique within a workspace. */
export interface ChannelRef {
  workspaceId: string;
  channelId: string;
}

/** A posted paper card: the deliveries ledger's row. */
export interface Delivery extends ChannelRef {
  paperId: string;
  messageTs: string;
  postedAt: Date;
  /** The member who shared the paper here with `/papers share`; absent for feed announcements. */
  sharedBy?: string;
  /** What the sharer wrote above the card, as they typed it. */
  comment?: string;
  /** Replies in the card's thread, when there are any. */
  replyCount?: number;
  /** Set when the card is a daily digest: one message for several papers. */
  digest?: boolean;
  /** The arXiv version the card's thread was last told about ("v2 is out"). */
  notedVersion?: number;
}

/** One channel's digest for one local day. */
export interface DigestRun {
  paperIds: string[];
  /** Set once posted; `''` for a day with nothing new. */
  messageTs?: string;
  startedAt: Date;
  /** True for the call that started it. */
  fresh: boolean;
}

/** A channel's follow of a feed. */
export interface Follow {
  feed: FeedId;
  filters: FollowFilters;
  followedAt: Date;
}

export interface UpsertResult {
  /** Ids seen for the first time. */
  inserted: string[];
  /** Ids already known, whose counters and fields were refreshed. */
  updated: string[];
  /** Known papers the feed now shows in a higher arXiv version than before. */
  newVersions: Array<{ id: string; version: number }>;
  /** Known papers whose HF upvotes, comments or GitHub stars changed: their cards are stale. */
  countersChanged: string[];
}

export interface VoteResult {
  /** Whether the user's vote now stands (false: the click took it back). */
  voted: boolean;
  /** The paper's team vote count in the workspace after the toggle. */
  count: number;
}

/** A piece of a search snippet; `match` marks the words the query matched (shown in bold). */
export interface SnippetPart {
  text: string;
  match: boolean;
}

export interface SearchHit {
  paper: Paper;
  /** The paper's team vote count in the searching workspace. */
  teamVotes: number;
  /** About a line of the abstract around the matched words (the abstract's start when none matched there). */
  snippet: SnippetPart[];
}

export interface SearchResults {
  hits: SearchHit[];
  /** Every match, not only this page's; a lower bound when `capped`. */
  total: number;
  /**
   * More papers matched than an adapter ranks (SQLite: the 500 newest): the results are the best
   * of those, and `total` is how many were ranked.
   */
  capped: boolean;
}

/** Which slice of the ranked results to return. */
export interface PageRequest {
  offset: number;
  limit: number;
}

/** A paper the workspace posted, with what the team made of it. */
export interface TopPaper {
  paper: Paper;
  teamVotes: number;
  /** Thread replies across every card of the paper in the workspace. */
  replies: number;
  /** The paper's first card in the workspace: where its discussion lives. */
  firstCard: Delivery;
}

/** A member of a workspace: keyword alerts belong to a member. */
export interface MemberRef {
  workspaceId: string;
  userId: string;
}

export interface AlertSettings {
  mode: AlertMode;
  /** The member's IANA time zone as Slack last told it; undefined until known. */
  timeZone?: string;
}

export interface AddKeywordsResult {
  added: string[];
  /** Keywords the member had already. */
  already: string[];
  /** Left out because the member would have had more than the limit. */
  overLimit: string[];
}

/** A member as the keyword index needs them: every keyword, and whether they want alerts at all. */
export interface AlertSubscriber extends MemberRef {
  keywords: string[];
  mode: AlertMode;
}

/** A new paper that matched a member's keywords. */
export interface AlertMatch {
  paperId: string;
  /** The member's keywords that matched it, in the order they subscribed. */
  keywords: string[];
  matchedAt: Date;
}

/** One alert DM: the matches it lists, and the message once posted. */
export interface AlertRun {
  key: string;
  matches: AlertMatch[];
  startedAt: Date;
  /** True for the call that started it. */
  fresh: boolean;
  /** Set once posted (the DM channel and the message). */
  posted?: { channelId: string; messageTs: string };
}

/**
 * Members' keywords, alert settings and matches. Each (member, paper) is matched once and listed in
 * one run, and each run is posted once: the guards against alerting a member twice.
 */
export interface AlertStore {
  /**
   * Adds keywords (canonical forms) to a member's list, in order, up to `limit` in all; the
   * check and the insert are one transaction, so two racing commands cannot pass the limit.
   */
  addKeywords(
    member: MemberRef,
    keywords: readonly string[],
    limit: number,
    at: Date,
  ): Promise<AddKeywordsResult>;
  /** Removes keywords; returns the ones the member had. */
  removeKeywords(member: MemberRef, keywords: readonly string[]): Promise<string[]>;
  /** A member's keywords in the order added. */
  keywordsOf(member: MemberRef): Promise<string[]>;
  /** A member's alert settings; instant alerts and an unknown time zone by default. */
  alertSettings(member: MemberRef): Promise<AlertSettings>;
  /**
   * Sets a member's alert mode, and their time zone when given (a known one is kept otherwise).
   * Turning alerts off drops the matches not yet sent.
   */
  setAlertSettings(member: MemberRef, settings: AlertSettings): Promise<void>;
  /**
   * The members whose keywords or mode changed after `revision` (0: every member), each with
   * their whole current list, and the revision to ask from next time. How a keyword index in
   * another process stays in step without reloading everyone.
   */
  subscribersChangedSince(
    revision: number,
  ): Promise<{ revision: number; subscribers: AlertSubscriber[] }>;
  /**
   * Records matches; a (member, paper) pair already recorded is left as it was. Returns the pairs
   * this call recorded.
   */
  recordAlertMatches(
    matches: ReadonlyArray<MemberRef & { paperId: string; keywords: readonly string[] }>,
    at: Date,
  ): Promise<Array<MemberRef & { paperId: string }>>;
  /** Members with matches no run has taken yet: their settings and their oldest such match. */
  membersWithPendingAlerts(): Promise<Array<MemberRef & AlertSettings & { oldest: Date }>>;
  /**
   * The member's next alert run. A run started and never posted comes first (`fresh` false: it
   * may have been posted without being recorded). Else the run `key` if it was posted already.
   * Else a new run `key` taking every match no run has taken (those matched before `before`, when
   * given); undefined when there are none.
   */
  startAlertRun(
    member: MemberRef,
    key: string,
    at: Date,
    before?: Date,
  ): Promise<AlertRun | undefined>;
  /** Records a run's DM as posted. */
  finishAlertRun(
    member: MemberRef,
    key: string,
    posted: { channelId: string; messageTs: string },
  ): Promise<void>;
  /** One run of a member, posted or not. */
  alertRun(member: MemberRef, key: string): Promise<AlertRun | undefined>;
  /** A member's matches since `since`, newest first. */
  recentAlertMatches(member: MemberRef, since: Date): Promise<AlertMatch[]>;
}

/**
 * Everything durable. Async throughout so that a networked adapter (PostgreSQL) fits the same
 * contract as the embedded one (SQLite). No connection or transaction types leak out.
 */
export interface Store extends AlertStore {
  /**
   * Inserts new papers and refreshes known ones (upvotes, comments, stars and fields the feed now
   * has). `seenAt` is recorded as the first-seen time of new papers.
   */
  upsertPapers(papers: readonly Paper[], seenAt: Date): Promise<UpsertResult>;
  getPaper(id: string): Promise<Paper | undefined>;
  getPapers(ids: readonly string[]): Promise<Paper[]>;
  /** Those of `ids` that Paperboy first saw at or after `since`, in the order given. */
  firstSeenSince(ids: readonly string[], since: Date): Promise<string[]>;

  /**
   * Makes a channel follow a feed with these filters (replacing the ones it had). Says whether
   * the follow is new, changed its filters, or was already so.
   */
  follow(
    channel: ChannelRef,
    feed: FeedId,
    at: Date,
    filters?: FollowFilters,
  ): Promise<'added' | 'updated' | 'unchanged'>;
  /** One channel's follows, with their filters, by feed. */
  followsOf(channel: ChannelRef): Promise<Follow[]>;
  /** The arXiv categories some channel follows, sorted. */
  followedArxivCategories(): Promise<string[]>;
  /** Returns false when the channel did not follow the feed. */
  unfollow(channel: ChannelRef, feed: FeedId): Promise<boolean>;
  /** The feeds one channel follows. */
  followedFeeds(channel: ChannelRef): Promise<FeedId[]>;
  /** Every follow in a workspace, by channel then feed. */
  followsIn(workspaceId: string): Promise<Array<{ channelId: string; feed: FeedId }>>;

  /**
   * The (channel, paper) pairs still to announce for a feed among `paperIds`: channels that follow
   * the feed, papers first seen at or after the follow began, and no delivery recorded yet.
   */
  pendingAnnouncements(
    feed: FeedId,
    paperIds: readonly string[],
  ): Promise<Array<ChannelRef & { paperId: string; filters: FollowFilters; followedAt: Date }>>;

  /** Holds papers for channels' next digests (a paper already held for a channel stays once). */
  queueDigestItems(
    items: ReadonlyArray<ChannelRef & { paperId: string; feed: FeedId }>,
    at: Date,
  ): Promise<void>;
  /** Every follow that asked for a daily digest. */
  digestFollows(): Promise<Array<ChannelRef & { feed: FeedId; digest: DailyDigest }>>;
  /** The papers held for a channel's digest and not posted there since, with their team votes. */
  pendingDigest(channel: ChannelRef): Promise<Array<{ paper: Paper; teamVotes: number }>>;
  /**
   * Starts a channel's digest for a local day with these papers, unless one was started already:
   * the day's run either way (`fresh` when this call started it). A run whose `messageTs` is set
   * is over (`''`: nothing was new that day).
   */
  startDigest(
    channel: ChannelRef,
    day: string,
    paperIds: readonly string[],
    at: Date,
  ): Promise<DigestRun>;
  /**
   * Records a day's digest as posted (`messageTs`, or `''` when there was nothing to post): a
   * ledger entry (marked digest) for each paper of the run, all with the digest's ts; and marks
   * every paper it considered (`consideredIds`) as used, the ones left out too: a digest is the
   * day's top, not a backlog, and a later poll does not hold them again.
   */
  recordDigest(
    channel: ChannelRef,
    day: string,
    messageTs: string,
    consideredIds: readonly string[],
    at: Date,
  ): Promise<void>;
  /** The local day and the papers (in the order it lists them) of one posted digest message. */
  digestOf(
    channel: ChannelRef,
    messageTs: string,
  ): Promise<{ day: string; paperIds: string[] } | undefined>;

  /**
   * Notes that a card's thread was told about `version` of its paper; false when it already was
   * told about that version or a later one.
   */
  markVersionNoted(channel: ChannelRef, paperId: string, version: number): Promise<boolean>;
  /** Every card of a paper (digests aside), in every workspace, oldest first. */
  cardsOfPaper(paperId: string): Promise<Delivery[]>;
  /** Cards posted at or after `since`, in every workspace, oldest first. */
  recentCards(since: Date): Promise<Delivery[]>;

  /** Flips a user's vote on a paper; one vote per user per paper per workspace. */
  toggleVote(workspaceId: string, paperId: string, userId: string, at: Date): Promise<VoteResult>;
  countVotes(workspaceId: string, paperId: string): Promise<number>;

  /**
   * Records a posted card. Idempotent: if the (workspace, channel, paper) already has a delivery,
   * the existing one is kept and returned.
   */
  recordDelivery(delivery: Delivery): Promise<Delivery>;
  findDelivery(channel: ChannelRef, paperId: string): Promise<Delivery | undefined>;
  /** Every card of a paper in a workspace, oldest first. */
  deliveriesOf(workspaceId: string, paperId: string): Promise<Delivery[]>;

  /**
   * Full-text search over title, abstract, authors and keywords of every paper in the store, with
   * stemming (`tokenizers` finds `tokenizer`). `relevance` ranks a title match above an abstract
   * match (BM25 with column weights), nudged by votes (team and HF) and recency as of `now`;
   * `votes` ranks by team votes then HF upvotes; `new` by publication date. The query is data:
   * adapters quote every word, so no input changes the query's meaning or raises an error.
   */
  search(
    workspaceId: string,
    query: SearchQuery,
    page: PageRequest,
    now: Date,
  ): Promise<SearchResults>;

  /**
   * The workspace's most valued papers among those first posted in it at or after `since` (all
   * time when undefined): team votes first, then thread replies, then HF upvotes.
   */
  topPapers(workspaceId: string, since: Date | undefined, limit: number): Promise<TopPaper[]>;

  /**
   * Adds `delta` (negative for deleted replies) to the reply count of the card posted as
   * `messageTs` in a channel, never going below zero (a digest's thread counts for none of its
   * papers: which would it be?). Returns the card as it is after, or
   * undefined when no card of ours has that ts.
   */
  countThreadReplies(
    channel: ChannelRef,
    messageTs: string,
    delta: number,
  ): Promise<Delivery | undefined>;

  /**
   * Remembers a Slack event id; false when it was already seen (Slack retries an event it thinks
   * was not received, with the same id). Ids older than a day are forgotten.
   */
  markEventSeen(eventId: string, at: Date): Promise<boolean>;

  close(): Promise<void>;
}
