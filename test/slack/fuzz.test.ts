/**
 * A fuzz test of `/papers`: thousands of generated commands, from one fixed seed, sent through the
 * Slack emulator to the real app. Each must be acked in time, answered with something Slack would
 * show (valid Block Kit, a top-level text, not empty), and never carry a control sequence
 * (`<!channel>`, `<@U…>`, `<#C…>`, `<url|label>`) that Paperboy did not make itself.
 *
 * Inputs mix every subcommand and unknown ones with hostile text, unicode, ids and links valid and
 * not, filters, alert modes and keywords at and over their limits, very long text and many words;
 * each is sent either encoded as Slack sends it (`&lt;`, links as `<…>`) or raw, as typed.
 */
import type { Paper } from '../../src/domain/paper';
import { blocksTextLength, mrkdwnTexts, validateBlocks } from '../support/block-kit';
import { startHarness, type Harness } from '../support/harness';
import { fixturePapers, minimalPaper } from '../support/papers';
import { prng } from '../support/prng';
import type { PostedMessage } from '../support/slack-emulator';

/** Fixed, so that every run sends the same inputs; `FUZZ_SEED` explores others. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x2406_7550);
/**
 * Measured on two cores: 3,000 inputs take about 9–17 s alone and 30 s beside the rest of the
 * suite (the summary prints the time). Later inputs are slower: follows and keywords pile up.
 */
const INPUTS = Number(process.env.FUZZ_INPUTS ?? 3000);
/** Every share goes here, so that the cards it posts can be counted. */
const SHARE_CHANNEL = 'C0FUZZSHARE';
const CHANNELS = ['C0FUZZA', 'C0FUZZB', 'G0FUZZPRIVATE', 'D0FUZZDM'] as const;
/** Few members, so that keywords pile up past the per-member limit. */
const USERS = ['U0FUZZA', 'U0FUZZB', 'U0FUZZC'] as const;
/** How long an answer after the ack may take before it counts as missing. */
const ANSWER_TIMEOUT_MS = 5000;
/**
 * Hosts of links Paperboy makes itself: papers on arXiv and Hugging Face, and message permalinks
 * in the workspace `auth.test` names (the emulator's).
 */
const OWN_HOSTS = new Set(['arxiv.org', 'huggingface.co', 'paperboy-test.slack.com']);
/**
 * `FUZZ_STRICT=1` also requires every code span to close: a typed backtick, or an echo cut at a
 * section's limit, lets the rest of an answer format. Off by default, as listeners still echo the
 * whole typed text in a code span (an unknown subcommand, `top`'s and `unfollow`'s arguments) and
 * list keywords and follows past a section's limit; turn it on once they quote as `quoted` does.
 */
const STRICT_CODE_SPANS = process.env.FUZZ_STRICT === '1';
/** Looking up an id no source knows: arXiv answers an empty entry, which the client notes. */
const EXPECTED_WARNINGS = [/^\[warn\] arxiv: skipped arXiv entry 0 \([^)]+\): empty entry/];

/** Feed text can be hostile too: a paper whose title and abstract try to ping and link. */
const HOSTILE_PAPER = minimalPaper('2501.00001', {
  title: 'Attention <!channel> & <https://evil.example|click> *is* `all` <@U123> you need',
  abstract:
    'We ping <!here> and <#C123> &amp; link <https://evil.example/x|here>. Attention attention.',
  authors: ['<@U999>', 'Ada &lt; Lovelace'],
});
const PAPERS: Paper[] = [...fixturePapers(6), HOSTILE_PAPER];
const KNOWN_IDS = PAPERS.map((p) => p.id);

// ---- Generation ----

/** A piece of a command: as the member typed it, and as Slack sends it. */
interface Piece {
  typed: string;
  slack: string;
}

const slackEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text Slack passes on escaped. */
const plain = (text: string): Piece => ({ typed: text, slack: slackEscape(text) });

/** A mention or link Slack recognised: the raw variant sends the control sequence as such. */
const entity = (sequence: string): Piece => ({ typed: sequence, slack: sequence });

