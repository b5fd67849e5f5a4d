/**
 * Renders a posted message's Block Kit as readable terminal text, so that the local demo can print each
 * card roughly as Slack would show it. Pure: no I/O, unknown shapes are skipped rather than thrown on.
 */

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&' };

/** Renders one `<…>` control sequence: links, mentions, broadcasts, dates. */
function controlSequence(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  if (target.startsWith('@') || target.startsWith('#')) {
    return label === undefined ? target : `${target[0]}${label.replace(/^[@#]/, '')}`;
  }
  if (target.startsWith('!')) {
    // `<!here>` → `@here`; subteams and dates carry a readable fallback after the bar.
    return label ?? (target.startsWith('!date^') ? '' : `@${target.slice(1).split('^')[0]}`);
  }
  return label === undefined || label === target ? target : `${label} (${target})`;
}

/**
 * mrkdwn → readable text: `*bold*` and `_italics_` stay, `<url|label>` becomes `label (url)`,
 * mentions become `@U…`/`#C…` (or their label), and `&lt;` `&gt;` `&amp;` are decoded (last, so that an
 * encoded `&lt;` inside a label is not mistaken for a control sequence).
 */
export function mrkdwnToText(text: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_match, inner: string) => controlSequence(inner))
    .replace(/&(lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** A text object's text: mrkdwn decoded, plain text as is. */
function textOf(value: unknown): string {
  if (!isObj(value) || typeof value.text !== 'string') return '';
  return value.type === 'mrkdwn' ? mrkdwnToText(value.text) : value.text;
}

/** Interactive elements: buttons as `[ ▲ 3 ]`, other inputs by their type. */
function elementText(element: unknown): string {
  if (!isObj(element)) return '';
  if (element.type === 'button') return `[ ${textOf(element.text)} ]`;
  if (element.type === 'image') return '';
  return `[ ${textOf(element.placeholder) || String(element.type)} ]`;
}

/** Rich text: the text of its leaf elements, sections on their own lines. */
function richText(value: unknown): string {
  if (Array.isArray(value)) return value.map(richText).join('');
  if (!isObj(value)) return '';
  if (typeof value.text === 'string') return value.text;
  if (value.type === 'user') return `@${String(value.user_id)}`;
  if (value.type === 'channel') return `#${String(value.channel_id)}`;
  if (value.type === 'link') return String(value.url);
  const inner = richText(value.elements);
  return value.type === 'rich_text_list' || value.type === 'rich_text_section'
    ? `${inner}\n`
    : inner;
}

function blockLines(block: unknown, width: number): string[] {
  if (!isObj(block)) return [];
  const elements = Array.isArray(block.elements) ? block.elements : [];
  switch (block.type) {
    case 'header':
      return [textOf(block.text)];
    case 'section': {
      const lines = [
        textOf(block.text),
        ...(Array.isArray(block.fields) ? block.fields : []).map(textOf),
      ];
      const accessory = isObj(block.accessory) ? elementText(block.accessory) : '';
      return [...lines, accessory].filter((line) => line !== '');
    }
    case 'context':
      // Images in context are icons and avatars: nothing to read.
      return [
        elements
          .map(textOf)
          .filter((text) => text !== '')
          .join(' · '),
      ];
    case 'actions':
      return [
        elements
          .map(elementText)
          .filter((text) => text !== '')
          .join(' '),
      ];
    case 'divider':
      return ['─'.repeat(width)];
    case 'image':
      return [`[image: ${String(block.alt_text ?? '')}]`];
    case 'rich_text':
      return [richText(block.elements).replace(/\n+$/, '')];
    case 'input':
      return [`${textOf(block.label)}: ${elementText(block.element)}`];
    default:
      return [];
  }
}

/** Renders a list of blocks, one or more lines per block. `width` sets the divider's length. */
export function renderBlocks(blocks: unknown, options: { width?: number } = {}): string {
  if (!Array.isArray(blocks)) return '';
  const width = options.width ?? 60;
  return blocks.flatMap((block) => blockLines(block, width)).join('\n');
}

/** Renders a message: its blocks when it has any, else its (mrkdwn) `text` fallback. */
export function renderMessage(
  message: { text?: string; blocks?: unknown[] },
  options: { width?: number } = {},
): string {
  if (message.blocks && message.blocks.length > 0) return renderBlocks(message.blocks, options);
  return mrkdwnToText(message.text ?? '');
}
