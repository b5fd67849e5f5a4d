/**
 * A deterministic synthetic corpus for search and matching benchmarks: papers whose titles,
 * abstracts, authors and counts follow the statistics of the recorded Hugging Face Daily Papers
 * fixture, and search queries drawn from the same vocabulary. The same seed gives the same corpus.
 *
 * `npx tsx bench/corpus.ts [count]` generates a corpus (200,000 papers unless told) and prints the
 * time and memory it took, one paper and ten queries.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalArxivId } from '../src/domain/arxiv-id';
import type { Paper } from '../src/domain/paper';
import { normalizeHfItem } from '../src/feeds/hf';
import { prng } from '../test/support/prng';

/** In {@link TextModel.successors}: the text ended after this token. */
export const TEXT_END = -1;

/** A bigram Markov chain over the whitespace-separated tokens of one kind of fixture text. */
export interface TextModel {
  /** The distinct tokens as written, case and attached punctuation kept; a token's id is its index. */
  readonly tokens: readonly string[];
  /** Unigram frequencies: how often each token occurs in the fixture, by token id. */
  readonly counts: Uint32Array;
  /**
   * Bigram transitions: for each token id, the ids of the tokens that followed it, one entry per
   * occurrence (so a uniform pick is a frequency-weighted one), {@link TEXT_END} where a text ended.
   */
  readonly successors: readonly Int32Array[];
  /** The id of each fixture text's first token. */
  readonly starts: Int32Array;
}

/** What the corpus is made of, all taken from the fixture. */
export interface Vocabulary {
  readonly title: TextModel;
  readonly abstract: TextModel;
  /** The distinct first names of the fixture's authors, recombined freely with {@link lastNames}. */
  readonly firstNames: readonly string[];
  readonly lastNames: readonly string[];
  /** The fixture's HF upvote counts, one per paper. */
  readonly upvotes: readonly number[];
  /** The fixture's HF comment counts, one per paper. */
  readonly comments: readonly number[];
  /** The fixture's number of authors, one per paper. */
  readonly authorCounts: readonly number[];
  /** The owners of the fixture's GitHub repositories (`microsoft`, `thu-nics`). */
  readonly githubOwners: readonly string[];
  /**
   * The method names that open fixture titles (`FlexTok` of `FlexTok: Resampling…`). Generated
   * text gets invented names in their place: copied, a few names would each title thousands of
   * papers, where real names are the rarest terms of a corpus.
   */
  readonly methodNames: ReadonlySet<string>;
}

/** Options of {@link generateCorpus}. */
export interface CorpusOptions {
  /** Defaults to 1. */
  seed?: number;
  /** Earliest `publishedAt`, inclusive; defaults to 2023-01-01 UTC. */
  start?: Date;
  /** Latest `publishedAt`, exclusive; defaults to 2026-11-01 UTC. */
  end?: Date;
}

const FIXTURE = join(__dirname, '..', 'test', 'fixtures', 'hf-daily-papers.json');
const DEFAULT_SEED = 1;
const DEFAULT_START = new Date('2023-01-01T00:00:00Z');
const DEFAULT_END = new Date('2026-11-01T00:00:00Z');
/** From January 2015 new-style arXiv numbers have five digits, up to 99999 a month. */
const FIVE_DIGIT_IDS_FROM = Date.UTC(2015, 0, 1);
const MAX_IDS_PER_MONTH = 99_999;

const TITLE_WORDS = { min: 6, max: 16 } as const;
const ABSTRACT_WORDS = { min: 120, max: 250 } as const;
/**
 * An abstract stops at the first sentence end past a target length drawn from min to this; the
 * gap up to {@link ABSTRACT_WORDS}.max leaves room to finish the sentence.
 */
const ABSTRACT_TARGET_MAX = 215;
const AUTHORS_PER_PAPER = { min: 1, max: 12 } as const;
const DAY_MS = 86_400_000;
const MAX_FEATURE_DELAY_MS = 3 * DAY_MS;
const GITHUB_SHARE = 0.4;
const KEYWORDS_SHARE = 0.5;
const KEYWORDS_PER_PAPER = { min: 3, max: 6 } as const;

