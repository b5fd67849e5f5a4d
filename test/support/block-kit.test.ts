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
