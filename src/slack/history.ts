import type { WebClient } from '@slack/web-api';

/** Pages a search reads at most before giving up (and letting the job retry). */
const HISTORY_MAX_PAGES = 10;
/** The window around an attempt: from a little before (clocks differ) to past the client's timeout. */
const BEFORE_MS = 10_000;
const AFTER_MS = 60_000;

/** Where to look for a post attempted at `at`. */
export function windowAround(at: Date): { from: Date; to: Date } {
  return { from: new Date(at.getTime() - BEFORE_MS), to: new Date(at.getTime() + AFTER_MS) };
}

export interface MetadataSearch {
  channelId: string;
  /** The window, from a little before a post was attempted to past the client's timeout. */
  from: Date;
  to: Date;
  /** The message metadata sought: its event type and the payload fields that must match. */
  eventType: string;
  payload: Record<string, string>;
  /** Where an earlier, interrupted search got to. */
  cursor?: string;
  /** Called after each page with the cursor of the next, so a paused search can resume there. */
  onPage?: (cursor: string) => Promise<void>;
}

/**
 * Looks for one of our messages by its metadata in a channel's history (`include_all_metadata`),
 * page by page: how a job that attempted a post without hearing back finds out whether it
 * landed. The ts of the message, undefined when the window holds none; throws after
 * {@link HISTORY_MAX_PAGES} pages without reaching the end, so that the job retries.
 */
export async function findByMetadata(
  slack: WebClient,
  search: MetadataSearch,
): Promise<string | undefined> {
  let cursor = search.cursor;
  for (let page = 0; page < HISTORY_MAX_PAGES; page += 1) {
    const history = await slack.conversations.history({
      channel: search.channelId,
      oldest: String(search.from.getTime() / 1000),
      latest: String(search.to.getTime() / 1000),
      // Apps outside the Marketplace get at most 15 per call whatever they ask; pages cover more.
      limit: 100,
      include_all_metadata: true,
      ...(cursor ? { cursor } : {}),
    });
    const match = history.messages?.find((message) => {
      // The client's response types declare the payload as `{}`: read it as the record it is.
      const payload = message.metadata?.event_payload as Record<string, unknown> | undefined;
      return (
        message.metadata?.event_type === search.eventType &&
        Object.entries(search.payload).every(([key, value]) => payload?.[key] === value)
      );
    });
    if (match?.ts) return match.ts;
    cursor = history.response_metadata?.next_cursor;
    if (!history.has_more || !cursor) return undefined;
    await search.onPage?.(cursor);
  }
  throw new Error(`could not finish searching ${search.channelId} for an earlier post; will retry`);
}
