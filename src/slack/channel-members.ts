import type { WebClient } from '@slack/web-api';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';

/** How long a channel's member list is trusted: joins and leaves show up within this. */
export const CHANNEL_MEMBERS_TTL_MS = 10 * 60_000;
/** Members read per call (Slack's maximum), and calls per channel at most. */
const PAGE_SIZE = 1000;
const MAX_PAGES = 20;

export interface ChannelMembers {
  /** Whether the member is in the channel; false when Slack will not say (no scope, left, gone). */
  includes(channelId: string, userId: string): Promise<boolean>;
}

/**
 * Who is in a channel, from `conversations.members`, remembered for a while: an alert DM links to
 * a paper's thread only in a channel the member can open, and one poll's alerts ask about the same
 * few channels again and again.
 */
export function createChannelMembers(deps: {
  slack: WebClient;
  clock: Clock;
  logger: Logger;
}): ChannelMembers {
  const cache = new Map<string, { members: Promise<Set<string>>; fetchedAt: number }>();

  async function fetchMembers(channelId: string): Promise<Set<string>> {
    const members = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await deps.slack.conversations.members({
        channel: channelId,
        limit: PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      });
      for (const member of answer.members ?? []) members.add(member);
      cursor = answer.response_metadata?.next_cursor;
      if (!cursor) break;
    }
    return members;
  }

  return {
    async includes(channelId, userId) {
      const now = deps.clock().getTime();
      let entry = cache.get(channelId);
      if (!entry || now - entry.fetchedAt > CHANNEL_MEMBERS_TTL_MS) {
        entry = { members: fetchMembers(channelId), fetchedAt: now };
        cache.set(channelId, entry);
      }
      try {
        return (await entry.members).has(userId);
      } catch (error) {
        // Not worth failing an alert over: the alert shows the paper's card instead of a link.
        cache.delete(channelId);
        deps.logger.warn(`could not read the members of ${channelId}:`, error);
        return false;
      }
    },
  };
}
