import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps';
import { papersCommand } from './papers';

export function register(app: App, deps: ListenerDeps): void {
  app.command('/papers', papersCommand(deps));
}
