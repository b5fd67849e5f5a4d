import { decodeSlackText, escapeMrkdwn, mrkdwnLink } from '../../src/slack/mrkdwn';

describe('escapeMrkdwn', () => {
  it('escapes &, < and >', () => {
    expect(escapeMrkdwn('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
  });

  it('escapes & first, so an escaped-looking input stays literal', () => {
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
    expect(escapeMrkdwn('<')).toBe('&lt;');
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });

  it('makes every control sequence inert', () => {
    for (const sequence of [
      '<!channel>',
      '<!here>',
      '<!everyone>',
      '<@U123ABC>',
      '<#C123|general>',
      '<!subteam^S123|@team>',
      '<https://evil.example|click me>',
      '<!date^1392734382^{date}|Feb 18>',
    ]) {
      const escaped = escapeMrkdwn(sequence);
      expect(escaped).not.toMatch(/[<>]/);
      expect(escaped.startsWith('&lt;')).toBe(true);
      expect(escaped.endsWith('&gt;')).toBe(true);
    }
  });

  it('changes nothing else', () => {
    const text = '*bold* _italic_ ~strike~ `code` | "quotes" \'single\' 😀 é \n newline';
    expect(escapeMrkdwn(text)).toBe(text);
    expect(escapeMrkdwn('')).toBe('');
  });
});

describe('mrkdwnLink', () => {
  it('builds <url|label> with an escaped label', () => {
    expect(mrkdwnLink('https://arxiv.org/abs/2406.07550', 'A & B <c>')).toBe(
      '<https://arxiv.org/abs/2406.07550|A &amp; B &lt;c&gt;>',
    );
  });

  it('percent-encodes |, < and > in the URL so the link stays whole', () => {
    const link = mrkdwnLink('https://github.com/a|b>c<d', 'GitHub');
    expect(link).toBe('<https://github.com/a%7Cb%3Ec%3Cd|GitHub>');
    // Exactly one control sequence, with the whole label.
    expect(link.match(/[<>]/g)).toEqual(['<', '>']);
  });

  it('cannot be turned into a broadcast through the URL or the label', () => {
    const link = mrkdwnLink('https://x.example/|<!channel>', '<!here>');
    expect(link).not.toContain('<!channel>');
    expect(link).not.toContain('<!here>');
    expect(link.match(/[<>]/g)).toEqual(['<', '>']);
  });
});

describe('decodeSlackText', () => {
  it('decodes entities back to what was typed', () => {
    expect(decodeSlackText('a &lt;b&gt; &amp; c')).toBe('a <b> & c');
  });

  it('decodes &amp; last, so an escaped entity decodes once', () => {
    expect(decodeSlackText('&amp;lt;')).toBe('&lt;');
  });

  it('turns a labelled link into its label', () => {
    expect(decodeSlackText('see <https://arxiv.org/abs/2406.07550|the paper> now')).toBe(
      'see the paper now',
    );
    expect(decodeSlackText('<mailto:ada@example.org|ada@example.org>')).toBe('ada@example.org');
  });

  it('turns a bare link into its URL', () => {
    expect(decodeSlackText('<https://arxiv.org/abs/2406.07550>')).toBe(
      'https://arxiv.org/abs/2406.07550',
    );
    expect(decodeSlackText('<http://x.example/a?b=1&amp;c=2> and more')).toBe(
      'http://x.example/a?b=1&c=2 and more',
    );
  });

  it('undoes escapeMrkdwn', () => {
    for (const text of ['a & b', '<!channel> & <@U1>', '&lt; literal', 'x > y < z', '']) {
      expect(decodeSlackText(escapeMrkdwn(text))).toBe(text);
    }
  });
});
