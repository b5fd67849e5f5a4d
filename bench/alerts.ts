import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  KeywordIndex,
  matchKeywordsNaively,
  preparePaper,
  type KeywordPaper,
} from '../src/domain/keyword-index';
import { parseKeyword, parseKeywordList, type Keyword } from '../src/domain/keywords';
import { generateCorpus, generateQueries } from './corpus';
import { prng } from '../test/support/prng';

export interface AlertsFigures {
  members: number;
  subscriptions: number;
  /** How many of each kind of keyword were subscribed. */
  kinds: Record<Keyword['kind'], number>;
  papers: number;
  /** Parsing every member's keyword texts, as the app does when it loads them from the store. */
  parseMs: number;
  /** `setKeywords` for every member. */
  buildMs: number;
  /** Heap used once the index is built (live objects, after a full collection), and what building it added. */
  heapUsedMb: number;
  indexHeapMb: number;
  /** The process's peak resident memory so far, once the index is built. */
  maxRssMb: number;
  /** Matching every paper with the index, tokenizing included. */
  matchMs: number;
  /** (member, paper) pairs the index found, and the keyword matches in them. */
  matchedPairs: number;
  matchedKeywords: number;
  /** The papers the naive scans ran on (the first ones), and what they found there. */
  naivePapers: number;
  naivePairs: number;
  /** Pairs where the index and the naive scan disagree, over the naive papers; 0 is right. */
  disagreements: number;
  /** The naive scan, tokenizing each paper for every member, measured on the naive papers. */
  naiveMs: number;
  /** The same, each paper tokenized once for all members. */
  naivePreparedMs: number;
  /** The index on the naive papers alone, for a like-for-like ratio. */
  indexOnNaiveMs: number;
}

const SEED = 23;
/** Of each keyword drawn: word, phrase, prefix, exclusion, author (cumulative shares). */
const MIX = { word: 0.7, phrase: 0.85, prefix: 0.92, exclusion: 0.96 } as const;
/** Topical keywords are found in at most this share of papers. */
const TOPICAL_SHARE = 0.02;
const TOPICAL_SAMPLE = 2_000;

