import { KeywordIndex } from '../domain/keyword-index';
import { parseKeyword, type Keyword } from '../domain/keywords';
import type { Paper } from '../domain/paper';
import type { Logger } from '../logger';
import type { AlertStore, MemberRef } from './store';

/** A paper that matched a member's keywords, as the poll records it. */
export interface KeywordHit extends MemberRef {
  paperId: string;
  keywords: string[];
  /** The member wants a DM after each poll (rather than a digest). */
  instant: boolean;
}

/** A member's key in the index: Slack ids hold no `/`. */
const subscriberKey = (member: MemberRef): string => `${member.workspaceId}/${member.userId}`;

/**
 * Every member's keywords compiled into one {@link KeywordIndex}, kept in step with the store:
 * before each match it asks the store for the members changed since the revision it last saw, and
 * recompiles only those. Any process may hold one; the store is the truth they all follow.
 */
export class SubscriberIndex {
  private readonly index = new KeywordIndex();
  private readonly instant = new Map<string, boolean>();
  private revision = 0;
  /** One catch-up at a time: two concurrent ones would apply the same changes twice. */
  private catchingUp: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<AlertStore, 'subscribersChangedSince'>,
    private readonly logger: Logger,
  ) {}

  /** Applies every change to members' keywords or modes made since the last catch-up. */
  catchUp(): Promise<void> {
    // Chained on the last catch-up whatever its outcome: one failed read (the database briefly
    // away) must not fail every catch-up after it.
    this.catchingUp = this.catchingUp
      .catch(() => undefined)
      .then(async () => {
        const { revision, subscribers } = await this.store.subscribersChangedSince(this.revision);
        for (const subscriber of subscribers) {
          const key = subscriberKey(subscriber);
          const off = subscriber.mode.kind === 'off';
          this.index.setKeywords(key, off ? [] : this.compile(subscriber.keywords, key));
          this.instant.set(key, subscriber.mode.kind === 'instant');
        }
        this.revision = revision;
      });
    return this.catchingUp;
  }

  private compile(keywords: readonly string[], key: string): Keyword[] {
    return keywords.flatMap((text) => {
      const keyword = parseKeyword(text);
      if ('problem' in keyword) {
        // Stored keywords were accepted once; one the parser now refuses is skipped, not fatal.
        this.logger.warn(
          `skipping the keyword ${JSON.stringify(text)} of ${key}: ${keyword.problem}`,
        );
        return [];
      }
      return [keyword];
    });
  }

  /** The members each paper matches, with the keywords that matched. */
  async match(papers: readonly Paper[]): Promise<KeywordHit[]> {
    await this.catchUp();
    const hits: KeywordHit[] = [];
    for (const paper of papers) {
      for (const [key, keywords] of this.index.match(paper)) {
        const slash = key.indexOf('/');
        hits.push({
          workspaceId: key.slice(0, slash),
          userId: key.slice(slash + 1),
          paperId: paper.id,
          keywords,
          instant: this.instant.get(key) ?? true,
        });
      }
    }
    return hits;
  }
}