/**
 * Upvotes: this share comes from the fixture's own counts (mostly 0–3), the rest from a Pareto
 * tail (P(x > v) = min/v) so that about 1 paper in 250 passes 100 and a few reach the cap.
 */
const UPVOTE_FIXTURE_SHARE = 0.85;
const UPVOTE_TAIL = { min: 3, alpha: 1, max: 2_000 } as const;
const STARS = { min: 5, alpha: 0.8, max: 50_000 } as const;

/**
 * Authors are ranked by how much they publish, and rank r writes a paper slot with probability
 * ∝ 1/(r + offset) (Zipf–Mandelbrot). The offset flattens the head: with 200,000 papers the
 * busiest author is on about 0.4% of them and most on a few, a long tail as in Lotka's law.
 */
const AUTHOR_ZIPF_OFFSET = 200;
/**
 * The fixture has 30 first and 30 last names: 900 people would each be on over a thousand of
 * 200,000 papers. Middle initials (none, one or two) widen the population to 703 × 900 names;
 * the busiest ranks get no initial, so most author slots still read `First Last`.
 */
const INITIALS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const INITIAL_VARIANTS = 1 + INITIALS.length + INITIALS.length ** 2;

/** Words no one searches for; kept out of queries and keywords. */
const STOPWORDS = new Set(
  (
    'a across after all also among an and any are as at be been before between both but by can ' +
    'do does each for from has have how however if in into is it its may more most not of on ' +
    'only or other our over so such than that the their them then there these they this those ' +
    'through thus to two under up upon us using via was we well were what when where which while ' +
    'who will with within without'
  ).split(' '),
);
/** Tokens that end in a full stop without ending a sentence. */
const ABBREVIATIONS = new Set(['e.g.', 'i.e.', 'al.', 'etc.', 'vs.', 'cf.']);
const PLAIN_WORD = /^[A-Za-z][A-Za-z0-9]*$/;
/** A token split into the punctuation around it and its core (`(PLMs),` → `(`, `PLMs`, `),`). */
const TOKEN_PARTS = /^(\W*)(.*?)(\W*)$/;

/** A seeded PRNG with the draws the generator needs. */
class Rng {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = prng(seed);
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: ArrayLike<T>): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Pareto with the given minimum and shape, capped, as an integer. */
  pareto(shape: { min: number; alpha: number; max: number }): number {
    // 1 - next() is in (0, 1], so the power is finite.
    const value = shape.min * (1 - this.next()) ** (-1 / shape.alpha);
    return Math.min(shape.max, Math.floor(value));
  }
}

/**
 * Reads the fixture and builds the vocabulary: title and abstract Markov chains, the author
 * name pool, and the distributions of upvotes, comments and authors per paper.
 */
export function loadVocabulary(): Vocabulary {
  const items: unknown = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  if (!Array.isArray(items)) throw new Error(`${FIXTURE} is not a JSON array`);
  // The app's own normalization, so the vocabulary sees the text exactly as Paperboy stores it.
  const papers = items.flatMap((item) => {
    const result = normalizeHfItem(item);
    return result.ok ? [result.paper] : [];
  });
  if (papers.length === 0) throw new Error(`${FIXTURE} has no usable paper`);

  const methodNames = new Set<string>();
  for (const paper of papers) {
    const first = paper.title.split(/\s+/)[0] ?? '';
    const name = splitToken(first).core;
    if (first.endsWith(':') && /^[\w-]+$/.test(name)) methodNames.add(name);
  }
  const names = papers.flatMap((paper) => paper.authors.map((name) => name.split(/\s+/)));
  const owners = papers.flatMap((paper) => {
    const owner = paper.githubRepo?.split('/')[3];
    return owner === undefined ? [] : [owner];
  });
  return {
    title: buildTextModel(papers.map((paper) => paper.title)),
    abstract: buildTextModel(papers.map((paper) => paper.abstract).filter((text) => text !== '')),
    firstNames: distinct(names.flatMap((parts) => (parts.length > 1 ? [parts[0]!] : []))),
    lastNames: distinct(names.flatMap((parts) => (parts.length > 1 ? [parts.at(-1)!] : []))),
    upvotes: papers.map((paper) => paper.hfUpvotes ?? 0),
    comments: papers.map((paper) => paper.hfComments ?? 0),
    authorCounts: papers.map((paper) => paper.authors.length),
    githubOwners: distinct(owners),
    methodNames,
  };
}

