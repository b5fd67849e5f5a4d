import type { KnownBlock } from '@slack/types';
import { hfPaperUrl, type Paper } from '../../domain/paper';
import type { SearchQuery } from '../../domain/search-query';
import { cutAtSentence, truncate } from '../../domain/text';
import type { SearchHit, SnippetPart } from '../../store/store';
import { escapeMrkdwn } from '../mrkdwn';
import { ACTION_IDS } from './ids';
import { fit, LIMITS } from './limits';
import { authorLine, dateInWords, linkLine, type RenderedMessage } from './paper-card';

/** Results per page: five compact cards fit a screen and stay far inside 50 blocks. */
export const SEARCH_PAGE_SIZE = 5;
const TITLE_MAX = 200;
const SNIPPET_MAX = 300;
/** A button value holds at most 2,000 characters; a page button carries the query. */
const BUTTON_VALUE_MAX = 2000;

/** What a page button carries: the query (in the query language) and where the page starts. */
export interface SearchPageValue {
  q: string;
  offset: number;
}

/** The value of a page button, or undefined when it is not one of ours. */
export function parseSearchPageValue(value: string | undefined): SearchPageValue | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as Partial<SearchPageValue>;
    if (typeof parsed.q !== 'string' || !Number.isSafeInteger(parsed.offset)) return undefined;
    return { q: parsed.q, offset: Math.max(0, parsed.offset ?? 0) };
  } catch {
    return undefined;
  }
}

/** Matched words in bold; all of it escaped. A bold run must not touch a word character to render. */
export function snippetMrkdwn(parts: readonly SnippetPart[]): string {
  let used = 0;
  const out: string[] = [];
  for (const part of parts) {
    if (used >= SNIPPET_MAX) break;
    const text = truncate(part.text, SNIPPET_MAX - used);
    used += text.length;
    // `*` inside feed text would open or close bold; in a snippet it is never meant.
    const clean = escapeMrkdwn(text.replace(/\*/g, '∗'));
    out.push(part.match && clean.trim() ? `*${clean}*` : clean);
  }
  return out.join('');
}

function votesLine(paper: Paper, teamVotes: number): string {
  const parts = [`▲ ${teamVotes} team`];
  if (paper.hfUpvotes !== undefined) parts.push(`▲ ${paper.hfUpvotes} on HF`);
  return parts.join('  ·  ');
}

/**
 * One result: title (linked), authors, date, votes and the snippet in a section whose button
 * shares the full card in the channel; the paper's links below.
 */
export function compactResult(hit: SearchHit): KnownBlock[] {
  const { paper } = hit;
  const title = escapeMrkdwn(cutAtSentence(paper.title, TITLE_MAX));
  const lines = [
    `*<${hfPaperUrl(paper.id)}|${title}>*`,
    `${escapeMrkdwn(truncate(authorLine(paper.authors), 200))}  ·  ${dateInWords(paper.publishedAt)}  ·  ${votesLine(paper, hit.teamVotes)}`,
  ];
  const snippet = snippetMrkdwn(hit.snippet);
  if (snippet) lines.push(`> ${snippet}`);
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: fit(lines.join('\n'), LIMITS.sectionText) },
      accessory: {
        type: 'button',
        action_id: ACTION_IDS.share,
        text: { type: 'plain_text', text: 'Share to channel', emoji: true },
        value: paper.id,
        accessibility_label: `Share "${truncate(paper.title, 40)}" in this channel`,
      },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: linkLine(paper) }] },
  ];
}

/** What could be relaxed when nothing matched, from the query's own parts. */
export function relaxSuggestions(query: SearchQuery): string[] {
  const suggestions: string[] = [];
  if (query.exclude.length > 0) suggestions.push('drop the `-excluded` words');
  if (query.since || query.until) suggestions.push('widen or remove `since:` / `until:`');
  if (query.authors.length > 0)
    suggestions.push('check the spelling of the author, or use only the last name');
  if (query.include.some((terms) => terms.length > 1))
    suggestions.push('take the quotes off phrases');
  if (query.include.length > 1) suggestions.push('use fewer words (every word must match)');
  suggestions.push('try a synonym or the paper’s arXiv id');
  return suggestions;
}

