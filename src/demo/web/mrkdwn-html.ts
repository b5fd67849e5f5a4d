import { escapeHtml, safeUrl } from './html';

/**
 * Slack's mrkdwn rendered as HTML for the demo page, the way a Slack client would show it. The input
 * is mrkdwn as the app sends it: `&`, `<` and `>` of outside text arrive as `&amp;`, `&lt;`, `&gt;`,
 * and a raw `<…>` is a control sequence (link, mention, broadcast, date). Entities are decoded once
 * while reading and every piece of text is escaped once while writing, so nothing a paper or a
 * member says can become markup.
 */

/** Who the ids in `<@U…>` and `<#C…>` are: names without the `@` or `#`, undefined when unknown. */
export interface NameLookup {
  user(id: string): string | undefined;
  channel(id: string): string | undefined;
}

/**
 * The shortcodes a paper discussion is likely to hold. The app itself writes Unicode emoji (📄, 💬,
 * 📰 …) and no shortcodes; these cover what members type in threads.
 */
const EMOJI: Record<string, string> = {
  speech_balloon: '💬',
  thumbsup: '👍',
  '+1': '👍',
  thumbsdown: '👎',
  '-1': '👎',
  fire: '🔥',
  star: '⭐',
  mag: '🔍',
  bell: '🔔',
  newspaper: '📰',
  page_facing_up: '📄',
  arrow_up: '⬆️',
  arrow_down: '⬇️',
  tada: '🎉',
  warning: '⚠️',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  books: '📚',
  memo: '📝',
  link: '🔗',
  eyes: '👀',
  rocket: '🚀',
  heart: '❤️',
  sparkles: '✨',
  bulb: '💡',
  pushpin: '📌',
  bookmark: '🔖',
  bar_chart: '📊',
  chart_with_upwards_trend: '📈',
  clipboard: '📋',
  inbox_tray: '📥',
  calendar: '📆',
  raised_hands: '🙌',
  clap: '👏',
  pray: '🙏',
  wave: '👋',
  thinking_face: '🤔',
  smile: '😄',
  slightly_smiling_face: '🙂',
  joy: '😂',
  point_right: '👉',
  robot_face: '🤖',
};

/** The Unicode character of a known shortcode name (`fire` → 🔥), else undefined. */
export function emojiFor(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(EMOJI, name) ? EMOJI[name] : undefined;
}

/** Known `:shortcode:`s in plain text replaced by their characters; unknown ones stay as typed. */
export function replaceEmoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (match, name: string) => emojiFor(name) ?? match);
}

/** One piece of a line: a character, a `<…>` sequence, a known emoji, or a whole code span. */
type Unit =
  | { kind: 'char'; char: string }
  | { kind: 'ctrl'; inner: string }
  | { kind: 'emoji'; char: string; raw: string }
  | { kind: 'code'; units: Unit[] };

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&' };

const decodeEntities = (text: string): string =>
  text.replace(/&(?:lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity);

const ENTITY = /&(?:lt|gt|amp);/y;
const SHORTCODE = /:([a-z0-9_+-]+):/y;

/** Reads mrkdwn into units, decoding entities once; the order of the checks is Slack's. */
function tokenize(text: string): Unit[] {
  const units: Unit[] = [];
  // The next `>` and newline only move forward: found once, not again for every `<` before them.
  let nextGt = -2;
  let nextNewline = -2;
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (char === '<') {
      if (nextGt !== -1 && nextGt <= i) nextGt = text.indexOf('>', i + 1);
      if (nextNewline !== -1 && nextNewline <= i) nextNewline = text.indexOf('\n', i + 1);
      const nextLt = text.indexOf('<', i + 1);
      const before = (index: number) => index === -1 || index > nextGt;
      // A control sequence is one line with no `<` inside; anything else is a literal `<`.
      if (nextGt !== -1 && before(nextLt) && before(nextNewline)) {
        units.push({ kind: 'ctrl', inner: text.slice(i + 1, nextGt) });
        i = nextGt + 1;
        continue;
      }
    }
    if (char === '&') {
      ENTITY.lastIndex = i;
      const entity = ENTITY.exec(text);
      if (entity) {
        units.push({ kind: 'char', char: ENTITIES[entity[0]] ?? entity[0] });
        i += entity[0].length;
        continue;
      }
    }
    if (char === ':') {
      SHORTCODE.lastIndex = i;
      const code = SHORTCODE.exec(text);
      const emoji = code ? emojiFor(code[1] ?? '') : undefined;
      if (code && emoji) {
        units.push({ kind: 'emoji', char: emoji, raw: code[0] });
        i += code[0].length;
        continue;
      }
    }
    // Whole code points, so an astral character is never split into halves.
    const whole = String.fromCodePoint(text.codePointAt(i) ?? 0xfffd);
    units.push({ kind: 'char', char: whole });
    i += whole.length;
  }
  return units;
}

