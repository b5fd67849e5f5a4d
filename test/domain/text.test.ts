import { collapseWhitespace, cutAtSentence, truncate } from '../../src/domain/text';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('collapseWhitespace', () => {
  it('collapses runs of spaces, tabs and newlines into one space and trims', () => {
    expect(collapseWhitespace('  Attention\n  is \t all\r\n\nyou   need  ')).toBe(
      'Attention is all you need',
    );
  });

  it('leaves single spaces, emoji and other text alone', () => {
    expect(collapseWhitespace('Tokens 😀 🚀 for everyone')).toBe('Tokens 😀 🚀 for everyone');
    expect(collapseWhitespace('\n 👩‍🔬\t\t🧪 ')).toBe('👩‍🔬 🧪');
    expect(collapseWhitespace('   ')).toBe('');
  });
});

describe('truncate', () => {
  it('returns text within the limit unchanged', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('', 5)).toBe('');
  });

  it('cuts to at most max characters, ending with …', () => {
    expect(truncate('hello world', 5)).toBe('hell…');
    expect(truncate('hello world', 5)).toHaveLength(5);
  });

  it('never splits an emoji (a surrogate pair)', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('a😀cd', 4)).toBe('a😀…');
    const emoji = '😀'.repeat(50);
    for (let max = 1; max < emoji.length; max += 1) {
      const cut = truncate(emoji, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(LONE_SURROGATE);
      expect(cut.endsWith('…')).toBe(true);
    }
  });
});

describe('cutAtSentence', () => {
  const text =
    'First sentence is here. Second sentence follows it! Is this the third one? The fourth sentence is quite a bit longer than the others.';

  it('returns text within the limit unchanged', () => {
    expect(cutAtSentence(text, text.length)).toBe(text);
  });

  it('cuts at the last sentence end that fits, without an ellipsis', () => {
    expect(cutAtSentence(text, 80)).toBe(
      'First sentence is here. Second sentence follows it! Is this the third one?',
    );
    expect(cutAtSentence(text, 60)).toBe('First sentence is here. Second sentence follows it!');
  });

  it('falls back to a word boundary with … when no sentence ends in the second half', () => {
    const cut = cutAtSentence('One. ' + 'word '.repeat(40), 50);
    expect(cut.endsWith('word…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(50);
  });

  it('cuts hard, with …, when there is no word boundary either', () => {
    const cut = cutAtSentence('x'.repeat(100), 10);
    expect(cut).toBe(`${'x'.repeat(9)}…`);
  });

  it('never exceeds the limit', () => {
    const long = `${text} `.repeat(20);
    for (let max = 10; max < long.length; max += 7) {
      expect(cutAtSentence(long, max).length).toBeLessThanOrEqual(max);
    }
  });

  it('does not split an emoji at a word boundary', () => {
    const cut = cutAtSentence(`Results ${'🚀 '.repeat(40)}`, 30);
    expect(cut).not.toMatch(LONE_SURROGATE);
    expect(cut.length).toBeLessThanOrEqual(30);
  });

  it('does not split an emoji when it must cut inside a run of them', () => {
    for (let max = 4; max < 40; max += 1) {
      const cut = cutAtSentence(`ab${'😀'.repeat(30)}`, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(LONE_SURROGATE);
    }
  });
});
