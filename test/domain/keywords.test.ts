import {
  foldedWords,
  KEYWORD_LIMITS,
  parseKeyword,
  parseKeywordList,
  stem,
  tokenize,
  type Keyword,
} from '../../src/domain/keywords';

function keyword(input: string): Keyword {
  const parsed = parseKeyword(input);
  if ('problem' in parsed) throw new Error(`expected "${input}" to parse: ${parsed.problem}`);
  return parsed;
}

function problem(input: string): string {
  const parsed = parseKeyword(input);
  if (!('problem' in parsed)) throw new Error(`expected "${input}" to be refused`);
  return parsed.problem;
}

const text = (input: string): string => keyword(input).text;

describe('stem', () => {
  it('folds plurals into the singular', () => {
    for (const [plural, singular] of [
      ['tokenizers', 'tokenizer'],
      ['transformers', 'transformer'],
      ['models', 'model'],
      ['policies', 'policy'],
      ['queries', 'query'],
      ['processes', 'process'],
      ['classes', 'class'],
      ['buses', 'bus'],
      ['lenses', 'lens'],
      ['biases', 'bias'],
      ['analyses', 'analysis'],
      ['hypotheses', 'hypothesis'],
      ['caches', 'cache'],
      ['matches', 'match'],
      ['approaches', 'approach'],
      ['boxes', 'box'],
      ['responses', 'response'],
      ['sizes', 'size'],
      ['ideas', 'idea'],
      ['llms', 'llm'],
      ['lms', 'lm'],
      ['gpus', 'gpu'],
      ['relus', 'relu'],
      ['matrices', 'matrix'],
      ['indices', 'index'],
      ['corpora', 'corpus'],
    ]) {
      expect([plural, stem(plural as string)]).toEqual([plural, stem(singular as string)]);
    }
  });

  it('keeps singulars that end in s', () => {
    for (const word of [
      'analysis',
      'process',
      'class',
      'bus',
      'lens',
      'bias',
      'corpus',
      'status',
    ]) {
      expect(stem(word)).toBe(word);
    }
    expect(stem('series')).toBe('series');
    expect(stem('various')).toBe('various');
  });

  it('leaves short words, and words with no plural ending, alone', () => {
    expect(stem('is')).toBe('is');
    expect(stem('vs')).toBe('vs');
    expect(stem('use')).toBe('use');
    expect(stem('model')).toBe('model');
    expect(stem('4o')).toBe('4o');
  });

  it('does not fold -ing or -ed, nor join words that merely look alike', () => {
    expect(stem('decoding')).not.toBe(stem('decoder'));
    expect(stem('trained')).not.toBe(stem('train'));
    expect(stem('note')).not.toBe(stem('not'));
    expect(stem('plane')).not.toBe(stem('plan'));
    expect(stem('pose')).not.toBe(stem('pos'));
    expect(stem('bus')).not.toBe(stem('business'));
  });
});

describe('tokenize', () => {
  it('lower-cases, splits at punctuation and hyphens, and stems', () => {
    expect(tokenize('State-of-the-Art Tokenizers (for GPT-4o), v2.5!')).toEqual([
      'state',
      'of',
      'the',
      'art',
      'tokenizer',
      'for',
      'gpt',
      '4o',
      'v2',
      '5',
    ]);
  });

  it('folds accents, ligatures and letters NFKD leaves alone', () => {
    expect(tokenize('Gödel’s ﬁne Łukasz Søren İstanbul café')).toEqual([
      'godel',
      'fine',
      'lukasz',
      'soren',
      'istanbul',
      'cafe',
    ]);
  });

  it('drops possessives, so they do not break phrases', () => {
    expect(tokenize("the model's weights")).toEqual(['the', 'model', 'weight']);
  });

  it('reads LaTeX: arguments kept, markup commands dropped, Greek letters named', () => {
    expect(tokenize('\\emph{Tokenizers} and \\textbf{Linear Attention}')).toEqual([
      'tokenizer',
      'and',
      'linear',
      'attention',
    ]);
    expect(tokenize('in $\\mathcal{O}(n^2)$ time')).toEqual(['in', 'o', 'n', '2', 'time']);
    expect(tokenize('$\\alpha$-divergence and $\\Delta$')).toEqual([
      'alpha',
      'divergence',
      'and',
      'delta',
    ]);
    expect(tokenize('$x \\in \\mathbb{R}^d$')).toEqual(['x', 'r', 'd']);
  });

  it('keeps a LaTeX accent inside its word', () => {
    expect(tokenize('G\\"odel and G\\"{o}del, Ha\\v{s}ek, Erd\\H{o}s')).toEqual([
      'godel',
      'and',
      'godel',
      'hasek',
      'erdo',
    ]);
  });

  it('keeps words of any script, and has nothing for punctuation alone', () => {
    expect(tokenize('نموذج トークン')).toEqual(['نموذج', 'トークン']);
    expect(tokenize('— … *** ')).toEqual([]);
    expect(tokenize('')).toEqual([]);
  });
});

