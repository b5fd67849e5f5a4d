/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for asserting on `/metrics`:
 * it throws on anything a Prometheus server would reject or that makes a family inconsistent,
 * rather than skipping it.
 *
 * Checked: metric and label names; `# HELP` and `# TYPE` at most once per family, TYPE before the
 * family's samples; a family's samples in one contiguous group; label values' escapes (`\\`, `\"`,
 * `\n`, nothing else); duplicate label names and duplicate series; values (floats, `NaN`,
 * `±Inf`, in any case, as Go's ParseFloat takes them); counters never negative; histograms with `_bucket{le}` ascending and cumulative, a
 * `+Inf` bucket equal to `_count`, and a `_sum` for every series.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export type Labels = Record<string, string>;

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`, … for a histogram `x`). */
  name: string;
  labels: Labels;
  value: number;
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

export class ExpositionError extends Error {
  constructor(lineNumber: number, message: string) {
    super(`line ${lineNumber}: ${message}`);
    this.name = 'ExpositionError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/** Parses a whole exposition; families by name, in the order they appeared. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  /** Families whose group of samples has ended: one seen again is an error. */
  const closed = new Set<string>();
  /** Families that had their TYPE line. */
  const typed = new Set<string>();
  let current: MetricFamily | undefined;
  const seriesSeen = new Set<string>();

  const familyOf = (lineNumber: number, name: string, create: boolean): MetricFamily => {
    let family = families.get(name);
    if (family) {
      if (closed.has(name))
        throw new ExpositionError(lineNumber, `${name} appears in two separate groups`);
    } else {
      if (!create) throw new ExpositionError(lineNumber, `no family for ${name}`);
      family = { name, type: 'untyped', samples: [] };
      families.set(name, family);
    }
    if (current && current !== family) closed.add(current.name);
    current = family;
    return family;
  };

  if (text !== '' && !text.endsWith('\n')) {
    throw new ExpositionError(text.split('\n').length, 'the exposition must end with a newline');
  }
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const meta = /^#\s*(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      // Other comments are allowed and carry nothing.
      if (!meta) return;
      const [, keyword, name = '', rest = ''] = meta;
      if (!METRIC_NAME.test(name)) throw new ExpositionError(lineNumber, `bad metric name ${name}`);
      const family = familyOf(lineNumber, name, true);
      if (keyword === 'HELP') {
        if (family.help !== undefined)
          throw new ExpositionError(lineNumber, `second HELP for ${name}`);
        family.help = unescapeHelp(lineNumber, rest);
      } else {
        if (family.samples.length > 0 || typed.has(name)) {
          throw new ExpositionError(lineNumber, `TYPE for ${name} after its samples or twice`);
        }
        if (!TYPES.includes(rest.trim() as MetricType)) {
          throw new ExpositionError(lineNumber, `unknown type ${rest} for ${name}`);
        }
        family.type = rest.trim() as MetricType;
        typed.add(name);
      }
      return;
    }
    const sample = parseSample(lineNumber, line);
    const family = familyOf(lineNumber, familyNameOf(sample.name, current), true);
    if (family.type === 'counter' && !(sample.value >= 0)) {
      throw new ExpositionError(lineNumber, `counter ${sample.name} is ${sample.value}`);
    }
    const key = seriesKey(sample.name, sample.labels);
    if (seriesSeen.has(key)) throw new ExpositionError(lineNumber, `duplicate series ${key}`);
    seriesSeen.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) {
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;
}

/** `x_bucket` belongs to the histogram `x` whose group it is in; any other name is its own. */
function familyNameOf(sampleName: string, current: MetricFamily | undefined): string {
  if (current) {
    const suffixes =
      current.type === 'histogram'
        ? ['_bucket', '_sum', '_count']
        : current.type === 'summary'
          ? ['_sum', '_count']
          : [];
    for (const suffix of suffixes) {
      if (sampleName === `${current.name}${suffix}`) return current.name;
    }
  }
  return sampleName;
}

function parseSample(lineNumber: number, line: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new ExpositionError(lineNumber, `not a sample: ${line}`);
  const name = nameMatch[0];
  let position = name.length;
  const labels: Labels = {};
  if (line[position] === '{') {
    position += 1;
    for (;;) {
      while (line[position] === ' ') position += 1;
      if (line[position] === '}') {
        position += 1;
        break;
      }
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(line.slice(position));
      if (!labelMatch?.[1]) throw new ExpositionError(lineNumber, `bad label at ${position}`);
      const labelName = labelMatch[1];
      if (!LABEL_NAME.test(labelName) || labelName.startsWith('__')) {
        throw new ExpositionError(lineNumber, `reserved or bad label name ${labelName}`);
      }
      if (labelName in labels) throw new ExpositionError(lineNumber, `label ${labelName} twice`);
      position += labelMatch[0].length;
      let value = '';
      for (;;) {
        const char = line[position];
        if (char === undefined) throw new ExpositionError(lineNumber, 'unterminated label value');
        position += 1;
        if (char === '"') break;
        if (char === '\\') {
          const escaped = line[position];
          position += 1;
          if (escaped === '\\') value += '\\';
          else if (escaped === '"') value += '"';
          else if (escaped === 'n') value += '\n';
          else throw new ExpositionError(lineNumber, `bad escape \\${escaped ?? ''}`);
        } else {
          value += char;
        }
      }
      labels[labelName] = value;
      while (line[position] === ' ') position += 1;
      if (line[position] === ',') {
        position += 1;
        continue;
      }
      if (line[position] === '}') {
        position += 1;
        break;
      }
      throw new ExpositionError(lineNumber, `expected , or } at ${position}`);
    }
  }
  const rest = line.slice(position);
  const valueMatch = /^[ \t]+(\S+)(?:[ \t]+(-?\d+))?[ \t]*$/.exec(rest);
  if (!valueMatch?.[1]) throw new ExpositionError(lineNumber, `bad value part "${rest}"`);
  const value = parseValue(lineNumber, valueMatch[1]);
  return {
    name,
    labels,
    value,
    ...(valueMatch[2] !== undefined ? { timestampMs: Number(valueMatch[2]) } : {}),
  };
}

/** As Go's `strconv.ParseFloat` reads it (what Prometheus uses): `NaN` and `Inf` in any case. */
function parseValue(lineNumber: number, text: string): number {
  if (/^nan$/i.test(text)) return NaN;
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw new ExpositionError(lineNumber, `bad value ${text}`);
  }
  return Number(text);
}

function unescapeHelp(lineNumber: number, text: string): string {
  return text.replace(/\\(.?)/g, (_all, escaped: string) => {
    if (escaped === '\\') return '\\';
    if (escaped === 'n') return '\n';
    throw new ExpositionError(lineNumber, `bad escape in HELP: \\${escaped}`);
  });
}

function seriesKey(name: string, labels: Labels): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`);
  return `${name}{${sorted.join(',')}}`;
}

