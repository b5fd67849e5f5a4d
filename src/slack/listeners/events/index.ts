import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps';
import { appHomeOpened } from './app-home-opened';
import { threadReply } from './thread-reply';

export function register(app: App, deps: ListenerDeps, botUserId: string): void {
  app.event('app_home_opened', appHomeOpened(deps));
  app.event('message', threadReply(deps, botUserId));
}
