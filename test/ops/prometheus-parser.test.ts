import { parsePrometheusText, sumOf, valueOf } from '../support/prometheus';

describe('the Prometheus text parser used on /metrics', () => {
  const good = [
    '# HELP jobs_total Jobs done, with a \\\\ and a\\nnewline.',
    '# TYPE jobs_total counter',
    'jobs_total{queue="announce",note="say \\"hi\\"\\\\ \\n"} 3',
    'jobs_total{queue="poll-feed"} 1.5e1',
    '# a plain comment',
    '# TYPE depth gauge',
    'depth -2',
    '# TYPE took_seconds histogram',
    'took_seconds_bucket{queue="a",le="0.1"} 1',
    'took_seconds_bucket{queue="a",le="1"} 3',
    'took_seconds_bucket{queue="a",le="+Inf"} 4',
    'took_seconds_sum{queue="a"} 7.25',
    'took_seconds_count{queue="a"} 4',
    'loose_metric NaN 1700000000000',
    // Go's ParseFloat, which Prometheus uses, takes these in any case (prom-client writes `Nan`).
    '# TYPE lag gauge',
    'lag{p="50"} Nan',
    'lag{p="99"} +inf',
    '',
  ].join('\n');

  it('reads families, types, help, labels with escapes and values', () => {
    const families = parsePrometheusText(good);
    expect([...families.keys()]).toEqual([
      'jobs_total',
      'depth',
      'took_seconds',
      'loose_metric',
      'lag',
    ]);
    expect(Number.isNaN(valueOf(families, 'lag', { p: '50' }))).toBe(true);
    expect(valueOf(families, 'lag', { p: '99' })).toBe(Infinity);
    expect(families.get('jobs_total')).toMatchObject({
      type: 'counter',
      help: 'Jobs done, with a \\ and a\nnewline.',
    });
    expect(valueOf(families, 'jobs_total', { queue: 'announce', note: 'say "hi"\\ \n' })).toBe(3);
    expect(valueOf(families, 'jobs_total', { queue: 'poll-feed' })).toBe(15);
    expect(sumOf(families, 'jobs_total')).toBe(18);
    expect(valueOf(families, 'depth')).toBe(-2);
    expect(families.get('took_seconds')?.samples).toHaveLength(5);
    expect(families.get('loose_metric')?.samples[0]).toMatchObject({
      timestampMs: 1700000000000,
    });
    expect(Number.isNaN(valueOf(families, 'loose_metric'))).toBe(true);
  });

  it.each([
    ['no final newline', 'a 1', /end with a newline/],
    ['a bad metric name', '1a 1\n', /not a sample/],
    ['an unknown escape', 'a{x="\\t"} 1\n', /bad escape/],
    ['an unterminated label value', 'a{x="y} 1\n', /unterminated/],
    ['a label twice', 'a{x="1",x="2"} 1\n', /label x twice/],
    ['a duplicate series', 'a{x="1"} 1\na{x="1"} 2\n', /duplicate series/],
    ['a bad value', 'a 1,5\n', /bad value/],
    ['a negative counter', '# TYPE a counter\na -1\n', /counter a is -1/],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n', /after its samples/],
    ['two HELP lines', '# HELP a x\n# HELP a y\n', /second HELP/],
    ['an unknown type', '# TYPE a meter\n', /unknown type/],
    ['a family split in two groups', 'a 1\nb 1\na{x="1"} 1\n', /two separate groups/],
    [
      'a histogram without +Inf',
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
      /no \+Inf bucket/,
    ],
    [
      'a histogram whose +Inf bucket differs from _count',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n',
      /≠ _count/,
    ],
    [
      'a histogram with falling buckets',
      '# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="2"} 2\nh_bucket{le="+Inf"} 3\nh_sum 1\nh_count 3\n',
      /below the one before/,
    ],
    [
      'a histogram without _sum',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\n',
      /no _sum/,
    ],
  ])('rejects %s', (_what, text, reason) => {
    expect(() => parsePrometheusText(text)).toThrow(reason);
  });
});