function buildTextModel(texts: readonly string[]): TextModel {
  const ids = new Map<string, number>();
  const tokens: string[] = [];
  const following: number[][] = [];
  const starts: number[] = [];
  const idOf = (token: string): number => {
    let id = ids.get(token);
    if (id === undefined) {
      id = tokens.length;
      ids.set(token, id);
      tokens.push(token);
      following.push([]);
    }
    return id;
  };
  const counts: number[] = [];
  for (const text of texts) {
    const textIds = text
      .split(/\s+/)
      .filter((token) => token !== '')
      .map(idOf);
    if (textIds.length === 0) continue;
    starts.push(textIds[0]!);
    textIds.forEach((id, i) => {
      counts[id] = (counts[id] ?? 0) + 1;
      following[id]!.push(textIds[i + 1] ?? TEXT_END);
    });
  }
  return {
    tokens,
    counts: Uint32Array.from(counts),
    successors: following.map((next) => Int32Array.from(next)),
    starts: Int32Array.from(starts),
  };
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function splitToken(token: string): { before: string; core: string; after: string } {
  const [, before = '', core = '', after = ''] = TOKEN_PARTS.exec(token) ?? [];
  return { before, core, after };
}

/** A plain lowercase search word (`llms`, `kv`), or undefined for stopwords, numbers and symbols. */
function searchWord(part: string): string | undefined {
  const word = part.toLowerCase();
  if (word.length < 2 || !/^[a-z0-9]+$/.test(word) || !/[a-z]/.test(word)) return undefined;
  return STOPWORDS.has(word) ? undefined : word;
}

/** What generation needs beyond the vocabulary, derived once. */
interface Prepared {
  readonly vocabulary: Vocabulary;
  readonly title: PreparedText;
  readonly abstract: PreparedText;
  /** Capitalized title words, one entry per occurrence, to invent method names from. */
  readonly nameParts: readonly string[];
  /** Search words, one entry per occurrence in the fixture, so a pick follows term frequency. */
  readonly wordOccurrences: readonly string[];
  readonly distinctWords: readonly string[];
  /** Two-word phrases that occur in the fixture, one entry per occurrence. */
  readonly phraseOccurrences: readonly string[];
  readonly distinctPhrases: readonly string[];
  /** A multiplier coprime with the first × last name count, to scatter names over the ranks. */
  readonly nameStride: number;
}

interface PreparedText {
  readonly model: TextModel;
  /** By token id: the token's keyword form (`few-shot`), or undefined if it makes no keyword. */
  readonly keyword: readonly (string | undefined)[];
  /** By token id: the punctuation around a method name, which generation fills with a new name. */
  readonly nameSlot: readonly ({ before: string; after: string } | undefined)[];
  /** By token id: 1 if the token ends a sentence. */
  readonly endsSentence: Uint8Array;
  /**
   * The model's successor lists end to end: token `id` is followed by `next[nextStart[id]]` up to
   * `next[nextStart[id + 1] - 1]`. One flat typed array keeps the hottest loop's reads cheap.
   */
  readonly next: Int32Array;
  readonly nextStart: Int32Array;
}

let prepared: Prepared | undefined;

function prepare(): Prepared {
  if (prepared !== undefined) return prepared;
  const vocabulary = loadVocabulary();
  const lowerNames = new Set([...vocabulary.methodNames].map((name) => name.toLowerCase()));
  const nameParts: string[] = [];
  const wordOccurrences: string[] = [];
  const phraseOccurrences: string[] = [];

  const prepareText = (model: TextModel, isTitle: boolean): PreparedText => {
    const keyword = model.tokens.map((token) => {
      const word = splitToken(token).core.toLowerCase();
      const valid = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(word) && /[a-z]{2}/.test(word);
      return valid && !STOPWORDS.has(word) && !lowerNames.has(word) ? word : undefined;
    });
    const nameSlot = model.tokens.map((token) => {
      const { before, core, after } = splitToken(token);
      if (vocabulary.methodNames.has(core)) return { before, after };
      // A title's opening `Name:` is a method name even when its core did not parse cleanly.
      return isTitle && token.endsWith(':') && isStart(model, token)
        ? { before: '', after: ':' }
        : undefined;
    });
    const endsSentence = Uint8Array.from(model.tokens, (token) =>
      /[.!?]$/.test(token) && !ABBREVIATIONS.has(token.toLowerCase()) ? 1 : 0,
    );
    const wordsOf = (id: number): string[] =>
      nameSlot[id] !== undefined || model.tokens[id]!.includes('://')
        ? []
        : model.tokens[id]!.split(/[^A-Za-z0-9]+/).flatMap((part) => searchWord(part) ?? []);
    model.successors.forEach((next, id) => {
      const token = model.tokens[id]!;
      const occurrences = model.counts[id]!;
      for (const word of wordsOf(id)) {
        for (let i = 0; i < occurrences; i++) wordOccurrences.push(word);
      }
      const { core } = splitToken(token);
      if (isTitle && nameSlot[id] === undefined && /^[A-Z][a-z]{3,}$/.test(core)) {
        for (let i = 0; i < occurrences; i++) nameParts.push(core);
      }
      // A phrase is two plain words with no punctuation between them (`language models`).
      const first = PLAIN_WORD.test(token) ? searchWord(token) : undefined;
      if (first === undefined || nameSlot[id] !== undefined) return;
      for (const nextId of next) {
        if (nextId === TEXT_END || nameSlot[nextId] !== undefined) continue;
        const { before, core: nextCore } = splitToken(model.tokens[nextId]!);
        const second =
          before === '' && PLAIN_WORD.test(nextCore) ? searchWord(nextCore) : undefined;
        if (second !== undefined && second !== first) phraseOccurrences.push(`${first} ${second}`);
      }
    });
    const nextStart = offsets(model.successors.map((next) => next.length));
    const next = new Int32Array(nextStart.at(-1)!);
    model.successors.forEach((ids, id) => next.set(ids, nextStart[id]));
    return { model, keyword, nameSlot, endsSentence, next, nextStart };
  };

  const title = prepareText(vocabulary.title, true);
  const abstract = prepareText(vocabulary.abstract, false);
  const people = vocabulary.firstNames.length * vocabulary.lastNames.length;
  if (people === 0 || new Set(nameParts).size < 2 || phraseOccurrences.length === 0) {
    throw new Error(`${FIXTURE} is too small to build a corpus from`);
  }
  let nameStride = Math.floor(people * 0.618) + 1;
  while (gcd(nameStride, people) !== 1) nameStride++;
  prepared = {
    vocabulary,
    title,
    abstract,
    nameParts,
    wordOccurrences,
    distinctWords: distinct(wordOccurrences),
    phraseOccurrences,
    distinctPhrases: distinct(phraseOccurrences),
    nameStride,
  };
  return prepared;
}

/** Start offsets of consecutive runs of the given lengths, plus the end of the last. */
function offsets(lengths: readonly number[]): Int32Array {
  const starts = new Int32Array(lengths.length + 1);
  lengths.forEach((length, i) => (starts[i + 1] = starts[i]! + length));
  return starts;
}

function isStart(model: TextModel, token: string): boolean {
  return model.starts.some((id) => model.tokens[id] === token);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Draws author names: Zipf–Mandelbrot over ranks, each rank one fixed name. */
class AuthorPool {
  private readonly size: number;
  private readonly logRatio: number;

  constructor(private readonly p: Prepared) {
    const { firstNames, lastNames } = p.vocabulary;
    this.size = firstNames.length * lastNames.length * INITIAL_VARIANTS;
    this.logRatio = Math.log((this.size + AUTHOR_ZIPF_OFFSET) / (1 + AUTHOR_ZIPF_OFFSET));
  }

  draw(rng: Rng): string {
    // Inverse of the continuous CDF ∝ ln((r + offset) / (1 + offset)) over [1, size]: O(1).
    const rank =
      (1 + AUTHOR_ZIPF_OFFSET) * Math.exp(rng.next() * this.logRatio) - AUTHOR_ZIPF_OFFSET;
    const index = Math.min(this.size - 1, Math.max(0, Math.floor(rank) - 1));
    return this.name(index);
  }

  /** The name of a rank: the first first × last ranks are `First Last`, later ones add initials. */
  private name(rank: number): string {
    const { firstNames, lastNames } = this.p.vocabulary;
    const people = firstNames.length * lastNames.length;
    const block = Math.floor(rank / people);
    // A bijection within each block, shifted per block, so neighbouring ranks are unrelated people.
    const person = ((rank % people) * this.p.nameStride + block * 7_919) % people;
    const first = firstNames[person % firstNames.length]!;
    const last = lastNames[Math.floor(person / firstNames.length)]!;
    if (block === 0) return `${first} ${last}`;
    const n = block - 1;
    const initials =
      n < INITIALS.length
        ? `${INITIALS.charAt(n)}.`
        : `${INITIALS.charAt(Math.floor(n / INITIALS.length) - 1)}. ${INITIALS.charAt(n % INITIALS.length)}.`;
    return `${first} ${initials} ${last}`;
  }
}

/** A token that may follow token `id`, by frequency, or {@link TEXT_END}. */
function successor(rng: Rng, text: PreparedText, id: number): number {
  const from = text.nextStart[id]!;
  return text.next[from + Math.floor(rng.next() * (text.nextStart[id + 1]! - from))]!;
}

/** The first token of a text, by frequency. */
function start(rng: Rng, text: PreparedText): number {
  const { starts } = text.model;
  return starts[Math.floor(rng.next() * starts.length)]!;
}

/**
 * Walks the title chain into `out` (token ids) and returns the length: from a title start to a
 * title end, retried until the length fits.
 */
function walkTitle(rng: Rng, text: PreparedText, out: Int32Array): number {
  let length = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    length = 0;
    let id = start(rng, text);
    while (id !== TEXT_END && length <= TITLE_WORDS.max) {
      out[length++] = id;
      id = successor(rng, text, id);
    }
    if (id === TEXT_END && length >= TITLE_WORDS.min && length <= TITLE_WORDS.max) return length;
  }
  // Rare: no natural title fitted. Keep the last attempt, cut or extended with another title.
  while (length < TITLE_WORDS.min) {
    let id = start(rng, text);
    while (id !== TEXT_END && length < TITLE_WORDS.min) {
      out[length++] = id;
      id = successor(rng, text, id);
    }
  }
  return Math.min(length, TITLE_WORDS.max);
}

/**
 * Walks the abstract chain into `out` (token ids) and returns the length: up to the first
 * sentence end past a target length. A text end before the target starts a new text, which
 * reads as a new sentence since fixture abstracts end with one.
 */
function walkAbstract(rng: Rng, text: PreparedText, out: Int32Array): number {
  const target = rng.int(ABSTRACT_WORDS.min, ABSTRACT_TARGET_MAX);
  let length = 0;
  let lastSentenceEnd = 0;
  let id = start(rng, text);
  while (length < ABSTRACT_WORDS.max) {
    if (id === TEXT_END) {
      if (length >= target) return length;
      id = start(rng, text);
    }
    out[length++] = id;
    if (text.endsSentence[id] === 1) {
      if (length >= target) return length;
      if (length >= ABSTRACT_WORDS.min) lastSentenceEnd = length;
    }
    id = successor(rng, text, id);
  }
  // The sentence ran past the maximum: end at the last sentence that fits, if one did.
  return lastSentenceEnd > 0 ? lastSentenceEnd : length;
}

/** Turns token ids into text, putting `name` in each method-name slot. */
function render(text: PreparedText, ids: Int32Array, length: number, name: () => string): string {
  const words = new Array<string>(length);
  for (let i = 0; i < length; i++) {
    const id = ids[i]!;
    const slot = text.nameSlot[id];
    words[i] = slot === undefined ? text.model.tokens[id]! : slot.before + name() + slot.after;
  }
  // join() makes one flat string, where `+=` would keep a rope of hundreds of nodes per abstract.
  return words.join(' ');
}

/** A new method name (`TokeRouting`, `SLGD`) from the fixture's title words. */
function inventMethodName(rng: Rng, p: Prepared): string {
  if (rng.next() < 0.25) {
    let acronym = '';
    for (let i = rng.int(3, 5); i > 0; i--) acronym += rng.pick(p.nameParts).charAt(0);
    return acronym;
  }
  const head = rng.pick(p.nameParts);
  let tail = rng.pick(p.nameParts);
  // `ImagImage` reads as a typo; any other pair reads as a name.
  while (tail === head) tail = rng.pick(p.nameParts);
  return head.slice(0, rng.int(3, 5)) + tail;
}

function drawKeywords(
  rng: Rng,
  p: Prepared,
  titleIds: Int32Array,
  titleLength: number,
  abstractIds: Int32Array,
  abstractLength: number,
): string[] | undefined {
  const wanted = rng.int(KEYWORDS_PER_PAPER.min, KEYWORDS_PER_PAPER.max);
  const keywords: string[] = [];
  // Drawn from the paper's own words, title words favoured, as HF's keywords describe the paper.
  for (let tries = 0; tries < 60 && keywords.length < wanted; tries++) {
    const fromTitle = rng.next() < 0.4;
    const text = fromTitle ? p.title : p.abstract;
    const ids = fromTitle ? titleIds : abstractIds;
    const id = ids[Math.floor(rng.next() * (fromTitle ? titleLength : abstractLength))]!;
    const keyword = text.keyword[id];
    if (keyword !== undefined && !keywords.includes(keyword)) keywords.push(keyword);
  }
  return keywords.length >= KEYWORDS_PER_PAPER.min ? keywords : undefined;
}

function githubRepo(rng: Rng, p: Prepared, firstAuthor: string, title: string): string {
  // Some repositories live under a lab's account, the rest under the first author's.
  const owners = p.vocabulary.githubOwners;
  const owner =
    owners.length > 0 && rng.next() < 0.3
      ? rng.pick(owners)
      : (firstAuthor[0]! + firstAuthor.split(' ').at(-1)!).toLowerCase();
  const words = title
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 2 && !STOPWORDS.has(word.toLowerCase()));
  const start = rng.int(0, Math.max(0, words.length - 2));
  const repo = words.slice(start, start + rng.int(1, 3)).join('-') || 'code';
  return `https://github.com/${owner}/${repo}`;
}