function timed(run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * A full garbage collection, so that heap figures count live objects only. `npm run bench`
 * passes no node flags, so `--expose-gc` is set now and `gc` fetched from a fresh context.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function parsed(text: string): Keyword {
  const keyword = parseKeyword(text);
  if ('problem' in keyword) throw new Error(keyword.problem);
  return keyword;
}

interface Pools {
  words: string[];
  phrases: string[];
  prefixes: string[];
  /** One entry per occurrence: popular authors are followed more. */
  authors: string[];
}

/**
 * Words, phrases and authors of the fixture vocabulary, taken from generated search queries
 * (which draw them from the fixture as a person would type them), and prefixes of its longer
 * words. Words, phrases and prefixes are kept once each, to be drawn uniformly: members subscribe
 * to topics, not to the commonest words of abstracts.
 */
function vocabulary(): Pools {
  const items = generateQueries(30_000, { seed: SEED }).flatMap(
    (query) => query.match(/(?:[^\s"]+|"[^"]*"?)+/g) ?? [],
  );
  const words = new Set<string>();
  const phrases = new Set<string>();
  const authors: string[] = [];
  for (const item of items) {
    if (item.startsWith('author:')) authors.push(item);
    else if (item.startsWith('"')) phrases.add(item);
    else if (/^-?[a-z0-9]+$/.test(item)) words.add(item.replace(/^-/, ''));
  }
  const prefixes = new Set(
    [...words]
      .filter((word) => word.length >= 7)
      .flatMap((word) => [4, 5, 6].map((n) => `${word.slice(0, n)}*`)),
  );
  return { words: [...words], phrases: [...phrases], prefixes: [...prefixes], authors };
}

/**
 * The keyword texts found in at most {@link TOPICAL_SHARE} of a separate sample of generated
 * papers (another seed than the measured ones), counted with a {@link KeywordIndex}.
 */
function topical(texts: readonly string[]): Set<string> {
  const index = new KeywordIndex();
  for (const text of texts) index.setKeywords(text, [parsed(text)]);
  const papers = new Map<string, number>();
  for (const paper of generateCorpus(TOPICAL_SAMPLE, { seed: SEED + 1 })) {
    for (const text of index.match(paper).keys()) papers.set(text, (papers.get(text) ?? 0) + 1);
  }
  return new Set(texts.filter((text) => (papers.get(text) ?? 0) <= TOPICAL_SHARE * TOPICAL_SAMPLE));
}

/**
 * Each member's keywords as the store keeps them (canonical texts): `perMember` of the {@link MIX},
 * none matching what another of theirs does.
 */
function drawSubscriptions(members: number, perMember: number, onlyTopical: boolean): string[][] {
  const random = prng(SEED);
  const pools = vocabulary();
  if (onlyTopical) {
    const keep = topical([...pools.words, ...pools.phrases, ...pools.prefixes]);
    pools.words = pools.words.filter((text) => keep.has(text));
    pools.phrases = pools.phrases.filter((text) => keep.has(text));
    pools.prefixes = pools.prefixes.filter((text) => keep.has(text));
  }
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const draw = (): string => {
    const kind = random();
    if (kind < MIX.word) return pick(pools.words);
    if (kind < MIX.phrase) return pick(pools.phrases);
    if (kind < MIX.prefix) return pick(pools.prefixes);
    if (kind < MIX.exclusion) return `-${pick(pools.words)}`;
    // Half by full name, half by last name alone.
    const author = pick(pools.authors);
    return random() < 0.5 ? author : `author:${author.split(' ').at(-1)!.replace(/"$/, '')}`;
  };
  return Array.from({ length: members }, () => {
    const texts: string[] = [];
    // parseKeywordList drops what matches like an earlier keyword (`model models`): draw again.
    while (texts.length < perMember) {
      texts.push(draw());
      const { keywords, problems } = parseKeywordList(texts.join(' '));
      if (problems.length > 0) throw new Error(problems.join(' '));
      texts.splice(0, texts.length, ...keywords.map((keyword) => keyword.text));
    }
    return texts;
  });
}

/** Options of {@link measureAlerts}. */
export interface AlertsOptions {
  /** Papers the naive scans run on (the first ones); 20 unless told. */
  naivePapers?: number;
  /**
   * Draw words, phrases and prefixes only among those in at most 2% of papers, as topics members
   * follow are; otherwise from the whole vocabulary, where the median word is in 3% of papers.
   */
  topical?: boolean;
}

/**
 * Keyword alerts at scale: `members` members with `keywordsPerMember` keywords each, drawn from
 * the fixture vocabulary, against `papers` generated papers. Builds a {@link KeywordIndex},
 * matches every paper, and runs the naive per-member scan in the same process over the first
 * papers (it is too slow for all), checking that both find the same.
 */
export function measureAlerts(
  members: number,
  keywordsPerMember: number,
  papers: number,
  options: AlertsOptions = {},
): AlertsFigures {
  const naivePapers = options.naivePapers ?? 20;
  const texts = drawSubscriptions(members, keywordsPerMember, options.topical ?? false);
  const corpus: KeywordPaper[] = generateCorpus(papers, { seed: SEED });

  let lists: Keyword[][] = [];
  const parseMs = timed(() => (lists = texts.map((list) => list.map(parsed))));
  const kinds: Record<Keyword['kind'], number> = { terms: 0, prefix: 0, exclusion: 0, author: 0 };
  for (const keyword of lists.flat()) kinds[keyword.kind] += 1;

  const ids = lists.map((_, i) => `T${i % 50}/U${i}`);
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const index = new KeywordIndex();
  const buildMs = timed(() => lists.forEach((list, i) => index.setKeywords(ids[i]!, list)));
  collectGarbage();
  const heapUsed = process.memoryUsage().heapUsed;
  // resourceUsage() gives kilobytes.
  const maxRssMb = process.resourceUsage().maxRSS / 1024;

  // Once unmeasured, as a long-running worker would have warmed up.
  for (const paper of corpus.slice(0, 20)) index.match(paper);
  let matchedPairs = 0;
  let matchedKeywords = 0;
  const found: Array<Map<string, string[]>> = [];
  const matchMs = timed(() => {
    for (const paper of corpus) {
      const matches = index.match(paper);
      if (found.length < naivePapers) found.push(matches);
      matchedPairs += matches.size;
      for (const keywords of matches.values()) matchedKeywords += keywords.length;
    }
  });
  const slice = corpus.slice(0, naivePapers);
  const indexOnNaiveMs = timed(() => slice.forEach((paper) => index.match(paper)));

  let naivePairs = 0;
  let disagreements = 0;
  const naiveMs = timed(() => {
    for (const paper of slice) {
      for (const list of lists) matchKeywordsNaively(list, paper);
    }
  });
  const naive: string[][][] = [];
  const naivePreparedMs = timed(() => {
    for (const paper of slice) {
      const prepared = preparePaper(paper);
      naive.push(lists.map((list) => matchKeywordsNaively(list, prepared)));
    }
  });
  naive.forEach((perMember, p) =>
    perMember.forEach((keywords, i) => {
      if (keywords.length > 0) naivePairs += 1;
      const indexed = found[p]?.get(ids[i]!) ?? [];
      if (indexed.join('\n') !== keywords.join('\n')) disagreements += 1;
    }),
  );

  return {
    members,
    subscriptions: index.subscriptions,
    kinds,
    papers: corpus.length,
    parseMs,
    buildMs,
    heapUsedMb: heapUsed / 2 ** 20,
    indexHeapMb: (heapUsed - heapBefore) / 2 ** 20,
    maxRssMb,
    matchMs,
    matchedPairs,
    matchedKeywords,
    naivePapers: slice.length,
    naivePairs,
    disagreements,
    naiveMs,
    naivePreparedMs,
    indexOnNaiveMs,
  };
}
