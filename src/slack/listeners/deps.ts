import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../domain/clock';
import type { PaperLookup } from '../../feeds/lookup';
import type { PostLocks } from '../../queue/post-lock';
import type { Logger } from '../../logger';
import type { Store } from '../../store/store';
import type { CardRefresher } from '../card-refresher';

/** What every listener may use. Passed in by the composition root; listeners import no singletons. */
export interface ListenerDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
  /**
   * The bot's Web API client, for posts a member asks for (`/papers share`). It does not retry by
   * itself: a post retried after a timeout may land twice.
   */
  slack: WebClient;
  /** One poster at a time per (channel, paper), shared with the announce job. */
  locks: PostLocks;
  refresher: CardRefresher;
  /** Finds a paper by id in the store, else on Hugging Face, else on arXiv. */
  lookup: PaperLookup;
  /** The poll interval in words, for replies such as "new papers are checked every 15m". */
  pollEvery: string;
  /** The workspace's IANA time zone, for `/papers top today` and `since:7d`. */
  timeZone: string;
  /** `https://{workspace}.slack.com/` from `auth.test`, for links to threads; unknown in tests of pure parts. */
  workspaceUrl?: string;
}
