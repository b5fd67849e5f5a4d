import type { App } from '@slack/bolt';
import { ACTION_IDS } from '../../blocks/ids';
import type { ListenerDeps } from '../deps';
import { searchPageAction } from './search-page';
import { shareAction } from './share';
import { upvoteAction } from './upvote';

export function register(app: App, deps: ListenerDeps): void {
  app.action(ACTION_IDS.upvote, upvoteAction(deps));
  app.action(ACTION_IDS.share, shareAction(deps));
  app.action(ACTION_IDS.searchPrevious, searchPageAction(deps));
  app.action(ACTION_IDS.searchNext, searchPageAction(deps));
}
