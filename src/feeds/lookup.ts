import type { Clock } from '../domain/clock';
import type { Paper } from '../domain/paper';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { ArxivClient } from './arxiv';
import type { HfClient } from './hf';

/** Where a looked-up paper came from. */
export type LookupSource = 'store' | 'hf' | 'arxiv';

export const LOOKUP_SOURCE_LABELS: Record<LookupSource, string> = {
  store: 'Paperboy',
  hf: 'Hugging Face',
  arxiv: 'arXiv',
};

export interface FoundPaper {
  paper: Paper;
  source: LookupSource;
}

/** A source could not be asked, and none that answered had the paper: worth trying again later. */
export class LookupUnavailableError extends Error {
  constructor(id: string, cause: unknown) {
    super(`could not reach Hugging Face or arXiv to look up ${id}`, { cause });
    this.name = 'LookupUnavailableError';
  }
}

export interface PaperLookup {
  /**
   * The paper with this canonical id: from the store, else fetched from Hugging Face's
   * single-paper API, else from arXiv by `id_list`. A fetched paper is saved in the store, so
   * votes, shares and later searches find it. Undefined when every source said it does not know
   * the id; {@link LookupUnavailableError} when a source could not be asked and none had it.
   */
  find(id: string): Promise<FoundPaper | undefined>;
}

export interface PaperLookupDeps {
  store: Store;
  hf: Pick<HfClient, 'fetchPaper'>;
  arxiv: Pick<ArxivClient, 'fetchByIds'>;
  clock: Clock;
  logger: Logger;
}

export function createPaperLookup(deps: PaperLookupDeps): PaperLookup {
  const { store, hf, arxiv, clock, logger } = deps;

  /** Asks one source; a failure is logged and remembered, so the next source still gets asked. */
  async function ask(
    source: Exclude<LookupSource, 'store'>,
    fetch: () => Promise<Paper | undefined>,
    failures: unknown[],
  ): Promise<Paper | undefined> {
    try {
      return await fetch();
    } catch (error) {
      logger.warn(`looking up a paper on ${LOOKUP_SOURCE_LABELS[source]} failed:`, error);
      failures.push(error);
      return undefined;
    }
  }

  return {
    async find(id) {
      const known = await store.getPaper(id);
      if (known) return { paper: known, source: 'store' };
      const failures: unknown[] = [];
      const sources: Array<[Exclude<LookupSource, 'store'>, () => Promise<Paper | undefined>]> = [
        ['hf', () => hf.fetchPaper(id)],
        ['arxiv', async () => (await arxiv.fetchByIds([id])).papers.find((p) => p.id === id)],
      ];
      for (const [source, fetch] of sources) {
        const paper = await ask(source, fetch, failures);
        if (!paper) continue;
        await store.upsertPapers([paper], clock());
        return { paper: (await store.getPaper(id)) ?? paper, source };
      }
      // "Not found" is only an answer when every source gave it.
      if (failures.length > 0) throw new LookupUnavailableError(id, failures[0]);
      return undefined;
    },
  };
}
