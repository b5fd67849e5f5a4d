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
