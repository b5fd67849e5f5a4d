import type {
  ActionsBlock,
  Button,
  HomeView,
  KnownBlock,
  PlainTextOption,
  StaticSelect,
  Timepicker,
} from '@slack/types';
import {
  DEFAULT_ALERT_TIME,
  describeAlertMode,
  WEEKDAYS,
  weekdayName,
  type AlertMode,
} from '../../domain/alert-mode';
import { feedLabel, type FeedId } from '../../domain/feed';
import { hfPaperUrl, type Paper } from '../../domain/paper';
import { cutAtSentence, truncate } from '../../domain/text';
import type { TopPaper } from '../../store/store';
import { escapeMrkdwn } from '../mrkdwn';
import { channelMention, messagePermalink } from '../permalink';
import { KEYWORD_LIMITS } from '../../domain/keywords';
import { KEYWORDS_EXAMPLE, matchedLine, packTexts, paperTitleLink } from './alerts';
import { ACTION_IDS, alertKeywordRemoveActionId, BLOCK_IDS } from './ids';
import { fit, LIMITS } from './limits';
import { HELP, type HelpEntry } from './messages';

/** At most this many channels are listed by name; a Home tab is a summary, not a directory. */
const CHANNELS_SHOWN = 30;
/** Papers that matched the member this week, listed before "and N more". */
export const HOME_MATCHES_SHOWN = 10;
/** The team's top papers this week. */
export const HOME_TOP_SHOWN = 5;
/** Slack's limits: a button's text, and elements in one actions block. */
const BUTTON_TEXT_MAX = 75;
const ACTIONS_MAX = 25;
const TITLE_MAX = 150;

export interface HomeInput {
  /** Which channel follows which feed in this workspace. */
  follows: ReadonlyArray<{ channelId: string; feed: FeedId }>;
  /** This member's keywords, canonical, in the order added. */
  keywords: string[];
  mode: AlertMode;
  /** The member's IANA time zone, for describing the mode. */
  timeZone?: string;
  /** Papers that matched this member this week, newest first; at most 10 are shown. */
  matches: Array<{ paper: Paper; keywords: string[] }>;
  /** The team's top papers this week; at most 5 are shown. */
  top: TopPaper[];
  /** From `auth.test`, to link the top papers' threads; without it, only the channel is named. */
  workspaceUrl?: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const header = (text: string): KnownBlock => ({
  type: 'header',
  text: { type: 'plain_text', text, emoji: true },
});
const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text }],
});

function keywordBlocks(keywords: readonly string[]): KnownBlock[] {
  const intro =
    keywords.length === 0
      ? `You have no keywords yet. Add some and Paperboy sends you a DM when new papers match them, e.g. \`${escapeMrkdwn(KEYWORDS_EXAMPLE)}\`: a phrase in quotes, \`word*\` for a prefix, \`-word\` to leave a word out, \`author:"Name"\`.`
      : `${plural(keywords.length, 'keyword', 'keywords')} of ${KEYWORD_LIMITS.perMember}. Click one to remove it.${keywords.length >= KEYWORD_LIMITS.perMember ? ' Remove one to add another.' : ''}`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: BLOCK_IDS.alertKeywords,
      text: { type: 'mrkdwn', text: intro },
      accessory: {
        type: 'button',
        action_id: ACTION_IDS.alertKeywordsAdd,
        text: { type: 'plain_text', text: 'Add keywords', emoji: true },
        style: 'primary',
      },
    },
  ];
  // Plain text is not parsed for mentions or links: the keyword is shown as typed, only cut.
  const buttons = keywords.map((keyword, index): Button => ({
    type: 'button',
    action_id: alertKeywordRemoveActionId(index),
    text: { type: 'plain_text', text: truncate(`✕ ${keyword}`, BUTTON_TEXT_MAX), emoji: true },
    value: keyword,
    accessibility_label: truncate(`Remove the keyword ${keyword}`, BUTTON_TEXT_MAX),
  }));
  for (let start = 0; start < buttons.length; start += ACTIONS_MAX) {
    blocks.push({
      type: 'actions',
      block_id: `${BLOCK_IDS.alertKeywordButtons}_${start / ACTIONS_MAX}`,
      elements: buttons.slice(start, start + ACTIONS_MAX),
    });
  }
  return blocks;
}

const option = (text: string, value: string): PlainTextOption => ({
  text: { type: 'plain_text', text },
  value,
});
const MODE_OPTIONS = {
  instant: option('Instant: after each batch', 'instant'),
  daily: option('Daily digest', 'daily'),
  weekly: option('Weekly digest', 'weekly'),
  off: option('Off', 'off'),
} as const satisfies Record<AlertMode['kind'], PlainTextOption>;
const DAY_OPTIONS = WEEKDAYS.map((day) => option(weekdayName(day), day));

/**
 * The mode in words, then its controls in one actions block: mode select (values
 * `instant|daily|weekly|off`), and for digests a time picker (`HH:mm`, the member's local time)
 * and, for weekly, a weekday select (values `mon`…`sun`).
 */