/** What a control sequence shows: a link, a mention chip, or plain text. */
type Shown =
  | { kind: 'link'; href: string; label: string }
  | { kind: 'mention'; text: string; broadcast: boolean; channelId?: string }
  | { kind: 'text'; text: string };

const BROADCASTS = new Set(['here', 'channel', 'everyone']);

/** The first non-empty value, so that `<@U1|>` falls back to the id rather than to nothing. */
const firstOf = (...values: Array<string | undefined>): string =>
  values.find((value) => value !== undefined && value !== '') ?? '';

function interpret(inner: string, names: NameLookup): Shown {
  const bar = inner.indexOf('|');
  const target = decodeEntities(bar === -1 ? inner : inner.slice(0, bar));
  const label = bar === -1 ? undefined : decodeEntities(inner.slice(bar + 1));
  // Labels are the names Slack had when the text was written; the lookup knows the current one.
  const bare = label?.replace(/^[@#]/, '');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return { kind: 'mention', text: `@${firstOf(names.user(id), bare, id)}`, broadcast: false };
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const known = names.channel(id);
    // A channel of this workspace: the chip opens it, as in Slack.
    return {
      kind: 'mention',
      text: `#${firstOf(known, bare, id)}`,
      broadcast: false,
      ...(known !== undefined ? { channelId: id } : {}),
    };
  }
  if (target.startsWith('!')) {
    const [command = '', id] = target.slice(1).split('^');
    if (BROADCASTS.has(command)) return { kind: 'mention', text: `@${command}`, broadcast: true };
    if (command === 'subteam') {
      return { kind: 'mention', text: `@${firstOf(bare, id, 'group')}`, broadcast: false };
    }
    // Dates and anything newer carry the text to show after the bar.
    if (label !== undefined) return { kind: 'text', text: label };
    return { kind: 'text', text: command === 'date' ? '' : `@${command}` };
  }
  const href = safeUrl(target);
  const text = firstOf(label, target);
  if (href !== undefined) return { kind: 'link', href, label: text };
  // Not a link at all (`<script>`): show what was sent rather than silently eat the brackets.
  if (label === undefined && !/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return { kind: 'text', text: `<${target}>` };
  }
  return { kind: 'text', text };
}

/**
 * A mention chip: `@name`, `#channel` (which opens the channel when `channelId` is one of this
 * workspace's), or a highlighted broadcast. Rich text's mentions use it too.
 */
export function mentionHtml(mention: {
  text: string;
  broadcast?: boolean;
  channelId?: string | undefined;
}): string {
  const place =
    mention.channelId === undefined ? '' : ` data-place="${escapeHtml(mention.channelId)}"`;
  return `<span class="mention${mention.broadcast ? ' broadcast' : ''}"${place}>${escapeHtml(mention.text)}</span>`;
}

function shownHtml(shown: Shown): string {
  switch (shown.kind) {
    case 'link':
      return `<a class="bk-link" href="${escapeHtml(shown.href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(shown.label)}</a>`;
    case 'mention':
      return mentionHtml(shown);
    case 'text':
      return escapeHtml(shown.text);
  }
}

/** Units with no formatting: the inside of code spans and preformatted blocks. */
function literalHtml(units: readonly Unit[], names: NameLookup): string {
  return units
    .map((unit) => {
      switch (unit.kind) {
        case 'char':
          return escapeHtml(unit.char);
        case 'emoji':
          return escapeHtml(unit.raw);
        case 'ctrl':
          // Slack keeps links and mentions live inside code; only the formatting stops.
          return shownHtml(interpret(unit.inner, names));
        case 'code':
          return literalHtml(unit.units, names);
      }
    })
    .join('');
}

const isChar = (unit: Unit | undefined, char: string): boolean =>
  unit?.kind === 'char' && unit.char === char;
const isSpace = (unit: Unit | undefined): boolean => unit?.kind === 'char' && /\s/u.test(unit.char);
/** Letters and digits glue markers to a word; everything else (space, punctuation, a link) does not. */
const isWordChar = (unit: Unit | undefined): boolean =>
  unit?.kind === 'char' && /[\p{L}\p{N}]/u.test(unit.char);

/** Slack's word-boundary rule for an opening marker at `i`. */
const opensAt = (units: readonly Unit[], i: number): boolean =>
  !isWordChar(units[i - 1]) && units[i + 1] !== undefined && !isSpace(units[i + 1]);

/** Slack's word-boundary rule for a closing marker at `j`. */
const closesAt = (units: readonly Unit[], j: number): boolean =>
  !isSpace(units[j - 1]) && !isWordChar(units[j + 1]);

/**
 * Where each marker can close, ascending. Whether a marker closes depends only on its neighbours,
 * so this is computed once per line: searching afresh from every opener would be quadratic, and a
 * 40,000-character message of stray `*`s would stall the page.
 */
type Closers = ReadonlyMap<string, readonly number[]>;

function closersOf(units: readonly Unit[], markers: readonly string[]): Closers {
  const found = new Map<string, number[]>(markers.map((marker) => [marker, []]));
  units.forEach((unit, j) => {
    if (unit.kind === 'char' && closesAt(units, j)) found.get(unit.char)?.push(j);
  });
  return found;
}

/** The first marker after `open` (and before `end`) that closes it with some content between. */
function closingIndex(closers: Closers, open: number, end: number, marker: string): number {
  const list = closers.get(marker) ?? [];
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((list[mid] ?? Infinity) < open + 2) low = mid + 1;
    else high = mid;
  }
  const close = list[low];
  return close !== undefined && close < end ? close : -1;
}

