import {
  attachmentsToHtml,
  blocksToHtml,
  textObjectToHtml,
  type RenderContext,
} from '../../../src/demo/web/blocks-html';
import type { Paper } from '../../../src/domain/paper';
import { keywordsModal } from '../../../src/slack/blocks/alerts';
import { homeView } from '../../../src/slack/blocks/home';
import { ACTION_IDS, BLOCK_IDS } from '../../../src/slack/blocks/ids';
import { paperCard } from '../../../src/slack/blocks/paper-card';
import { paperUnfurl } from '../../../src/slack/blocks/unfurl';
import { fixturePapers, minimalPaper } from '../../support/papers';
import { visibleText } from '../../support/html-text';

const USERS: Record<string, string> = { U1: 'Ada Lovelace' };
const CHANNELS: Record<string, string> = { C1: 'papers' };
const ctx: RenderContext = {
  names: { user: (id) => USERS[id], channel: (id) => CHANNELS[id] },
};

const render = (blocks: unknown, context: RenderContext = ctx): string =>
  blocksToHtml(blocks, context);

const unescape = (value: string): string =>
  value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

interface Tag {
  name: string;
  closing: boolean;
  attrs: Record<string, string>;
}

const OWN_TAGS = new Set([
  'div',
  'span',
  'b',
  'i',
  's',
  'code',
  'pre',
  'blockquote',
  'br',
  'a',
  'button',
  'select',
  'option',
  'optgroup',
  'input',
  'textarea',
  'label',
  'img',
  'hr',
  'ul',
  'ol',
  'li',
]);
const OWN_ATTRIBUTES = new Set([
  'class',
  'href',
  'target',
  'rel',
  'type',
  'value',
  'name',
  'role',
  'selected',
  'disabled',
  'multiple',
  'checked',
  'placeholder',
  'maxlength',
  'minlength',
  'rows',
  'src',
  'alt',
  'loading',
  'referrerpolicy',
  'label',
  'start',
  'style',
  'aria-label',
  'data-action-id',
  'data-block-id',
  'data-value',
  'data-url',
  'data-input-block',
  'data-place',
]);
const TAG = /<(\/?)([a-z][a-z0-9]*)((?:\s[a-z-]+(?:="[^"<>]*")?)*)>/y;

/**
 * Reads the markup strictly, failing on anything the renderer would not write itself: a `<` that
 * opens no well-formed tag, a tag or attribute not its own, a value that is not double-quoted or
 * holds a quote or bracket, a `>` or `"` loose in text, a link or image to an unsafe URL.
 */
function parseOwnMarkup(markup: string): Tag[] {
  const tags: Tag[] = [];
  let i = 0;
  while (i < markup.length) {
    const lt = markup.indexOf('<', i);
    expect(markup.slice(i, lt === -1 ? undefined : lt)).not.toMatch(/[<>"]/);
    if (lt === -1) break;
    TAG.lastIndex = lt;
    const match = TAG.exec(markup);
    if (!match) throw new Error(`malformed markup at ${lt}: ${markup.slice(lt, lt + 80)}`);
    const [whole, slash = '', name = '', rest = ''] = match;
    const attrs: Record<string, string> = {};
    for (const [, attrName = '', value = ''] of rest.matchAll(/\s([a-z-]+)(?:="([^"]*)")?/g)) {
      expect(OWN_ATTRIBUTES).toContain(attrName);
      attrs[attrName] = unescape(value);
    }
    expect(OWN_TAGS).toContain(name);
    for (const key of ['href', 'src', 'data-url']) {
      if (key in attrs) expect(attrs[key]).toMatch(/^(?:https?|mailto):/);
    }
    if ('style' in attrs) expect(attrs.style).toMatch(/^border-left-color:#[0-9a-f]{3,6}$/i);
    tags.push({ name, closing: slash === '/', attrs });
    i = lt + whole.length;
  }
  return tags;
}

const opening = (markup: string, name: string): Tag[] =>
  parseOwnMarkup(markup).filter((tag) => tag.name === name && !tag.closing);

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const option = (text: string, value: string) => ({ text: plain(text), value });

describe('textObjectToHtml', () => {
  it('formats mrkdwn', () => {
    expect(textObjectToHtml(mrkdwn('*hi* <@U1>'), ctx)).toBe(
      '<b>hi</b> <span class="mention">@Ada Lovelace</span>',
    );
  });

  it('escapes plain text, formats nothing, keeps line breaks and converts emoji', () => {
    expect(textObjectToHtml(plain('*hi* <b> & :tada:\nnext'), ctx)).toBe(
      '*hi* &lt;b&gt; &amp; 🎉<br>next',
    );
  });

  it('leaves shortcodes alone when emoji is false', () => {
    expect(textObjectToHtml({ type: 'plain_text', text: ':tada:', emoji: false }, ctx)).toBe(
      ':tada:',
    );
  });

  it('renders anything else as nothing', () => {
    for (const value of [undefined, null, 5, 'text', [], {}, { type: 'mrkdwn', text: 5 }]) {
      expect(textObjectToHtml(value, ctx)).toBe('');
    }
  });
});

describe('blocksToHtml: layout blocks', () => {
  it('renders a header', () => {
    expect(render([{ type: 'header', block_id: 'h', text: plain('📰 Daily & <digest>') }])).toBe(
      '<div class="bk-header" data-block-id="h">📰 Daily &amp; &lt;digest&gt;</div>',
    );
  });

  it('renders a section with text and fields in a grid', () => {
    const out = render([
      {
        type: 'section',
        block_id: 's1',
        text: mrkdwn('*Title*'),
        fields: [mrkdwn('*Votes*\n3'), plain('Replies: 2')],
      },
    ]);
    expect(out).toBe(
      '<div class="bk-section" data-block-id="s1"><div class="bk-section-main">' +
        '<div class="bk-section-text"><b>Title</b></div>' +
        '<div class="bk-fields"><div class="bk-field"><b>Votes</b><br>3</div>' +
        '<div class="bk-field">Replies: 2</div></div></div></div>',
    );
  });

  it('leaves out data-block-id when the block has none', () => {
    expect(render([{ type: 'divider' }])).toBe('<hr class="bk-divider">');
    expect(render([{ type: 'divider', block_id: 'd"1' }])).toBe(
      '<hr class="bk-divider" data-block-id="d&quot;1">',
    );
  });

  it('renders context text and images in one small line', () => {
    const out = render([
      {
        type: 'context',
        block_id: 'c',
        elements: [
          { type: 'image', image_url: 'https://x.example/a.png', alt_text: 'avatar' },
          mrkdwn('by <@U1>'),
          plain('2 replies'),
        ],
      },
    ]);
    expect(out).toBe(
      '<div class="bk-context" data-block-id="c">' +
        '<img class="bk-context-image" src="https://x.example/a.png" alt="avatar" loading="lazy" referrerpolicy="no-referrer">' +
        '<span class="bk-context-text">by <span class="mention">@Ada Lovelace</span></span>' +
        '<span class="bk-context-text">2 replies</span></div>',
    );
  });

  it('renders an image block with its title and alt text', () => {
    const out = render([
      {
        type: 'image',
        block_id: 'i',
        title: plain('Figure 1'),
        image_url: 'https://x.example/fig.png',
        alt_text: 'A chart',
      },
    ]);
    expect(out).toBe(
      '<div class="bk-image" data-block-id="i"><div class="bk-image-title">Figure 1</div>' +
        '<img class="bk-image-img" src="https://x.example/fig.png" alt="A chart" loading="lazy" referrerpolicy="no-referrer"></div>',
    );
  });

  it('shows the alt text instead of an image whose URL is not safe', () => {
    const out = render([
      { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'chart' },
      { type: 'image', image_url: 'data:image/png;base64,AAAA', alt_text: 'inline' },
    ]);
    expect(opening(out, 'img')).toEqual([]);
    expect(visibleText(out)).toBe('[image: chart][image: inline]');
    const fromFile = render([{ type: 'image', slack_file: { id: 'F1' }, alt_text: 'upload' }]);
    expect(visibleText(fromFile)).toBe('[image: upload]');
  });

  it('renders a section accessory image and button', () => {
    const out = render([
      {
        type: 'section',
        block_id: 's',
        text: plain('x'),
        accessory: { type: 'image', image_url: 'https://x.example/t.png', alt_text: 'thumb' },
      },
      {
        type: 'section',
        block_id: 'keywords',
        text: plain('y'),
        accessory: { type: 'button', action_id: 'add', text: plain('Add'), style: 'primary' },
      },
    ]);
    expect(out).toContain(
      '<div class="bk-accessory"><img class="bk-accessory-image" src="https://x.example/t.png" alt="thumb" loading="lazy" referrerpolicy="no-referrer"></div>',
    );
    expect(out).toContain(
      '<div class="bk-accessory"><button type="button" class="bk-button bk-primary" data-action-id="add" data-block-id="keywords" data-value="">Add</button></div>',
    );
  });
});

describe('blocksToHtml: interactive elements', () => {
  it('renders buttons with their style, value and a safe url', () => {
    const out = render([
      {
        type: 'actions',
        block_id: 'acts',
        elements: [
          { type: 'button', action_id: 'a', text: plain('Go'), value: 'v1', style: 'primary' },
          { type: 'button', action_id: 'b', text: plain('Delete'), style: 'danger' },
          { type: 'button', action_id: 'c', text: plain('Open'), url: 'https://x.example/p' },
          { type: 'button', action_id: 'd', text: plain('Bad'), url: 'javascript:alert(1)' },
          { type: 'button', action_id: 'e', text: plain('Odd'), style: 'fancy" onclick="x' },
        ],
      },
    ]);
    expect(out).toBe(
      '<div class="bk-actions" data-block-id="acts">' +
        '<button type="button" class="bk-button bk-primary" data-action-id="a" data-block-id="acts" data-value="v1">Go</button>' +
        '<button type="button" class="bk-button bk-danger" data-action-id="b" data-block-id="acts" data-value="">Delete</button>' +
        '<button type="button" class="bk-button" data-action-id="c" data-block-id="acts" data-value="" data-url="https://x.example/p">Open</button>' +
        '<button type="button" class="bk-button" data-action-id="d" data-block-id="acts" data-value="">Bad</button>' +
        '<button type="button" class="bk-button" data-action-id="e" data-block-id="acts" data-value="">Odd</button>' +
        '</div>',
    );
  });

  it('gives elements an empty data-block-id when their block has none', () => {
    const out = render([
      { type: 'actions', elements: [{ type: 'button', action_id: 'a', text: plain('x') }] },
    ]);
    expect(opening(out, 'button')[0]?.attrs).toMatchObject({
      'data-action-id': 'a',
      'data-block-id': '',
    });
  });

  it('renders a static select with groups, a placeholder and no selection', () => {
    const out = render([
      {
        type: 'actions',
        block_id: 'b',
        elements: [
          {
            type: 'static_select',
            action_id: 'pick',
            placeholder: plain('Pick one'),
            option_groups: [
              { label: plain('Fruit'), options: [option('Apple', 'apple')] },
              { label: plain('Veg & more'), options: [option('Leek', 'leek')] },
            ],
          },
        ],
      },
    ]);
    expect(out).toBe(
      '<div class="bk-actions" data-block-id="b">' +
        '<select class="bk-select" data-action-id="pick" data-block-id="b">' +
        '<option value="" disabled selected>Pick one</option>' +
        '<optgroup label="Fruit"><option value="apple">Apple</option></optgroup>' +
        '<optgroup label="Veg &amp; more"><option value="leek">Leek</option></optgroup>' +
        '</select></div>',
    );
  });

  it('selects the initial option and then shows no placeholder', () => {
    const out = render([
      {
        type: 'actions',
        block_id: 'b',
        elements: [
          {
            type: 'static_select',
            action_id: 'mode',
            placeholder: plain('Mode'),
            options: [option('Daily', 'daily'), option('Weekly', 'weekly')],
            initial_option: option('Weekly', 'weekly'),
          },
        ],
      },
    ]);
    expect(out).toContain(
      '<select class="bk-select" data-action-id="mode" data-block-id="b">' +
        '<option value="daily">Daily</option><option value="weekly" selected>Weekly</option></select>',
    );
  });

  it('renders overflow menus as a select of their options', () => {
    const out = render([
      {
        type: 'section',
        block_id: 's',
        text: plain('x'),
        accessory: {
          type: 'overflow',
          action_id: 'more',
          options: [
            option('Edit', 'edit'),
            { text: plain('Open'), value: 'open', url: 'https://x.example' },
          ],
        },
      },
    ]);
    expect(out).toContain(
      '<select class="bk-select bk-overflow" data-action-id="more" data-block-id="s">' +
        '<option value="" disabled selected>⋯</option><option value="edit">Edit</option>' +
        '<option value="open" data-url="https://x.example">Open</option></select>',
    );
  });

  it('renders date and time pickers with their initial values', () => {
    const out = render([
      {
        type: 'actions',
        block_id: 'when',
        elements: [
          { type: 'datepicker', action_id: 'day', initial_date: '2025-06-01' },
          { type: 'timepicker', action_id: 'time', initial_time: '09:30' },
          { type: 'timepicker', action_id: 'bad', initial_time: '9:30" onfocus="x' },
        ],
      },
    ]);
    expect(out).toBe(
      '<div class="bk-actions" data-block-id="when">' +
        '<input type="date" class="bk-date" data-action-id="day" data-block-id="when" value="2025-06-01">' +
        '<input type="time" class="bk-time" data-action-id="time" data-block-id="when" value="09:30">' +
        '<input type="time" class="bk-time" data-action-id="bad" data-block-id="when">' +
        '</div>',
    );
  });

  it('renders radio buttons sharing one name, with the initial one checked', () => {
    const out = render([
      {
        type: 'actions',
        block_id: 'b',
        elements: [
          {
            type: 'radio_buttons',
            action_id: 'r',
            options: [
              option('One', '1'),
              { text: mrkdwn('*Two*'), value: '2', description: plain('the second') },
            ],
            initial_option: option('Two', '2'),
          },
        ],
      },
    ]);
    const group = opening(out, 'div').find((tag) => tag.attrs.class?.includes('bk-choices'));
    expect(group?.attrs).toMatchObject({ 'data-action-id': 'r', 'data-block-id': 'b' });
    const radios = opening(out, 'input');
    expect(radios.map((tag) => tag.attrs.type)).toEqual(['radio', 'radio']);
    expect(radios.map((tag) => tag.attrs.value)).toEqual(['1', '2']);
    expect(radios.map((tag) => 'checked' in tag.attrs)).toEqual([false, true]);
    expect(radios[0]?.attrs.name).toBeTruthy();
    expect(radios[1]?.attrs.name).toBe(radios[0]?.attrs.name);
    expect(out).toContain('<b>Two</b><span class="bk-choice-description">the second</span>');
  });

  it('gives two radio groups different names', () => {
    const group = {
      type: 'actions',
      block_id: 'b',
      elements: [{ type: 'radio_buttons', action_id: 'r', options: [option('One', '1')] }],
    };
    const first = opening(render([group]), 'input')[0]?.attrs.name;
    const second = opening(render([group]), 'input')[0]?.attrs.name;
    expect(first).toBeTruthy();
    expect(second).not.toBe(first);
  });

  it('renders checkboxes with their values and initial options checked', () => {
    const out = render([
      {
        type: 'actions',
        block_id: 'b',
        elements: [
          {
            type: 'checkboxes',
            action_id: 'c',
            options: [option('A', 'a'), option('B', 'b'), option('C', 'c')],
            initial_options: [option('A', 'a'), option('C', 'c')],
          },
        ],
      },
    ]);
    expect(out).toContain(
      '<div class="bk-choices bk-checkboxes" data-action-id="c" data-block-id="b">',
    );
    const boxes = opening(out, 'input');
    expect(boxes.map((tag) => tag.attrs.type)).toEqual(['checkbox', 'checkbox', 'checkbox']);
    expect(boxes.map((tag) => tag.attrs.value)).toEqual(['a', 'b', 'c']);
    expect(boxes.map((tag) => 'checked' in tag.attrs)).toEqual([true, false, true]);
  });
});

describe('blocksToHtml: input blocks', () => {
  it('renders a text input with label, hint, placeholder, initial value and max length', () => {
    const out = render([
      {
        type: 'input',
        block_id: 'kw',
        label: plain('Keywords'),
        hint: plain('Comma separated'),
        element: {
          type: 'plain_text_input',
          action_id: 'kw_value',
          placeholder: plain('diffusion, "rl"'),
          initial_value: 'a "b"',
          max_length: 100,
        },
      },
    ]);
    expect(out).toBe(
      '<div class="bk-input bk-input-block" data-block-id="kw" data-input-block>' +
        '<div class="bk-label">Keywords</div>' +
        '<input type="text" class="bk-input" data-action-id="kw_value" data-block-id="kw" value="a &quot;b&quot;" placeholder="diffusion, &quot;rl&quot;" maxlength="100">' +
        '<div class="bk-hint">Comma separated</div></div>',
    );
  });

  it('renders a multiline input as a textarea holding the escaped initial value', () => {
    const out = render([
      {
        type: 'input',
        block_id: 'note',
        optional: true,
        label: plain('Note'),
        element: {
          type: 'plain_text_input',
          action_id: 'text',
          multiline: true,
          initial_value: '</textarea><script>alert(1)</script>',
        },
      },
    ]);
    expect(out).toBe(
      '<div class="bk-input bk-input-block" data-block-id="note" data-input-block>' +
        '<div class="bk-label">Note <span class="bk-optional">(optional)</span></div>' +
        '<textarea class="bk-input" data-action-id="text" data-block-id="note" rows="4">' +
        '&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea></div>',
    );
  });

  it("shows the block's error from the context under the element", () => {
    const modal = keywordsModal();
    const out = render(modal.blocks, {
      ...ctx,
      errors: { [BLOCK_IDS.alertKeywordsInput]: 'Keywords need <2> letters & "more"' },
    });
    expect(out).toContain(
      `<div class="bk-input bk-input-block bk-has-error" data-block-id="${BLOCK_IDS.alertKeywordsInput}" data-input-block>`,
    );
    expect(out).toMatch(
      /data-action-id="alert_keywords_value"[^>]*><div class="bk-error" role="alert">Keywords need &lt;2&gt; letters &amp; &quot;more&quot;<\/div>/,
    );
    expect(render(modal.blocks)).not.toContain('bk-error');
    expect(render(modal.blocks, { ...ctx, errors: { other_block: 'x' } })).not.toContain(
      'bk-error',
    );
  });

  it('renders select, multi-select, pickers and choices in input blocks with the block id', () => {
    const input = (blockId: string, element: Record<string, unknown>) => ({
      type: 'input',
      block_id: blockId,
      label: plain(blockId),
      element,
    });
    const out = render([
      input('i1', { type: 'static_select', action_id: 'a1', options: [option('X', 'x')] }),
      input('i2', {
        type: 'multi_static_select',
        action_id: 'a2',
        placeholder: plain('Some'),
        options: [option('X', 'x'), option('Y', 'y')],
        initial_options: [option('Y', 'y')],
      }),
      input('i3', { type: 'timepicker', action_id: 'a3', initial_time: '08:00' }),
      input('i4', { type: 'datepicker', action_id: 'a4' }),
      input('i5', { type: 'radio_buttons', action_id: 'a5', options: [option('X', 'x')] }),
      input('i6', { type: 'checkboxes', action_id: 'a6', options: [option('X', 'x')] }),
    ]);
    const blocks = opening(out, 'div').filter((tag) => 'data-input-block' in tag.attrs);
    expect(blocks.map((tag) => tag.attrs['data-block-id'])).toEqual([
      'i1',
      'i2',
      'i3',
      'i4',
      'i5',
      'i6',
    ]);
    const interactive = parseOwnMarkup(out).filter(
      (tag) => !tag.closing && 'data-action-id' in tag.attrs,
    );
    expect(
      interactive.map((tag) => [tag.attrs['data-action-id'], tag.attrs['data-block-id']]),
    ).toEqual([
      ['a1', 'i1'],
      ['a2', 'i2'],
      ['a3', 'i3'],
      ['a4', 'i4'],
      ['a5', 'i5'],
      ['a6', 'i6'],
    ]);
    expect(out).toContain(
      '<select class="bk-select" data-action-id="a1" data-block-id="i1"><option value="" disabled selected>Select an item</option><option value="x">X</option></select>',
    );
    expect(out).toContain(
      '<select class="bk-select" data-action-id="a2" data-block-id="i2" multiple><option value="x">X</option><option value="y" selected>Y</option></select>',
    );
    expect(out).toContain(
      '<input type="time" class="bk-time" data-action-id="a3" data-block-id="i3" value="08:00">',
    );
    expect(out).toContain(
      '<input type="date" class="bk-date" data-action-id="a4" data-block-id="i4">',
    );
  });

  it('hints with a placeholder a multi-select that has nothing selected, without selecting it', () => {
    const out = render([
      {
        type: 'input',
        block_id: 'i',
        label: plain('Topics'),
        element: {
          type: 'multi_static_select',
          action_id: 'a',
          placeholder: plain('Topics'),
          options: [option('X', 'x')],
        },
      },
    ]);
    expect(out).toContain('<option value="" disabled>Topics</option>');
  });
});

describe('blocksToHtml: rich text', () => {
  it('renders sections with styles, links, mentions and emoji', () => {
    const out = render([
      {
        type: 'rich_text',
        block_id: 'rt',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'bold ', style: { bold: true } },
              { type: 'text', text: 'it', style: { italic: true } },
              { type: 'text', text: ' gone', style: { strike: true } },
              { type: 'text', text: ' x<y', style: { code: true } },
              { type: 'text', text: '\nline ' },
              { type: 'link', url: 'https://arxiv.org', text: 'arXiv' },
              { type: 'link', url: 'javascript:alert(1)', text: 'bad' },
              { type: 'user', user_id: 'U1' },
              { type: 'channel', channel_id: 'C1' },
              { type: 'broadcast', range: 'here' },
              { type: 'emoji', name: 'tada', unicode: '1f389' },
              { type: 'emoji', name: 'fire' },
              { type: 'emoji', name: 'custom_thing' },
            ],
          },
        ],
      },
    ]);
    expect(out).toBe(
      '<div class="bk-rich_text" data-block-id="rt"><div class="bk-rich-section">' +
        '<b>bold </b><i>it</i><s> gone</s><code class="bk-code"> x&lt;y</code><br>line ' +
        '<a class="bk-link" href="https://arxiv.org" target="_blank" rel="noopener noreferrer">arXiv</a>' +
        'bad<span class="mention">@Ada Lovelace</span><span class="mention" data-place="C1">#papers</span>' +
        '<span class="mention broadcast">@here</span>🎉🔥:custom_thing:</div></div>',
    );
  });

  it('renders bullet and ordered lists, preformatted text and quotes', () => {
    const section = (text: string) => ({
      type: 'rich_text_section',
      elements: [{ type: 'text', text }],
    });
    const out = render([
      {
        type: 'rich_text',
        elements: [
          { type: 'rich_text_list', style: 'bullet', elements: [section('a'), section('b')] },
          { type: 'rich_text_list', style: 'ordered', indent: 1, elements: [section('c')] },
          {
            type: 'rich_text_preformatted',
            elements: [{ type: 'text', text: 'line 1\n  *line 2*' }],
          },
          { type: 'rich_text_quote', elements: [{ type: 'text', text: 'said' }] },
        ],
      },
    ]);
    expect(out).toBe(
      '<div class="bk-rich_text">' +
        '<ul class="bk-rich-list"><li>a</li><li>b</li></ul>' +
        '<ol class="bk-rich-list bk-indent-1"><li>c</li></ol>' +
        '<pre class="bk-pre">line 1\n  *line 2*</pre>' +
        '<blockquote class="bk-quote">said</blockquote></div>',
    );
  });
});

describe('blocksToHtml: odd shapes', () => {
  it('renders unknown block and element types as an escaped placeholder', () => {
    expect(render([{ type: 'video', block_id: 'v' }])).toBe(
      '<div class="bk-unsupported">[unsupported: video]</div>',
    );
    expect(render([{ type: '<b>x</b>' }])).toBe(
      '<div class="bk-unsupported">[unsupported: &lt;b&gt;x&lt;/b&gt;]</div>',
    );
    expect(render([{ type: 'actions', elements: [{ type: 'users_select' }] }])).toBe(
      '<div class="bk-actions"><span class="bk-unsupported">[unsupported: users_select]</span></div>',
    );
  });

  it('never throws, whatever the shape', () => {
    const odd: unknown[] = [
      null,
      5,
      'section',
      [],
      {},
      { type: 'section', text: 5, fields: 'x', accessory: [] },
      { type: 'section', accessory: { type: 'button' } },
      { type: 'context', elements: [null, 3, { type: 'image' }] },
      { type: 'actions', elements: 'nope' },
      { type: 'actions', elements: [{ type: 'static_select', options: [null, { value: 3 }] }] },
      { type: 'actions', elements: [{ type: 'static_select', option_groups: [null, {}] }] },
      { type: 'actions', elements: [{ type: 'checkboxes', options: 'x', initial_options: 3 }] },
      { type: 'input', element: 'x', label: null },
      { type: 'input', block_id: 'x', element: { type: 'plain_text_input', max_length: -1 } },
      { type: 'image' },
      { type: 'header', text: { text: ['x'] } },
      { type: 'rich_text', elements: [null, { type: 'rich_text_list', elements: [null] }] },
      { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{}, null] }] },
      {
        type: 'rich_text',
        elements: [{ type: 'rich_text_section', elements: [{ type: 'emoji', unicode: 'zz' }] }],
      },
    ];
    for (const block of odd) {
      expect(() => parseOwnMarkup(render([block]))).not.toThrow();
    }
    for (const blocks of [undefined, null, 'x', 5, {}]) expect(render(blocks)).toBe('');
    expect(attachmentsToHtml([null, 5, {}, { fields: 'x', blocks: 'y' }], ctx)).not.toContain(
      'undefined',
    );
    expect(attachmentsToHtml('nope', ctx)).toBe('');
  });
});