function alertBlocks(mode: AlertMode, timeZone: string | undefined): KnownBlock[] {
  const modeSelect: StaticSelect = {
    type: 'static_select',
    action_id: ACTION_IDS.alertMode,
    placeholder: { type: 'plain_text', text: 'How alerts arrive' },
    options: Object.values(MODE_OPTIONS),
    initial_option: MODE_OPTIONS[mode.kind],
  };
  const controls: ActionsBlock['elements'] = [modeSelect];
  if (mode.kind === 'daily' || mode.kind === 'weekly') {
    const timepicker: Timepicker = {
      type: 'timepicker',
      action_id: ACTION_IDS.alertTime,
      placeholder: { type: 'plain_text', text: 'Time' },
      initial_time: /^([01]\d|2[0-3]):[0-5]\d$/.test(mode.time) ? mode.time : DEFAULT_ALERT_TIME,
    };
    controls.push(timepicker);
  }
  if (mode.kind === 'weekly') {
    controls.push({
      type: 'static_select',
      action_id: ACTION_IDS.alertDay,
      placeholder: { type: 'plain_text', text: 'Day' },
      options: DAY_OPTIONS,
      initial_option: DAY_OPTIONS[WEEKDAYS.indexOf(mode.day)] ?? DAY_OPTIONS[0],
    });
  }
  const explain =
    mode.kind === 'off'
      ? '\nNo DMs; what matched your keywords still shows below.'
      : mode.kind === 'instant'
        ? ''
        : '\nOne DM with every paper that matched since the previous one.';
  return [
    section(`*${escapeMrkdwn(describeAlertMode(mode, timeZone))}*${explain}`),
    { type: 'actions', block_id: BLOCK_IDS.alertControls, elements: controls },
  ];
}

function matchBlocks(input: HomeInput): KnownBlock[] {
  if (input.matches.length === 0) {
    return [
      section(
        input.keywords.length === 0
          ? 'Papers that match your keywords will show here.'
          : 'No new paper matched your keywords this week yet.',
      ),
    ];
  }
  const lines = input.matches
    .slice(0, HOME_MATCHES_SHOWN)
    .map((m) => `• ${paperTitleLink(m.paper, TITLE_MAX)}  ${matchedLine(m.keywords, 150)}`);
  const blocks = packTexts(lines, '\n', LIMITS.sectionText).map(section);
  const more = input.matches.length - HOME_MATCHES_SHOWN;
  if (more > 0) blocks.push(context(`…and ${plural(more, 'more paper', 'more papers')}.`));
  return blocks;
}

function topLine(rank: number, entry: TopPaper, workspaceUrl: string | undefined): string {
  const { paper, firstCard } = entry;
  const title = fit(escapeMrkdwn(cutAtSentence(paper.title, TITLE_MAX)), TITLE_MAX);
  const thread = messagePermalink(workspaceUrl, firstCard.channelId, firstCard.messageTs);
  const where = thread
    ? // A link's label cannot hold a mention: the channel goes after it.
      `<${thread}|thread> in ${channelMention(firstCard.channelId)}`
    : `in ${channelMention(firstCard.channelId)}`;
  return `*${rank}.* *<${hfPaperUrl(paper.id)}|${title}>*\n▲ ${entry.teamVotes} team  ·  💬 ${plural(entry.replies, 'reply', 'replies')}  ·  ${where}`;
}

function topBlocks(input: HomeInput): KnownBlock[] {
  if (input.top.length === 0)
    return [section('Nothing was posted in this workspace this week yet.')];
  const lines = input.top
    .slice(0, HOME_TOP_SHOWN)
    .map((entry, index) => topLine(index + 1, entry, input.workspaceUrl));
  return packTexts(lines, '\n', LIMITS.sectionText).map(section);
}

function followingText(follows: HomeInput['follows']): string {
  const byFeed = new Map<FeedId, string[]>();
  for (const follow of follows)
    byFeed.set(follow.feed, [...(byFeed.get(follow.feed) ?? []), follow.channelId]);
  if (byFeed.size === 0)
    return 'No channel follows a feed yet. Run `/papers follow hf` in the channel that should get new papers.';
  return [...byFeed]
    .map(([feed, channels]) => {
      const shown = channels.slice(0, CHANNELS_SHOWN).map(channelMention).join(', ');
      const more =
        channels.length > CHANNELS_SHOWN ? ` and ${channels.length - CHANNELS_SHOWN} more` : '';
      return `*${feedLabel(feed)}* → ${shown}${more}`;
    })
    .join('\n');
}

/** One line per command: its usage and the first sentence of what it does. */
function commandLine(entry: HelpEntry): string {
  const [first = entry.description] = entry.description.split(/(?<=[.!?])\s/);
  // `<query>` would read as a link: the usage's placeholders are escaped.
  return `\`${escapeMrkdwn(entry.usage)}\` — ${first}`;
}

/**
 * The App Home tab of one member: what Paperboy does; their keywords, each a "✕" button to remove
 * it, and "Add keywords"; how their alerts arrive, with controls; what matched them this week; the
 * team's top papers this week; which channels follow which feed; the commands. Pure, like every
 * builder. Stays within 100 blocks at the limits (50 keywords, any number of matches and top papers).
 */
export function homeView(input: HomeInput): HomeView {
  const blocks: KnownBlock[] = [
    header('📰 Paperboy'),
    section(
      'New research papers, posted in the channels that follow a feed. Upvote a card with ▲ and discuss the paper in its thread. Subscribe to keywords to get a DM when a new paper matches.',
    ),
    { type: 'divider' },
    header('Your keywords'),
    ...keywordBlocks(input.keywords),
    { type: 'divider' },
    header('Alerts'),
    ...alertBlocks(input.mode, input.timeZone),
    { type: 'divider' },
    header('Matched you this week'),
    ...matchBlocks(input),
    { type: 'divider' },
    header('Top this week in this workspace'),
    ...topBlocks(input),
    { type: 'divider' },
    header('Following'),
    section(fit(followingText(input.follows), LIMITS.sectionText)),
    { type: 'divider' },
    header('Commands'),
    section(
      fit(
        `${HELP.map(commandLine).join('\n')}\nRun \`/papers help\` for examples.`,
        LIMITS.sectionText,
      ),
    ),
  ];
  return { type: 'home', blocks };
}
