import type { App } from '@slack/bolt';
import { ACTION_IDS } from '../../blocks/ids';
import type { ListenerDeps } from '../deps';
import { upvoteAction } from './upvote';

export function register(app: App, deps: ListenerDeps): void {
  app.action(ACTION_IDS.upvote, upvoteAction(deps));
}