describe('attachmentsToHtml', () => {
  it('renders a legacy attachment with its bar, pretext, author, title, text, fields and images', () => {
    const out = attachmentsToHtml(
      [
        {
          color: '#36a64f',
          pretext: 'New *paper*',
          author_name: 'arXiv',
          author_link: 'https://arxiv.org',
          title: 'A <Title>',
          title_link: 'https://arxiv.org/abs/1',
          text: '_Abstract_ &amp; more',
          fields: [
            { title: 'Votes', value: '3', short: true },
            { title: 'Where', value: '<#C1>', short: true },
          ],
          image_url: 'https://x.example/big.png',
          thumb_url: 'https://x.example/thumb.png',
          footer: 'Paperboy',
          fallback: 'A Title',
        },
      ],
      ctx,
    );
    expect(out).toContain(
      '<div class="attachment-item"><div class="attachment-pretext">New <b>paper</b></div>' +
        '<div class="attachment" style="border-left-color:#36a64f"><div class="attachment-body">',
    );
    expect(out).toContain(
      '<div class="attachment-author"><a class="bk-link" href="https://arxiv.org" target="_blank" rel="noopener noreferrer">arXiv</a></div>',
    );
    expect(out).toContain(
      '<div class="attachment-title"><a class="bk-link" href="https://arxiv.org/abs/1" target="_blank" rel="noopener noreferrer">A &lt;Title&gt;</a></div>',
    );
    expect(out).toContain('<div class="attachment-text"><i>Abstract</i> &amp; more</div>');
    expect(out).toContain(
      '<div class="attachment-field attachment-field-short"><div class="attachment-field-title">Where</div>' +
        '<div class="attachment-field-value"><span class="mention" data-place="C1">#papers</span></div></div>',
    );
    expect(out).toContain(
      '<img class="attachment-image" src="https://x.example/big.png" alt="A Title" loading="lazy" referrerpolicy="no-referrer">',
    );
    expect(out).toContain('<div class="attachment-footer">Paperboy</div>');
    expect(out).toContain(
      '</div><img class="attachment-thumb" src="https://x.example/thumb.png" alt="" loading="lazy" referrerpolicy="no-referrer"></div></div>',
    );
    parseOwnMarkup(out);
  });

  it("maps Slack's named colours and ignores anything that is not a colour", () => {
    const bar = (color: unknown) =>
      opening(attachmentsToHtml([{ color, text: 'x' }], ctx), 'div').find(
        (tag) => tag.attrs.class === 'attachment',
      )?.attrs.style;
    expect(bar('good')).toBe('border-left-color:#2eb886');
    expect(bar('danger')).toBe('border-left-color:#a30200');
    expect(bar('f00')).toBe('border-left-color:#f00');
    expect(bar('red;background:url(javascript:alert(1))')).toBeUndefined();
    expect(bar('#fff" onmouseover="alert(1)')).toBeUndefined();
    expect(bar(3)).toBeUndefined();
  });

  it('renders blocks inside an attachment, as an unfurl carries them', () => {
    const paper = minimalPaper('2406.07550', { title: 'Tokens' });
    const out = attachmentsToHtml(
      [{ blocks: paperUnfurl(paper, { teamVotes: 4 }, undefined) }],
      ctx,
    );
    expect(out).toMatch(
      /^<div class="attachment-item"><div class="attachment"><div class="attachment-body"><div class="bk-section" data-block-id="paper_title">/,
    );
    expect(out).toContain('data-action-id="paper_upvote"');
    expect(visibleText(out)).toContain('Tokens');
  });

  it('falls back to the fallback text when there is nothing else', () => {
    expect(visibleText(attachmentsToHtml([{ fallback: 'Only <this>' }], ctx))).toBe('Only <this>');
  });

  it('does not link an unsafe title link', () => {
    const out = attachmentsToHtml([{ title: 'T', title_link: 'javascript:alert(1)' }], ctx);
    expect(opening(out, 'a')).toEqual([]);
    expect(visibleText(out)).toBe('T');
  });
});

