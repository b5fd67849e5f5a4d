import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { notice } from '../../blocks/messages';
import { parseSearchPageValue } from '../../blocks/search-results';
import { searchPapers } from '../../search';
import { answerAfterAck } from '../after-ack';
import type { ListenerDeps } from '../deps';
import { workspaceOf } from './workspace';

type PageArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Previous / Next under search results: the same query from another offset, in place. */
export function searchPageAction(deps: ListenerDeps) {
  return async ({ ack, body, action, respond }: PageArgs): Promise<void> => {
    await ack();
    await answerAfterAck(
      deps,
      respond,
      async () => {
        const page = parseSearchPageValue(action.value);
        const workspaceId = workspaceOf(body);
        if (!page || !workspaceId) return notice('That page is gone. Run the search again?');
        return searchPapers(deps, workspaceId, page.q, { offset: page.offset, fromButton: true });
      },
      { replace: true },
    );
  };
}
