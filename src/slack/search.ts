import { paperIdFromReference } from '../domain/paper-ref';
import { formatSearchQuery, parseSearchQuery } from '../domain/search-query';
import { LOOKUP_SOURCE_LABELS, LookupUnavailableError } from '../feeds/lookup';
import { leadingSnippet } from '../store/snippet';
import { escapeMrkdwn } from './mrkdwn';
import { notice } from './blocks/messages';
import type { RenderedMessage } from './blocks/paper-card';
import {
  paperLookupMessage,
  SEARCH_PAGE_SIZE,
  searchResultsMessage,
} from './blocks/search-results';
import type { ListenerDeps } from './listeners/deps';

type SearchDeps = Pick<ListenerDeps, 'store' | 'lookup' | 'clock' | 'timeZone'>;

/**
 * One page of `/papers search` as a message: a paper named by id or link (looked up, fetched if
 * the store lacks it), or full-text results from `offset`. A query the parser cannot take gets
 * its hint. Shared by the command and the Previous/Next buttons.
 */
export async function searchPapers(
  deps: SearchDeps,
  workspaceId: string,
  text: string,
  page: { offset: number; fromButton: boolean } = { offset: 0, fromButton: false },
): Promise<RenderedMessage> {
  const { offset } = page;
  const paperId = paperIdFromReference(text);
  if (paperId) return lookUp(deps, workspaceId, paperId);

  const parsed = parseSearchQuery(text, {
    now: deps.clock(),
    timeZone: deps.timeZone,
    // A button carries the query as written back, which may be longer than what was typed.
    ...(page.fromButton ? { maxLength: Number.POSITIVE_INFINITY } : {}),
  });
  if (!parsed.ok) return notice(escapeMrkdwn(parsed.hint));
  const { query, notes } = parsed;
  const results = await deps.store.search(
    workspaceId,
    query,
    { offset, limit: SEARCH_PAGE_SIZE },
    deps.clock(),
  );
  return searchResultsMessage({
    queryText: formatSearchQuery(query, deps.timeZone),
    query,
    hits: results.hits,
    total: results.total,
    capped: results.capped,
    offset,
    notes,
  });
}

async function lookUp(
  deps: SearchDeps,
  workspaceId: string,
  paperId: string,
): Promise<RenderedMessage> {
  try {
    const found = await deps.lookup.find(paperId);
    if (!found) return notice(`${unknownPaper(paperId)} Or search by words instead.`);
    const teamVotes = await deps.store.countVotes(workspaceId, found.paper.id);
    const hit = { paper: found.paper, teamVotes, snippet: leadingSnippet(found.paper.abstract) };
    return paperLookupMessage(
      hit,
      found.source === 'store' ? undefined : LOOKUP_SOURCE_LABELS[found.source],
    );
  } catch (error) {
    if (!(error instanceof LookupUnavailableError)) throw error;
    return notice(unreachable(paperId));
  }
}

/** A paper id no source knows. */
export function unknownPaper(paperId: string): string {
  return `Neither Hugging Face nor arXiv knows a paper *${escapeMrkdwn(paperId)}*. Check the id.`;
}

/** A lookup a source did not answer. */
export function unreachable(paperId: string): string {
  return `I could not look up *${escapeMrkdwn(paperId)}*: Hugging Face or arXiv did not answer. Try again in a minute.`;
}
