import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { canonicalArxivId } from '../../../domain/arxiv-id';
import type { ListenerDeps } from '../deps';
import { workspaceOf } from './workspace';

type UpvoteArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * `paper_upvote`: toggles the clicker's vote (a second click takes it back), then refreshes the
 * paper's cards. Acked first: the vote and the refresh happen after Slack has its answer.
 */
export function upvoteAction(deps: ListenerDeps) {
  return async ({ ack, body, action, respond }: UpvoteArgs): Promise<void> => {
    await ack();
    const paperId = canonicalArxivId(action.value ?? '');
    const workspaceId = workspaceOf(body);
    if (!paperId || !workspaceId) {
      deps.logger.warn(`ignored an upvote with an unusable paper id or workspace`);
      return;
    }
    if (!(await deps.store.getPaper(paperId))) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Paperboy no longer knows this paper, so the vote was not counted.',
      });
      return;
    }
    const vote = await deps.store.toggleVote(workspaceId, paperId, body.user.id, deps.clock());
    deps.logger.debug(
      `${body.user.id} ${vote.voted ? 'upvoted' : 'took back the vote on'} ${paperId}: ${vote.count}`,
    );
    const container = body.container as {
      type?: string;
      channel_id?: string;
      message_ts?: string;
      is_ephemeral?: boolean;
    };
    const clicked =
      container.type === 'message' &&
      container.channel_id &&
      container.message_ts &&
      !container.is_ephemeral
        ? { channelId: container.channel_id, messageTs: container.message_ts }
        : undefined;
    await deps.refresher.refresh(workspaceId, paperId, clicked);
  };
}
