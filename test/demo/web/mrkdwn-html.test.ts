import { escapeHtml, safeUrl } from '../../../src/demo/web/html';
import {
  mrkdwnToHtml,
  mrkdwnToPlainText,
  replaceEmoji,
  type NameLookup,
} from '../../../src/demo/web/mrkdwn-html';
import { escapeMrkdwn, mrkdwnLink } from '../../../src/slack/mrkdwn';
import { visibleText } from '../../support/html-text';

const USERS: Record<string, string> = { U1: 'Ada Lovelace', U2: 'Grace "G" <Hopper>' };
const CHANNELS: Record<string, string> = { C1: 'papers', C2: 'ml-<reading>' };
const names: NameLookup = { user: (id) => USERS[id], channel: (id) => CHANNELS[id] };

const html = (text: string): string => mrkdwnToHtml(text, names);

const TAGS = new Set(['b', 'i', 's', 'code', 'pre', 'blockquote', 'br', 'a', 'span']);
const ATTRIBUTES = new Set(['class', 'href', 'target', 'rel', 'data-place']);
const TAG = /<\/?([a-z]+)((?:\s[a-z-]+(?:="[^"<>]*")?)*)>/y;

/**
 * Reads the markup strictly: every `<` must open a well-formed tag of the renderer's own, with
 * only its own attributes, every value double-quoted and free of quotes and brackets; text between
 * tags holds no `>`. Anything a hostile input managed to smuggle in fails one of these.
 */
function expectOnlyOwnMarkup(markup: string): void {
  const problems: string[] = [];
  let i = 0;
  while (i < markup.length) {
    const lt = markup.indexOf('<', i);
    const text = markup.slice(i, lt === -1 ? undefined : lt);
    if (/[<>"]/.test(text)) problems.push(`loose bracket or quote in text: ${text}`);
    if (lt === -1) break;
    TAG.lastIndex = lt;
    const tag = TAG.exec(markup);
    if (!tag) throw new Error(`malformed markup at ${lt}: ${markup.slice(lt, lt + 60)}`);
    if (!TAGS.has(tag[1] ?? '')) problems.push(`foreign tag: ${tag[0]}`);
    for (const [, name = '', value = ''] of (tag[2] ?? '').matchAll(
      /\s([a-z-]+)(?:="([^"]*)")?/g,
    )) {
      if (!ATTRIBUTES.has(name)) problems.push(`foreign attribute: ${tag[0]}`);
      if (name === 'href' && !/^(?:https?|mailto):/.test(value))
        problems.push(`bad href: ${value}`);
    }
    i = lt + tag[0].length;
  }
  expect(problems).toEqual([]);
}

describe('escapeHtml', () => {
  it('escapes & < > " and \'', () => {
    expect(escapeHtml(`a & b < c > d " e ' f`)).toBe('a &amp; b &lt; c &gt; d &quot; e &#39; f');
  });

  it('escapes & first, so an entity in the input stays literal', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });

  it('changes nothing else', () => {
    expect(escapeHtml('*bold* 😀 é\n')).toBe('*bold* 😀 é\n');
  });
});

describe('safeUrl', () => {
  it('passes http, https and mailto URLs unchanged', () => {
    for (const url of [
      'https://arxiv.org/abs/2406.07550',
      'http://example.org/a?b=1&c=2',
      'HTTPS://EXAMPLE.ORG/',
      'mailto:ada@example.org',
    ]) {
      expect(safeUrl(url)).toBe(url);
    }
  });

  it('rejects scripts, data, relative paths and disguised schemes', () => {
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      '/relative/path',
      '//evil.example/x',
      'arxiv.org/abs/1',
      '',
      'https://',
    ]) {
      expect(safeUrl(url)).toBeUndefined();
    }
  });
});