/**
 * `count` papers with unique, valid, five-digit arXiv ids, in publication order: ids number each
 * month's papers from `YYMM.00001` in the order they were published. Titles (6–16 words) and
 * abstracts (120–250 words) are walks of the fixture's bigram chains, so common words stay common
 * and rare ones rare; method names are invented. 1–12 authors per paper from a Zipf-like
 * population, `publishedAt` uniform over [start, end), `featuredAt` 0–3 days later, Zipf-like
 * upvotes, a GitHub repository on ~40% and 3–6 keywords on ~50%. Deterministic for a given seed.
 */
export function generateCorpus(count: number, options: CorpusOptions = {}): Paper[] {
  const start = (options.start ?? DEFAULT_START).getTime();
  const end = (options.end ?? DEFAULT_END).getTime();
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`bad count: ${count}`);
  if (!(start < end)) throw new RangeError('start must be before end');
  if (start < FIVE_DIGIT_IDS_FROM || end > Date.UTC(2100, 0, 1)) {
    throw new RangeError('dates must be in 2015–2099, where arXiv ids are YYMM.NNNNN');
  }
  const p = prepare();
  const rng = new Rng(options.seed ?? DEFAULT_SEED);
  const authors = new AuthorPool(p);
  const { vocabulary } = p;

  // Times first, sorted, so ids can be numbered in publication order as arXiv does.
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++)
    times[i] = Math.floor((start + rng.next() * (end - start)) / 1000);
  times.sort();

  const titleIds = new Int32Array(TITLE_WORDS.max + 1);
  const abstractIds = new Int32Array(ABSTRACT_WORDS.max);
  const papers: Paper[] = new Array<Paper>(count);
  let month = '';
  let number = 0;
  for (let i = 0; i < count; i++) {
    const publishedAt = new Date(times[i]! * 1000);
    const yymm =
      String(publishedAt.getUTCFullYear() % 100).padStart(2, '0') +
      String(publishedAt.getUTCMonth() + 1).padStart(2, '0');
    if (yymm !== month) [month, number] = [yymm, 0];
    if (++number > MAX_IDS_PER_MONTH) {
      throw new RangeError(`more than ${MAX_IDS_PER_MONTH} papers in month ${yymm}`);
    }

    let methodName: string | undefined;
    const name = (): string => (methodName ??= inventMethodName(rng, p));
    const titleLength = walkTitle(rng, p.title, titleIds);
    const title = render(p.title, titleIds, titleLength, name);
    const abstractLength = walkAbstract(rng, p.abstract, abstractIds);
    const abstract = render(p.abstract, abstractIds, abstractLength, name);

    const authorCount = Math.min(
      AUTHORS_PER_PAPER.max,
      Math.max(AUTHORS_PER_PAPER.min, rng.pick(vocabulary.authorCounts)),
    );
    const names: string[] = [];
    while (names.length < authorCount) {
      const author = authors.draw(rng);
      if (!names.includes(author)) names.push(author);
    }

    const paper: Paper = {
      id: `${yymm}.${String(number).padStart(5, '0')}`,
      title,
      abstract,
      authors: names,
      publishedAt,
      featuredAt: new Date(
        (times[i]! + Math.floor((rng.next() * MAX_FEATURE_DELAY_MS) / 1000)) * 1000,
      ),
      hfUpvotes:
        rng.next() < UPVOTE_FIXTURE_SHARE ? rng.pick(vocabulary.upvotes) : rng.pareto(UPVOTE_TAIL),
      hfComments: rng.pick(vocabulary.comments),
    };
    if (rng.next() < GITHUB_SHARE) {
      paper.githubRepo = githubRepo(rng, p, names[0]!, methodName ?? title);
      paper.githubStars = rng.pareto(STARS);
    }
    if (rng.next() < KEYWORDS_SHARE) {
      const keywords = drawKeywords(rng, p, titleIds, titleLength, abstractIds, abstractLength);
      if (keywords !== undefined) paper.aiKeywords = keywords;
    }
    papers[i] = paper;
  }
  return papers;
}

