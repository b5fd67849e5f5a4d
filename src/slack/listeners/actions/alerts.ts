import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import {
  DEFAULT_ALERT_DAY,
  DEFAULT_ALERT_TIME,
  isWeekday,
  parseAlertTime,
  type AlertMode,
} from '../../../domain/alert-mode';
import type { MemberRef } from '../../../store/store';
import { publishHome, saveAlertMode } from '../../app-home';
import { alertMoreModal, byAlertRank, keywordsModal, type AlertedPaper } from '../../blocks/alerts';
import type { ListenerDeps } from '../deps';
import { workspaceOf } from './workspace';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** What a control sent: a button's value, a select's option, a time picker's time. */
function chosen(action: BlockAction['actions'][number]): string | undefined {
  switch (action.type) {
    case 'button':
      return action.value;
    case 'static_select':
      return action.selected_option?.value;
    case 'timepicker':
      return action.selected_time ?? undefined;
    default:
      return undefined;
  }
}

function memberOf(body: BlockAction): MemberRef | undefined {
  const workspaceId = workspaceOf(body);
  return workspaceId ? { workspaceId, userId: body.user.id } : undefined;
}

/**
 * Wraps an App Home or alert DM control: ack at once (Slack wants it inside 3 s), then the change,
 * then the member's Home tab published again so it shows the change.
 */
function homeControl(
  deps: ListenerDeps,
  change: (member: MemberRef, value: string, body: BlockAction) => Promise<void>,
) {
  return async ({ ack, body, action }: ActionArgs): Promise<void> => {
    await ack();
    const member = memberOf(body);
    const value = chosen(action);
    if (!member || value === undefined) {
      deps.logger.warn(`ignored a ${action.action_id} click without a member or a value`);
      return;
    }
    await change(member, value, body);
    await publishHome(deps, member);
  };
}

/** A "✕ keyword" button in App Home: removes that keyword. */
export function removeKeywordAction(deps: ListenerDeps) {
  return homeControl(deps, async (member, keyword) => {
    await deps.store.removeKeywords(member, [keyword]);
  });
}

/** The mode select, time picker and weekday select in App Home. */
export function alertModeAction(deps: ListenerDeps, control: 'mode' | 'time' | 'day') {
  return homeControl(deps, async (member, value) => {
    const { mode } = await deps.store.alertSettings(member);
    const time = mode.kind === 'daily' || mode.kind === 'weekly' ? mode.time : DEFAULT_ALERT_TIME;
    const day = mode.kind === 'weekly' ? mode.day : DEFAULT_ALERT_DAY;
    let next: AlertMode | undefined;
    if (control === 'mode') {
      if (value === 'instant' || value === 'off') next = { kind: value };
      else if (value === 'daily') next = { kind: 'daily', time };
      else if (value === 'weekly') next = { kind: 'weekly', day, time };
    } else if (control === 'time') {
      const picked = parseAlertTime(value);
      if (picked && mode.kind === 'daily') next = { kind: 'daily', time: picked };
      if (picked && mode.kind === 'weekly') next = { ...mode, time: picked };
    } else if (isWeekday(value) && mode.kind === 'weekly') {
      next = { ...mode, day: value };
    }
    if (next) await saveAlertMode(deps, member, next);
    else
      deps.logger.warn(`ignored an alert ${control} of ${JSON.stringify(value)} for ${mode.kind}`);
  });
}

/** "Add keywords" in App Home: opens the modal (its submission is handled in views/). */
export function addKeywordsAction(deps: ListenerDeps) {
  return async ({ ack, body }: ActionArgs): Promise<void> => {
    await ack();
    await deps.slack.views.open({ trigger_id: body.trigger_id, view: keywordsModal() });
  };
}

/** "See all" under an alert DM: a modal listing every paper of that DM. */
export function alertMoreAction(deps: ListenerDeps) {
  return async ({ ack, body, action }: ActionArgs): Promise<void> => {
    await ack();
    const member = memberOf(body);
    const runKey = chosen(action);
    const run = member && runKey ? await deps.store.alertRun(member, runKey) : undefined;
    if (!member || !run) {
      deps.logger.warn(`ignored "see all" for an alert Paperboy no longer knows`);
      return;
    }
    const keywords = new Map(run.matches.map((m) => [m.paperId, m.keywords]));
    const papers = await deps.store.getPapers([...keywords.keys()]);
    const listed = await Promise.all(
      papers.map(async (paper): Promise<AlertedPaper> => ({
        paper,
        keywords: keywords.get(paper.id) ?? [],
        teamVotes: await deps.store.countVotes(member.workspaceId, paper.id),
      })),
    );
    await deps.slack.views.open({
      trigger_id: body.trigger_id,
      view: alertMoreModal(listed.sort(byAlertRank)),
    });
  };
}