describe('mrkdwnToHtml: formatting', () => {
  it('renders bold, italic, strike and code', () => {
    expect(html('*bold*')).toBe('<b>bold</b>');
    expect(html('_italic_')).toBe('<i>italic</i>');
    expect(html('~strike~')).toBe('<s>strike</s>');
    expect(html('`code`')).toBe('<code class="bk-code">code</code>');
    expect(html('a *b* c _d_ e ~f~ g `h`')).toBe(
      'a <b>b</b> c <i>d</i> e <s>f</s> g <code class="bk-code">h</code>',
    );
  });

  it('nests formatting', () => {
    expect(html('_*both*_')).toBe('<i><b>both</b></i>');
    expect(html('*bold with _italic_ inside*')).toBe('<b>bold with <i>italic</i> inside</b>');
  });

  it('turns newlines into <br>', () => {
    expect(html('one\ntwo\n\nfour')).toBe('one<br>two<br><br>four');
  });

  it('does not carry formatting across lines', () => {
    expect(html('*not\nbold*')).toBe('*not<br>bold*');
  });

  it('renders ```preformatted``` blocks with their lines and no formatting inside', () => {
    expect(html('```*not bold* _not italic_\n  indented```')).toBe(
      '<pre class="bk-pre">*not bold* _not italic_\n  indented</pre>',
    );
  });

  it('drops the newlines that only separate a block from the text around it', () => {
    expect(html('before\n```\ncode\n```\nafter')).toBe('before<pre class="bk-pre">code</pre>after');
    expect(html('text ```inline block``` text')).toBe(
      'text <pre class="bk-pre">inline block</pre> text',
    );
  });

  it('keeps an unclosed ``` as literal text', () => {
    expect(html('```no end')).toBe('```no end');
  });

  it('formats nothing inside code, and a code span wins over markers around it', () => {
    expect(html('`*a* _b_ ~c~`')).toBe('<code class="bk-code">*a* _b_ ~c~</code>');
    expect(html('*a `b* c` d*')).toBe('<b>a <code class="bk-code">b* c</code> d</b>');
    expect(html('`:fire:`')).toBe('<code class="bk-code">:fire:</code>');
  });
});

describe('mrkdwnToHtml: word boundaries', () => {
  it('ignores markers inside words', () => {
    expect(html('snake_case_name')).toBe('snake_case_name');
    expect(html('2*3*4')).toBe('2*3*4');
    expect(html('a~b~c')).toBe('a~b~c');
  });

  it('needs a non-space right after the opening marker', () => {
    expect(html('* not bold*')).toBe('* not bold*');
  });

  it('needs a non-space right before the closing marker', () => {
    expect(html('*not bold *')).toBe('*not bold *');
  });

  it('needs the end, a space or punctuation right after the closing marker', () => {
    expect(html('*not*bold')).toBe('*not*bold');
    expect(html('*bold*, then')).toBe('<b>bold</b>, then');
    expect(html('*bold*.')).toBe('<b>bold</b>.');
  });

  it('accepts punctuation before the opening marker', () => {
    expect(html('(*bold*)')).toBe('(<b>bold</b>)');
    expect(html('"_quoted_"')).toBe('&quot;<i>quoted</i>&quot;');
  });

  it('keeps unmatched markers as literal characters', () => {
    expect(html('5 * 3 = 15')).toBe('5 * 3 = 15');
    expect(html('*half')).toBe('*half');
    expect(html('**')).toBe('**');
    expect(html('`lonely')).toBe('`lonely');
  });

  it('closes at the first valid marker', () => {
    expect(html('*a* b*')).toBe('<b>a</b> b*');
  });
});

describe('mrkdwnToHtml: block quotes', () => {
  it('quotes lines that start with &gt; as Slack sends them, and with a typed >', () => {
    expect(html('&gt; quoted')).toBe('<blockquote class="bk-quote">quoted</blockquote>');
    expect(html('> quoted')).toBe('<blockquote class="bk-quote">quoted</blockquote>');
  });

  it('joins consecutive quoted lines into one quote', () => {
    expect(html('intro\n&gt; one\n&gt; *two*\nafter')).toBe(
      'intro<blockquote class="bk-quote">one<br><b>two</b></blockquote>after',
    );
  });

  it('quotes everything after &gt;&gt;&gt;', () => {
    expect(html('&gt;&gt;&gt; all\nof this')).toBe(
      '<blockquote class="bk-quote">all<br>of this</blockquote>',
    );
  });

  it('quotes only at the start of a line', () => {
    expect(html('a &gt; b')).toBe('a &gt; b');
  });
});

