import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { memberTimeZone, publishHome } from '../../app-home';
import type { ListenerDeps } from '../deps';

type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/**
 * Publishes the Home tab each time a member opens it, so it always shows the current follows,
 * keywords and matches. A digest member's time zone is checked on the way: they may have moved.
 */
export function appHomeOpened(deps: ListenerDeps) {
  return async ({ event, body }: HomeOpenedArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    const member = { workspaceId: body.team_id, userId: event.user };
    const settings = await deps.store.alertSettings(member);
    if (settings.mode.kind === 'daily' || settings.mode.kind === 'weekly') {
      const timeZone = await memberTimeZone(deps, member.userId);
      if (timeZone && timeZone !== settings.timeZone) {
        await deps.store.setAlertSettings(member, { mode: settings.mode, timeZone });
      }
    }
    await publishHome(deps, member);
  };
}
