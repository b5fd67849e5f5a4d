/**
 * Members' alert keywords (`/papers subscribe …`), parsed into data, and the one tokenizer that
 * both keywords and papers go through, so that the two always meet:
 *
 *   tokenizer  "speculative decoding"   a word, or a phrase: these words, consecutive
 *   diffu*  "graph neural*"             a word starting so (alone, or as a phrase's last word)
 *   -survey  -"position paper"          a paper with this matches none of the member's keywords
 *   author:"Yann LeCun"  author:lecun   one author's name holds these words, consecutive
 *
 * Matching is on whole words of the title and abstract: case, accents and punctuation aside, and
 * plurals folded (`tokenizers` ~ `tokenizer`). Nothing else is stemmed: `decod*` is how a member
 * asks for decoder, decoding and decoded at once.
 */

/**
 * Limits of one member's keywords. `perMember` is enforced where keywords are stored (it counts
 * the ones the member had). Lengths count the keyword's words as they will be shown, one space
 * between them: without `-`, `author:`, the quotes, a final `*` or punctuation, so that
 * `"state-of-the-art"` is 16 and a keyword's canonical {@link Keyword.text} passes the same check.
 */
export const KEYWORD_LIMITS = { perMember: 50, minLength: 2, maxLength: 100 } as const;

/** A word, or a phrase of consecutive words, in the title or abstract. */
export interface TermsKeyword {
  kind: 'terms';
  /** Canonical form: `tokenizers`, `"speculative decoding"`. */
  text: string;
  /** The words' stems ({@link stem}), in order; at least one. */
  stems: readonly string[];
}

/** A word that starts with `prefix`, after `stems` when there are any (`"graph neural*"`). */
export interface PrefixKeyword {
  kind: 'prefix';
  /** Canonical form: `diffu*`, `"graph neural*"`. */
  text: string;
  /** The stems of the words before the prefixed one; usually none. */
  stems: readonly string[];
  /** Folded ({@link foldedWords}), not stemmed, at least 2 characters: `diffu`. */
  prefix: string;
}

/** One author's name holding these words, consecutive (`yann lecun` in "Yann LeCun"). */
export interface AuthorKeyword {
  kind: 'author';
  /** Canonical form: `author:lecun`, `author:"yann lecun"`. */
  text: string;
  /** Folded name words, not stemmed; at least one. */
  names: readonly string[];
}

/** A paper that matches `excluded` matches none of the member's keywords. */
export interface ExclusionKeyword {
  kind: 'exclusion';
  /** Canonical form: `-survey`, `-"position paper"`, `-author:"jane doe"`. */
  text: string;
  excluded: TermsKeyword | PrefixKeyword | AuthorKeyword;
}

/**
 * One keyword of a member. Two inputs that match exactly the same papers have the same `text`
 * (case, accents, spacing, quotes and punctuation aside), except that plurals keep the member's
 * spelling: `tokenizers` stays `tokenizers`, for them to recognise in their list.
 * `parseKeyword(keyword.text)` gives the keyword back.
 */
export type Keyword = TermsKeyword | PrefixKeyword | AuthorKeyword | ExclusionKeyword;

const EXAMPLES =
  'words, "phrases", prefixes like `diffu*`, exclusions like `-survey` and `author:"Name"`';
const SHOWN_MAX = 40;

