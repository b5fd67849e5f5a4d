import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps';
import { appHomeOpened } from './app-home-opened';
import { linkShared } from './link-shared';
import { threadReply } from './thread-reply';

export function register(app: App, deps: ListenerDeps, botUserId: string): void {
  app.event('app_home_opened', appHomeOpened(deps));
  app.event('message', threadReply(deps, botUserId));
  app.event('link_shared', linkShared(deps));
}
