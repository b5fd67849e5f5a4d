import { ALERT_MODE_USAGE, describeAlertMode, parseAlertMode } from '../../../domain/alert-mode';
import { KEYWORD_LIMITS, parseKeywordList } from '../../../domain/keywords';
import type { AddKeywordsResult, MemberRef } from '../../../store/store';
import { republishHome, saveAlertMode } from '../../app-home';
import { keywordCode, keywordsMessage, KEYWORDS_EXAMPLE } from '../../blocks/alerts';
import { notice } from '../../blocks/messages';
import type { RenderedMessage } from '../../blocks/paper-card';
import { escapeMrkdwn } from '../../mrkdwn';
import type { ListenerDeps } from '../deps';
import type { CommandRequest } from './request';

const memberOf = (request: CommandRequest): MemberRef => ({
  workspaceId: request.channel.workspaceId,
  userId: request.userId,
});

const codes = (keywords: readonly string[]): string => keywords.map(keywordCode).join(', ');

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

/** `/papers subscribe <keyword or "phrase"> […]`: adds keywords whose new papers DM the member. */
export async function subscribeCommand(
  deps: ListenerDeps,
  request: CommandRequest,
): Promise<RenderedMessage> {
  if (request.rest === '') {
    return notice(
      `Name the keywords new papers should match, e.g. \`/papers subscribe ${escapeMrkdwn(KEYWORDS_EXAMPLE)}\`. Quotes make a phrase, \`word*\` a prefix, \`-word\` leaves papers out, \`author:"Name"\` follows an author.`,
    );
  }
  const member = memberOf(request);
  const { keywords, problems } = parseKeywordList(request.rest);
  const result = await deps.store.addKeywords(
    member,
    keywords.map((keyword) => keyword.text),
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
  return notice(lines.join('\n'));
}

/** `/papers unsubscribe <keyword> […]` (or `all`): removes keywords. */
export async function unsubscribeCommand(
  deps: ListenerDeps,
  request: CommandRequest,
): Promise<RenderedMessage> {
  const member = memberOf(request);
  const had = await deps.store.keywordsOf(member);
  if (request.rest === '') {
    return notice(
      had.length === 0
        ? 'You have no keywords to remove.'
        : `Name the keyword to remove, e.g. \`/papers unsubscribe ${escapeMrkdwn(had[0] ?? '')}\`, or \`/papers unsubscribe all\`. Your keywords: ${codes(had)}.`,
    );
  }
  const { keywords, problems } = parseKeywordList(request.rest);
  const asked =
    request.args.length === 1 && request.args[0]?.toLowerCase() === 'all'
      ? had
      : keywords.map((keyword) => keyword.text);
  const removed = await deps.store.removeKeywords(member, asked);
  const missing = asked.filter((keyword) => !removed.includes(keyword));
  const lines: string[] = [];
  if (removed.length > 0) lines.push(`Unsubscribed from ${codes(removed)}.`);
  if (missing.length > 0) {
    lines.push(
      `You were not subscribed to ${codes(missing)}. ${had.length > 0 ? `Your keywords: ${codes(had)}.` : 'You have no keywords.'}`,
    );
  }
  lines.push(...problems.map(escapeMrkdwn));
  if (removed.length > 0) republishHome(deps, member);
  return notice(lines.join('\n'));
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
