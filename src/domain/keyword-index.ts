import {
  foldedWords,
  stem,
  type AuthorKeyword,
  type Keyword,
  type PrefixKeyword,
  type TermsKeyword,
} from './keywords';

/** What keyword matching reads of a paper. */
export interface KeywordPaper {
  title: string;
  abstract: string;
  authors: readonly string[];
}

/** A paper's words as matching reads them, worked out once per paper. */
export interface PreparedPaper {
  /**
   * The title's words and the abstract's, apart: a phrase cannot run from the end of the title
   * into the abstract. `words` are folded ({@link foldedWords}), `stems` the same words stemmed.
   */
  readonly fields: ReadonlyArray<{
    readonly words: readonly string[];
    readonly stems: readonly string[];
  }>;
  /** Each author's folded name words. */
  readonly authors: ReadonlyArray<readonly string[]>;
}

type Positive = TermsKeyword | PrefixKeyword | AuthorKeyword;

/** Tokenizes a paper's title, abstract and authors for {@link matchKeywordsNaively}. */
export function preparePaper(paper: KeywordPaper): PreparedPaper {
  return {
    fields: [paper.title, paper.abstract].map((text) => {
      const words = foldedWords(text);
      return { words, stems: words.map(stem) };
    }),
    authors: paper.authors.map(foldedWords),
  };
}

/** Whether `wanted` are the items of `have` from `at` on. */
function runAt(have: readonly string[], at: number, wanted: readonly string[]): boolean {
  if (at + wanted.length > have.length) return false;
  for (let j = 0; j < wanted.length; j += 1) if (have[at + j] !== wanted[j]) return false;
  return true;
}

/** Whether `keyword` (terms or prefix) starts at word `at` of a field. */
function phraseAt(
  keyword: TermsKeyword | PrefixKeyword,
  field: PreparedPaper['fields'][number],
  at: number,
): boolean {
  if (!runAt(field.stems, at, keyword.stems)) return false;
  if (keyword.kind === 'terms') return true;
  return field.words[at + keyword.stems.length]?.startsWith(keyword.prefix) ?? false;
}

function matchesPaper(keyword: Positive, paper: PreparedPaper): boolean {
  if (keyword.kind === 'author') {
    return paper.authors.some((name) => name.some((_, at) => runAt(name, at, keyword.names)));
  }
  return paper.fields.some((field) => field.words.some((_, at) => phraseAt(keyword, field, at)));
}

/**
 * One member's keywords against one paper, keyword by keyword and word by word: the `text` of
 * each keyword that matched, in the member's order, or none when an exclusion matched (or when
 * the member has exclusions only). The baseline {@link KeywordIndex} is measured and tested
 * against; a caller matching many papers passes each {@link preparePaper}d once.
 */
export function matchKeywordsNaively(
  keywords: readonly Keyword[],
  paper: KeywordPaper | PreparedPaper,
): string[] {
  const prepared = 'fields' in paper ? paper : preparePaper(paper);
  const matched: string[] = [];
  for (const keyword of keywords) {
    if (keyword.kind === 'exclusion') {
      if (matchesPaper(keyword.excluded, prepared)) return [];
    } else if (!matched.includes(keyword.text) && matchesPaper(keyword, prepared)) {
      matched.push(keyword.text);
    }
  }
  return matched;
}

interface Subscriber {
  readonly id: string;
  /** By the member's order; exclusions included. */
  readonly subscriptions: Subscription[];
  /** The match call that last reached this subscriber; the fields below belong to that call. */
  run: number;
  excluded: boolean;
  /** Orders of the keywords that matched. */
  matched: number[];
}

interface Subscription {
  readonly subscriber: Subscriber;
  /** Position in the subscriber's list: matches are reported in this order. */
  readonly order: number;
  readonly text: string;
  readonly excludes: boolean;
  readonly keyword: Positive;
  /** The posting list it sits in, and where, so that removing it is O(1). */
  readonly postings: Subscription[];
  slot: number;
  /** The match call that last found it: a word repeated in an abstract counts once. */
  run: number;
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** Prefix keywords whose prefix ends at this node. */
  readonly postings: Subscription[];
}

function trieNode(): TrieNode {
  return { children: new Map(), postings: [] };
}

/**
 * Every subscriber's keywords compiled for matching many subscribers against one paper at a time,
 * touching only the keywords that can match it: one-word keywords by stem, phrases by their first
 * stem (then checked word by word where that stem occurs), prefixes in a trie walked once per
 * distinct word of the paper, authors by their first name word. Exclusions sit in the same
 * structures, flagged. Subscribers are opaque strings (`workspaceId/userId`).
 *
 * Matching keeps per-call marks on subscribers and subscriptions instead of allocating sets, so
 * the index is not re-entrant; JavaScript runs {@link match} to the end before anything else.
 */
export class KeywordIndex {
  private readonly bySubscriber = new Map<string, Subscriber>();
  /** One-word keywords, by stem. */
  private readonly words = new Map<string, Subscription[]>();
  /** Phrases, and prefixes after words (`"graph neural*"`), by their first stem. */
  private readonly phrases = new Map<string, Subscription[]>();
  private readonly prefixes = trieNode();
  /** Author keywords by their first name word. */
  private readonly authors = new Map<string, Subscription[]>();
  private count = 0;
  private run = 0;

  /** How many keywords are indexed, exclusions included. */
  get subscriptions(): number {
    return this.count;
  }

  /** How many subscribers have at least one keyword. */
  get subscribers(): number {
    return this.bySubscriber.size;
  }

