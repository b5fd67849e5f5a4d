import {
  KeywordIndex,
  matchKeywordsNaively,
  preparePaper,
  type KeywordPaper,
} from '../../src/domain/keyword-index';
import { parseKeywordList, type Keyword } from '../../src/domain/keywords';
import { prng } from '../support/prng';

function keywords(text: string): Keyword[] {
  const parsed = parseKeywordList(text);
  if (parsed.problems.length > 0) throw new Error(parsed.problems.join(' '));
  return parsed.keywords;
}

function paper(fields: Partial<KeywordPaper>): KeywordPaper {
  return { title: '', abstract: '', authors: [], ...fields };
}

/**
 * What one member with these keywords is alerted to for this paper, through the index; checked
 * against the naive matcher each time, so every rule below holds for both.
 */
function matched(text: string, fields: Partial<KeywordPaper>): string[] {
  const list = keywords(text);
  const index = new KeywordIndex();
  index.setKeywords('T1/U1', list);
  const found = index.match(paper(fields)).get('T1/U1') ?? [];
  expect(matchKeywordsNaively(list, paper(fields))).toEqual(found);
  return found;
}

describe('keyword matching', () => {
  it('matches whole words, whatever the case', () => {
    expect(matched('BERT', { title: 'Distilling bert into students' })).toEqual(['bert']);
    expect(matched('bert', { abstract: 'We fine-tune BERT-base.' })).toEqual(['bert']);
    expect(matched('bert', { abstract: 'We fine-tune RoBERTa and ALBERT.' })).toEqual([]);
    // A Cyrillic `а` makes another word, not a way around the rule.
    expect(matched('bert', { abstract: 'We fine-tune robertа.' })).toEqual([]);
    expect(matched('token', { abstract: 'Tokenizers and tokenization.' })).toEqual([]);
  });

  it('matches plurals both ways', () => {
    expect(matched('tokenizer', { title: 'Better Tokenizers' })).toEqual(['tokenizer']);
    expect(matched('tokenizers', { title: 'A better tokenizer' })).toEqual(['tokenizers']);
    expect(matched('policies', { abstract: 'a policy gradient' })).toEqual(['policies']);
    expect(matched('process', { abstract: 'Gaussian processes' })).toEqual(['process']);
    expect(matched('"kv cache"', { abstract: 'Compressing KV caches.' })).toEqual(['"kv cache"']);
    expect(matched('gpu', { abstract: 'on 8 GPUs' })).toEqual(['gpu']);
    expect(matched('analysis', { abstract: 'two analyses' })).toEqual(['analysis']);
    expect(matched('bus', { abstract: 'business' })).toEqual([]);
  });

  it('does not fold -ing or -ed: a prefix asks for all of them', () => {
    expect(matched('decoder', { abstract: 'speculative decoding' })).toEqual([]);
    expect(matched('decod*', { abstract: 'speculative decoding' })).toEqual(['decod*']);
    expect(matched('decod*', { abstract: 'a small decoder' })).toEqual(['decod*']);
  });

  it('matches a phrase as consecutive words, not words apart', () => {
    const text = '"speculative decoding"';
    expect(matched(text, { title: 'Faster Speculative Decoding' })).toEqual([text]);
    expect(matched(text, { abstract: 'speculative-decoding, at scale' })).toEqual([text]);
    expect(matched(text, { abstract: 'Speculative. Decoding' })).toEqual([text]);
    expect(matched(text, { abstract: 'speculative sampling and decoding' })).toEqual([]);
    expect(matched(text, { abstract: 'decoding speculative' })).toEqual([]);
    expect(matched('"language model"', { abstract: 'language language model' })).toEqual([
      '"language model"',
    ]);
  });

  it('does not run a phrase from the title into the abstract', () => {
    const fields = { title: 'Fast and Speculative', abstract: 'Decoding is slow.' };
    expect(matched('"speculative decoding"', fields)).toEqual([]);
    expect(matched('speculative decoding', fields)).toEqual(['speculative', 'decoding']);
  });

  it('matches prefixes at the start of a word only, and as the last word of a phrase', () => {
    expect(matched('diffu*', { title: 'Diffusion Transformers' })).toEqual(['diffu*']);
    expect(matched('diffu*', { abstract: 'with diffusers' })).toEqual(['diffu*']);
    expect(matched('diffu*', { abstract: 'diffu' })).toEqual(['diffu*']);
    expect(matched('diffu*', { abstract: 'undiffused light' })).toEqual([]);
    expect(matched('godel*', { abstract: 'Gödelian arguments' })).toEqual(['godel*']);
    const phrase = '"graph neural*"';
    expect(matched(phrase, { abstract: 'graph neural networks' })).toEqual([phrase]);
    expect(matched(phrase, { abstract: 'Graphs neuralize' })).toEqual([phrase]);
    expect(matched(phrase, { abstract: 'graph-based neural networks' })).toEqual([]);
    expect(matched(phrase, { abstract: 'neural graph' })).toEqual([]);
  });

  it('drops every match of a member when one of their exclusions matches', () => {
    const list = 'tokenizer diffu* -survey';
    expect(matched(list, { title: 'A Survey of Tokenizers' })).toEqual([]);
    expect(matched(list, { title: 'Surveys of diffusion' })).toEqual([]);
    expect(matched(list, { title: 'Tokenizers for diffusion' })).toEqual(['tokenizer', 'diffu*']);
    expect(
      matched('tokenizer -"position paper"', { title: 'Tokenizers: a position paper' }),
    ).toEqual([]);
    expect(
      matched('tokenizer -"position paper"', { title: 'Tokenizers: position, paper' }),
    ).toEqual([]);
    expect(matched('tokenizer -"position paper"', { title: 'Tokenizer paper position' })).toEqual([
      'tokenizer',
    ]);
    expect(
      matched('tokenizer -author:"Jane Doe"', { title: 'Tokenizers', authors: ['Jane Doe'] }),
    ).toEqual([]);
    expect(matched('tokenizer -surv*', { title: 'Tokenizers surveyed' })).toEqual([]);
  });

  it('never alerts a member who has exclusions only', () => {
    expect(matched('-survey', { title: 'Tokenizers' })).toEqual([]);
    expect(matched('-survey -author:dao', { title: 'Survey' })).toEqual([]);
  });

  it('matches authors by consecutive name words, accents and case aside, without stemming', () => {
    const authors = ['Kurt Gödel', 'Yann LeCun', 'Łukasz Kaiser', 'Tri Dao'];
    expect(matched('author:"Gödel"', { authors: ['Kurt Godel'] })).toEqual(['author:godel']);
    expect(matched('author:Godel', { authors })).toEqual(['author:godel']);
    expect(matched('author:"yann lecun"', { authors })).toEqual(['author:"yann lecun"']);
    expect(matched('author:"Lukasz Kaiser"', { authors })).toEqual(['author:"lukasz kaiser"']);
    expect(matched('author:lecun', { authors: ['Yann A. LeCun'] })).toEqual(['author:lecun']);
    expect(matched('author:"yann lecun"', { authors: ['Yann A. LeCun'] })).toEqual([]);
    // Name words of two authors do not make one name.
    expect(matched('author:"dao yann"', { authors })).toEqual([]);
    expect(matched('author:dao', { authors: ['Tri Daos'] })).toEqual([]);
    expect(matched('author:lecun', { title: 'LeCun networks' })).toEqual([]);
    expect(matched('lecun', { authors })).toEqual([]);
  });

  it('reads through punctuation and LaTeX in abstracts', () => {
    expect(matched('tokenizer', { abstract: 'Our \\emph{tokenizers} (see §2), …' })).toEqual([
      'tokenizer',
    ]);
    expect(matched('"alpha divergence"', { abstract: 'a $\\alpha$-divergence bound' })).toEqual([
      '"alpha divergence"',
    ]);
    expect(matched('godel', { abstract: 'G\\"{o}del\'s theorem' })).toEqual(['godel']);
    expect(matched('"linear attention"', { abstract: '\\textbf{Linear} attention' })).toEqual([
      '"linear attention"',
    ]);
  });

  it('matches hyphenated words as their parts, in either spelling', () => {
    const sota = '"state of the art"';
    expect(matched('state-of-the-art', { abstract: 'State-of-the-Art results' })).toEqual([sota]);
    expect(matched('state-of-the-art', { abstract: 'the state of the art' })).toEqual([sota]);
    expect(matched('"gpt 4o"', { title: 'GPT-4o' })).toEqual(['"gpt 4o"']);
    expect(matched('gpt', { title: 'GPT-4o' })).toEqual(['gpt']);
    expect(matched('gpt-4', { title: 'GPT-4o' })).toEqual([]);
  });

  it('lists matches in the order the member subscribed, each once', () => {
    expect(
      matched('zeta alpha "alpha beta"', { abstract: 'alpha beta gamma zeta alpha beta zeta' }),
    ).toEqual(['zeta', 'alpha', '"alpha beta"']);
  });
});