describe('a real paper card', () => {
  const paper: Paper | undefined = fixturePapers(1)[0];

  it('shows the title, meta line, abstract, links and the upvote button', () => {
    if (!paper) throw new Error('the fixture has no paper');
    const out = render(paperCard(paper, { teamVotes: 3, replies: 2 }).blocks);
    parseOwnMarkup(out);
    const text = visibleText(out);
    expect(text).toContain(paper.title);
    expect(text).toContain('Clara Park, Maya Petrova, Clara Haddad, Elena Moreau');
    expect(text).toContain('September 16, 2022');
    expect(text).toContain((paper.abstract ?? '').slice(0, 60));
    expect(text).toContain('💬 2 replies in the thread');

    const title = opening(out, 'a').find(
      (a) => a.attrs.href === `https://huggingface.co/papers/${paper.id}`,
    );
    expect(title).toBeDefined();
    expect(out).toContain(`<b><a class="bk-link" href="https://huggingface.co/papers/${paper.id}"`);
    expect(opening(out, 'a').map((a) => a.attrs.href)).toEqual(
      expect.arrayContaining([
        `https://arxiv.org/abs/${paper.id}`,
        `https://arxiv.org/pdf/${paper.id}`,
      ]),
    );

    const [upvote, ...others] = opening(out, 'button');
    expect(others).toEqual([]);
    expect(upvote?.attrs).toMatchObject({
      type: 'button',
      class: 'bk-button',
      'data-action-id': ACTION_IDS.upvote,
      'data-block-id': BLOCK_IDS.actions,
      'data-value': paper.id,
    });
    expect(ACTION_IDS.upvote).toBe('paper_upvote');
    expect(out).toContain(
      `data-action-id="paper_upvote" data-block-id="paper_actions" data-value="${paper.id}"`,
    );
    expect(out).toContain('>▲ 3</button>');

    const blockIds = opening(out, 'div')
      .map((tag) => tag.attrs['data-block-id'])
      .filter((id) => id !== undefined);
    expect(blockIds).toEqual([
      BLOCK_IDS.title,
      BLOCK_IDS.meta,
      BLOCK_IDS.abstract,
      BLOCK_IDS.links,
      BLOCK_IDS.actions,
      BLOCK_IDS.replies,
    ]);
  });

  it('renders the App Home with its selects, time picker and buttons', () => {
    const view = homeView({
      follows: [{ channelId: 'C1', feed: 'hf' }],
      keywords: ['diffusion', 'a"b<c>'],
      mode: { kind: 'weekly', time: '08:30', day: 'tue' },
      timeZone: 'Europe/Paris',
      matches: [],
      top: [],
    });
    const out = render(view.blocks);
    parseOwnMarkup(out);
    expect(out).toContain(
      `<select class="bk-select" data-action-id="${ACTION_IDS.alertMode}" data-block-id="${BLOCK_IDS.alertControls}">`,
    );
    expect(out).toContain('<option value="weekly" selected>');
    expect(out).toContain('<option value="tue" selected>');
    expect(out).toContain(
      `<input type="time" class="bk-time" data-action-id="${ACTION_IDS.alertTime}" data-block-id="${BLOCK_IDS.alertControls}" value="08:30" aria-label="Time">`,
    );
    const remove = opening(out, 'button').filter((tag) =>
      tag.attrs['data-action-id']?.startsWith('alert_keyword_remove_'),
    );
    expect(remove.map((tag) => tag.attrs['data-value'])).toEqual(['diffusion', 'a"b<c>']);
  });
});