/** Code spans first, as whole units, so no marker inside one pairs with a marker outside it. */
function withCodeSpans(line: readonly Unit[]): Unit[] {
  const closers = closersOf(line, ['`']);
  const out: Unit[] = [];
  let i = 0;
  while (i < line.length) {
    const unit = line[i];
    if (unit === undefined) break;
    if (isChar(unit, '`') && opensAt(line, i)) {
      const close = closingIndex(closers, i, line.length, '`');
      if (close !== -1) {
        out.push({ kind: 'code', units: line.slice(i + 1, close) });
        i = close + 1;
        continue;
      }
    }
    out.push(unit);
    i++;
  }
  return out;
}

const TAGS: Record<string, string> = { '*': 'b', _: 'i', '~': 's' };
const MAX_DEPTH = 6;

/** Bold, italic and strike between `start` and `end`, nested as Slack nests them. */
function formattedHtml(
  units: readonly Unit[],
  closers: Closers,
  start: number,
  end: number,
  names: NameLookup,
  depth = 0,
): string {
  let html = '';
  let i = start;
  while (i < end) {
    const unit = units[i];
    if (unit === undefined) break;
    const tag = unit.kind === 'char' ? TAGS[unit.char] : undefined;
    // Three styles nest three deep; deeper is a hostile input, and recursion has a limit.
    if (tag !== undefined && depth < MAX_DEPTH && unit.kind === 'char' && opensAt(units, i)) {
      const close = closingIndex(closers, i, end, unit.char);
      if (close !== -1) {
        html += `<${tag}>${formattedHtml(units, closers, i + 1, close, names, depth + 1)}</${tag}>`;
        i = close + 1;
        continue;
      }
    }
    html += unitHtml(unit, names);
    i++;
  }
  return html;
}

function unitHtml(unit: Unit, names: NameLookup): string {
  switch (unit.kind) {
    case 'char':
      return escapeHtml(unit.char);
    case 'emoji':
      return unit.char;
    case 'ctrl':
      return shownHtml(interpret(unit.inner, names));
    case 'code':
      return `<code class="bk-code">${literalHtml(unit.units, names)}</code>`;
  }
}

function lineHtml(line: readonly Unit[], names: NameLookup): string {
  const units = withCodeSpans(line);
  return formattedHtml(units, closersOf(units, Object.keys(TAGS)), 0, units.length, names);
}

/** A rendered piece of the message: a line of text, a quoted line, or a preformatted block. */
type Piece = { kind: 'line' | 'quote' | 'pre'; html: string };