export interface SearchResultsView {
  /** The query as the user can type it again (`formatSearchQuery`). */
  queryText: string;
  query: SearchQuery;
  hits: SearchHit[];
  total: number;
  /** More matched than were ranked: `total` is a lower bound, shown as "500+". */
  capped?: boolean;
  offset: number;
  /** Lenient readings of the query worth telling the user about. */
  notes?: readonly string[];
}

/** An ephemeral page of search results, with Previous/Next when there is more. */
export function searchResultsMessage(view: SearchResultsView): RenderedMessage {
  const shownQuery = `\`${escapeMrkdwn(truncate(view.queryText, 300).replace(/`/g, "'"))}\``;
  const blocks: KnownBlock[] = [];
  if (view.total === 0 || view.hits.length === 0) {
    const headline =
      view.total === 0
        ? `No papers match ${shownQuery}.`
        : `No more results for ${shownQuery} (there are ${view.total}).`;
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          view.total === 0
            ? `${headline}\nYou could ${relaxSuggestions(view.query).join('; ')}.`
            : headline,
      },
    });
    return { text: headline, blocks: withNotes(blocks, view.notes) };
  }
  const first = view.offset + 1;
  const last = view.offset + view.hits.length;
  const count = `${view.total.toLocaleString('en-US')}${view.capped ? '+' : ''}`;
  const headline = `${view.total === 1 && !view.capped ? '1 paper matches' : `${count} papers match`} ${shownQuery}${view.total > view.hits.length ? ` · ${first}–${last}` : ''}`;
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: headline } });
  for (const hit of view.hits) blocks.push({ type: 'divider' }, ...compactResult(hit));
  const nav = pageButtons(view, last);
  if (nav) blocks.push(nav);
  return { text: headline, blocks: withNotes(blocks, view.notes) };
}

function withNotes(blocks: KnownBlock[], notes: readonly string[] = []): KnownBlock[] {
  if (notes.length === 0) return blocks;
  return [
    blocks[0] as KnownBlock,
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(notes.join(' ')) }] },
    ...blocks.slice(1),
  ];
}

function pageButtons(view: SearchResultsView, last: number): KnownBlock | undefined {
  const buttons = [];
  const value = (offset: number) => JSON.stringify({ q: view.queryText, offset });
  if (view.offset > 0) {
    buttons.push({
      type: 'button' as const,
      action_id: ACTION_IDS.searchPrevious,
      text: { type: 'plain_text' as const, text: '← Previous' },
      value: value(Math.max(0, view.offset - SEARCH_PAGE_SIZE)),
    });
  }
  if (last < view.total) {
    buttons.push({
      type: 'button' as const,
      action_id: ACTION_IDS.searchNext,
      text: { type: 'plain_text' as const, text: 'Next →' },
      value: value(last),
    });
  }
  if (buttons.length === 0 || buttons.some((b) => b.value.length > BUTTON_VALUE_MAX)) {
    return undefined;
  }
  return { type: 'actions', elements: buttons };
}

/**
 * A paper named by its id: one result. `fetchedFrom` names the site it was just fetched from,
 * when the store did not have it.
 */
export function paperLookupMessage(hit: SearchHit, fetchedFrom?: string): RenderedMessage {
  const id = escapeMrkdwn(hit.paper.id);
  const headline = fetchedFrom ? `Found *${id}* on ${fetchedFrom}:` : `*${id}*:`;
  return {
    text: fetchedFrom ? `Found ${id} on ${fetchedFrom}` : `Paper ${id}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: headline } }, ...compactResult(hit)],
  };
}
