import { blocksTextLength, validateBlocks, validateView } from './block-kit';
import { mrkdwnToText, renderBlocks, renderMessage } from './render-text';

const text = (t: string, type = 'mrkdwn') => ({ type, text: t });
const section = (t: string) => ({ type: 'section', text: text(t) });
const btn = (label: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: 'a',
  text: text(label, 'plain_text'),
  ...extra,
});

/** A card shaped like the app's: every block type it uses, all within limits. */
const card = [
  { type: 'header', text: text('Attention Is All You Need', 'plain_text') },
  {
    type: 'section',
    block_id: 'abstract',
    text: text('*TL;DR* Transformers &amp; <https://arxiv.org/abs/1706.03762|arXiv>'),
    accessory: btn('Open', { url: 'https://arxiv.org/abs/1706.03762' }),
  },
  { type: 'section', fields: [text('*Votes*\n3'), text('*Comments*\n1')] },
  {
    type: 'context',
    elements: [
      { type: 'image', image_url: 'https://x/a.png', alt_text: 'HF' },
      text('Vaswani et al.'),
      text('June 12, 2017'),
    ],
  },
  { type: 'divider' },
  {
    type: 'actions',
    block_id: 'vote',
    elements: [btn('▲ 3', { value: '1706.03762', style: 'primary' }), btn('Discuss')],
  },
  { type: 'image', image_url: 'https://x/fig.png', alt_text: 'Figure 1' },
];

