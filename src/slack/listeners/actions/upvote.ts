import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { canonicalArxivId } from '../../../domain/arxiv-id';
import { unfurlBlocks } from '../../unfurl';
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
      is_app_unfurl?: boolean;
      app_unfurl_url?: string;
    };
    const clicked =
      container.type === 'message' &&
      container.channel_id &&
      container.message_ts &&
      !container.is_ephemeral
        ? { channelId: container.channel_id, messageTs: container.message_ts }
        : undefined;
    await deps.refresher.refresh(workspaceId, paperId, clicked);
    // A card in an unfurl belongs to the message it unfurls, which is not ours to chat.update:
    // unfurling the link again is how its count changes.
    if (
      container.is_app_unfurl &&
      container.app_unfurl_url &&
      container.channel_id &&
      container.message_ts
    ) {
      const blocks = await unfurlBlocks(deps, workspaceId, paperId);
      if (!blocks) return;
      await deps.slack.chat
        .unfurl({
          channel: container.channel_id,
          ts: container.message_ts,
          unfurls: { [container.app_unfurl_url]: { blocks } },
        })
        .catch((error: unknown) =>
          deps.logger.warn(`could not refresh the unfurl of ${paperId}:`, error),
        );
    }
  };
}