function withoutLe(labels: Labels): Labels {
  const { le: _le, ...rest } = labels;
  return rest;
}

function checkHistogram(family: MetricFamily): void {
  const fail = (message: string): never => {
    throw new ExpositionError(0, `histogram ${family.name}: ${message}`);
  };
  const series = new Map<
    string,
    { buckets: Array<[number, number]>; sum?: number; count?: number }
  >();
  const entry = (labels: Labels) => {
    const key = seriesKey(family.name, labels);
    let found = series.get(key);
    if (!found) series.set(key, (found = { buckets: [] }));
    return found;
  };
  for (const sample of family.samples) {
    if (sample.name === `${family.name}_bucket`) {
      const le = sample.labels.le;
      if (le === undefined) return fail('a bucket without le');
      entry(withoutLe(sample.labels)).buckets.push([parseValue(0, le), sample.value]);
    } else if (sample.name === `${family.name}_sum`) {
      if ('le' in sample.labels) fail('_sum with le');
      entry(sample.labels).sum = sample.value;
    } else if (sample.name === `${family.name}_count`) {
      if ('le' in sample.labels) fail('_count with le');
      entry(sample.labels).count = sample.value;
    } else {
      fail(`unexpected sample ${sample.name}`);
    }
  }
  for (const [key, { buckets, sum, count }] of series) {
    if (buckets.length === 0) fail(`${key} has no buckets`);
    if (sum === undefined) fail(`${key} has no _sum`);
    if (count === undefined) fail(`${key} has no _count`);
    for (let i = 1; i < buckets.length; i += 1) {
      const [le, value] = buckets[i]!;
      const [previousLe, previousValue] = buckets[i - 1]!;
      if (!(le > previousLe)) fail(`${key}: le ${le} after ${previousLe}`);
      if (value < previousValue) fail(`${key}: bucket le=${le} below the one before`);
    }
    const [lastLe, lastValue] = buckets[buckets.length - 1]!;
    if (lastLe !== Infinity) fail(`${key} has no +Inf bucket`);
    if (lastValue !== count) fail(`${key}: +Inf bucket ${lastValue} ≠ _count ${count}`);
  }
}

/** The value of one series (labels matched exactly), or undefined. */
export function valueOf(
  families: Map<string, MetricFamily>,
  sampleName: string,
  labels: Labels = {},
): number | undefined {
  const key = seriesKey(sampleName, labels);
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === sampleName && seriesKey(sample.name, sample.labels) === key) {
        return sample.value;
      }
    }
  }
  return undefined;
}

/** Every sample of `sampleName` whose labels include `labels`. */
export function samplesOf(
  families: Map<string, MetricFamily>,
  sampleName: string,
  labels: Labels = {},
): Sample[] {
  const found: Sample[] = [];
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== sampleName) continue;
      if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) {
        found.push(sample);
      }
    }
  }
  return found;
}

/** The sum of {@link samplesOf}'s values (0 when none match). */
export function sumOf(
  families: Map<string, MetricFamily>,
  sampleName: string,
  labels: Labels = {},
): number {
  return samplesOf(families, sampleName, labels).reduce((sum, sample) => sum + sample.value, 0);
}
