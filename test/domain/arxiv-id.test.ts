import { canonicalArxivId, isArxivCategory } from '../../src/domain/arxiv-id';

describe('canonicalArxivId', () => {
  it.each([
    ['2406.07550', '2406.07550'],
    ['2406.07550v2', '2406.07550'],
    ['2406.07550v12', '2406.07550'],
    ['1412.7525', '1412.7525'],
    ['1412.7525v3', '1412.7525'],
    ['0704.0001', '0704.0001'],
    ['hep-th/9901001', 'hep-th/9901001'],
    ['hep-th/9901001v1', 'hep-th/9901001'],
    ['math.GT/0309136', 'math.GT/0309136'],
    ['math.GT/0309136v2', 'math.GT/0309136'],
    ['cond-mat/0102536v1', 'cond-mat/0102536'],
    [' 2406.07550 ', '2406.07550'],
  ])('%j → %s', (raw, canonical) => {
    expect(canonicalArxivId(raw)).toBe(canonical);
  });

  it('gives v1 and v2 of a paper the same id', () => {
    expect(canonicalArxivId('2406.07550v1')).toBe(canonicalArxivId('2406.07550v2'));
  });

  it.each([
    // Since 1501, new-style ids have five digits after the dot.
    ['2406.0755'],
    ['1501.0001'],
    ['2406.075501'],
    ['240.07550'],
    ['abc'],
    [''],
    ['   '],
    ['../etc'],
    ['../../etc/passwd'],
    ['2406.07550/../../x'],
    ['hep-th/990100'],
    ['hep-th/99010011'],
    ['HEP-TH/9901001'],
    ['2406.07550v'],
    ['2406.07550v2v3'],
    ['https://arxiv.org/abs/2406.07550'],
    ['arxiv.org/abs/2406.07550'],
    ['https://huggingface.co/papers/2406.07550'],
    ['arXiv:2406.07550'],
    ['2406. 07550'],
    ['2406 .07550'],
    ['2406.075 50'],
    ['2406.07550 v2'],
    ['hep-th/ 9901001'],
    ['hep th/9901001'],
    ['2406.07550\n2406.07551'],
  ])('rejects %j', (raw) => {
    expect(canonicalArxivId(raw)).toBeUndefined();
  });
});

describe('isArxivCategory', () => {
  it.each([
    ['cs.CL'],
    ['cs.LG'],
    ['math.GT'],
    ['stat.ML'],
    ['q-bio.NC'],
    ['q-fin.CP'],
    ['hep-th'],
    ['gr-qc'],
    ['quant-ph'],
    ['astro-ph.CO'],
    ['cond-mat.mes-hall'],
    ['cond-mat.stat-mech'],
    ['physics.atom-ph'],
    ['nlin.AO'],
    ['eess.AS'],
    ['cs'],
    ['math'],
  ])('accepts %j', (value) => {
    expect(isArxivCategory(value)).toBe(true);
  });

  it.each([
    [''],
    [' '],
    [' cs.CL'],
    ['cs.CL '],
    ['cs CL'],
    ['cat:cs.CL'],
    ['cs.CL+OR+cat:cs.LG'],
    ['cs.CL OR cat:cs.LG'],
    ['cs.CL&max_results=2000'],
    ['cs.CL,cs.LG'],
    ['cs/CL'],
    ['cs.'],
    ['.CL'],
    ['cs..CL'],
    ['cs.CL.x'],
    ['cs.C1'],
    ['CS.CL'],
    ['Cs'],
    ['-cs'],
    ['cs-'],
    ['cs.-CL'],
    ['cs.CL-'],
    ['1cs'],
    // MSC and ACM classes, which arXiv's feeds can list among the categories too.
    ['68T50'],
    ['I.2.7'],
    ['I.2.6; I.2.7'],
    ['cs.CL\ncs.LG'],
  ])('rejects %j', (value) => {
    expect(isArxivCategory(value)).toBe(false);
  });
});