function splitLines(units: readonly Unit[]): Unit[][] {
  const lines: Unit[][] = [[]];
  for (const unit of units) {
    if (isChar(unit, '\n')) lines.push([]);
    else lines[lines.length - 1]?.push(unit);
  }
  return lines;
}

/** Text outside preformatted blocks: lines, with `>` lines quoted and `>>>` quoting the rest. */
function textPieces(units: readonly Unit[], names: NameLookup): Piece[] {
  const pieces: Piece[] = [];
  let quoteRest = false;
  for (const line of splitLines(units)) {
    let quoted = quoteRest;
    let body = line;
    if (!quoted && isChar(line[0], '>')) {
      quoted = true;
      const triple = isChar(line[1], '>') && isChar(line[2], '>');
      quoteRest = triple;
      body = line.slice(triple ? 3 : 1);
      if (isChar(body[0], ' ')) body = body.slice(1);
    }
    pieces.push({ kind: quoted ? 'quote' : 'line', html: lineHtml(body, names) });
  }
  return pieces;
}

const isBacktickRun = (units: readonly Unit[], i: number): boolean =>
  isChar(units[i], '`') && isChar(units[i + 1], '`') && isChar(units[i + 2], '`');

/** Splits out ```preformatted``` blocks; an unclosed ``` stays literal text. */
function pieces(units: readonly Unit[], names: NameLookup): Piece[] {
  const out: Piece[] = [];
  let textStart = 0;
  let i = 0;
  while (i < units.length) {
    if (!isBacktickRun(units, i)) {
      i++;
      continue;
    }
    let close = i + 3;
    while (close < units.length && !isBacktickRun(units, close)) close++;
    if (close >= units.length) break;
    let before = units.slice(textStart, i);
    let body = units.slice(i + 3, close);
    // The newline beside a block belongs to the block: a <pre> already starts on its own line.
    if (isChar(before[before.length - 1], '\n')) before = before.slice(0, -1);
    if (textStart < i) out.push(...textPieces(before, names));
    if (isChar(body[0], '\n')) body = body.slice(1);
    if (isChar(body[body.length - 1], '\n')) body = body.slice(0, -1);
    out.push({ kind: 'pre', html: `<pre class="bk-pre">${literalHtml(body, names)}</pre>` });
    i = close + 3;
    if (isChar(units[i], '\n')) i++;
    textStart = i;
  }
  if (textStart < units.length || out.length === 0) {
    out.push(...textPieces(units.slice(textStart), names));
  }
  return out;
}

/** Pieces joined: `<br>` between lines, consecutive quoted lines in one `<blockquote>`. */
function joinPieces(list: readonly Piece[]): string {
  let html = '';
  let previous: Piece['kind'] | undefined;
  for (const piece of list) {
    if (piece.kind === 'quote') {
      html +=
        previous === 'quote' ? `<br>${piece.html}` : `<blockquote class="bk-quote">${piece.html}`;
    } else {
      if (previous === 'quote') html += '</blockquote>';
      if (piece.kind === 'line' && previous === 'line') html += '<br>';
      html += piece.html;
    }
    previous = piece.kind;
  }
  if (previous === 'quote') html += '</blockquote>';
  return html;
}

/**
 * mrkdwn → HTML: `*bold*` <b>, `_italic_` <i>, `~strike~` <s>, `` `code` `` <code>, ```pre```
 * <pre>, `>` lines <blockquote>, newlines <br>; links (http, https, mailto only), mentions and
 * broadcasts as chips, known emoji shortcodes as characters. Markers count only at word boundaries,
 * as in Slack; unmatched ones stay literal. Safe for any input: every character of text is escaped.
 */
export function mrkdwnToHtml(text: string, names: NameLookup): string {
  return joinPieces(pieces(tokenize(text), names));
}

/**
 * mrkdwn → the plain text a reader sees (not escaped), for places that cannot hold markup: an
 * `<option>`, an `alt` or `placeholder` attribute. Markers stay as typed.
 */
export function mrkdwnToPlainText(text: string, names: NameLookup): string {
  return plainText(tokenize(text), names);
}

function plainText(units: readonly Unit[], names: NameLookup): string {
  return units
    .map((unit) => {
      switch (unit.kind) {
        case 'char':
        case 'emoji':
          return unit.char;
        case 'code':
          return plainText(unit.units, names);
        case 'ctrl': {
          const shown = interpret(unit.inner, names);
          return shown.kind === 'link' ? shown.label : shown.text;
        }
      }
    })
    .join('');
}
