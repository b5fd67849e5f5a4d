import {
  formatSearchQuery,
  MAX_QUERY_LENGTH,
  parseSearchQuery,
  type ParsedSearch,
  type SearchQuery,
} from '../../src/domain/search-query';

const NOW = new Date('2025-03-12T15:30:00.000Z');
const parse = (text: string, timeZone = 'UTC'): ParsedSearch =>
  parseSearchQuery(text, { now: NOW, timeZone });

function parsed(text: string, timeZone = 'UTC'): SearchQuery {
  const result = parse(text, timeZone);
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.hint}`);
  return result.query;
}

function hint(text: string): string {
  const result = parse(text);
  if (result.ok) throw new Error(`expected "${text}" to be refused`);
  return result.hint;
}

describe('parseSearchQuery', () => {
  it('reads plain words, phrases and exclusions, lower-cased and without punctuation', () => {
    expect(parsed('Speculative  DECODING "State-Space models" -survey -"large language"')).toEqual({
      include: [['speculative'], ['decoding'], ['state', 'space', 'models']],
      exclude: [['survey'], ['large', 'language']],
      authors: [],
      sort: 'relevance',
    });
  });

  it('keeps a hyphenated or dotted word together as one term', () => {
    expect(parsed('gpt-4 llama3.1').include).toEqual([
      ['gpt', '4'],
      ['llama3', '1'],
    ]);
  });

  it('reads author:, quoted or not, and any case of the operator', () => {
    expect(parsed('author:"Tri Dao" AUTHOR:Hinton').authors).toEqual([['tri', 'dao'], ['hinton']]);
  });

  it('reads sort:', () => {
    expect(parsed('mamba sort:votes').sort).toBe('votes');
    expect(parsed('mamba sort:NEW').sort).toBe('new');
    expect(hint('mamba sort:stars')).toMatch(
      /sort:relevance.*sort:votes.*sort:new.*not `sort:stars`/,
    );
  });

  describe('since: and until:', () => {
    it('counts days, weeks, months and years back from the start of today', () => {
      expect(parsed('since:7d').since).toEqual(new Date('2025-03-05T00:00:00.000Z'));
      expect(parsed('since:2w').since).toEqual(new Date('2025-02-26T00:00:00.000Z'));
      expect(parsed('since:1m').since).toEqual(new Date('2025-02-12T00:00:00.000Z'));
      expect(parsed('since:1y').since).toEqual(new Date('2024-03-12T00:00:00.000Z'));
      expect(parsed('since:0d').since).toEqual(new Date('2025-03-12T00:00:00.000Z'));
    });

    it('reads days, months and years; until: includes the whole period', () => {
      expect(parsed('since:2025-01-01').since).toEqual(new Date('2025-01-01T00:00:00.000Z'));
      expect(parsed('since:2024-06').since).toEqual(new Date('2024-06-01T00:00:00.000Z'));
      expect(parsed('since:2024').since).toEqual(new Date('2024-01-01T00:00:00.000Z'));
      expect(parsed('until:2025-01-31').until).toEqual(new Date('2025-02-01T00:00:00.000Z'));
      expect(parsed('until:2024-02').until).toEqual(new Date('2024-03-01T00:00:00.000Z'));
      expect(parsed('until:2024').until).toEqual(new Date('2025-01-01T00:00:00.000Z'));
    });

    it('counts days in the given time zone, across a daylight-saving change', () => {
      // New York moved to daylight time on 2025-03-09: a week back is still local midnight.
      expect(parsed('since:7d', 'America/New_York').since).toEqual(
        new Date('2025-03-05T05:00:00.000Z'),
      );
      expect(parsed('since:2d', 'America/New_York').since).toEqual(
        new Date('2025-03-10T04:00:00.000Z'),
      );
      expect(parsed('since:2025-03-01', 'Europe/Paris').since).toEqual(
        new Date('2025-02-28T23:00:00.000Z'),
      );
    });

    it('gives a hint for what is not a time, or an empty range', () => {
      expect(hint('since:yesterday')).toMatch(/can't read `yesterday`.*`7d`.*`2025-01-01`/);
      expect(hint('since:2025-02-30')).toMatch(/not a date on the calendar/);
      expect(hint('since:2025-13')).toMatch(/not a date on the calendar/);
      expect(hint('mamba until:')).toMatch(/a time is missing/);
      expect(hint('since:2025-02-01 until:2025-01-01')).toMatch(/after `until:`/);
    });
  });

  it('takes filters alone, without words', () => {
    expect(parsed('author:dao').include).toEqual([]);
    expect(parsed('since:7d sort:votes').since).toBeDefined();
  });

  it('asks for something to search when there is nothing to match', () => {
    expect(hint('')).toMatch(/Tell me what to look for/);
    expect(hint('   ')).toMatch(/Tell me what to look for/);
    expect(hint('🚀 ✨ *** ^^^')).toMatch(/Tell me what to look for/);
    expect(hint('-survey')).toMatch(/at least one word/);
    expect(hint('author:')).toMatch(/needs a name/);
    expect(hint('-author:dao mamba')).toMatch(/not leave one out/);
    expect(hint('mamba -since:7d')).toMatch(/`-since:` means nothing to me/);
  });

  it('reads operators of the database as plain words', () => {
    expect(parsed('NEAR(a b) AND OR NOT ^y *z : Mamba: x').include).toEqual([
      ['near', 'a'],
      ['b'],
      ['and'],
      ['or'],
      ['not'],
      ['y'],
      ['z'],
      ['mamba'],
      ['x'],
    ]);
    expect(parsed("'; DROP TABLE papers; --").include).toEqual([['drop'], ['table'], ['papers']]);
  });

  it('gives a hint for an operator it does not have, but reads links and a bare colon as words', () => {
    expect(hint('title:mamba')).toMatch(
      /I don't know `title:`.*`author:`, `since:`, `until:`, `sort:`/,
    );
    expect(parsed('https://example.org/x').include).toEqual([['https', 'example', 'org', 'x']]);
  });

  it('drops a lone combining mark instead of searching for an empty word', () => {
    expect(parsed('tokenizer \u0301').include).toEqual([['tokenizer']]);
  });

  it('reads an unclosed quote to the end and says so', () => {
    const result = parse('"speculative decoding');
    expect(result).toMatchObject({ ok: true, query: { include: [['speculative', 'decoding']] } });
    expect(result.ok && result.notes[0]).toMatch(/quote was not closed/);
  });

  it('keeps words of any script', () => {
    expect(parsed('نموذج トークン Ünïcode').include).toEqual([
      ['نموذج'],
      ['トークン'],
      ['ünïcode'],
    ]);
  });

  it('refuses a query that is too long, or has too many terms, saying the limit', () => {
    expect(hint('a'.repeat(MAX_QUERY_LENGTH + 1))).toMatch(/501 characters long.*up to 500/);
    expect(parse('a'.repeat(MAX_QUERY_LENGTH)).ok).toBe(true);
    expect(hint('w '.repeat(17))).toMatch(/17 words and phrases; I match at most 16/);
  });
});

describe('formatSearchQuery', () => {
  it('writes a query back so that it parses to the same query', () => {
    for (const text of [
      'speculative decoding -survey',
      '"state space" author:"Tri Dao" sort:votes',
      'mamba since:2025-01-01 until:2025-01-31',
      'since:7d',
      // A daylight-saving change in Paris: the last day is still 30 March.
      'mamba until:2025-03-30',
    ]) {
      const query = parsed(text, 'Europe/Paris');
      expect(parsed(formatSearchQuery(query, 'Europe/Paris'), 'Europe/Paris')).toEqual(query);
    }
  });
});