describe('validateBlocks', () => {
  it('accepts a card within every limit', () => {
    expect(validateBlocks(card, 'message')).toEqual([]);
  });

  it.each([
    ['not an array', {}, 'must provide an array [json-pointer:/blocks]'],
    [
      'an unknown type',
      [{ type: 'carousel' }],
      'unsupported block type: carousel [json-pointer:/blocks/0/type]',
    ],
    [
      'a 151-character header',
      [{ type: 'header', text: text('h'.repeat(151), 'plain_text') }],
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'a mrkdwn header',
      [{ type: 'header', text: text('h') }],
      'must be one of: plain_text [json-pointer:/blocks/0/text/type]',
    ],
    [
      'a section without text or fields',
      [{ type: 'section' }],
      'must provide either text or fields [json-pointer:/blocks/0]',
    ],
    [
      '11 fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => text('f')) }],
      'no more than 10 items allowed [json-pointer:/blocks/0/fields]',
    ],
    [
      'a 2001-character field',
      [{ type: 'section', fields: [text('f'.repeat(2001))] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
    ],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => text('c')) }],
      'no more than 10 items allowed [json-pointer:/blocks/0/elements]',
    ],
    [
      'an empty context',
      [{ type: 'context', elements: [] }],
      'must provide at least 1 item [json-pointer:/blocks/0/elements]',
    ],
    [
      '26 actions',
      [{ type: 'actions', elements: Array.from({ length: 26 }, () => btn('b')) }],
      'no more than 25 items allowed [json-pointer:/blocks/0/elements]',
    ],
    [
      'a bad button style',
      [{ type: 'actions', elements: [btn('b', { style: 'warning' })] }],
      'must be one of: primary, danger [json-pointer:/blocks/0/elements/0/style]',
    ],
    [
      'a 2001-character button value',
      [{ type: 'actions', elements: [btn('b', { value: 'v'.repeat(2001) })] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
    ],
    [
      'a 3001-character button url',
      [
        section('s'),
        { type: 'section', text: text('s'), accessory: btn('b', { url: 'u'.repeat(3001) }) },
      ],
      'must be less than 3001 characters [json-pointer:/blocks/1/accessory/url]',
    ],
    [
      'a 256-character action_id',
      [{ type: 'actions', elements: [btn('b', { action_id: 'a'.repeat(256) })] }],
      'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ],
    [
      'an image without alt_text',
      [{ type: 'image', image_url: 'https://x/y.png' }],
      'missing required field: alt_text [json-pointer:/blocks/0/alt_text]',
    ],
    [
      'a 2001-character alt_text',
      [{ type: 'image', image_url: 'https://x/y.png', alt_text: 'a'.repeat(2001) }],
      'must be less than 2001 characters [json-pointer:/blocks/0/alt_text]',
    ],
    [
      'a text object without text',
      [{ type: 'section', text: { type: 'mrkdwn' } }],
      'missing required field: text [json-pointer:/blocks/0/text/text]',
    ],
  ])('reports %s', (_name, blocks, error) => {
    expect(validateBlocks(blocks, 'message')).toEqual([error]);
  });

  it('allows 100 blocks on a Home tab or modal but 50 in a message', () => {
    const blocks = Array.from({ length: 100 }, () => ({ type: 'divider' }));
    expect(validateBlocks(blocks, 'home')).toEqual([]);
    expect(validateBlocks(blocks, 'modal')).toEqual([]);
    expect(validateBlocks(blocks, 'message')).toEqual([
      'no more than 50 items allowed [json-pointer:/blocks]',
    ]);
    expect(validateBlocks([...blocks, { type: 'divider' }], 'home')).toHaveLength(1);
  });

  it('reports every error, not just the first', () => {
    expect(
      validateBlocks([section(''), { type: 'header', text: text('') }], 'message'),
    ).toHaveLength(3);
  });
});

describe('validateView', () => {
  it('checks the modal title and the blocks under /view/blocks', () => {
    const modal = {
      type: 'modal',
      title: text('t'.repeat(25), 'plain_text'),
      blocks: [section('')],
    };
    expect(validateView(modal)).toEqual([
      'must be less than 25 characters [json-pointer:/view/title/text]',
      'must be more than 0 characters [json-pointer:/view/blocks/0/text/text]',
    ]);
    expect(validateView({ type: 'home', blocks: card })).toEqual([]);
  });
});

describe('validateView for modals and their inputs', () => {
  const plain = (t: string) => text(t, 'plain_text');
  const option = (label: string, value = label.toLowerCase()) => ({ text: plain(label), value });
  const input = (element: Record<string, unknown>, blockId = 'b') => ({
    type: 'input',
    block_id: blockId,
    label: plain('Label'),
    element,
  });
  const select = (extra: Record<string, unknown> = {}) => ({
    type: 'static_select',
    action_id: 'mode',
    placeholder: plain('Pick one'),
    options: [option('Instant'), option('Daily'), option('Off')],
    ...extra,
  });
  const modal = (blocks: unknown[], extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    callback_id: 'alerts',
    title: plain('Keyword alerts'),
    submit: plain('Save'),
    blocks,
    ...extra,
  });

  /** An alerts form: every input element type the app's modals use, all within limits. */
  const form = modal([
    input({ type: 'plain_text_input', action_id: 'keywords', multiline: true, max_length: 3000 }),
    input(select({ initial_option: option('Daily') }), 'mode'),
    input({ type: 'timepicker', action_id: 'time', initial_time: '09:00' }, 'time'),
    {
      type: 'actions',
      elements: [
        select({ action_id: 'day' }),
        { type: 'timepicker', action_id: 'at' },
        { ...btn('Reset'), action_id: 'reset' },
      ],
    },
  ]);

  it('accepts a form within every limit, and empty callback_id and private_metadata', () => {
    expect(validateView(form)).toEqual([]);
    expect(validateView({ ...form, callback_id: '', private_metadata: '' })).toEqual([]);
    // Slack echoes `close: null` in the views it returns: sending one back is fine.
    expect(validateView({ ...form, close: null })).toEqual([]);
  });

  it.each([
    ['no title', { title: undefined }, 'missing required field: title [json-pointer:/view/title]'],
    [
      'a mrkdwn title',
      { title: text('Alerts') },
      'must be one of: plain_text [json-pointer:/view/title/type]',
    ],
    [
      'a 25-character submit',
      { submit: plain('s'.repeat(25)) },
      'must be less than 25 characters [json-pointer:/view/submit/text]',
    ],
    [
      'a 25-character close',
      { close: plain('c'.repeat(25)) },
      'must be less than 25 characters [json-pointer:/view/close/text]',
    ],
    [
      'inputs without a submit button',
      { submit: undefined },
      'must provide submit when the view has input blocks [json-pointer:/view/submit]',
    ],
    [
      'a 256-character callback_id',
      { callback_id: 'c'.repeat(256) },
      'must be less than 256 characters [json-pointer:/view/callback_id]',
    ],
    [
      '3001 characters of private_metadata',
      { private_metadata: 'm'.repeat(3001) },
      'must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ],
  ])('reports %s', (_name, change, error) => {
    expect(validateView({ ...form, ...change })).toEqual([error]);
  });

  it('allows 100 blocks in a modal, not 101', () => {
    const blocks = Array.from({ length: 101 }, () => ({ type: 'divider' }));
    expect(validateView(modal(blocks.slice(1)))).toEqual([]);
    expect(validateView(modal(blocks))).toEqual([
      'no more than 100 items allowed [json-pointer:/view/blocks]',
    ]);
  });

  it.each([
    [
      'a button in an input block',
      input(btn('b')),
      'unsupported element type in an input block: button [json-pointer:/view/blocks/0/element/type]',
    ],
    [
      'an input block without an element',
      { type: 'input', label: plain('L') },
      'missing required field: element [json-pointer:/view/blocks/0/element]',
    ],
    [
      'a select with both options and option_groups',
      input(select({ option_groups: [] })),
      'must provide exactly one of options or option_groups [json-pointer:/view/blocks/0/element]',
    ],
    [
      'a select with 101 options',
      input(select({ options: Array.from({ length: 101 }, (_, i) => option(`o${i}`)) })),
      'no more than 100 items allowed [json-pointer:/view/blocks/0/element/options]',
    ],
    [
      'a 76-character option',
      input(select({ options: [option('o'.repeat(76), 'o')] })),
      'must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]',
    ],
    [
      'a 151-character option value',
      input(select({ options: [option('O', 'v'.repeat(151))] })),
      'must be less than 151 characters [json-pointer:/view/blocks/0/element/options/0/value]',
    ],
    [
      'an initial option that is not an option',
      input(select({ initial_option: option('Weekly') })),
      'must match one of the options [json-pointer:/view/blocks/0/element/initial_option]',
    ],
    [
      'a grouped select with a mrkdwn label',
      input(
        select({
          options: undefined,
          option_groups: [{ label: text('G'), options: [option('A')] }],
        }),
      ),
      'must be one of: plain_text [json-pointer:/view/blocks/0/element/option_groups/0/label/type]',
    ],
    [
      'a 12-hour initial time',
      input({ type: 'timepicker', action_id: 't', initial_time: '9:00 AM' }),
      'must be a time in the format HH:mm [json-pointer:/view/blocks/0/element/initial_time]',
    ],
    [
      'a 151-character placeholder',
      input({ type: 'plain_text_input', action_id: 'k', placeholder: plain('p'.repeat(151)) }),
      'must be less than 151 characters [json-pointer:/view/blocks/0/element/placeholder/text]',
    ],
    [
      'a max_length over 3000',
      input({ type: 'plain_text_input', action_id: 'k', max_length: 3001 }),
      'must be an integer from 0 to 3000 [json-pointer:/view/blocks/0/element/max_length]',
    ],
  ])('reports %s', (_name, block, error) => {
    expect(validateView(modal([block]))).toEqual([error]);
  });

  it('checks selects and timepickers in actions blocks too', () => {
    const blocks = [
      {
        type: 'actions',
        elements: [select({ options: [] }), { type: 'timepicker', initial_time: '25:00' }],
      },
    ];
    expect(validateBlocks(blocks, 'home')).toEqual([
      'must provide at least 1 item [json-pointer:/blocks/0/elements/0/options]',
      'must be a time in the format HH:mm [json-pointer:/blocks/0/elements/1/initial_time]',
    ]);
  });
});

describe('blocksTextLength', () => {
  it('counts text across text objects, fields and elements', () => {
    const blocks = [
      section('12345'),
      { type: 'context', elements: [text('123'), text('12', 'plain_text')] },
    ];
    expect(blocksTextLength(blocks)).toBe(10);
    expect(blocksTextLength([{ type: 'divider' }])).toBe(0);
  });
});

describe('render-text', () => {
  it('keeps mrkdwn readable', () => {
    expect(mrkdwnToText('*Bold* <https://a.b/c?x=1&amp;y=2|the paper> &lt;tag&gt; &amp;lt;')).toBe(
      '*Bold* the paper (https://a.b/c?x=1&y=2) <tag> &lt;',
    );
    expect(mrkdwnToText('<@U123> in <#C1|papers> <!here> <https://x.y>')).toBe(
      '@U123 in #papers @here https://x.y',
    );
    expect(mrkdwnToText('<!date^1392734382^{date}|Feb 18, 2014>')).toBe('Feb 18, 2014');
  });

  it('renders a card line by line', () => {
    expect(renderBlocks(card, { width: 10 }).split('\n')).toEqual([
      'Attention Is All You Need',
      '*TL;DR* Transformers & arXiv (https://arxiv.org/abs/1706.03762)',
      '[ Open ]',
      '*Votes*',
      '3',
      '*Comments*',
      '1',
      'Vaswani et al. · June 12, 2017',
      '──────────',
      '[ ▲ 3 ] [ Discuss ]',
      '[image: Figure 1]',
    ]);
  });

  it('falls back to the message text without blocks', () => {
    expect(renderMessage({ text: 'Hi &amp; bye' })).toBe('Hi & bye');
    expect(renderMessage({ text: 'ignored', blocks: [section('shown')] })).toBe('shown');
  });
});