describe('foldedWords', () => {
  it('folds without stemming', () => {
    expect(foldedWords('Kurt Gödel, Tokenizers')).toEqual(['kurt', 'godel', 'tokenizers']);
  });
});

describe('parseKeyword', () => {
  it('reads a word, a phrase, a prefix, an exclusion and an author', () => {
    expect(keyword('Tokenizers')).toEqual({
      kind: 'terms',
      text: 'tokenizers',
      stems: ['tokenizer'],
    });
    expect(keyword('"Speculative  Decoding"')).toEqual({
      kind: 'terms',
      text: '"speculative decoding"',
      stems: ['speculative', 'decoding'],
    });
    expect(keyword('diffu*')).toEqual({
      kind: 'prefix',
      text: 'diffu*',
      stems: [],
      prefix: 'diffu',
    });
    expect(keyword('"graph neural*"')).toEqual({
      kind: 'prefix',
      text: '"graph neural*"',
      stems: ['graph'],
      prefix: 'neural',
    });
    expect(keyword('-survey')).toEqual({
      kind: 'exclusion',
      text: '-survey',
      excluded: { kind: 'terms', text: 'survey', stems: ['survey'] },
    });
    expect(keyword('author:"Yann LeCun"')).toEqual({
      kind: 'author',
      text: 'author:"yann lecun"',
      names: ['yann', 'lecun'],
    });
  });

  it('excludes phrases, prefixes and authors too', () => {
    expect(text('-"Position Paper"')).toBe('-"position paper"');
    expect(text('-surv*')).toBe('-surv*');
    expect(text('-author:"Jane Doe"')).toBe('-author:"jane doe"');
  });

  it('gives inputs that mean the same keyword the same canonical text', () => {
    const same = (inputs: string[], canonical: string) => {
      for (const input of inputs) expect([input, text(input)]).toEqual([input, canonical]);
    };
    same(['tokenizer', 'Tokenizer', '"tokenizer"', ' TOKENIZER ', 'tokenizer,'], 'tokenizer');
    same(
      [
        '"speculative decoding"',
        '"Speculative   Decoding"',
        'speculative-decoding',
        '“speculative decoding”',
      ],
      '"speculative decoding"',
    );
    same(
      ['author:"Yann LeCun"', 'AUTHOR:"yann  lecun"', 'author:Yann-LeCun'],
      'author:"yann lecun"',
    );
    same(['author:Gödel', 'author:godel', 'author:"Gödel"'], 'author:godel');
    same(['Diffu*', '"diffu*"', 'diffu**'], 'diffu*');
    same(['"graph neural*"', '"graph neural"*', '"Graph  Neural*"'], '"graph neural*"');
    same(['-Survey', '-"survey"'], '-survey');
    same(['state-of-the-art', '"state of the art"'], '"state of the art"');
  });

  it('reads its own canonical text back as the same keyword', () => {
    for (const input of [
      'Tokenizers',
      '"Speculative Decoding"',
      'diffu*',
      '"graph neural*"',
      '-"position paper"',
      '-surv*',
      'author:"Łukasz Kaiser"',
      '-author:dao',
      'GPT-4o',
      'Gödel',
    ]) {
      const parsed = keyword(input);
      expect(keyword(parsed.text)).toEqual(parsed);
    }
  });

  it('keeps the plural as typed, though it matches what the singular does', () => {
    expect(keyword('tokenizers')).toMatchObject({ text: 'tokenizers', stems: ['tokenizer'] });
  });

  it('counts the words as shown, without decoration, against the limits', () => {
    const { minLength, maxLength } = KEYWORD_LIMITS;
    expect([minLength, maxLength]).toEqual([2, 100]);
    expect(problem('x')).toBe('`x` is too short: a keyword needs 2 to 100 characters.');
    expect(problem('"x"')).toBe('`"x"` is too short: a keyword needs 2 to 100 characters.');
    expect(problem('-x')).toMatch(/^`-x` is too short/);
    expect(problem('author:x')).toMatch(/^`author:x` is too short/);
    expect(problem('C++')).toMatch(/^`C\+\+` is too short/);
    expect(text('ai')).toBe('ai');
    expect(text('-ai')).toBe('-ai');
    const longest = `"${'a'.repeat(49)} ${'b'.repeat(50)}"`;
    expect(keyword(longest).kind).toBe('terms');
    expect(problem(`"${'a'.repeat(50)} ${'b'.repeat(50)}"`)).toMatch(
      /^`"a{38}…` is too long: a keyword needs 2 to 100 characters\.$/,
    );
    expect(problem('a'.repeat(101))).toMatch(/is too long/);
  });

  it('needs 2 letters or digits before a prefix star, and a star only at the end', () => {
    expect(problem('d*')).toBe(
      '`d*` is too short for a prefix: put at least 2 letters or digits before the `*`, e.g. `diffu*`.',
    );
    expect(problem('"graph n*"')).toMatch(/too short for a prefix/);
    expect(text('4o*')).toBe('4o*');
    expect(problem('diff*sion')).toMatch(/^`diff\*sion`: a `\*` can only end a word/);
    expect(problem('"diffu* models"')).toMatch(/can only end a word/);
    expect(problem('gpt-*')).toMatch(/can only end a word/);
    expect(problem('author:lecu*')).toMatch(/whole name words, without `\*`/);
  });

  it('refuses what has no letters or digits, an empty author and unknown operators', () => {
    expect(problem('!!!')).toMatch(/^`!!!` has no letters or digits to match\./);
    expect(problem('-')).toMatch(/^`-` has no letters or digits/);
    expect(problem('*')).toMatch(/^`\*` has no letters or digits/);
    expect(problem('""')).toMatch(/has no letters or digits/);
    expect(problem('author:')).toMatch(/^`author:` needs a name/);
    expect(problem('author:"  "')).toMatch(/needs a name/);
    expect(problem('title:mamba')).toMatch(/^I don't know `title:` in `title:mamba`/);
    expect(text('Mamba:')).toBe('mamba');
    expect(text('https://mamba.ai')).toBe('"https mamba ai"');
  });

  it('quotes the input without backticks, and cut when long', () => {
    expect(problem('`!`')).toMatch(/^`'!'` has no letters/);
  });
});

describe('parseKeywordList', () => {
  it('splits on whitespace outside quotes, keeping author:"…" together', () => {
    const { keywords, problems } = parseKeywordList(
      'tokenizer "speculative decoding" diffu* -survey author:"Yann LeCun"',
    );
    expect(problems).toEqual([]);
    expect(keywords.map((k) => k.text)).toEqual([
      'tokenizer',
      '"speculative decoding"',
      'diffu*',
      '-survey',
      'author:"yann lecun"',
    ]);
  });

  it('reads smart quotes and an unclosed quote to the end', () => {
    expect(parseKeywordList('“speculative decoding” mamba').keywords.map((k) => k.text)).toEqual([
      '"speculative decoding"',
      'mamba',
    ]);
    expect(parseKeywordList('mamba "state space').keywords.map((k) => k.text)).toEqual([
      'mamba',
      '"state space"',
    ]);
  });

  it('collects a problem per bad item and keeps the good ones', () => {
    const { keywords, problems } = parseKeywordList('x tokenizer d* !!!');
    expect(keywords.map((k) => k.text)).toEqual(['tokenizer']);
    expect(problems).toEqual([
      '`x` is too short: a keyword needs 2 to 100 characters.',
      expect.stringMatching(/^`d\*` is too short for a prefix/),
      expect.stringMatching(/^`!!!` has no letters or digits/),
    ]);
  });

  it('drops a keyword that matches what an earlier one does, keeping the first', () => {
    const { keywords } = parseKeywordList(
      'Tokenizers tokenizer TOKENIZERS "a b" a-b -survey -surveys survey author:Dao author:dao',
    );
    expect(keywords.map((k) => k.text)).toEqual([
      'tokenizers',
      '"a b"',
      '-survey',
      'survey',
      'author:dao',
    ]);
  });

  it('has nothing for empty text', () => {
    expect(parseKeywordList('   ')).toEqual({ keywords: [], problems: [] });
  });
});
