import { ALERT_MODE_USAGE, describeAlertMode, parseAlertMode } from '../../../domain/alert-mode';
import {
  KEYWORD_LIMITS,
  parseKeyword,
  parseKeywordList,
  type Keyword,
} from '../../../domain/keywords';
import type { AddKeywordsResult, MemberRef } from '../../../store/store';
import { republishHome, saveAlertMode } from '../../app-home';
import { keywordCode, keywordsMessage, KEYWORDS_EXAMPLE } from '../../blocks/alerts';
import { listed } from '../../blocks/limits';
import { notice } from '../../blocks/messages';
import type { RenderedMessage } from '../../blocks/paper-card';
import { escapeMrkdwn } from '../../mrkdwn';
import type { ListenerDeps } from '../deps';
import type { CommandRequest } from './request';

const memberOf = (request: CommandRequest): MemberRef => ({
  workspaceId: request.channel.workspaceId,
  userId: request.userId,
});

/** Keywords in code spans, as many as fit a line of an answer (then "and N more"). */
const codes = (keywords: readonly string[]): string => listed(keywords.map(keywordCode));

/** What a keyword matches, whatever its spelling: `tokenizer` and `tokenizers` mean one thing. */
const meaningOf = (keyword: Keyword): string =>
  JSON.stringify(keyword, (key, value: unknown) => (key === 'text' ? undefined : value));

/**
 * The keywords asked for, each as the member already spelled it when they have it in another
 * spelling (so `unsubscribe tokenizer` removes `tokenizers`, and subscribing to it again is
 * "already").
 */
export function asSpelledBefore(asked: readonly Keyword[], had: readonly string[]): string[] {
  const spelled = new Map<string, string>();
  for (const text of had) {
    const keyword = parseKeyword(text);
    if (!('problem' in keyword)) spelled.set(meaningOf(keyword), text);
  }
  return asked.map((keyword) => spelled.get(meaningOf(keyword)) ?? keyword.text);
}

/**
 * The answer to an addition of keywords (the command's or the App Home modal's), one line per
 * outcome; the limit is named whenever it bit.
 */
export function additionLines(result: AddKeywordsResult, problems: readonly string[]): string[] {
  const lines: string[] = [];
  if (result.added.length > 0) lines.push(`Subscribed to ${codes(result.added)}.`);
  if (result.already.length > 0) lines.push(`You already had ${codes(result.already)}.`);
  if (result.overLimit.length > 0) {
    lines.push(
      `Not added: ${codes(result.overLimit)}. A member can have at most ${KEYWORD_LIMITS.perMember} keywords; remove some with \`/papers unsubscribe &lt;keyword&gt;\` or in Paperboy’s App Home.`,
    );
  }
  return [...lines, ...problems.map(escapeMrkdwn)];
}

const SUBSCRIBE_USAGE = `Name the keywords new papers should match, e.g. \`/papers subscribe ${escapeMrkdwn(KEYWORDS_EXAMPLE)}\`. Quotes make a phrase, \`word*\` a prefix, \`-word\` leaves papers out, \`author:"Name"\` follows an author.`;

/** `/papers subscribe <keyword or "phrase"> […]`: adds keywords whose new papers DM the member. */
export async function subscribeCommand(
  deps: ListenerDeps,
  request: CommandRequest,
): Promise<RenderedMessage> {
  if (request.rest === '') return notice(SUBSCRIBE_USAGE);
  const member = memberOf(request);
  const { keywords, problems } = parseKeywordList(request.rest);
  const result = await deps.store.addKeywords(
    member,
    asSpelledBefore(keywords, await deps.store.keywordsOf(member)),
    KEYWORD_LIMITS.perMember,
    deps.clock(),
  );
  const lines = additionLines(result, problems);
  if (result.added.length > 0) {
    const { mode, timeZone } = await deps.store.alertSettings(member);
    lines.push(
      mode.kind === 'off'
        ? 'Your alerts are off, so nothing will arrive: turn them on with `/papers alerts instant`.'
        : `Alerts: ${escapeMrkdwn(describeAlertMode(mode, timeZone))}.`,
    );
    republishHome(deps, member);
  }
  return notice(lines.join('\n') || SUBSCRIBE_USAGE);
}

/** `/papers unsubscribe <keyword> […]` (or `all`): removes keywords. */
export async function unsubscribeCommand(
  deps: ListenerDeps,
  request: CommandRequest,
): Promise<RenderedMessage> {
  const member = memberOf(request);
  const had = await deps.store.keywordsOf(member);
  if (had.length === 0) {
    return notice(
      'You have no keywords to remove. Subscribe with `/papers subscribe &lt;keywords&gt;`.',
    );
  }
  if (request.rest === '') {
    return notice(
      `Name the keyword to remove, e.g. \`/papers unsubscribe ${escapeMrkdwn(had[0] ?? '')}\`, or \`/papers unsubscribe all\`. Your keywords: ${codes(had)}.`,
    );
  }
  const { keywords, problems } = parseKeywordList(request.rest);
  const asked =
    request.args.length === 1 && request.args[0]?.toLowerCase() === 'all'
      ? had
      : asSpelledBefore(keywords, had);
  const removed = await deps.store.removeKeywords(member, asked);
  const missing = asked.filter((keyword) => !removed.includes(keyword));
  const lines: string[] = [];
  if (removed.length > 0) lines.push(`Unsubscribed from ${codes(removed)}.`);
  if (missing.length > 0) {
    lines.push(`You were not subscribed to ${codes(missing)}. Your keywords: ${codes(had)}.`);
  }
  lines.push(...problems.map(escapeMrkdwn));
  if (removed.length > 0) republishHome(deps, member);
  return notice(lines.join('\n') || `Your keywords: ${codes(had)}.`);
}

/** `/papers list`: the member's keywords and how their alerts arrive. */
export async function listCommand(
  deps: ListenerDeps,
  request: CommandRequest,
): Promise<RenderedMessage> {
  const member = memberOf(request);
  const [keywords, settings] = await Promise.all([
    deps.store.keywordsOf(member),
    deps.store.alertSettings(member),
  ]);
  return keywordsMessage(keywords, settings.mode, settings.timeZone);
}

/**
 * `/papers alerts instant|daily 09:00|weekly mon 09:00|off`: how alerts reach the member. With
 * nothing after it: how they arrive now. A digest's hour is in the member's own time zone, which
 * Slack is asked for, so this answers after its ack.
 */
export async function alertsCommand(
  deps: ListenerDeps,
  request: CommandRequest,
): Promise<RenderedMessage> {
  const member = memberOf(request);
  if (request.args.length === 0) {
    const { mode, timeZone } = await deps.store.alertSettings(member);
    return notice(
      `Alerts: ${escapeMrkdwn(describeAlertMode(mode, timeZone))}.\n${escapeMrkdwn(ALERT_MODE_USAGE)}`,
    );
  }
  const parsed = parseAlertMode(request.args);
  if ('problem' in parsed) return notice(escapeMrkdwn(parsed.problem));
  const saved = await saveAlertMode(deps, member, parsed);
  republishHome(deps, member);
  const described = escapeMrkdwn(describeAlertMode(saved.mode, saved.timeZone ?? deps.timeZone));
  return notice(
    saved.mode.kind === 'off'
      ? 'Alerts are off: your keywords are kept, and no DM will arrive until you turn them back on (`/papers alerts instant`).'
      : `Alerts: ${described}. Nothing new means no DM.`,
  );
}