/** Letters and digits make words; everything else (hyphens too) separates them. */
const WORD = /[\p{L}\p{N}]+/gu;
/** `model's` is `model`: a possessive would otherwise leave a stray `s` inside phrases. */
const POSSESSIVE = /['’]s(?![\p{L}\p{N}])/gu;
/** Letters that NFKD does not decompose, written as their nearest Latin letters. */
const LATIN: Record<string, string> = {
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ı: 'i',
  ħ: 'h',
};
const NOT_DECOMPOSED = /[łøđðþæœßıħ]/g;

/**
 * Greek letters read as their names (`$\alpha$-divergence` is about alpha); other command names
 * (`\emph`, `\mathcal`, `\cite`) are markup, not words.
 */
const GREEK = new Set(
  (
    'alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi ' +
    'omicron pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega'
  ).split(' '),
);

/**
 * LaTeX as abstracts use it, reduced to its text: an accent command keeps its letter inside the
 * word (`G\"odel`, `\v{s}`), other commands leave their arguments (`\emph{word}` → `word`), and
 * braces vanish. Math delimiters and `^`/`_` are punctuation already.
 */
function fromLatex(text: string): string {
  return text
    .replace(/\\[`'^"~=.]\{?([A-Za-z])\}?/g, '$1')
    .replace(/\\[cvuHkdbrt]\{([A-Za-z])\}/g, '$1')
    .replace(/\\([A-Za-z]+)/g, (_, name: string) =>
      GREEK.has(name.toLowerCase()) ? ` ${name} ` : ' ',
    )
    .replace(/[{}]/g, '');
}

/** Lower case, LaTeX, accents and possessives folded away; punctuation still in place. */
function fold(text: string): string {
  const plain = text.includes('\\') || text.includes('{') ? fromLatex(text) : text;
  // Lower case first: `İ` lower-cases to `i` and a combining dot, which NFKD then lets us drop.
  return plain
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(NOT_DECOMPOSED, (letter) => LATIN[letter] ?? letter)
    .replace(POSSESSIVE, '');
}

/**
 * The words of some text folded but not stemmed: lower case, accents dropped (`Gödel` → `godel`,
 * `Łukasz` → `lukasz`), LaTeX reduced to its text, split at anything that is not a letter or digit
 * (`GPT-4o` → `gpt`, `4o`). What prefixes and author names are matched against.
 */
export function foldedWords(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

/**
 * The words of a title or abstract as keywords are matched against them: {@link foldedWords},
 * each {@link stem}med. `state-of-the-art` is four words; `\emph{Tokenizers}` is `tokenizer`;
 * `$\mathcal{O}(n^2)$` is `o`, `n`, `2`; `$\alpha$` is `alpha`.
 */
export function tokenize(text: string): string[] {
  return foldedWords(text).map(stem);
}

/** Words an `s` does not make plural; left as they are. */
const UNCHANGED = new Set([
  'always',
  'atlas',
  'canvas',
  'chaos',
  'cosmos',
  'gas',
  'lens',
  'news',
  'perhaps',
  'series',
  'species',
  'whereas',
]);
/**
 * Plurals no rule can find, common in papers, to their singulars (each its own stem). The `-us`
 * ones are acronyms: `-us` is kept for `corpus` and `bus`, which would leave `GPUs` unfolded.
 */
const IRREGULAR = new Map([
  ['appendices', 'appendix'],
  ['axes', 'axis'],
  ['children', 'child'],
  ['corpora', 'corpus'],
  ['cpus', 'cpu'],
  ['criteria', 'criterion'],
  ['elus', 'elu'],
  ['gelus', 'gelu'],
  ['gpus', 'gpu'],
  ['grus', 'gru'],
  ['indices', 'index'],
  ['ious', 'iou'],
  ['matrices', 'matrix'],
  ['npus', 'npu'],
  ['phenomena', 'phenomenon'],
  ['radii', 'radius'],
  ['relus', 'relu'],
  ['schemata', 'schema'],
  ['simplices', 'simplex'],
  ['stimuli', 'stimulus'],
  ['tpus', 'tpu'],
  ['vertices', 'vertex'],
]);

/**
 * Folds a lower-case word's plural into its singular's stem, in the spirit of Harman's S-stemmer:
 * `policies` → `policy`, `tokenizers` → `tokenizer`, `analyses` → `analysis`, and `-ss`, `-us`,
 * `-is` and `-ias` words (`process`, `bus`, `analysis`, `bias`) kept. After a hiss a final `e` goes
 * too, since `caches` cannot be told from `matches`: `cache`/`caches` → `cach`,
 * `match`/`matches` → `match`, `response`/`responses` → `respons`. Words under 3 letters are
 * kept. A stem need not be a word; the same function runs on keywords and on papers, so they meet.
 * Known misses: `-ie` singulars (`movie` vs `movies` → `movy`) and `-oes` plurals (`heroes`).
 */
export function stem(word: string): string {
  if (word.length < 3 || UNCHANGED.has(word)) return word;
  const irregular = IRREGULAR.get(word);
  if (irregular !== undefined) return irregular;
  let singular = word;
  if (/(?:ys|es)es$/.test(word)) return `${word.slice(0, -2)}is`;
  if (word.endsWith('ies') && word.length > 4) singular = `${word.slice(0, -3)}y`;
  else if (word.endsWith('s') && !/(?:ss|us|is|ias)$/.test(word)) singular = word.slice(0, -1);
  if (singular.length > 3 && /(?:s|z|x|ch|sh)e$/.test(singular)) return singular.slice(0, -1);
  return singular;
}

/** The input as a problem quotes it: no backticks to break the code span, and not too long. */
function shown(input: string): string {
  const plain = input.replace(/`/g, "'");
  const chars = Array.from(plain);
  return chars.length > SHOWN_MAX ? `${chars.slice(0, SHOWN_MAX - 1).join('')}…` : plain;
}

/** Words written back, quoted when there are several: `tokenizer`, `"speculative decoding"`. */
function written(words: readonly string[], suffix = ''): string {
  const joined = `${words.join(' ')}${suffix}`;
  return words.length > 1 ? `"${joined}"` : joined;
}

/** Smart quotes (which Slack's clients type for `"`) read as plain ones. */
function plainQuotes(text: string): string {
  return text.replace(/[“”„‟″]/g, '"');
}

/**
 * Parses one keyword as a member typed it (already decoded from Slack's encoding): a word, a
 * `"phrase"`, a prefix `diffu*` (also as a phrase's last word, `"graph neural*"`), an exclusion
 * `-…` of any of these or of an author, or `author:Name` / `author:"First Last"`. A problem is a
 * sentence for the member that quotes the input and says the rule.
 */
export function parseKeyword(input: string): Keyword | { problem: string } {
  const typed = plainQuotes(input).trim();
  let rest = typed;
  const negated = rest.startsWith('-');
  if (negated) rest = rest.slice(1);
  let author = false;
  const operator = /^(\p{L}+):/u.exec(rest);
  if (operator) {
    const name = operator[1]?.toLowerCase() ?? '';
    const value = rest.slice(operator[0].length);
    if (name === 'author') {
      author = true;
      rest = value;
    } else if (/^\S/.test(value) && name !== 'http' && name !== 'https') {
      // `title:mamba` reads like an operator we do not have; a bare `Mamba:` is just a word.
      return {
        problem: `I don't know \`${shown(name)}:\` in \`${shown(typed)}\`. Keywords are ${EXAMPLES}.`,
      };
    }
  }
  // Quotes only group words (`"graph neural"*` is `"graph neural*"`); they match nothing.
  rest = rest.replace(/"/g, '').trim();
  const prefixed = rest.endsWith('*');
  if (prefixed) rest = rest.replace(/\*+$/, '');
  if (rest.includes('*') || (prefixed && rest !== '' && !/[\p{L}\p{N}\p{M}]$/u.test(rest))) {
    return {
      problem: `\`${shown(typed)}\`: a \`*\` can only end a word, as in \`diffu*\` or \`"graph neural*"\`.`,
    };
  }
  if (author && prefixed) {
    return {
      problem: `\`${shown(typed)}\`: an author is matched by whole name words, without \`*\`, e.g. \`author:"Yann LeCun"\` or \`author:lecun\`.`,
    };
  }
  const words = foldedWords(rest);
  if (words.length === 0) {
    return {
      problem: author
        ? `\`${shown(typed)}\` needs a name, e.g. \`author:"Yann LeCun"\` or \`author:lecun\`.`
        : `\`${shown(typed)}\` has no letters or digits to match. Keywords are ${EXAMPLES}.`,
    };
  }
  const last = words[words.length - 1] ?? '';
  if (prefixed && Array.from(last).length < 2) {
    return {
      problem: `\`${shown(typed)}\` is too short for a prefix: put at least 2 letters or digits before the \`*\`, e.g. \`diffu*\`.`,
    };
  }
  const length = Array.from(words.join(' ')).length;
  if (length < KEYWORD_LIMITS.minLength || length > KEYWORD_LIMITS.maxLength) {
    return {
      problem: `\`${shown(typed)}\` is too ${length < KEYWORD_LIMITS.minLength ? 'short' : 'long'}: a keyword needs ${KEYWORD_LIMITS.minLength} to ${KEYWORD_LIMITS.maxLength} characters.`,
    };
  }
  const keyword: TermsKeyword | PrefixKeyword | AuthorKeyword = author
    ? { kind: 'author', text: `author:${written(words)}`, names: words }
    : prefixed
      ? {
          kind: 'prefix',
          text: written(words, '*'),
          stems: words.slice(0, -1).map(stem),
          prefix: last,
        }
      : { kind: 'terms', text: written(words), stems: words.map(stem) };
  return negated ? { kind: 'exclusion', text: `-${keyword.text}`, excluded: keyword } : keyword;
}

/** What a keyword matches, as one string: `tokenizer` and `tokenizers` have the same. */
function matchKey(keyword: Keyword): string {
  const inner = keyword.kind === 'exclusion' ? keyword.excluded : keyword;
  const what =
    inner.kind === 'author'
      ? inner.names.join(' ')
      : inner.kind === 'prefix'
        ? [...inner.stems, `${inner.prefix}*`].join(' ')
        : inner.stems.join(' ');
  return `${keyword.kind === 'exclusion' ? '-' : ''}${inner.kind}:${what}`;
}

/**
 * Parses the keywords of one command (`tokenizer "speculative decoding" -survey
 * author:"Yann LeCun"`): items are split on whitespace outside double quotes, each parsed by
 * {@link parseKeyword}. A keyword that matches what an earlier one in the list does is dropped
 * (`tokenizer tokenizers`), the first kept. An unclosed quote runs to the end of the text.
 */
export function parseKeywordList(text: string): { keywords: Keyword[]; problems: string[] } {
  const items = plainQuotes(text).match(/(?:[^\s"]+|"[^"]*"?)+/g) ?? [];
  const keywords: Keyword[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const parsed = parseKeyword(item);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    const key = matchKey(parsed);
    if (seen.has(key)) continue;
    seen.add(key);
    keywords.push(parsed);
  }
  return { keywords, problems };
}
