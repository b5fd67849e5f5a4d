import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { decodeSlackText } from '../../mrkdwn';
import { KEYWORD_LIMITS, parseKeywordList } from '../../../domain/keywords';
import { publishHome } from '../../app-home';
import { asSpelledBefore } from '../commands/alerts';
import { ACTION_IDS, BLOCK_IDS } from '../../blocks/ids';
import type { ListenerDeps } from '../deps';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** Slack shows an input's error under the field, in plain text, up to about this long. */
const ERROR_MAX = 150;

/**
 * The "Add keywords" modal's submission. A keyword the parser refuses, or one past the limit,
 * keeps the modal open with the reason under the field; otherwise the keywords are added and the
 * Home tab republished.
 */
export function keywordsModalSubmitted(deps: ListenerDeps) {
  return async ({ ack, body, view }: SubmitArgs): Promise<void> => {
    const input = view.state.values[BLOCK_IDS.alertKeywordsInput]?.[ACTION_IDS.alertKeywordsInput];
    const typed = decodeSlackText(input?.value ?? '').trim();
    const { keywords, problems } = parseKeywordList(typed);
    const member = { workspaceId: body.team?.id ?? body.user.team_id, userId: body.user.id };
    const refuse = (error: string) =>
      ack({
        response_action: 'errors',
        errors: { [BLOCK_IDS.alertKeywordsInput]: error.slice(0, ERROR_MAX) },
      });
    if (problems.length > 0 || keywords.length === 0 || !member.workspaceId) {
      await refuse(problems[0] ?? 'Type at least one keyword.');
      return;
    }
    const workspaceMember = { workspaceId: member.workspaceId, userId: member.userId };
    const had = await deps.store.keywordsOf(workspaceMember);
    const asked = asSpelledBefore(keywords, had);
    const fresh = asked.filter((keyword) => !had.includes(keyword));
    if (had.length + fresh.length > KEYWORD_LIMITS.perMember) {
      await refuse(
        `You have ${had.length} keywords; ${fresh.length} more would pass the limit of ${KEYWORD_LIMITS.perMember}. Remove some first.`,
      );
      return;
    }
    await ack();
    await deps.store.addKeywords(workspaceMember, asked, KEYWORD_LIMITS.perMember, deps.clock());
    await publishHome(deps, workspaceMember);
  };
}