describe('KeywordIndex', () => {
  const tokenizers = paper({ title: 'Better Tokenizers', authors: ['Tri Dao'] });

  it('counts keywords and subscribers', () => {
    const index = new KeywordIndex();
    expect([index.subscriptions, index.subscribers]).toEqual([0, 0]);
    index.setKeywords('T1/U1', keywords('tokenizer diffu* -survey'));
    index.setKeywords('T1/U2', keywords('author:dao'));
    expect([index.subscriptions, index.subscribers]).toEqual([4, 2]);
  });

  it('replaces a subscriber’s keywords', () => {
    const index = new KeywordIndex();
    index.setKeywords('T1/U1', keywords('tokenizer'));
    expect(index.match(tokenizers)).toEqual(new Map([['T1/U1', ['tokenizer']]]));
    index.setKeywords('T1/U1', keywords('diffusion "better tokenizer"'));
    expect(index.match(tokenizers)).toEqual(new Map([['T1/U1', ['"better tokenizer"']]]));
    expect(index.subscriptions).toBe(2);
    index.setKeywords('T1/U1', keywords('diffusion'));
    expect(index.match(tokenizers).size).toBe(0);
  });

  it('removes a subscriber given no keywords, leaving the others that share a word', () => {
    const index = new KeywordIndex();
    for (const user of ['U1', 'U2', 'U3', 'U4']) {
      index.setKeywords(`T1/${user}`, keywords('tokenizer author:dao better*'));
    }
    index.setKeywords('T1/U1', []);
    index.setKeywords('T1/U3', []);
    expect([index.subscriptions, index.subscribers]).toEqual([6, 2]);
    const all = ['tokenizer', 'author:dao', 'better*'];
    expect(index.match(tokenizers)).toEqual(
      new Map([
        ['T1/U2', all],
        ['T1/U4', all],
      ]),
    );
    index.setKeywords('T1/U2', []);
    index.setKeywords('T1/U4', []);
    index.setKeywords('T9/U9', []);
    expect([index.subscriptions, index.subscribers]).toEqual([0, 0]);
    expect(index.match(tokenizers).size).toBe(0);
    index.setKeywords('T1/U1', keywords('tokenizer'));
    expect(index.match(tokenizers)).toEqual(new Map([['T1/U1', ['tokenizer']]]));
  });

  it('counts a repeated keyword once', () => {
    const index = new KeywordIndex();
    const [tokenizer] = keywords('tokenizer');
    index.setKeywords('T1/U1', [tokenizer!, tokenizer!]);
    expect(index.subscriptions).toBe(1);
    expect(index.match(tokenizers).get('T1/U1')).toEqual(['tokenizer']);
  });

  it('applies exclusions per subscriber, across workspaces', () => {
    const index = new KeywordIndex();
    index.setKeywords('T1/U1', keywords('tokenizer -survey'));
    index.setKeywords('T1/U2', keywords('tokenizer'));
    index.setKeywords('T2/U1', keywords('surv* tokenizer'));
    index.setKeywords('T2/U2', keywords('-tokenizer'));
    expect(index.match(paper({ title: 'A Survey of Tokenizers' }))).toEqual(
      new Map([
        ['T1/U2', ['tokenizer']],
        ['T2/U1', ['surv*', 'tokenizer']],
      ]),
    );
  });

  it('forgets matches of one paper before the next', () => {
    const index = new KeywordIndex();
    index.setKeywords('T1/U1', keywords('tokenizer -survey'));
    expect(index.match(paper({ title: 'Survey' })).size).toBe(0);
    expect(index.match(tokenizers).get('T1/U1')).toEqual(['tokenizer']);
    expect(index.match(paper({ title: 'Nothing here' })).size).toBe(0);
  });
});

