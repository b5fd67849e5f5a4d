import { listed } from '../../../src/slack/blocks/limits';

describe('listed: items on one line of an answer', () => {
  it('joins items that fit', () => {
    expect(listed(['`a`', '`b`', '`c`'])).toBe('`a`, `b`, `c`');
    expect(listed([])).toBe('');
  });

  it('stops before the item that would pass the budget, never cutting one, and says how many more', () => {
    const items = Array.from({ length: 60 }, (_, i) => `\`${'k'.repeat(95)}${i}\``);
    const line = listed(items);
    expect(line.length).toBeLessThanOrEqual(1_000 + ' and 60 more'.length);
    const shown = line.split(', ').length;
    expect(line).toMatch(new RegExp(` and ${60 - shown} more$`));
    expect(
      line
        .split(' and ')[0]!
        .split(', ')
        .every((item) => /^`k+\d+`$/.test(item)),
    ).toBe(true);
  });

  it('always shows the first item, however long', () => {
    expect(listed(['x'.repeat(1_500), 'y'])).toBe(`${'x'.repeat(1_500)} and 1 more`);
  });
});