describe('safety', () => {
  const HOSTILE = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '"><svg onload=alert(1)>',
    "'><svg onload=alert(1)>",
    '&lt;script&gt;alert(1)&lt;/script&gt;',
  ];

  /** Markup that would run script: a script, svg or iframe tag, a handler, a javascript: link. */
  const expectInert = (out: string): void => {
    expect(out).not.toMatch(/<script|<svg|<iframe/i);
    expect(out).not.toMatch(/href="\s*javascript:/i);
    // `onerror=` may be shown as text or sit escaped inside an alt; never as an attribute.
    for (const tag of parseOwnMarkup(out)) {
      expect(Object.keys(tag.attrs).filter((name) => name.startsWith('on'))).toEqual([]);
    }
  };

  it.each(HOSTILE)('a paper titled and abstracted %s shows it literally', (evil) => {
    const paper = minimalPaper('2406.07550', {
      title: `Attention ${evil}`,
      abstract: `We show ${evil} works.`,
      authors: [evil],
    });
    const card = paperCard(paper, { teamVotes: 0 });
    const out = render(card.blocks);
    expectInert(out);
    const text = visibleText(out);
    expect(text).toContain(`Attention ${evil}`);
    expect(text).toContain(`We show ${evil} works.`);
    expect(attachmentsToHtml([{ blocks: card.blocks, fallback: card.text }], ctx)).toContain(out);
  });

  it('shows a hostile link as its label, never as a javascript: link', () => {
    const out = render([{ type: 'section', text: mrkdwn('<javascript:alert(1)|click>') }]);
    expectInert(out);
    expect(opening(out, 'a')).toEqual([]);
    expect(visibleText(out)).toBe('click');
  });

  it.each(HOSTILE)('keeps %s inert in plain text, values, alt texts and options', (evil) => {
    const out = render(
      [
        { type: 'header', text: plain(evil) },
        { type: 'section', text: mrkdwn(evil), fields: [plain(evil)] },
        {
          type: 'context',
          elements: [{ type: 'image', image_url: 'https://x.example/a.png', alt_text: evil }],
        },
        { type: 'image', image_url: 'https://x.example/a.png', alt_text: evil, title: plain(evil) },
        {
          type: 'actions',
          block_id: evil,
          elements: [
            {
              type: 'button',
              action_id: evil,
              text: plain(evil),
              value: evil,
              url: `https://x.example/${evil}`,
            },
            {
              type: 'static_select',
              action_id: 's',
              placeholder: plain(evil),
              options: [option(evil, evil)],
            },
            { type: 'radio_buttons', action_id: 'r', options: [option(evil, evil)] },
          ],
        },
        {
          type: 'input',
          block_id: 'in',
          label: plain(evil),
          hint: plain(evil),
          element: {
            type: 'plain_text_input',
            action_id: 'x',
            initial_value: evil,
            placeholder: plain(evil),
          },
        },
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: evil },
                { type: 'link', url: 'https://x.example', text: evil },
              ],
            },
          ],
        },
        { type: evil },
      ],
      { ...ctx, errors: { in: evil } },
    );
    expectInert(out);
    const tags = parseOwnMarkup(out);
    const button = tags.find((tag) => tag.name === 'button' && !tag.closing);
    expect(button?.attrs['data-value']).toBe(evil);
    expect(button?.attrs['data-action-id']).toBe(evil);
    expect(button?.attrs['data-block-id']).toBe(evil);
    const images = tags.filter((tag) => tag.name === 'img');
    expect(images.map((tag) => tag.attrs.alt)).toEqual([evil, evil]);
    expect(tags.find((tag) => tag.name === 'input' && tag.attrs.type === 'text')?.attrs.value).toBe(
      evil,
    );
    expect(tags.find((tag) => tag.name === 'option' && tag.attrs.value === evil)).toBeDefined();
    expect(visibleText(out)).toContain(evil);
  });
});