describe('mrkdwnToHtml: control sequences', () => {
  const A = (href: string, label: string) =>
    `<a class="bk-link" href="${href}" target="_blank" rel="noopener noreferrer">${label}</a>`;

  it('renders labelled and bare links', () => {
    expect(html('<https://arxiv.org/abs/2406.07550|the paper>')).toBe(
      A('https://arxiv.org/abs/2406.07550', 'the paper'),
    );
    expect(html('<https://arxiv.org/abs/2406.07550>')).toBe(
      A('https://arxiv.org/abs/2406.07550', 'https://arxiv.org/abs/2406.07550'),
    );
    expect(html('<mailto:ada@example.org|Ada>')).toBe(A('mailto:ada@example.org', 'Ada'));
  });

  it('decodes entities in URLs and labels once, and escapes them once', () => {
    expect(html('<https://x.example/?a=1&amp;b=2|A &amp; B &lt;c&gt;>')).toBe(
      A('https://x.example/?a=1&amp;b=2', 'A &amp; B &lt;c&gt;'),
    );
  });

  it('renders links the app builds, inside formatting', () => {
    const link = mrkdwnLink('https://huggingface.co/papers/2406.07550', 'Tokens & <Images>');
    expect(html(`*${link}*`)).toBe(
      `<b>${A('https://huggingface.co/papers/2406.07550', 'Tokens &amp; &lt;Images&gt;')}</b>`,
    );
  });

  it('shows unsafe links as plain text, never as a link', () => {
    expect(html('<javascript:alert(1)|click>')).toBe('click');
    expect(html('<javascript:alert(1)>')).toBe('javascript:alert(1)');
    expect(html('<data:text/html;base64,PHNjcmlwdD4=|x>')).toBe('x');
    expect(html('</relative|here>')).toBe('here');
  });

  it('shows a bracketed non-link as it was sent', () => {
    expect(html('<script>')).toBe('&lt;script&gt;');
  });

  it('renders user mentions by looked-up name, else label, else id', () => {
    expect(html('<@U1>')).toBe('<span class="mention">@Ada Lovelace</span>');
    expect(html('<@U1|ada>')).toBe('<span class="mention">@Ada Lovelace</span>');
    expect(html('<@U9|bob>')).toBe('<span class="mention">@bob</span>');
    expect(html('<@U9>')).toBe('<span class="mention">@U9</span>');
  });

  it('escapes looked-up names', () => {
    expect(html('<@U2>')).toBe('<span class="mention">@Grace &quot;G&quot; &lt;Hopper&gt;</span>');
    expect(html('<#C2>')).toBe('<span class="mention" data-place="C2">#ml-&lt;reading&gt;</span>');
  });

  it('renders channel mentions by looked-up name, else label, else id; known ones open', () => {
    expect(html('<#C1>')).toBe('<span class="mention" data-place="C1">#papers</span>');
    expect(html('<#C1"onclick="x>')).not.toContain('"onclick');
    expect(html('<#C9|general>')).toBe('<span class="mention">#general</span>');
    expect(html('<#C9>')).toBe('<span class="mention">#C9</span>');
  });

  it('renders broadcasts as highlighted mentions', () => {
    for (const who of ['here', 'channel', 'everyone']) {
      expect(html(`<!${who}>`)).toBe(`<span class="mention broadcast">@${who}</span>`);
    }
    expect(html('<!here|here>')).toBe('<span class="mention broadcast">@here</span>');
  });

  it('renders user groups by handle and dates by their fallback', () => {
    expect(html('<!subteam^S123|@ml-team>')).toBe('<span class="mention">@ml-team</span>');
    expect(html('<!date^1392734382^{date_short}|Feb 18, 2014 &amp; on>')).toBe(
      'Feb 18, 2014 &amp; on',
    );
  });

  it('shows what the app escaped as text, never as a control sequence', () => {
    const text = escapeMrkdwn('<!channel> <@U1> <https://evil.example|x>');
    expect(html(text)).toBe('&lt;!channel&gt; &lt;@U1&gt; &lt;https://evil.example|x&gt;');
  });
});

