import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { homeView } from '../../blocks/home';
import type { ListenerDeps } from '../deps';

type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** Publishes the Home tab each time a member opens it, so it always shows the current follows. */
export function appHomeOpened(deps: ListenerDeps) {
  return async ({ event, body, client }: HomeOpenedArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    const workspaceId = body.team_id;
    const follows = await deps.store.followsIn(workspaceId);
    await client.views.publish({ user_id: event.user, view: homeView(follows) });
  };
}
