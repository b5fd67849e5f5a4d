import type { Clock } from '../../domain/clock';
import type { Logger } from '../../logger';
import type { Store } from '../../store/store';
import type { CardRefresher } from '../card-refresher';

/** What every listener may use. Passed in by the composition root; listeners import no singletons. */
export interface ListenerDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
  refresher: CardRefresher;
  /** The poll interval in words, for replies such as "new papers are checked every 15m". */
  pollEvery: string;
}