  /**
   * Replaces a subscriber's keywords (in their order; a repeated `text` counts once); none
   * removes the subscriber. Costs O(old + new keywords), whatever the size of the index.
   */
  setKeywords(subscriber: string, keywords: readonly Keyword[]): void {
    const old = this.bySubscriber.get(subscriber);
    if (old) {
      for (const subscription of old.subscriptions) this.unlink(subscription);
      this.count -= old.subscriptions.length;
      this.bySubscriber.delete(subscriber);
    }
    const texts = new Set<string>();
    const entry: Subscriber = {
      id: subscriber,
      subscriptions: [],
      run: 0,
      excluded: false,
      matched: [],
    };
    for (const keyword of keywords) {
      if (texts.has(keyword.text)) continue;
      texts.add(keyword.text);
      const positive = keyword.kind === 'exclusion' ? keyword.excluded : keyword;
      const postings = this.postingsFor(positive);
      const subscription: Subscription = {
        subscriber: entry,
        order: entry.subscriptions.length,
        text: keyword.text,
        excludes: keyword.kind === 'exclusion',
        keyword: positive,
        postings,
        slot: postings.length,
        run: 0,
      };
      postings.push(subscription);
      entry.subscriptions.push(subscription);
    }
    if (entry.subscriptions.length === 0) return;
    this.bySubscriber.set(subscriber, entry);
    this.count += entry.subscriptions.length;
  }

  /**
   * The subscribers that `paper` matches, in no particular order, each with the `text` of every
   * keyword of theirs that matched, in their order. A subscriber one of whose exclusions matched
   * is left out, as is one with exclusions only.
   */
  match(paper: KeywordPaper): Map<string, string[]> {
    const run = (this.run += 1);
    const reached: Subscriber[] = [];
    const found = (subscription: Subscription): void => {
      if (subscription.run === run) return;
      subscription.run = run;
      const subscriber = subscription.subscriber;
      if (subscriber.run !== run) {
        subscriber.run = run;
        subscriber.excluded = false;
        subscriber.matched = [];
        reached.push(subscriber);
      }
      if (subscription.excludes) subscriber.excluded = true;
      else subscriber.matched.push(subscription.order);
    };

    const prepared = preparePaper(paper);
    const stems = new Set<string>();
    const words = new Set<string>();
    for (const field of prepared.fields) {
      field.stems.forEach((wordStem, at) => {
        stems.add(wordStem);
        words.add(field.words[at] ?? '');
        const phrases = this.phrases.get(wordStem);
        if (phrases === undefined) return;
        for (const subscription of phrases) {
          if (subscription.run === run) continue;
          if (phraseAt(subscription.keyword as TermsKeyword | PrefixKeyword, field, at)) {
            found(subscription);
          }
        }
      });
    }
    for (const wordStem of stems) this.words.get(wordStem)?.forEach(found);
    for (const word of words) {
      let node: TrieNode | undefined = this.prefixes;
      for (const char of word) {
        node = node.children.get(char);
        if (node === undefined) break;
        node.postings.forEach(found);
      }
    }
    for (const name of prepared.authors) {
      name.forEach((nameWord, at) => {
        const authors = this.authors.get(nameWord);
        if (authors === undefined) return;
        for (const subscription of authors) {
          if (subscription.run === run) continue;
          if (runAt(name, at, (subscription.keyword as AuthorKeyword).names)) found(subscription);
        }
      });
    }

    const matches = new Map<string, string[]>();
    for (const subscriber of reached) {
      if (subscriber.excluded || subscriber.matched.length === 0) continue;
      // Found word by word; reported in the subscriber's own order.
      subscriber.matched.sort((a, b) => a - b);
      matches.set(
        subscriber.id,
        subscriber.matched.map((order) => subscriber.subscriptions[order]?.text ?? ''),
      );
    }
    return matches;
  }

  /** The posting list a keyword belongs in, created when new. */
  private postingsFor(keyword: Positive): Subscription[] {
    if (keyword.kind === 'prefix' && keyword.stems.length === 0) {
      let node = this.prefixes;
      for (const char of keyword.prefix) {
        let child = node.children.get(char);
        if (child === undefined) {
          child = trieNode();
          node.children.set(char, child);
        }
        node = child;
      }
      return node.postings;
    }
    const [map, key] =
      keyword.kind === 'author'
        ? [this.authors, keyword.names[0]]
        : keyword.kind === 'terms' && keyword.stems.length === 1
          ? [this.words, keyword.stems[0]]
          : [this.phrases, keyword.stems[0]];
    let postings = map.get(key ?? '');
    if (postings === undefined) {
      postings = [];
      map.set(key ?? '', postings);
    }
    return postings;
  }

  /** Takes a subscription out of its posting list: the last one moves into its slot. */
  private unlink(subscription: Subscription): void {
    const { postings, slot } = subscription;
    const last = postings.pop();
    if (last !== undefined && last !== subscription) {
      postings[slot] = last;
      last.slot = slot;
    }
    if (postings.length === 0) this.dropEmpty(subscription.keyword);
  }

  /**
   * Forgets an emptied posting list, so the maps do not keep every word anyone ever subscribed
   * to. Emptied trie nodes stay: at most one per prefix ever typed, and walking them is free.
   */
  private dropEmpty(keyword: Positive): void {
    if (keyword.kind === 'author') this.authors.delete(keyword.names[0] ?? '');
    else if (keyword.kind === 'terms' && keyword.stems.length === 1) {
      this.words.delete(keyword.stems[0] ?? '');
    } else if (keyword.stems.length > 0) this.phrases.delete(keyword.stems[0] ?? '');
  }
}