/**
 * `count` search queries over the corpus vocabulary, in the query language: plain lowercase
 * words, `"quoted phrases"`, `-excluded` words, `author:"First Last"` and `since:YYYY-MM-DD`.
 * Mostly 1–3 words, picked by frequency (broad queries) or uniformly over the distinct words
 * (narrow ones); phrases are real fixture bigrams; authors follow the corpus's author
 * distribution. Deterministic for a given seed.
 */
export function generateQueries(count: number, options: { seed?: number } = {}): string[] {
  const p = prepare();
  // Another stream than the corpus of the same seed, so queries are not tied to its papers.
  const rng = new Rng((options.seed ?? DEFAULT_SEED) ^ 0x9e3779b9);
  const authors = new AuthorPool(p);
  const word = (avoid: readonly string[]): string => {
    for (;;) {
      const pick = rng.next() < 0.7 ? rng.pick(p.wordOccurrences) : rng.pick(p.distinctWords);
      if (!avoid.includes(pick)) return pick;
    }
  };
  const words = (n: number): string[] => {
    const picked: string[] = [];
    while (picked.length < n) picked.push(word(picked));
    return picked;
  };
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = rng.next();
    let terms: string[];
    if (kind < 0.55) {
      const r = rng.next();
      terms = words(r < 0.45 ? 1 : r < 0.8 ? 2 : 3);
    } else if (kind < 0.7) {
      const phrase = rng.next() < 0.7 ? rng.pick(p.phraseOccurrences) : rng.pick(p.distinctPhrases);
      terms = [`"${phrase}"`, ...(rng.next() < 0.3 ? words(1) : [])];
    } else if (kind < 0.8) {
      const included = words(rng.int(1, 2));
      terms = [...included, `-${word(included)}`];
    } else if (kind < 0.92) {
      terms = [`author:"${authors.draw(rng)}"`, ...(rng.next() < 0.4 ? words(1) : [])];
    } else {
      const day =
        DEFAULT_START.getTime() + rng.next() * (DEFAULT_END.getTime() - DEFAULT_START.getTime());
      terms = [...words(rng.int(1, 2)), `since:${new Date(day).toISOString().slice(0, 10)}`];
    }
    queries.push(terms.join(' '));
  }
  return queries;
}

