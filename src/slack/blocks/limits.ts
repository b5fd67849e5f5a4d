import { truncate } from '../../domain/text';

/** Block Kit's limits (over them Slack answers `invalid_blocks`); the builders cut text to these. */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  /** Not documented: past about 12,000 characters across all blocks Slack answers `msg_blocks_too_long`. */
  messageText: 12000,
  /** The top-level `text` fallback: Slack truncates past 40,000, notifications show far less. */
  fallbackText: 3000,
} as const;

/** Cuts text to a limit, never splitting a code point or an mrkdwn entity like `&amp;`. */
export function fit(text: string, max: number): string {
  const cut = truncate(text, max);
  if (cut === text) return text;
  // A cut inside `&amp;` / `&lt;` / `&gt;` would leave a dangling `&`: drop the partial entity.
  return cut.replace(/&[a-z]{0,3}…$/, '…');
}
