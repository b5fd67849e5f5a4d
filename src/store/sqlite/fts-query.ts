import type { Terms } from '../../domain/search-query';

/**
 * FTS5 match expressions built from parsed query terms. Every term becomes a double-quoted FTS5
 * string, the one form in which FTS5 reads no operator (`AND`, `NEAR(`, `*`, `^`, `:`): user
 * words are only ever data. A phrase is its words in one string; FTS5 matches them in order.
 */
export function ftsString(words: Terms): string {
  return `"${words.join(' ').replace(/"/g, '""')}"`;
}

/** Every term must match (`AND`), or any (`OR`). Undefined when there are no terms. */
export function ftsExpression(terms: readonly Terms[], join: 'AND' | 'OR'): string | undefined {
  if (terms.length === 0) return undefined;
  return terms.map(ftsString).join(` ${join} `);
}

/** A match within one column, e.g. the `name` column of the author index. */
export function ftsColumnMatch(column: string, words: Terms): string {
  return `${column} : ${ftsString(words)}`;
}
