/** Collapses runs of whitespace (feeds hard-wrap titles and abstracts) into single spaces. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const SENTENCE_END = /[.!?](?=\s)/g;

/**
 * Cuts `text` to at most `max` characters, at the last sentence end that fits when there is one
 * in the second half of the budget, else at the last word boundary, marking a cut with `…`.
 */
export function cutAtSentence(text: string, max: number): string {
  if (text.length <= max) return text;
  const budget = text.slice(0, max - 1);
  let lastSentenceEnd = -1;
  for (const match of budget.matchAll(SENTENCE_END)) lastSentenceEnd = match.index;
  if (lastSentenceEnd >= max / 2) return budget.slice(0, lastSentenceEnd + 1);
  const lastSpace = budget.lastIndexOf(' ');
  if (lastSpace < max / 2) return truncate(text, max);
  return `${budget.slice(0, lastSpace).trimEnd()}…`;
}

/** Cuts `text` to at most `max` characters (code points are not split), marking a cut with `…`. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  let out = '';
  for (const char of chars) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

/** Typed words longer than this are cut where an answer quotes them. */
const QUOTED_MAX = 40;

/**
 * What a member typed, as an answer quotes it inside a code span: a backtick (which would close
 * the span and let the rest format) becomes `'`, and long text is cut. Not escaped: mrkdwn
 * escaping is the caller's.
 */
export function quoted(typed: string, max = QUOTED_MAX): string {
  return truncate(typed.replace(/`/g, "'"), max);
}