describe('KeywordIndex against naive matching', () => {
  // Few words, in several spellings, so that generated keywords and papers meet often.
  const TEXT_WORDS = [
    'model',
    'Models',
    'tokenizer',
    'Tokenizers',
    'speculative',
    'decoding',
    'Diffusion',
    'diffusers',
    'graph',
    'neural',
    'networks',
    'policy',
    'policies',
    'survey',
    'language',
    'caches',
    'cache',
    'state-of-the-art',
    'GPT-4o',
    '$\\alpha$-divergence',
    '\\emph{sparse}',
    'RoBERTa',
    'BERT',
    'Gödel',
    'the',
    'of',
    '(see',
    '§2),',
  ];
  const KEYWORD_WORDS = [
    'model',
    'tokenizers',
    'speculative',
    'decoding',
    'diffusion',
    'graph',
    'neural',
    'policy',
    'survey',
    'language',
    'cache',
    'alpha',
    'sparse',
    'bert',
    'godel',
    'gpt',
    '4o',
    'art',
  ];
  const NAMES = [
    'Yann LeCun',
    'Kurt Gödel',
    'Tri Dao',
    'Łukasz Kaiser',
    'Yann A. LeCun',
    'Ana Dao',
  ];
  const AUTHOR_KEYWORDS = [
    'lecun',
    '"yann lecun"',
    'godel',
    '"kurt godel"',
    'dao',
    'lukasz',
    'ana',
  ];

  function generate(random: () => number) {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    const words = (n: number) => Array.from({ length: n }, () => pick(TEXT_WORDS)).join(' ');
    const keyword = (): string => {
      const kind = random();
      if (kind < 0.35) return pick(KEYWORD_WORDS);
      // Phrases of 2 and 3 words, and prefixes after 0, 1 or 2 words: each filed differently.
      const phrase = (n: number) => Array.from({ length: n }, () => pick(KEYWORD_WORDS)).join(' ');
      const prefix = () => `${pick(KEYWORD_WORDS).slice(0, int(2, 5))}*`;
      if (kind < 0.5) return `"${phrase(2)}"`;
      if (kind < 0.55) return `"${phrase(3)}"`;
      if (kind < 0.63) return prefix();
      if (kind < 0.67) return `"${phrase(1)} ${prefix()}"`;
      if (kind < 0.7) return `"${phrase(2)} ${prefix()}"`;
      if (kind < 0.85) return `-${pick(KEYWORD_WORDS)}`;
      return `${random() < 0.2 ? '-' : ''}author:${pick(AUTHOR_KEYWORDS)}`;
    };
    return {
      paper: (): KeywordPaper => ({
        title: words(int(2, 8)),
        abstract: words(int(10, 40)),
        authors: Array.from({ length: int(1, 3) }, () => pick(NAMES)),
      }),
      keywords: (): Keyword[] => keywords(Array.from({ length: int(1, 6) }, keyword).join(' ')),
    };
  }

  it('finds what matching every subscriber one by one finds, on generated data', () => {
    const random = prng(20_250_601);
    const make = generate(random);
    const index = new KeywordIndex();
    const lists = new Map<string, Keyword[]>();
    for (let i = 0; i < 300; i += 1) {
      const list = make.keywords();
      lists.set(`T${i % 3}/U${i}`, list);
      index.setKeywords(`T${i % 3}/U${i}`, list);
    }
    let matchedPairs = 0;
    let excludedPairs = 0;
    const check = (papers: number) => {
      for (let p = 0; p < papers; p += 1) {
        const generated = make.paper();
        const prepared = preparePaper(generated);
        const found = index.match(generated);
        let expected = 0;
        for (const [subscriber, list] of lists) {
          const naive = matchKeywordsNaively(list, prepared);
          const indexed = found.get(subscriber) ?? [];
          // One expect per disagreement, not per pair: 90,000 expects would take seconds.
          if (indexed.join('|') !== naive.join('|')) {
            expect([subscriber, generated, indexed]).toEqual([subscriber, generated, naive]);
          }
          if (naive.length > 0) expected += 1;
          const positives = list.filter((k) => k.kind !== 'exclusion');
          if (naive.length === 0 && matchKeywordsNaively(positives, prepared).length > 0) {
            excludedPairs += 1;
          }
        }
        expect(found.size).toBe(expected);
        matchedPairs += expected;
      }
    };
    check(150);
    // Then a third of the subscribers change their keywords and a tenth leave.
    for (const subscriber of [...lists.keys()]) {
      const roll = random();
      const list = roll < 0.1 ? [] : roll < 0.43 ? make.keywords() : undefined;
      if (list === undefined) continue;
      lists.set(subscriber, list);
      index.setKeywords(subscriber, list);
    }
    check(150);
    expect(index.subscribers).toBe([...lists.values()].filter((list) => list.length > 0).length);
    expect(index.subscriptions).toBe(
      [...lists.values()].reduce((sum, list) => sum + new Set(list.map((k) => k.text)).size, 0),
    );
    // Not a vacuous agreement: many pairs matched, and many were dropped by an exclusion.
    expect(matchedPairs).toBeGreaterThan(10_000);
    expect(excludedPairs).toBeGreaterThan(1_000);
  });

  it('agrees with the naive matcher given the raw paper too', () => {
    const make = generate(prng(7));
    const list = make.keywords();
    for (let p = 0; p < 50; p += 1) {
      const generated = make.paper();
      expect(matchKeywordsNaively(list, generated)).toEqual(
        matchKeywordsNaively(list, preparePaper(generated)),
      );
    }
  });
});