/** A URL as Slack sends it: wrapped in `<…>`, labelled with what was typed when it had no scheme. */
function link(url: string): Piece {
  if (/[<>|&\s]/.test(url)) return plain(url);
  if (/^https?:\/\//i.test(url)) return { typed: url, slack: `<${url}>` };
  return { typed: url, slack: `<http://${url}|${url}>` };
}

class Gen {
  constructor(private readonly random: () => number) {}

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** One of `choices` by weight. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let at = this.random() * total;
    for (const [value, weight] of choices) {
      at -= weight;
      if (at < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }

  letters(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz'): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }
}

const WORDS = [
  'speculative',
  'decoding',
  'mamba',
  'language',
  'model',
  'attention',
  'selective',
  'token',
  'diffusion',
  'survey',
  'tokenizers',
  'reasoning',
  'generation',
  'LLM',
  'RLHF',
  'vision-language',
  'state-space',
  'in-context',
];

/** Typed as text: Slack escapes it, the raw variant sends it as is. */
const HOSTILE_TEXT = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123>',
  '<@U123|bob>',
  '<#C123>',
  '<#C123|general>',
  '<!subteam^S1>',
  '<!subteam^S1|@team>',
  '<!date^1392734382^{date}|Feb 18>',
  '<https://evil.example|click>',
  '<http://evil.example>',
  '<mailto:a@evil.example|mail>',
  '<<!here>>',
  '<!channel',
  '!channel>',
  '<>',
  '<',
  '>',
  '&',
  '&amp;',
  '&lt;',
  '&gt;',
  '&lt;!channel&gt;',
  '&amp;lt;@U123&amp;gt;',
  '&#60;!here&#62;',
  '*bold*',
  '_italic_',
  '~strike~',
  '`',
  '```',
  '`code`',
  '"',
  '""',
  '"unbalanced',
  '“curly”',
  "'",
  'author:"',
  'author:',
  'author:"Ada',
  'since:',
  'until:',
  'since:7d',
  'since:2025-13-45',
  'until:yesterday',
  'sort:',
  'sort:votes',
  'sort:bogus',
  '-',
  '--',
  '*',
  '**',
  '-*',
  '|',
  '\\',
  '%00',
  '${x}',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  ':',
  ',',
  'keywords:"',
];

/** Mentions and links as Slack sends them when it recognised them. */
const HOSTILE_ENTITIES = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123>',
  '<@U123|bob>',
  '<#C123|general>',
  '<!subteam^S1|@team>',
  '<!date^1392734382^{date_short}|Feb 18>',
  '<https://evil.example|click>',
  '<https://evil.example>',
  '<mailto:a@evil.example|a@evil.example>',
  '<https://evil.example/a|b|c>',
];

const UNICODE = [
  '\u200f',
  '\u202e',
  '\u202eevil\u202c',
  'عربى',
  'שלום',
  '😀',
  '👩‍👩‍👧',
  '🇩🇪',
  'e\u0301\u0301\u0301',
  'Z\u0334\u0321\u032aa\u0338l\u0335g\u0337o',
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u200b',
  'ｆｕｌｌ',
  'ﬁne',
  'İstanbul',
  'ß',
  '\ud83d',
  '𝕬𝖙𝖙𝖊𝖓𝖙𝖎𝖔𝖓',
  '\u00a0',
  '\u3000',
];

/** Whitespace a member could put between words; Slack passes it on. */
const SEPARATORS = [' ', ' ', ' ', ' ', '  ', '\t', '\n', '\u00a0', ' \u200b '];

function arxivId(g: Gen): string {
  return g.weighted<() => string>([
    [() => g.pick(KNOWN_IDS), 4],
    [() => `${g.pick(KNOWN_IDS)}v${g.int(1, 12)}`, 1],
    [() => `arXiv:${g.pick(KNOWN_IDS)}`, 1],
    [
      () =>
        g.pick([
          '2406.07550',
          '2406.07550v2',
          'hep-th/9901001',
          'hep-th/9901001v3',
          'math.GT/0309136',
          'cs/0112017',
          '9999.99999',
          '2413.00001',
          '2400.00001',
          '1412.1234',
          '1412.12345',
          '1501.1234',
          '0000.0000',
          '2406.7550',
          '2406.075501',
          'HEP-TH/9901001',
          'arxiv:',
          'arXiv: 2406.07550',
          '2406.07550v',
          '2406.07550vv2',
        ]),
      4,
    ],
  ])();
}

function paperLink(g: Gen): string {
  const id = g.chance(0.6) ? g.pick(KNOWN_IDS) : arxivId(g);
  return g.pick([
    `https://arxiv.org/abs/${id}`,
    `https://arxiv.org/abs/${id}v2`,
    `https://arxiv.org/pdf/${id}.pdf`,
    `https://arxiv.org/pdf/${id}v3`,
    `https://arxiv.org/html/${id}v1/figure1`,
    `http://export.arxiv.org/abs/${id}`,
    `https://www.arxiv.org/abs/${id}`,
    `https://huggingface.co/papers/${id}`,
    `https://hf.co/papers/${id}`,
    `https://huggingface.co/papers/${id}#community`,
    `https://huggingface.co/papers/date/2025-01-01`,
    `https://huggingface.co/papers/trending`,
    'https://arxiv.org/abs/',
    'https://arxiv.org/',
    `https://evil.example/abs/${id}`,
    `https://arxiv.org.evil.example/abs/${id}`,
    `https://arxiv.org/abs/${id}|click`,
    `https://arxiv.org/abs/${id}?x=<!channel>`,
    `https://arxiv.org/abs/%E0%A4%A`,
    `https://arxiv.org/abs/${encodeURIComponent('<!here>')}`,
    `arxiv.org/abs/${id}`,
    `huggingface.co/papers/${id}`,
    `ftp://arxiv.org/abs/${id}`,
    `javascript://arxiv.org/abs/${id}`,
    'https://',
    'http://[::1',
  ]);
}

/** A piece any subcommand's arguments may hold. */
function anyPiece(g: Gen): Piece {
  return g.weighted<() => Piece>([
    [() => plain(g.pick(WORDS)), 6],
    [() => plain(g.pick(HOSTILE_TEXT)), 4],
    [() => entity(g.pick(HOSTILE_ENTITIES)), 2],
    [() => plain(g.pick(UNICODE)), 2],
    [() => plain(`${g.pick(WORDS)}${g.pick(UNICODE)}${g.pick(HOSTILE_TEXT)}`), 1],
    [() => plain(arxivId(g)), 2],
    [() => link(paperLink(g)), 2],
    [() => plain(g.letters(g.int(1, 12))), 1],
    [() => plain(String(g.int(-1000, 100000))), 1],
  ])();
}

const FEEDS = [
  'hf',
  'HF',
  'Hf',
  'arxiv:cs.CL',
  'arxiv:cs.CL,cs.LG',
  'arxiv:cs.cl',
  'arxiv:CS.CL',
  'arxiv:cs.CL,,cs.LG',
  'arxiv:cs.CL,',
  'arxiv:',
  'arxiv',
  'arxiv:cs.XX1',
  'arxiv:hep-th',
  'arxiv:physics.optics',
  'arxiv:cond-mat.mes-hall',
  'arxiv:-cs',
  'arxiv:cs.CL cs.LG',
  'arxiv:cat:cs.CL',
  'rss',
  'hf:',
  'hf:extra',
  'hf,arxiv:cs.CL',
];

function feed(g: Gen): Piece {
  if (g.chance(0.05)) {
    // Many categories in one follow.
    const count = g.int(20, 80);
    const categories = Array.from({ length: count }, () => `cs.${g.letters(2, 'ABCDEFGHIJKLM')}`);
    return plain(`arxiv:${categories.join(',')}`);
  }
  return plain(g.pick(FEEDS));
}

function filter(g: Gen): Piece {
  return g.weighted<() => Piece>([
    [
      () =>
        plain(
          g.pick([
            'keywords:"speculative decoding",mamba',
            'keywords:"…",x',
            'keywords:"',
            'keywords:',
            'keywords:,,,',
            'keywords:""',
            'keywords:"<!channel>",<@U123>',
            'keywords:"a phrase with many words in it that keeps going and going and going"',
            '-keywords:survey',
            '-keywords:',
            '-keywords:"',
            'KEYWORDS:Mamba',
            'min-upvotes:-1',
            'min-upvotes:0',
            'min-upvotes:10',
            'min-upvotes:lots',
            'min-upvotes:',
            'min-upvotes:1e3',
            'min-upvotes:0x10',
            'min-upvotes:3.5',
            'min-upvotes:99999999999999999999',
            'min-upvotes:10:20',
            'digest:daily@25:00',
            'digest:daily@9:30',
            'digest:daily@09:00',
            'digest:daily@23:59',
            'digest:daily@24:00',
            'digest:daily@9:60',
            'digest:daily@',
            'digest:daily',
            'digest:weekly',
            'digest:',
            'digest:daily@09:00@10:00',
            'top:999',
            'top:0',
            'top:5',
            'top:20',
            'top:21',
            'top:-3',
            'top:',
            'top:lots',
            'unknown:filter',
          ]),
        ),
      8,
    ],
    [
      () =>
        plain(`keywords:${Array.from({ length: g.int(5, 40) }, () => g.pick(WORDS)).join(',')}`),
      1,
    ],
    [() => plain(`keywords:"${g.letters(g.int(90, 400))}"`), 1],
    [() => plain(`keywords:${g.pick(HOSTILE_TEXT)},${g.pick(UNICODE)}`), 1],
  ])();
}

function keyword(g: Gen): Piece {
  return g.weighted<() => Piece>([
    [() => plain(g.pick(WORDS)), 5],
    [() => plain(`"${g.pick(WORDS)} ${g.pick(WORDS)}"`), 2],
    [() => plain(`${g.pick(WORDS).slice(0, g.int(1, 5))}*`), 1],
    [() => plain(`-${g.pick(WORDS)}`), 1],
    [() => plain(`author:"${g.pick(['Ada Lovelace', 'Grace Hopper', 'Ng', 'X', ''])}"`), 1],
    [() => plain(`author:${g.pick(['Lovelace', '"', '', '<!here>'])}`), 1],
    // Around the 2..100 character limits.
    [() => plain(g.letters(g.pick([1, 2, 3, 99, 100, 101, 150]))), 2],
    [() => plain(`"${g.letters(g.pick([1, 2, 100, 101]))}"`), 1],
    [() => plain(`"${Array.from({ length: g.int(10, 30) }, () => g.pick(WORDS)).join(' ')}"`), 1],
    [() => plain(g.pick(['*', '-', '"', '""', '-*', '**', 'a*', '-"', 'all', 'ALL'])), 1],
    [() => anyPiece(g), 3],
  ])();
}

const ALERT_ARGS = [
  'instant',
  'INSTANT',
  'off',
  'daily',
  'daily 9am',
  'daily 9 am',
  'daily 09:00',
  'daily 9:00',
  'daily 21:30',
  'daily 12am',
  'daily 12pm',
  'daily 0am',
  'daily 13pm',
  'daily 25:00',
  'daily 9:61',
  'daily noon',
  'daily -1:00',
  'weekly',
  'weekly funday',
  'weekly mon',
  'weekly mon 09:00',
  'weekly MON 9AM',
  'weekly sun 23:59',
  'weekly monday 08:00',
  'weekly mon tue 09:00',
  'weekly 09:00 mon',
  'hourly',
  'daily 9am extra words',
  'on',
  'none',
];

const TOP_ARGS = ['', '', 'today', 'week', 'month', 'all', 'WEEK', 'Month', 'year', 'week extra'];

const UNKNOWN_SUBCOMMANDS = [
  'frobnicate',
  'serach',
  'shar',
  'helpme',
  'follows',
  'subscribed',
  'search\u200b',
  'ｓｅａｒｃｈ',
  '`',
  '*',
  '-',
  '"',
  '&amp;',
  '!',
  '/papers',
  'unsubscribe-all',
];

type Subcommand =
  | 'search'
  | 'share'
  | 'top'
  | 'follow'
  | 'unfollow'
  | 'subscribe'
  | 'unsubscribe'
  | 'list'
  | 'alerts'
  | 'help'
  | '(empty)'
  | '(unknown)';

interface Input {
  subcommand: Subcommand;
  /** What is sent as the command's `text`. */
  text: string;
  encoding: 'slack' | 'raw';
  long: boolean;
  userId: string;
  channelId: string;
}

function argsFor(g: Gen, subcommand: Subcommand): Piece[] {
  const some = (make: () => Piece, min: number, max: number) =>
    Array.from({ length: g.int(min, max) }, make);
  const mixed = (make: () => Piece, min: number, max: number) =>
    some(() => (g.chance(0.75) ? make() : anyPiece(g)), min, max);
  switch (subcommand) {
    case 'search':
      // Past the 16 words and phrases a query may hold.
      if (g.chance(0.05)) return some(() => plain(g.pick(WORDS)), 15, 60);
      return mixed(
        () =>
          g.weighted<() => Piece>([
            [() => plain(g.pick(WORDS)), 4],
            [() => plain(`"${g.pick(WORDS)} ${g.pick(WORDS)}`), 1],
            [() => plain(g.pick(HOSTILE_TEXT)), 2],
            [() => plain(arxivId(g)), 1],
            [() => link(paperLink(g)), 1],
          ])(),
        0,
        6,
      );
    case 'share': {
      const reference = g.weighted<() => Piece>([
        [() => plain(arxivId(g)), 4],
        [() => link(paperLink(g)), 4],
        [() => anyPiece(g), 2],
      ])();
      return g.chance(0.1) ? [] : [reference, ...some(() => anyPiece(g), 0, 5)];
    }
    case 'top':
      return g.chance(0.8) ? [plain(g.pick(TOP_ARGS))] : some(() => anyPiece(g), 1, 3);
    case 'follow':
    case 'unfollow':
      if (g.chance(0.1)) return [];
      return [
        g.chance(0.85) ? feed(g) : anyPiece(g),
        ...mixed(() => filter(g), 0, subcommand === 'follow' ? 4 : 1),
      ];
    case 'subscribe':
      // Sometimes a flood of distinct keywords, to go past the per-member limit.
      if (g.chance(0.08)) return some(() => plain(`${g.pick(WORDS)}${g.letters(4)}`), 20, 70);
      return some(() => keyword(g), 0, 5);
    case 'unsubscribe':
      if (g.chance(0.1)) return [plain(g.pick(['all', 'ALL', 'all extra']))];
      return some(() => keyword(g), 0, 4);
    case 'alerts':
      return g.chance(0.85)
        ? [plain(g.pick(ALERT_ARGS))]
        : mixed(() => plain(g.pick(ALERT_ARGS)), 1, 3);
    case 'list':
    case 'help':
      return g.chance(0.7) ? [] : some(() => anyPiece(g), 1, 3);
    case '(empty)':
      return [];
    case '(unknown)':
      return some(() => anyPiece(g), 0, 3);
  }
}

function subcommandPiece(g: Gen, subcommand: Subcommand): Piece | undefined {
  if (subcommand === '(empty)') return undefined;
  if (subcommand === '(unknown)') {
    return g.weighted<() => Piece>([
      [() => plain(g.pick(UNKNOWN_SUBCOMMANDS)), 3],
      [() => plain(g.letters(g.int(1, 20))), 2],
      [() => anyPiece(g), 3],
      [() => plain(g.letters(g.int(3000, 6000))), 1],
    ])();
  }
  const cased = g.weighted<string>([
    [subcommand, 8],
    [subcommand.toUpperCase(), 1],
    [subcommand[0]!.toUpperCase() + subcommand.slice(1), 1],
  ]);
  return plain(cased);
}

/** Very long input: one piece repeated, or many words, to 5,000+ characters. */
function longPieces(g: Gen): Piece[] {
  const piece = anyPiece(g);
  const target = g.int(5000, 12000);
  return g.weighted<() => Piece[]>([
    [() => [plain(g.letters(target))], 1],
    [() => Array.from({ length: g.int(900, 2000) }, () => plain(g.pick(WORDS))), 1],
    [
      () =>
        Array.from({ length: Math.ceil(target / Math.max(1, piece.slack.length)) }, () => piece),
      1,
    ],
    [() => [plain(g.pick(HOSTILE_TEXT).repeat(Math.ceil(target / 5)))], 1],
  ])();
}

function generate(g: Gen): Input {
  const subcommand = g.weighted<Subcommand>([
    ['search', 15],
    ['share', 10],
    ['top', 6],
    ['follow', 12],
    ['unfollow', 6],
    ['subscribe', 12],
    ['unsubscribe', 7],
    ['list', 4],
    ['alerts', 8],
    ['help', 3],
    ['(empty)', 2],
    ['(unknown)', 15],
  ]);
  const head = subcommandPiece(g, subcommand);
  const long = g.chance(0.04);
  const args = [...argsFor(g, subcommand), ...(long ? longPieces(g) : [])];
  const pieces = [...(head ? [head] : []), ...args];
  const encoding = g.chance(0.7) ? 'slack' : 'raw';
  const lead = g.chance(0.1) ? g.pick(SEPARATORS) : '';
  let text = lead;
  pieces.forEach((piece, i) => {
    text += `${i > 0 ? g.pick(SEPARATORS) : ''}${encoding === 'slack' ? piece.slack : piece.typed}`;
  });
  if (g.chance(0.05)) text += g.pick(SEPARATORS);
  return {
    subcommand,
    text,
    encoding,
    long,
    userId: g.pick(USERS),
    channelId: subcommand === 'share' ? SHARE_CHANNEL : g.pick(CHANNELS),
  };
}

// ---- Checks ----

/** Control sequences Paperboy may make: what it links and mentions by itself. */
interface Allowed {
  userId: string;
  channels: ReadonlySet<string>;
  /** Links of the stored papers (GitHub, project pages): from the feed, not from the member. */
  paperUrls: ReadonlySet<string>;
}

/** Why a `<…>` in mrkdwn is not one Paperboy makes, or undefined when it is. */
function foreignSequence(inner: string, allowed: Allowed): string | undefined {
  if (inner.startsWith('@')) return inner === `@${allowed.userId}` ? undefined : 'a mention';
  if (inner.startsWith('#')) {
    return allowed.channels.has(inner.slice(1)) ? undefined : 'a channel link';
  }
  if (inner.startsWith('!')) return 'a special mention';
  // Slack ends the URL at the first `|`: the label after it may hold more (an escaped title).
  const target = inner.split('|')[0] ?? '';
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return 'a sequence that is not a URL';
  }
  if (url.protocol !== 'https:') return `a ${url.protocol} link`;
  if (OWN_HOSTS.has(url.hostname) || allowed.paperUrls.has(target)) return undefined;
  return `a link to ${url.hostname}`;
}

