import { truncate } from '../../domain/text';

/**
 * The Block Kit limits the builders cut outside text to (over them Slack answers `invalid_blocks`).
 * Only the limits some builder needs are here; add one when a builder starts to need it.
 */
export const LIMITS = {
  /** Section text, and each context element's text. */
  sectionText: 3000,
  /** Not documented: past about 12,000 characters across all blocks Slack answers `msg_blocks_too_long`. */
  messageText: 12000,
  /** The top-level `text` fallback: Slack truncates past 40,000, notifications show far less. */
  fallbackText: 3000,
} as const;

/**
 * Cuts mrkdwn to a limit, never splitting a code point, an entity like `&amp;` or a control
 * sequence like `<#C123>`.
 */
export function fit(text: string, max: number): string {
  const cut = truncate(text, max);
  if (cut === text) return text;
  // A cut inside `&amp;` / `&lt;` / `&gt;` would leave a dangling `&`: drop the partial entity.
  // A cut inside a sequence we made (`<#C…>`, `<url|label>`; escaped outside text holds no `<`)
  // would leave it open, a broken link or mention: drop the whole sequence.
  return cut.replace(/&[a-z]{0,3}…$/, '…').replace(/<[^<>]*…$/, '…');
}

/** Characters of one listed run of items in an answer (a section holds 3,000). */
const LISTED_MAX = 1_000;

/**
 * Items joined with `, `, as many as fit `max` characters, then "and N more": an answer listing a
 * member's 50 keywords or a channel's follows stays one readable line and never cuts an item.
 */
export function listed(items: readonly string[], max = LISTED_MAX): string {
  const shown: string[] = [];
  let length = 0;
  for (const item of items) {
    if (shown.length > 0 && length + 2 + item.length > max) break;
    shown.push(item);
    length += (shown.length > 1 ? 2 : 0) + item.length;
  }
  const more = items.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
