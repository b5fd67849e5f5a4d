import { paperIdFromReference, paperIdFromUrl } from '../../src/domain/paper-ref';

describe('paperIdFromUrl', () => {
  it.each([
    ['https://arxiv.org/abs/2406.07550', '2406.07550'],
    ['https://arxiv.org/abs/2406.07550v3', '2406.07550'],
    ['http://www.arxiv.org/abs/2406.07550?context=cs', '2406.07550'],
    ['https://export.arxiv.org/abs/2406.07550v1#x', '2406.07550'],
    ['https://arxiv.org/pdf/2406.07550', '2406.07550'],
    ['https://arxiv.org/pdf/2406.07550v2.pdf', '2406.07550'],
    ['https://arxiv.org/html/2406.07550v1', '2406.07550'],
    ['https://arxiv.org/html/2406.07550v1/figure2.png', '2406.07550'],
    ['https://arxiv.org/abs/hep-th/9901001', 'hep-th/9901001'],
    ['https://arxiv.org/abs/hep-th/9901001v2', 'hep-th/9901001'],
    ['https://arxiv.org/pdf/math.GT/0309136v1.pdf', 'math.GT/0309136'],
    ['https://huggingface.co/papers/2406.07550', '2406.07550'],
    ['https://hf.co/papers/2406.07550', '2406.07550'],
    ['https://www.hf.co/papers/2406.07550', '2406.07550'],
    ['https://www.huggingface.co/papers/1409.0473', '1409.0473'],
  ])('%s → %s', (url, id) => {
    expect(paperIdFromUrl(url)).toBe(id);
  });

  it.each([
    'https://huggingface.co/papers/date/2025-06-02',
    'https://huggingface.co/papers/week/2025-W23',
    'https://huggingface.co/papers/trending',
    'https://huggingface.co/papers',
    'https://huggingface.co/models/2406.07550',
    'https://arxiv.org/list/cs.CL/recent',
    'https://arxiv.org/abs/2406.99',
    'https://example.org/abs/2406.07550',
    'ftp://arxiv.org/abs/2406.07550',
    'not a url',
    'https://arxiv.org/abs/%E0%A4%A',
  ])('%s names no paper', (url) => {
    expect(paperIdFromUrl(url)).toBeUndefined();
  });
});

describe('paperIdFromReference', () => {
  it('reads bare ids, arXiv: prefixes and links', () => {
    expect(paperIdFromReference(' 2406.07550v2 ')).toBe('2406.07550');
    expect(paperIdFromReference('arXiv:2406.07550')).toBe('2406.07550');
    expect(paperIdFromReference('hep-th/9901001')).toBe('hep-th/9901001');
    expect(paperIdFromReference('https://arxiv.org/abs/2406.07550')).toBe('2406.07550');
    expect(paperIdFromReference('arxiv.org/abs/2406.07550v1')).toBe('2406.07550');
    expect(paperIdFromReference('hf.co/papers/2406.07550')).toBe('2406.07550');
  });

  it('names no paper for words', () => {
    expect(paperIdFromReference('speculative decoding')).toBeUndefined();
    expect(paperIdFromReference('2406.07550 and more')).toBeUndefined();
  });
});
