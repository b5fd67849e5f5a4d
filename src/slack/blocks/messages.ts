import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn } from '../mrkdwn';
import { fit, LIMITS } from './limits';
import type { RenderedMessage } from './paper-card';

/**
 * A short answer: one section of mrkdwn. The text is our own formatting, so it is not escaped
 * here: every piece of outside text in it must go through `escapeMrkdwn` first.
 */
export function notice(text: string): RenderedMessage {
  // Answers may echo what a member typed: never past a section's limit.
  const fitted = fit(text, LIMITS.sectionText);
  return { text: fitted, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: fitted } }] };
}

export interface HelpEntry {
  usage: string;
  description: string;
  example: string;
}

export const HELP: readonly HelpEntry[] = [
  {
    usage: '/papers search <query>',
    description:
      'Search every paper Paperboy has seen. All words must match; also `"a phrase"`, `-word` to leave out, `author:"Name"`, `since:7d` or `since:2025-01-01`, `until:…`, `sort:relevance|votes|new`. An arXiv id or link finds that paper.',
    example: '/papers search speculative decoding -survey since:30d',
  },
  {
    usage: '/papers share <arXiv id or link> [comment]',
    description: 'Post a paper’s card in this channel, with your comment above it.',
    example: '/papers share 2406.07550 Worth a read for the ablations',
  },
  {
    usage: '/papers top [today|week|month|all]',
    description:
      'The papers this workspace valued most (team votes, then thread replies, then Hugging Face upvotes), with links to their threads. Default: week.',
    example: '/papers top week',
  },
  {
    usage: '/papers follow hf|arxiv:<categories> [filters]',
    description:
      'Post new papers from Hugging Face Daily Papers (`hf`) or arXiv categories (`arxiv:cs.CL,cs.LG`) in this channel. Filters: `keywords:"a phrase",word`, `-keywords:survey`, `min-upvotes:10` (hf: posted once it has that many upvotes), `digest:daily@09:00 top:10` (one message a day instead). With nothing after it: what this channel follows.',
    example: '/papers follow hf min-upvotes:10 keywords:"speculative decoding",mamba',
  },
  {
    usage: '/papers unfollow [hf|arxiv:<categories>]',
    description:
      'Stop posting a feed (or some arXiv categories) in this channel. With nothing after it: `hf`.',
    example: '/papers unfollow arxiv:cs.CL',
  },
  {
    usage: '/papers subscribe <keywords>',
    description:
      'Get a DM when new papers match one of your keywords: `"a phrase"`, `word*` for a prefix, `-word` to leave out, `author:"Name"`. Up to 50, 2–100 characters each.',
    example: '/papers subscribe tokenizer "speculative decoding" diffu* -survey',
  },
  {
    usage: '/papers unsubscribe <keyword>',
    description: 'Stop alerts for one of your keywords, written as `/papers list` shows it.',
    example: '/papers unsubscribe "speculative decoding"',
  },
  {
    usage: '/papers list',
    description: 'Your keywords and how your alerts arrive.',
    example: '/papers list',
  },
  {
    usage: '/papers alerts instant|daily 09:00|weekly mon 09:00|off',
    description:
      'How your keyword alerts arrive: a DM after each new batch (default), one digest a day or a week at your local time, or none.',
    example: '/papers alerts weekly mon 09:00',
  },
  { usage: '/papers help', description: 'This list.', example: '/papers help' },
];

/** One command in the help: usage, what it does, an example. */
export function helpEntryText(entry: HelpEntry): string {
  // `<arXiv id>` would read as a link or a mention: escape the placeholders' angle brackets.
  return `*\`${escapeMrkdwn(entry.usage)}\`*\n${entry.description}\n_e.g._ \`${escapeMrkdwn(entry.example)}\``;
}

/**
 * `/papers help`, also shown for an unknown subcommand, with a first line saying what went wrong.
 * `problem` is outside text (what the user typed) and is escaped here.
 */
export function helpMessage(problem?: string): RenderedMessage {
  // The problem may echo a whole unknown subcommand, of any length: never past a section's limit.
  const said = problem ? fit(escapeMrkdwn(problem), LIMITS.sectionText) : undefined;
  const blocks: KnownBlock[] = [];
  if (said) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: said } });
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: '*Paperboy* posts new papers in the channels that follow a feed. Upvote a card with ▲ and discuss it in its thread.',
    },
  });
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: HELP.map(helpEntryText).join('\n\n'),
    },
  });
  const text = `${said ? `${said} ` : ''}Paperboy commands: ${HELP.map((h) => escapeMrkdwn(h.usage)).join(', ')}`;
  return { text: fit(text, LIMITS.fallbackText), blocks };
}