/** Every `<` in a mrkdwn text that does not start a sequence Paperboy makes. */
function unsafeSequences(text: string, allowed: Allowed): string[] {
  const found: string[] = [];
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    const end = text.indexOf('>', at);
    const next = text.indexOf('<', at + 1);
    if (end === -1 || (next !== -1 && next < end)) {
      found.push(`an unescaped < at ${at}: ${JSON.stringify(text.slice(at, at + 40))}`);
      continue;
    }
    const why = foreignSequence(text.slice(at + 1, end), allowed);
    if (why) found.push(`${why}: ${JSON.stringify(text.slice(at, Math.min(end + 1, at + 80)))}`);
  }
  return found;
}

/** What is wrong with a message Slack would show: its blocks, its text, its control sequences. */
function messageProblems(message: Record<string, unknown>, allowed: Allowed): string[] {
  const problems: string[] = [];
  const { text, blocks } = message;
  if (blocks !== undefined) {
    problems.push(...validateBlocks(blocks, 'message').map((e) => `invalid blocks: ${e}`));
    const length = blocksTextLength(blocks);
    if (length > 12_000) problems.push(`msg_blocks_too_long: ${length} characters of block text`);
  }
  if (typeof text !== 'string' || text.trim() === '') {
    problems.push('no top-level text');
  } else if (text.length > 40_000) {
    problems.push(`msg_too_long: ${text.length} characters of text`);
  }
  const visible = [...mrkdwnTexts(blocks ?? []), ...(typeof text === 'string' ? [text] : [])];
  if (visible.every((t) => t.trim() === '')) problems.push('an empty answer');
  for (const mrkdwn of visible) {
    problems.push(...unsafeSequences(mrkdwn, allowed).map((s) => `control sequence: ${s}`));
    if (STRICT_CODE_SPANS && (mrkdwn.match(/`/g) ?? []).length % 2 === 1) {
      problems.push(`a code span left open: ${JSON.stringify(mrkdwn.slice(0, 120))}`);
    }
  }
  return problems;
}

interface Problem {
  input: Input;
  what: string;
}

// ---- The test ----

describe('/papers fuzz', () => {
  let h: Harness;
  const paperUrls = new Set(
    PAPERS.flatMap((p) => [p.githubRepo, p.projectPage]).filter(
      (u): u is string => typeof u === 'string',
    ),
  );

  beforeAll(async () => {
    // The app alone: no poll runs, the store holds the fixture papers and nothing else.
    h = await startHarness({ role: 'app', items: [] });
    await h.paperboy.store.upsertPapers(PAPERS, new Date());
  });

  afterAll(async () => {
    await h?.stop();
  });

  const cardsIn = (channelId: string) =>
    h.slack.messages(channelId).filter((m) => m.metadata?.event_type === 'paper_posted');

  it(`answers ${INPUTS} generated commands in time, validly and without pinging anyone`, async () => {
    const g = new Gen(prng(SEED));
    const problems: Problem[] = [];
    /** Inputs sent, by subcommand and by encoding: printed once at the end. */
    const counts = new Map<string, number>();
    const started = performance.now();
    let slowestAckMs = 0;

    for (let n = 0; n < INPUTS; n += 1) {
      const input = generate(g);
      for (const label of [
        input.subcommand,
        ...(input.long ? [`${input.subcommand} (of them 5,000+ characters)`] : []),
        `encoded ${input.encoding === 'slack' ? 'as Slack sends it' : 'raw, as typed'}`,
      ]) {
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
      const allowed: Allowed = {
        userId: input.userId,
        channels: new Set(cardsIn(SHARE_CHANNEL).length > 0 ? [SHARE_CHANNEL] : []),
        paperUrls,
      };
      const report = (what: string) => problems.push({ input, what });

      const postsBefore = h.slack.responseUrlPosts().length;
      const messagesBefore = h.slack.messages().length;
      let response;
      try {
        response = await h.slack.sendSlashCommand({
          text: input.text,
          userId: input.userId,
          channelId: input.channelId,
        });
      } catch (error) {
        report(`no HTTP answer: ${String(error)}`);
        continue;
      }
      slowestAckMs = Math.max(slowestAckMs, response.elapsedMs);
      if (response.status !== 200)
        report(`HTTP ${response.status}: ${response.body.slice(0, 200)}`);
      if (response.elapsedMs >= 3000) report(`acked after ${response.elapsedMs} ms`);
      if (response.ackError) report(`Slack would refuse the ack: ${response.ackError}`);

      const ack = response.json as Record<string, unknown> | undefined;
      const answers: Array<{ where: string; message: Record<string, unknown> }> = [];
      if (ack && (ack.text !== undefined || ack.blocks !== undefined)) {
        answers.push({ where: 'ack', message: ack });
      } else if (response.status === 200) {
        // Acked empty: the answer follows through response_url, or (share) is the card itself.
        try {
          await h.slack.waitFor(
            () =>
              h.slack.responseUrlPosts().length > postsBefore ||
              h.slack.messages().length > messagesBefore,
            { timeoutMs: ANSWER_TIMEOUT_MS, intervalMs: 2 },
          );
        } catch {
          report(`acked empty, and no answer followed within ${ANSWER_TIMEOUT_MS} ms`);
        }
      }
      for (const post of h.slack.responseUrlPosts().slice(postsBefore)) {
        answers.push({ where: 'response_url', message: post.body });
      }
      const posted: PostedMessage[] = h.slack.messages().slice(messagesBefore);
      for (const message of posted) {
        if (message.channel !== SHARE_CHANNEL || input.subcommand !== 'share') {
          report(`posted in ${message.channel}`);
        }
        answers.push({ where: `message in ${message.channel}`, message: { ...message } });
      }
      if (posted.length > 0) allowed.channels = new Set([SHARE_CHANNEL]);
      for (const { where, message } of answers) {
        // Only a shared card is for everyone; every answer is for the member alone.
        if (
          !where.startsWith('message') &&
          (message.response_type ?? 'ephemeral') !== 'ephemeral'
        ) {
          report(`${where}: response_type ${String(message.response_type)}`);
        }
        for (const what of messageProblems(message, allowed)) report(`${where}: ${what}`);
      }
    }

    const elapsedS = (performance.now() - started) / 1000;
    const cardIds = cardsIn(SHARE_CHANNEL).map((m) => m.metadata?.event_payload['paper_id']);
    console.log(
      [
        `/papers fuzz, seed ${SEED}: ${INPUTS} inputs in ${elapsedS.toFixed(1)} s, slowest ack ${slowestAckMs} ms, ${cardIds.length} cards shared, ${problems.length} problems`,
        ...[...counts]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([label, count]) => `  ${label}: ${count}`),
      ].join('\n'),
    );

    // Share posts each paper at most once in a channel: later shares point at its card.
    expect(cardIds.length).toBeGreaterThan(0);
    expect(new Set(cardIds).size).toBe(cardIds.length);
    expect(cardIds.every((id) => KNOWN_IDS.includes(String(id)))).toBe(true);

    // One line per kind of problem, with the first input that showed it.
    const kinds = new Map<string, { count: number; example: Input }>();
    for (const { input, what } of problems) {
      const key = `${input.subcommand}: ${what.replace(/\d+/g, 'N').slice(0, 160)}`;
      const kind = kinds.get(key) ?? { count: 0, example: input };
      kind.count += 1;
      kinds.set(key, kind);
    }
    const summary = [...kinds].map(
      ([key, { count, example }]) =>
        `${count}× ${key}\n    e.g. ${example.encoding} ${JSON.stringify(example.text.slice(0, 200))}${example.text.length > 200 ? `… (${example.text.length} chars)` : ''} as ${example.userId} in ${example.channelId}`,
    );
    expect(summary).toEqual([]);
  }, 180_000);

  it('still answers /papers help at the end, and logged no error', async () => {
    const response = await h.slack.sendSlashCommand({ text: 'help', userId: 'U0FUZZA' });
    expect(response.status).toBe(200);
    expect(response.elapsedMs).toBeLessThan(3000);
    expect(response.ackError).toBeUndefined();
    expect(JSON.stringify(response.json)).toContain('/papers search');

    // Give republished Home tabs a moment: their failures are logged after the answers.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Keywords a member subscribed to show on their Home tab: as inert as in the answers.
    const homes = h.slack.views();
    expect(homes.length).toBeGreaterThan(0);
    const homeProblems = homes.flatMap(({ userId, view }) =>
      mrkdwnTexts(view).flatMap((text) =>
        unsafeSequences(text, {
          userId,
          // The Home tab names the channels that follow a feed (the harness's own one too).
          channels: new Set([SHARE_CHANNEL, ...CHANNELS, 'C0READING']),
          paperUrls,
        }).map((s) => `${userId}'s Home tab: ${s}`),
      ),
    );
    expect([...new Set(homeProblems)]).toEqual([]);
    expect(h.logs.filter((line) => line.startsWith('[error]'))).toEqual([]);
    const unexpected = h.logs.filter(
      (line) => line.startsWith('[warn]') && !EXPECTED_WARNINGS.some((w) => w.test(line)),
    );
    expect(unexpected).toEqual([]);
  });
});