if (require.main === module) {
  const count = Number(process.argv[2] ?? 200_000);
  const startedAt = performance.now();
  const papers = generateCorpus(count);
  const ms = performance.now() - startedAt;
  const memory = process.memoryUsage();
  const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
  console.log(`${papers.length} papers in ${Math.round(ms)} ms`);
  console.log(
    `memory: heap used ${mb(memory.heapUsed)}, rss ${mb(memory.rss)}, ` +
      `max rss ${mb(process.resourceUsage().maxRSS * 1024)}`,
  );

  // Spot checks of the promises above, cheap enough to run every time.
  const ids = new Set(papers.map((paper) => paper.id));
  const badId = papers.find(
    (paper) =>
      canonicalArxivId(paper.id) !== paper.id ||
      paper.id.slice(0, 4) !== paper.publishedAt.toISOString().slice(2, 7).replace('-', ''),
  );
  const perAuthor = new Map<string, number>();
  for (const paper of papers) {
    for (const author of paper.authors) perAuthor.set(author, (perAuthor.get(author) ?? 0) + 1);
  }
  let busiest = 0;
  for (const papersOfAuthor of perAuthor.values()) busiest = Math.max(busiest, papersOfAuthor);
  const upvotes = papers.map((paper) => paper.hfUpvotes ?? 0).sort((a, b) => a - b);
  const share = (has: (paper: Paper) => boolean): string =>
    `${Math.round((papers.filter(has).length / papers.length) * 100)}%`;
  console.log(
    `ids: ${ids.size} unique, ${badId === undefined ? 'all valid' : `bad: ${badId.id}`}; ` +
      `authors: ${perAuthor.size} distinct, busiest on ${busiest} papers; ` +
      `upvotes median ${upvotes[upvotes.length >> 1]}, p99 ${upvotes[Math.floor(upvotes.length * 0.99)]}, ` +
      `max ${upvotes.at(-1)}; github ${share((paper) => paper.githubRepo !== undefined)}, ` +
      `keywords ${share((paper) => paper.aiKeywords !== undefined)}`,
  );
  console.log('\nSample paper:');
  console.log(papers[Math.floor(papers.length / 2)]);
  console.log('\nSample queries:');
  for (const query of generateQueries(10)) console.log(`  ${query}`);
}
