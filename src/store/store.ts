import type { FeedId, Paper } from '../domain/paper';

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
}

export interface UpsertResult {
  /** Ids seen for the first time. */
  inserted: string[];
  /** Ids already known, whose counters and fields were refreshed. */
  updated: string[];
}

export interface VoteResult {
  /** Whether the user's vote now stands (false: the click took it back). */
  voted: boolean;
  /** The paper's team vote count in the workspace after the toggle. */
  count: number;
}

/**
 * Everything durable. Async throughout so that a networked adapter (PostgreSQL) fits the same
 * contract as the embedded one (SQLite). No connection or transaction types leak out.
 */
export interface Store {
  /**
   * Inserts new papers and refreshes known ones (upvotes, comments, stars and fields the feed now
   * has). `seenAt` is recorded as the first-seen time of new papers.
   */
  upsertPapers(papers: readonly Paper[], seenAt: Date): Promise<UpsertResult>;
  getPaper(id: string): Promise<Paper | undefined>;
  getPapers(ids: readonly string[]): Promise<Paper[]>;

  /** Makes a channel follow a feed. Returns false when it already did. */
  follow(channel: ChannelRef, feed: FeedId, at: Date): Promise<boolean>;
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
  ): Promise<Array<ChannelRef & { paperId: string }>>;

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

  close(): Promise<void>;
}
