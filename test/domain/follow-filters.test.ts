import {
  MAX_CATEGORIES,
  describeFilters,
  filtersFromJson,
  parseFollow,
  passesFilters,
  type FollowFilters,
} from '../../src/domain/follow-filters';
import { minimalPaper } from '../support/papers';

function follow(text: string) {
  const parsed = parseFollow(text);
  if (!parsed.ok) throw new Error(`expected "${text}" to parse: ${parsed.problem}`);
  return parsed;
}

function problem(text: string): string {
  const parsed = parseFollow(text);
  if (parsed.ok) throw new Error(`expected "${text}" to be refused`);
  return parsed.problem;
}

describe('parseFollow', () => {
  it('reads feeds: hf, and arXiv categories written as arXiv writes them', () => {
    expect(follow('hf')).toEqual({ ok: true, feeds: ['hf'], filters: {} });
    expect(follow('arxiv:cs.cl,CS.LG,hep-th arxiv:physics.Optics hf').feeds).toEqual([
      'arxiv:cs.CL',
      'arxiv:cs.LG',
      'arxiv:hep-th',
      'arxiv:physics.optics',
      'hf',
    ]);
    expect(follow('HF hf').feeds).toEqual(['hf']);
  });

  it('reads every filter', () => {
    expect(
      follow(
        'hf keywords:"speculative decoding",Mamba -keywords:survey,"position paper" min-upvotes:10 digest:daily@9:05 top:3',
      ).filters,
    ).toEqual({
      keywords: [['speculative', 'decoding'], ['mamba']],
      excludeKeywords: [['survey'], ['position', 'paper']],
      minUpvotes: 10,
      digest: { time: '09:05', top: 3 },
    });
    expect(follow('hf digest:daily').filters.digest).toEqual({ time: '09:00', top: 10 });
  });

  it('caps what one follow may name: the categories and their length', () => {
    const letter = (n: number) => String.fromCharCode(65 + n);
    const categories = Array.from(
      { length: MAX_CATEGORIES + 1 },
      (_, i) => `cs.${letter(i % 26)}${letter(Math.floor(i / 26))}`,
    );
    expect(parseFollow(`arxiv:${categories.slice(0, MAX_CATEGORIES).join(',')}`)).toMatchObject({
      ok: true,
    });
    const tooMany = parseFollow(`arxiv:${categories.join(',')}`);
    expect(tooMany.ok ? '' : tooMany.problem).toContain(
      `at most ${MAX_CATEGORIES} arXiv categories`,
    );
    expect(parseFollow(`arxiv:cs.${'x'.repeat(5_000)}`)).toMatchObject({ ok: false });
  });

  it('says what is wrong, in plain words', () => {
    expect(problem('')).toMatch(/Which feed\?/);
    expect(problem('keywords:mamba')).toMatch(/Which feed\?/);
    expect(problem('rss')).toMatch(/I don't understand `rss`/);
    expect(problem('arxiv:')).toMatch(/is not an arXiv category/);
    expect(problem('arxiv:cs.CL,42')).toMatch(/`42` is not an arXiv category/);
    expect(problem('hf min-upvotes:0')).toMatch(/whole number/);
    expect(problem('hf min-upvotes:ten')).toMatch(/whole number/);
    expect(problem('hf keywords:')).toMatch(/takes 1 to 20/);
    expect(problem('hf digest:weekly')).toMatch(/`digest:` takes `daily`/);
    expect(problem('hf digest:daily@25:00')).toMatch(/`digest:` takes `daily`/);
    expect(problem('hf top:5')).toMatch(/goes with `digest:daily@HH:MM`/);
    expect(problem('hf digest:daily top:50')).toMatch(/from 1 to 20/);
    expect(problem('arxiv:cs.CL min-upvotes:5')).toMatch(/works with `hf` only/);
  });
});

describe('passesFilters', () => {
  const paper = minimalPaper('2506.00001', {
    title: 'Faster Tokenizers for Speculative Decoding',
    abstract: 'We survey nothing; a $\\mathcal{O}(n)$ method (see https://x.org).',
    hfUpvotes: 7,
  });
  const passes = (filters: FollowFilters) => passesFilters(paper, filters);

  it('matches whole words and phrases, case and plurals aside', () => {
    expect(passes({ keywords: [['tokenizer']] })).toBe(true);
    expect(passes({ keywords: [['speculative', 'decoding']] })).toBe(true);
    expect(passes({ keywords: [['decoding', 'speculative']] })).toBe(false);
    expect(passes({ keywords: [['token']] })).toBe(false);
    expect(passes({ keywords: [['mamba'], ['faster']] })).toBe(true);
  });

  it('leaves out excluded words, and holds back what has too few upvotes', () => {
    expect(passes({ excludeKeywords: [['survey']] })).toBe(false);
    expect(passes({ excludeKeywords: [['surveys']] })).toBe(false);
    expect(passes({ minUpvotes: 7 })).toBe(true);
    expect(passes({ minUpvotes: 8 })).toBe(false);
    expect(passesFilters(minimalPaper('2506.00002'), { minUpvotes: 1 })).toBe(false);
    expect(passes({})).toBe(true);
  });
});

describe('describeFilters and filtersFromJson', () => {
  it('writes filters back the way a member types them, and reads stored ones safely', () => {
    const { filters } = follow(
      'hf keywords:"a b",c -keywords:d min-upvotes:2 digest:daily@07:30 top:4',
    );
    expect(describeFilters(filters)).toBe(
      'keywords:"a b",c -keywords:d min-upvotes:2 digest:daily@07:30 top:4',
    );
    expect(follow(`hf ${describeFilters(filters)}`).filters).toEqual(filters);
    expect(filtersFromJson(JSON.stringify(filters))).toEqual(filters);
    expect(filtersFromJson('not json')).toEqual({});
    expect(filtersFromJson('{"keywords":"mamba","minUpvotes":"3","digest":{"time":"x"}}')).toEqual(
      {},
    );
  });
});
