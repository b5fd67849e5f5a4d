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
  /** How many of the subscriber's keywords (not exclusions) matched, and the first found. */
  found: number;
  first: Subscription | undefined;
}

interface Subscription {
  readonly subscriber: Subscriber;
  readonly text: string;
  readonly excludes: boolean;
  readonly keyword: Positive;
  /** The posting list it sits in, and where, so that removing it is O(1). */
  readonly postings: Subscription[];
  slot: number;
  /** The map and key the posting list is filed under; none for a trie node's. */
  readonly home: Map<string, Subscription[]> | undefined;
  readonly key: string;
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
 * Where a phrase is filed: under its first two stems, so that a common first word (`large`) does
 * not make every phrase starting with it a candidate; a prefix after one word (`"graph neural*"`)
 * under that word. A two-stem key has a space; a stem never does, so the two cannot collide.
 */
function phraseKey(keyword: TermsKeyword | PrefixKeyword): string {
  const [first = '', second] = keyword.stems;
  return second === undefined ? first : `${first} ${second}`;
}

/**
 * Every subscriber's keywords compiled for matching many subscribers against one paper at a time,
 * touching only the keywords that can match it: one-word keywords by stem, looked up once per
 * distinct word of the paper; phrases by their first two stems, looked up at each position and
 * then checked word by word there; prefixes in a trie walked once per distinct word; authors by
 * their first name word. Exclusions sit in the same structures, flagged. Subscribers are opaque
 * strings (`workspaceId/userId`).
 *
 * Matching keeps per-call marks on subscribers and subscriptions instead of allocating sets, so
 * the index is not re-entrant; JavaScript runs {@link match} to the end before anything else.
 */
export class KeywordIndex {
  private readonly bySubscriber = new Map<string, Subscriber>();
  /** One-word keywords, by stem. */
  private readonly words = new Map<string, Subscription[]>();
  /** Phrases, and prefixes after words, by {@link phraseKey}. */
  private readonly phrases = new Map<string, Subscription[]>();
  private readonly prefixes = trieNode();
  /** Author keywords by their first name word. */
  private readonly authors = new Map<string, Subscription[]>();
  private count = 0;
  /** Counts match calls, to tell this call's marks from older ones. */
  private run = 0;
  /** The subscribers this match call has reached so far. */
  private reached: Subscriber[] = [];

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
      found: 0,
      first: undefined,
    };
    for (const keyword of keywords) {
      if (texts.has(keyword.text)) continue;
      texts.add(keyword.text);
      const positive = keyword.kind === 'exclusion' ? keyword.excluded : keyword;
      const { postings, home, key } = this.postingsFor(positive);
      const subscription: Subscription = {
        subscriber: entry,
        text: keyword.text,
        excludes: keyword.kind === 'exclusion',
        keyword: positive,
        postings,
        slot: postings.length,
        home,
        key,
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
    this.reached = [];
    const prepared = preparePaper(paper);
    const stems = new Set<string>();
    const words = new Set<string>();
    for (const field of prepared.fields) {
      const fieldStems = field.stems;
      for (let at = 0; at < fieldStems.length; at += 1) {
        const first = fieldStems[at] ?? '';
        stems.add(first);
        words.add(field.words[at] ?? '');
        const afterOne = this.phrases.get(first);
        if (afterOne !== undefined) this.findPhrases(afterOne, field, at, run);
        if (at + 1 < fieldStems.length) {
          const pair = this.phrases.get(`${first} ${fieldStems[at + 1]}`);
          if (pair !== undefined) this.findPhrases(pair, field, at, run);
        }
      }
    }
    for (const wordStem of stems) {
      const postings = this.words.get(wordStem);
      if (postings !== undefined)
        for (const subscription of postings) this.found(subscription, run);
    }
    for (const word of words) {
      let node: TrieNode | undefined = this.prefixes;
      for (const char of word) {
        node = node.children.get(char);
        if (node === undefined) break;
        for (const subscription of node.postings) this.found(subscription, run);
      }
    }
    for (const name of prepared.authors) {
      for (let at = 0; at < name.length; at += 1) {
        const postings = this.authors.get(name[at] ?? '');
        if (postings === undefined) continue;
        for (const subscription of postings) {
          const keyword = subscription.keyword as AuthorKeyword;
          if (subscription.run !== run && runAt(name, at, keyword.names)) {
            this.found(subscription, run);
          }
        }
      }
    }

    const matches = new Map<string, string[]>();
    for (const subscriber of this.reached) {
      if (subscriber.excluded) continue;
      if (subscriber.found === 1) {
        matches.set(subscriber.id, [subscriber.first?.text ?? '']);
        continue;
      }
      // The subscriber's own list, read in order: what this call found, without sorting.
      const texts: string[] = [];
      for (const subscription of subscriber.subscriptions) {
        if (subscription.run === run && !subscription.excludes) texts.push(subscription.text);
      }
      matches.set(subscriber.id, texts);
    }
    this.reached = [];
    return matches;
  }

  private findPhrases(
    postings: readonly Subscription[],
    field: PreparedPaper['fields'][number],
    at: number,
    run: number,
  ): void {
    for (const subscription of postings) {
      const keyword = subscription.keyword as TermsKeyword | PrefixKeyword;
      if (subscription.run !== run && phraseAt(keyword, field, at)) this.found(subscription, run);
    }
  }

  /** Marks a subscription found in this call, once, and its subscriber reached. */
  private found(subscription: Subscription, run: number): void {
    if (subscription.run === run) return;
    subscription.run = run;
    const subscriber = subscription.subscriber;
    if (subscriber.run !== run) {
      subscriber.run = run;
      subscriber.excluded = false;
      subscriber.found = 0;
      this.reached.push(subscriber);
    }
    if (subscription.excludes) subscriber.excluded = true;
    else if ((subscriber.found += 1) === 1) subscriber.first = subscription;
  }

  /** The posting list a keyword belongs in (created when new), and where it is filed. */
  private postingsFor(keyword: Positive): {
    postings: Subscription[];
    home: Map<string, Subscription[]> | undefined;
    key: string;
  } {
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
      // Emptied trie nodes stay: at most one per prefix ever typed, and walking them is free.
      return { postings: node.postings, home: undefined, key: keyword.prefix };
    }
    const [home, key] =
      keyword.kind === 'author'
        ? [this.authors, keyword.names[0] ?? '']
        : keyword.kind === 'terms' && keyword.stems.length === 1
          ? [this.words, keyword.stems[0] ?? '']
          : [this.phrases, phraseKey(keyword)];
    let postings = home.get(key);
    if (postings === undefined) {
      postings = [];
      home.set(key, postings);
    }
    return { postings, home, key };
  }

  /**
   * Takes a subscription out of its posting list (the last one moves into its slot), and an
   * emptied list out of its map, so the maps do not keep every word anyone ever subscribed to.
   */
  private unlink(subscription: Subscription): void {
    const { postings, slot } = subscription;
    const last = postings.pop();
    if (last !== undefined && last !== subscription) {
      postings[slot] = last;
      last.slot = slot;
    }
    if (postings.length === 0) subscription.home?.delete(subscription.key);
  }
}