describe('mrkdwnToHtml: entities', () => {
  it('decodes &lt; &gt; &amp; and escapes them again exactly once', () => {
    const out = html('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(out).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(visibleText(out)).toBe('<script>alert(1)</script> & more');
  });

  it('decodes only once', () => {
    expect(visibleText(html('&amp;lt;'))).toBe('&lt;');
  });

  it('leaves other entities as the text they are', () => {
    expect(visibleText(html('&quot;hi&quot; &#39;'))).toBe('&quot;hi&quot; &#39;');
  });

  it('shows what escapeMrkdwn escaped exactly as it was', () => {
    for (const text of ['a & b', '<b>x</b>', 'x > y < z', '&amp;', '"quotes" \'single\'']) {
      expect(visibleText(html(escapeMrkdwn(text)))).toBe(text);
    }
  });
});

describe('mrkdwnToHtml: emoji', () => {
  it.each([
    ['speech_balloon', '💬'],
    ['thumbsup', '👍'],
    ['+1', '👍'],
    ['fire', '🔥'],
    ['star', '⭐'],
    ['mag', '🔍'],
    ['bell', '🔔'],
    ['newspaper', '📰'],
    ['arrow_up', '⬆️'],
    ['tada', '🎉'],
    ['warning', '⚠️'],
    ['white_check_mark', '✅'],
    ['x', '❌'],
    ['books', '📚'],
    ['memo', '📝'],
    ['link', '🔗'],
  ])(':%s: becomes %s', (name, char) => {
    expect(html(`hot :${name}: take`)).toBe(`hot ${char} take`);
  });

  it('leaves unknown shortcodes and times as text', () => {
    expect(html(':not_an_emoji: at 10:30:00')).toBe(':not_an_emoji: at 10:30:00');
  });

  it('keeps the characters the app already writes', () => {
    expect(html('📄 ▲ 3  ·  💬 2 replies')).toBe('📄 ▲ 3  ·  💬 2 replies');
  });

  it('converts emoji inside formatting', () => {
    expect(html('*:tada: done*')).toBe('<b>🎉 done</b>');
    expect(replaceEmoji(':fire: :nope:')).toBe('🔥 :nope:');
  });
});

describe('mrkdwnToHtml: safety', () => {
  const HOSTILE = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)>",
    '<javascript:alert(1)|click>',
    '<https://ok.example" onmouseover="alert(1)|x>',
    '<https://ok.example|x" onclick="alert(1)>',
    '<@U1|"><svg onload=alert(1)>',
    '<!date^1^{date}|<svg onload=alert(1)>>',
    '`<script>alert(1)</script>`',
    '```<img src=x onerror=alert(1)>```',
    '&gt; <svg/onload=alert(1)>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
  ];

  it.each(HOSTILE)('%s produces no markup of its own', (text) => {
    const out = html(text);
    expectOnlyOwnMarkup(out);
    expect(out).not.toMatch(/<script|<img|<svg|<iframe|href="javascript:/i);
    // `onerror=` may be shown as text; it must never sit inside a tag.
    for (const tag of out.match(/<[^>]*>/g) ?? []) expect(tag).not.toMatch(/\son/i);
  });

  it.each(HOSTILE)('%s, escaped by the app, is shown literally', (text) => {
    const out = html(escapeMrkdwn(text));
    expectOnlyOwnMarkup(out);
    // Backticks are formatting the app leaves alone: they become <code> and <pre>.
    expect(visibleText(out)).toBe(text.replace(/`/g, ''));
  });

  it('keeps a quote inside a link from breaking out of href', () => {
    const out = html('<https://ok.example/"onmouseover="alert(1)|x>');
    expect(out).toContain('href="https://ok.example/&quot;onmouseover=&quot;alert(1)"');
    expectOnlyOwnMarkup(out);
  });
});

describe('mrkdwnToHtml: long hostile input', () => {
  it('renders a message-sized run of stray markers in linear time', () => {
    // 40,000 characters is chat.postMessage's limit; a quadratic search took seconds here.
    const text = '*a _b ~c `d <e '.repeat(2700);
    const started = Date.now();
    const out = html(text);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(visibleText(out)).toBe(text);
  });

  it('survives markers nested thousands deep', () => {
    const text = `${'*_~'.repeat(5000)}x${'~_*'.repeat(5000)}`;
    expect(() => expectOnlyOwnMarkup(html(text))).not.toThrow();
  });
});

describe('mrkdwnToPlainText', () => {
  it('gives what a reader sees, without markup or escaping', () => {
    expect(
      mrkdwnToPlainText('<https://x.example|A &amp; B> <@U1> <!here> :fire: `*x*`', names),
    ).toBe('A & B @Ada Lovelace @here 🔥 `*x*`');
  });
});
