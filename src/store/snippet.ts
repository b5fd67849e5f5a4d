import type { SnippetPart } from './store';

/**
 * Markers adapters ask their database to put around matched words (FTS5 `snippet()`, PostgreSQL
 * `ts_headline`). Private-use characters: no feed text means them, and any that slip in are dropped.
 */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';

/** Splits marked-up text into plain and matched parts, merging neighbours of the same kind. */
export function snippetParts(marked: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  let text = '';
  const flush = () => {
    if (text === '') return;
    const last = parts.at(-1);
    if (last && last.match === match) last.text += text;
    else parts.push({ text, match });
    text = '';
  };
  for (const char of marked) {
    if (char === MATCH_START || char === MATCH_END) {
      flush();
      match = char === MATCH_START;
    } else {
      text += char;
    }
  }
  flush();
  return parts;
}

/** About a line of text: where a snippet starts when nothing matched in the abstract. */
export const SNIPPET_WORDS = 24;

/** The first words of a text, as an unmatched snippet. */
export function leadingSnippet(text: string): SnippetPart[] {
  const words = text.split(' ');
  const lead = words.slice(0, SNIPPET_WORDS).join(' ');
  return lead ? [{ text: words.length > SNIPPET_WORDS ? `${lead}…` : lead, match: false }] : [];
}
