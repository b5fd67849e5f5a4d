import type { App } from '@slack/bolt';
import { ACTION_IDS, ALERT_KEYWORD_REMOVE_PATTERN } from '../../blocks/ids';
import type { ListenerDeps } from '../deps';
import { addKeywordsAction, alertModeAction, alertMoreAction, removeKeywordAction } from './alerts';
import { searchPageAction } from './search-page';
import { shareAction } from './share';
import { upvoteAction } from './upvote';

export function register(app: App, deps: ListenerDeps): void {
  app.action(ACTION_IDS.upvote, upvoteAction(deps));
  app.action(ACTION_IDS.share, shareAction(deps));
  app.action(ACTION_IDS.searchPrevious, searchPageAction(deps));
  app.action(ACTION_IDS.searchNext, searchPageAction(deps));
  app.action(ALERT_KEYWORD_REMOVE_PATTERN, removeKeywordAction(deps));
  app.action(ACTION_IDS.alertKeywordsAdd, addKeywordsAction(deps));
  app.action(ACTION_IDS.alertMode, alertModeAction(deps, 'mode'));
  app.action(ACTION_IDS.alertTime, alertModeAction(deps, 'time'));
  app.action(ACTION_IDS.alertDay, alertModeAction(deps, 'day'));
  app.action(ACTION_IDS.alertMore, alertMoreAction(deps));
}
