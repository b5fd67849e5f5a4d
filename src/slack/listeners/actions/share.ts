import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { canonicalArxivId } from '../../../domain/arxiv-id';
import { notice } from '../../blocks/messages';
import { shareOutcomeReply, sharePaper } from '../../share';
import { answerAfterAck } from '../after-ack';
import type { ListenerDeps } from '../deps';
import { workspaceOf } from './workspace';

type ShareArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** "Share to channel" on a search result: posts the paper's full card where the search ran. */
export function shareAction(deps: ListenerDeps) {
  return async ({ ack, body, action, respond }: ShareArgs): Promise<void> => {
    await ack();
    await answerAfterAck(deps, respond, async () => {
      const paperId = canonicalArxivId(action.value ?? '');
      const workspaceId = workspaceOf(body);
      const channelId = body.channel?.id;
      const paper = paperId ? await deps.store.getPaper(paperId) : undefined;
      if (!paper || !workspaceId || !channelId) {
        return notice('I could not tell which paper to share, or where. Run the search again?');
      }
      const outcome = await sharePaper(deps, {
        channel: { workspaceId, channelId },
        paper,
        userId: body.user.id,
      });
      return shareOutcomeReply(outcome, deps.workspaceUrl);
    });
  };
}
