import type { App } from '@slack/bolt';
import { CALLBACK_IDS } from '../../blocks/ids';
import type { ListenerDeps } from '../deps';
import { keywordsModalSubmitted } from './keywords-modal';

export function register(app: App, deps: ListenerDeps): void {
  app.view(CALLBACK_IDS.alertKeywordsModal, keywordsModalSubmitted(deps));
}
