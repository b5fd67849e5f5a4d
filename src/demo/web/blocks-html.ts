import { escapeHtml, safeUrl } from './html';
import {
  emojiFor,
  mentionHtml,
  mrkdwnToHtml,
  mrkdwnToPlainText,
  replaceEmoji,
  type NameLookup,
} from './mrkdwn-html';

/**
 * Block Kit rendered as HTML for the demo page, close to what Slack draws. Pure and total: any value
 * renders (odd shapes as nothing or as an `[unsupported: type]` placeholder), and every string from
 * the input reaches the page escaped, so blocks cannot add tags, attributes or handlers.
 *
 * Interactive elements carry the attributes the page's client script reads: `data-action-id`,
 * `data-block-id` (the enclosing block's id, or empty), `data-value` and `data-url` on buttons, and
 * `data-input-block` on input blocks, whose values the client collects as
 * `{[block_id]: {[action_id]: value}}`.
 */

/** What rendering needs besides the blocks. */
export interface RenderContext {
  names: NameLookup;
  /** input block_id → error message (a modal's response_action errors) */
  errors?: Record<string, string>;
}

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const attr = (name: string, value: string): string => ` ${name}="${escapeHtml(value)}"`;

/** A block's own id attribute, only when it has one. */
const blockIdAttr = (blockId: string): string => (blockId ? attr('data-block-id', blockId) : '');

/** The two attributes every interactive element carries. */
const idAttrs = (element: Obj, blockId: string): string =>
  attr('data-action-id', str(element.action_id) ?? '') + attr('data-block-id', blockId);

function unsupported(value: unknown, tag: 'span' | 'div' = 'span'): string {
  const type =
    isObj(value) && typeof value.type === 'string' && value.type ? value.type : 'unknown';
  return `<${tag} class="bk-unsupported">[unsupported: ${escapeHtml(type)}]</${tag}>`;
}

/**
 * A text object as HTML: mrkdwn formatted, plain_text escaped with line breaks kept and emoji
 * shortcodes converted (unless `emoji: false`). Anything that is not a text object renders empty.
 */
export function textObjectToHtml(value: unknown, ctx: RenderContext): string {
  if (!isObj(value) || typeof value.text !== 'string') return '';
  if (value.type === 'mrkdwn') return mrkdwnToHtml(value.text, ctx.names);
  const text = value.emoji === false ? value.text : replaceEmoji(value.text);
  return escapeHtml(text).replace(/\n/g, '<br>');
}

/** A text object as unescaped plain text, for places markup cannot go: options, attributes. */
function textObjectToPlain(value: unknown, ctx: RenderContext): string {
  if (!isObj(value) || typeof value.text !== 'string') return '';
  if (value.type === 'mrkdwn') return mrkdwnToPlainText(value.text, ctx.names);
  return value.emoji === false ? value.text : replaceEmoji(value.text);
}

/**
 * `<img>` only for a safe URL; for an unsafe one the alt text, so the reader still learns what was
 * there. No URL at all is no image.
 */
function imageHtml(url: unknown, alt: string, className: string): string {
  if (typeof url !== 'string') return '';
  const src = safeUrl(url);
  if (src === undefined) {
    return alt ? `<span class="bk-image-missing">[image: ${escapeHtml(alt)}]</span>` : '';
  }
  return `<img class="${className}"${attr('src', src)}${attr('alt', alt)} loading="lazy" referrerpolicy="no-referrer">`;
}

const linkOpen = (href: string): string =>
  `<a class="bk-link"${attr('href', href)} target="_blank" rel="noopener noreferrer">`;

// ── Interactive elements ─────────────────────────────────────────────────────────────────────

function buttonHtml(element: Obj, blockId: string, ctx: RenderContext): string {
  const style = element.style === 'primary' || element.style === 'danger' ? element.style : '';
  const url = typeof element.url === 'string' ? safeUrl(element.url) : undefined;
  const label = str(element.accessibility_label);
  return (
    `<button type="button" class="bk-button${style ? ` bk-${style}` : ''}"` +
    `${idAttrs(element, blockId)}${attr('data-value', str(element.value) ?? '')}` +
    `${url ? attr('data-url', url) : ''}${label ? attr('aria-label', label) : ''}>` +
    `${textObjectToHtml(element.text, ctx)}</button>`
  );
}

const optionValue = (option: unknown): string | undefined =>
  isObj(option) ? str(option.value) : undefined;

function optionHtml(option: unknown, selected: ReadonlySet<string>, ctx: RenderContext): string {
  if (!isObj(option)) return '';
  const value = str(option.value) ?? '';
  const url = typeof option.url === 'string' ? safeUrl(option.url) : undefined;
  return (
    `<option${attr('value', value)}${selected.has(value) ? ' selected' : ''}` +
    `${url ? attr('data-url', url) : ''}>${escapeHtml(textObjectToPlain(option.text, ctx))}</option>`
  );
}

/** static_select, multi_static_select and overflow: one `<select>`, options grouped if given. */
function selectHtml(
  element: Obj,
  blockId: string,
  ctx: RenderContext,
  kind: 'single' | 'multi' | 'overflow',
): string {
  const initial = kind === 'multi' ? list(element.initial_options) : [element.initial_option];
  const selected = new Set(
    initial.map(optionValue).filter((value): value is string => value !== undefined),
  );
  const placeholder =
    kind === 'overflow' ? '⋯' : textObjectToPlain(element.placeholder, ctx) || 'Select an item';
  // A multiple select shows every option at once: its placeholder is a hint, never a choice.
  const placeholderOption =
    selected.size > 0
      ? ''
      : `<option value="" disabled${kind === 'multi' ? '' : ' selected'}>${escapeHtml(placeholder)}</option>`;
  const groups = list(element.option_groups);
  const options =
    groups.length > 0
      ? groups
          .map((group) =>
            isObj(group)
              ? `<optgroup${attr('label', textObjectToPlain(group.label, ctx))}>` +
                `${list(group.options)
                  .map((option) => optionHtml(option, selected, ctx))
                  .join('')}</optgroup>`
              : '',
          )
          .join('')
      : list(element.options)
          .map((option) => optionHtml(option, selected, ctx))
          .join('');
  const className = kind === 'overflow' ? 'bk-select bk-overflow' : 'bk-select';
  return (
    `<select class="${className}"${idAttrs(element, blockId)}${kind === 'multi' ? ' multiple' : ''}>` +
    `${placeholderOption}${options}</select>`
  );
}

/** datepicker and timepicker: native inputs, with the initial value only when well formed. */
function pickerHtml(
  element: Obj,
  blockId: string,
  ctx: RenderContext,
  kind: 'date' | 'time',
): string {
  const initial = str(kind === 'date' ? element.initial_date : element.initial_time);
  const pattern = kind === 'date' ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{2}:\d{2}$/;
  const value = initial !== undefined && pattern.test(initial) ? attr('value', initial) : '';
  const label = textObjectToPlain(element.placeholder, ctx);
  return (
    `<input type="${kind}" class="bk-${kind}"${idAttrs(element, blockId)}${value}` +
    `${label ? attr('aria-label', label) : ''}>`
  );
}

const positiveInt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;

function textInputHtml(element: Obj, blockId: string, ctx: RenderContext): string {
  const initial = str(element.initial_value) ?? '';
  const placeholder = textObjectToPlain(element.placeholder, ctx);
  const max = positiveInt(element.max_length);
  const min = positiveInt(element.min_length);
  const extra =
    `${placeholder ? attr('placeholder', placeholder) : ''}` +
    `${max !== undefined ? attr('maxlength', String(max)) : ''}` +
    `${min !== undefined ? attr('minlength', String(min)) : ''}`;
  if (element.multiline === true) {
    // The HTML parser drops one newline right after <textarea>: give it one to drop.
    const body = initial.startsWith('\n') ? `\n${initial}` : initial;
    return `<textarea class="bk-input"${idAttrs(element, blockId)}${extra} rows="4">${escapeHtml(body)}</textarea>`;
  }
  const value = initial ? attr('value', initial) : '';
  return `<input type="text" class="bk-input"${idAttrs(element, blockId)}${value}${extra}>`;
}

/**
 * Radios group by name across the whole document, and two messages may hold the same block and
 * action ids; a name per rendered group keeps each group to itself.
 */
let radioGroups = 0;

function choicesHtml(
  element: Obj,
  blockId: string,
  ctx: RenderContext,
  kind: 'radio' | 'checkbox',
): string {
  const initial = kind === 'radio' ? [element.initial_option] : list(element.initial_options);
  const checked = new Set(
    initial.map(optionValue).filter((value): value is string => value !== undefined),
  );
  let name = '';
  if (kind === 'radio') {
    radioGroups += 1;
    name = attr('name', `bk-radio-${radioGroups}`);
  }
  const options = list(element.options)
    .map((option) => {
      if (!isObj(option)) return '';
      const value = str(option.value) ?? '';
      const description = textObjectToHtml(option.description, ctx);
      return (
        `<label class="bk-choice"><input type="${kind}"${name}${attr('value', value)}` +
        `${checked.has(value) ? ' checked' : ''}><span class="bk-choice-text">` +
        `${textObjectToHtml(option.text, ctx)}` +
        `${description ? `<span class="bk-choice-description">${description}</span>` : ''}` +
        `</span></label>`
      );
    })
    .join('');
  const className = kind === 'radio' ? 'bk-radio-buttons' : 'bk-checkboxes';
  const role = kind === 'radio' ? ' role="radiogroup"' : '';
  return `<div class="bk-choices ${className}"${role}${idAttrs(element, blockId)}>${options}</div>`;
}

/** Any element of a section accessory, an actions block or an input block. */
function elementHtml(element: unknown, blockId: string, ctx: RenderContext): string {
  if (!isObj(element)) return unsupported(element);
  switch (element.type) {
    case 'button':
      return buttonHtml(element, blockId, ctx);
    case 'static_select':
      return selectHtml(element, blockId, ctx, 'single');
    case 'multi_static_select':
      return selectHtml(element, blockId, ctx, 'multi');
    case 'overflow':
      return selectHtml(element, blockId, ctx, 'overflow');
    case 'datepicker':
      return pickerHtml(element, blockId, ctx, 'date');
    case 'timepicker':
      return pickerHtml(element, blockId, ctx, 'time');
    case 'plain_text_input':
      return textInputHtml(element, blockId, ctx);
    case 'radio_buttons':
      return choicesHtml(element, blockId, ctx, 'radio');
    case 'checkboxes':
      return choicesHtml(element, blockId, ctx, 'checkbox');
    case 'image':
      return imageHtml(element.image_url, str(element.alt_text) ?? '', 'bk-element-image');
    default:
      return unsupported(element);
  }
}

// ── Rich text ────────────────────────────────────────────────────────────────────────────────

function styled(html: string, style: unknown): string {
  if (!isObj(style)) return html;
  let out = html;
  if (style.code === true) out = `<code class="bk-code">${out}</code>`;
  if (style.strike === true) out = `<s>${out}</s>`;
  if (style.italic === true) out = `<i>${out}</i>`;
  if (style.bold === true) out = `<b>${out}</b>`;
  return out;
}

/** `1f44d` or `1f1fa-1f1f8` → the characters; undefined when not a valid code point list. */
function fromUnicode(hex: string): string | undefined {
  if (!/^[0-9a-f]{1,6}(?:-[0-9a-f]{1,6})*$/i.test(hex)) return undefined;
  const points = hex.split('-').map((part) => parseInt(part, 16));
  return points.every((point) => point <= 0x10ffff) ? String.fromCodePoint(...points) : undefined;
}

const mention = (text: string, broadcast = false): string => mentionHtml({ text, broadcast });

function richInlineHtml(element: unknown, ctx: RenderContext, pre: boolean): string {
  if (!isObj(element)) return unsupported(element);
  const text = (value: string): string => {
    const escaped = escapeHtml(value);
    return pre ? escaped : escaped.replace(/\n/g, '<br>');
  };
  switch (element.type) {
    case 'text':
      return styled(text(str(element.text) ?? ''), element.style);
    case 'link': {
      const url = str(element.url) ?? '';
      const label = styled(text(str(element.text) || url), element.style);
      const href = safeUrl(url);
      return href === undefined ? label : `${linkOpen(href)}${label}</a>`;
    }
    case 'user': {
      const id = str(element.user_id) ?? '';
      return styled(mention(`@${ctx.names.user(id) ?? id}`), element.style);
    }
    case 'channel': {
      const id = str(element.channel_id) ?? '';
      const known = ctx.names.channel(id);
      return styled(
        mentionHtml({ text: `#${known ?? id}`, channelId: known === undefined ? undefined : id }),
        element.style,
      );
    }
    case 'usergroup':
      return styled(mention(`@${str(element.usergroup_id) ?? 'group'}`), element.style);
    case 'broadcast': {
      const range = str(element.range) ?? 'here';
      return mention(`@${range}`, true);
    }
    case 'emoji': {
      const name = str(element.name) ?? '';
      const unicode = str(element.unicode);
      const char = (unicode && fromUnicode(unicode)) || emojiFor(name) || `:${name}:`;
      return escapeHtml(char);
    }
    case 'date':
      return text(str(element.fallback) ?? '');
    case 'color':
      return text(str(element.value) ?? '');
    default:
      return unsupported(element);
  }
}

const richInline = (elements: unknown, ctx: RenderContext, pre = false): string =>
  list(elements)
    .map((element) => richInlineHtml(element, ctx, pre))
    .join('');

function richElementHtml(element: unknown, ctx: RenderContext): string {
  if (!isObj(element)) return unsupported(element);
  switch (element.type) {
    case 'rich_text_section':
      return `<div class="bk-rich-section">${richInline(element.elements, ctx)}</div>`;
    case 'rich_text_preformatted':
      return `<pre class="bk-pre">${richInline(element.elements, ctx, true)}</pre>`;
    case 'rich_text_quote':
      return `<blockquote class="bk-quote">${richInline(element.elements, ctx)}</blockquote>`;
    case 'rich_text_list': {
      const tag = element.style === 'ordered' ? 'ol' : 'ul';
      const indent = Math.min(positiveInt(element.indent) ?? 0, 6);
      const offset = positiveInt(element.offset);
      const items = list(element.elements)
        .map((item) => `<li>${isObj(item) ? richInline(item.elements, ctx) : ''}</li>`)
        .join('');
      return (
        `<${tag} class="bk-rich-list${indent ? ` bk-indent-${indent}` : ''}"` +
        `${tag === 'ol' && offset !== undefined ? attr('start', String(offset + 1)) : ''}>${items}</${tag}>`
      );
    }
    default:
      return unsupported(element);
  }
}

// ── Blocks ───────────────────────────────────────────────────────────────────────────────────

function sectionHtml(block: Obj, blockId: string, ctx: RenderContext): string {
  const text = isObj(block.text)
    ? `<div class="bk-section-text">${textObjectToHtml(block.text, ctx)}</div>`
    : '';
  const fields = list(block.fields);
  const fieldsHtml =
    fields.length > 0
      ? `<div class="bk-fields">${fields
          .map((field) => `<div class="bk-field">${textObjectToHtml(field, ctx)}</div>`)
          .join('')}</div>`
      : '';
  const accessory = isObj(block.accessory)
    ? `<div class="bk-accessory">${
        block.accessory.type === 'image'
          ? imageHtml(
              block.accessory.image_url,
              str(block.accessory.alt_text) ?? '',
              'bk-accessory-image',
            )
          : elementHtml(block.accessory, blockId, ctx)
      }</div>`
    : '';
  return (
    `<div class="bk-section"${blockIdAttr(blockId)}>` +
    `<div class="bk-section-main">${text}${fieldsHtml}</div>${accessory}</div>`
  );
}

function contextHtml(block: Obj, blockId: string, ctx: RenderContext): string {
  const elements = list(block.elements)
    .map((element) => {
      if (isObj(element) && element.type === 'image') {
        return imageHtml(element.image_url, str(element.alt_text) ?? '', 'bk-context-image');
      }
      if (isObj(element) && (element.type === 'mrkdwn' || element.type === 'plain_text')) {
        return `<span class="bk-context-text">${textObjectToHtml(element, ctx)}</span>`;
      }
      return unsupported(element);
    })
    .join('');
  return `<div class="bk-context"${blockIdAttr(blockId)}>${elements}</div>`;
}

function inputHtml(block: Obj, blockId: string, ctx: RenderContext): string {
  const error =
    blockId && ctx.errors && Object.hasOwn(ctx.errors, blockId) ? ctx.errors[blockId] : undefined;
  const optional = block.optional === true ? ' <span class="bk-optional">(optional)</span>' : '';
  const hint = textObjectToHtml(block.hint, ctx);
  // `bk-input` is the block's type class as for every block; `bk-input-block` tells it apart from
  // the plain_text_input element, whose class is `bk-input` too.
  return (
    `<div class="bk-input bk-input-block${error ? ' bk-has-error' : ''}"${blockIdAttr(blockId)} data-input-block>` +
    `<div class="bk-label">${textObjectToHtml(block.label, ctx)}${optional}</div>` +
    `${isObj(block.element) ? elementHtml(block.element, blockId, ctx) : ''}` +
    `${error ? `<div class="bk-error" role="alert">${escapeHtml(error)}</div>` : ''}` +
    `${hint ? `<div class="bk-hint">${hint}</div>` : ''}</div>`
  );
}

function blockHtml(block: unknown, ctx: RenderContext): string {
  if (!isObj(block)) return unsupported(block, 'div');
  const blockId = str(block.block_id) ?? '';
  const open = (tag: string, type: string): string =>
    `<${tag} class="bk-${type}"${blockIdAttr(blockId)}>`;
  switch (block.type) {
    case 'header':
      return `${open('div', 'header')}${textObjectToHtml(block.text, ctx)}</div>`;
    case 'section':
      return sectionHtml(block, blockId, ctx);
    case 'context':
      return contextHtml(block, blockId, ctx);
    case 'divider':
      return open('hr', 'divider');
    case 'image': {
      const title = textObjectToHtml(block.title, ctx);
      return (
        `${open('div', 'image')}${title ? `<div class="bk-image-title">${title}</div>` : ''}` +
        `${imageHtml(
          // An image block always shows something: one from a Slack file (no URL) shows its alt.
          str(block.image_url) ?? '',
          str(block.alt_text) ?? '',
          'bk-image-img',
        )}</div>`
      );
    }
    case 'actions':
      return `${open('div', 'actions')}${list(block.elements)
        .map((element) => elementHtml(element, blockId, ctx))
        .join('')}</div>`;
    case 'input':
      return inputHtml(block, blockId, ctx);
    case 'rich_text':
      return `${open('div', 'rich_text')}${list(block.elements)
        .map((element) => richElementHtml(element, ctx))
        .join('')}</div>`;
    default:
      return unsupported(block, 'div');
  }
}

/** A message's, view's or attachment's blocks as HTML; anything but an array renders empty. */
export function blocksToHtml(blocks: unknown, ctx: RenderContext): string {
  return list(blocks)
    .map((block) => blockHtml(block, ctx))
    .join('');
}

// ── Attachments ──────────────────────────────────────────────────────────────────────────────

/** Slack's named attachment colours. */
const NAMED_COLORS: Record<string, string> = {
  good: '#2eb886',
  warning: '#daa038',
  danger: '#a30200',
};

/** The bar's colour as a CSS value, only from a name or a hex code, so no CSS can be injected. */
function barColor(color: unknown): string | undefined {
  if (typeof color !== 'string') return undefined;
  if (Object.hasOwn(NAMED_COLORS, color)) return NAMED_COLORS[color];
  const hex = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  return hex ? `#${hex[1]}` : undefined;
}

function fieldsHtml(fields: unknown[], ctx: RenderContext): string {
  const items = fields
    .map((field) => {
      if (!isObj(field)) return '';
      const title = str(field.title);
      const value = str(field.value);
      return (
        `<div class="attachment-field${field.short === true ? ' attachment-field-short' : ''}">` +
        `${title ? `<div class="attachment-field-title">${escapeHtml(title)}</div>` : ''}` +
        `${value ? `<div class="attachment-field-value">${mrkdwnToHtml(value, ctx.names)}</div>` : ''}` +
        `</div>`
      );
    })
    .join('');
  return items ? `<div class="attachment-fields">${items}</div>` : '';
}

function attachmentHtml(attachment: unknown, ctx: RenderContext): string {
  if (!isObj(attachment)) return '';
  const mrkdwn = (value: unknown, className: string): string => {
    const text = str(value);
    return text ? `<div class="${className}">${mrkdwnToHtml(text, ctx.names)}</div>` : '';
  };
  const linked = (label: string, url: unknown): string => {
    const href = typeof url === 'string' ? safeUrl(url) : undefined;
    return href === undefined ? escapeHtml(label) : `${linkOpen(href)}${escapeHtml(label)}</a>`;
  };
  const authorName = str(attachment.author_name);
  const author = authorName
    ? `<div class="attachment-author">${imageHtml(attachment.author_icon, '', 'attachment-author-icon')}` +
      `${linked(authorName, attachment.author_link)}</div>`
    : '';
  const titleText = str(attachment.title);
  const title = titleText
    ? `<div class="attachment-title">${linked(titleText, attachment.title_link)}</div>`
    : '';
  const footerText = str(attachment.footer);
  const footer = footerText
    ? `<div class="attachment-footer">${imageHtml(attachment.footer_icon, '', 'attachment-footer-icon')}` +
      `${mrkdwnToHtml(footerText, ctx.names)}</div>`
    : '';
  let body =
    author +
    title +
    mrkdwn(attachment.text, 'attachment-text') +
    fieldsHtml(list(attachment.fields), ctx) +
    imageHtml(attachment.image_url, str(attachment.fallback) ?? '', 'attachment-image') +
    blocksToHtml(attachment.blocks, ctx) +
    footer;
  // Clients that cannot draw an attachment show its fallback; so does an attachment with nothing else.
  if (!body) body = mrkdwn(attachment.fallback, 'attachment-text');
  const thumb = imageHtml(attachment.thumb_url, '', 'attachment-thumb');
  const color = barColor(attachment.color);
  return (
    `<div class="attachment-item">${mrkdwn(attachment.pretext, 'attachment-pretext')}` +
    `<div class="attachment"${color ? attr('style', `border-left-color:${color}`) : ''}>` +
    `<div class="attachment-body">${body}</div>${thumb}</div></div>`
  );
}

/**
 * Legacy message attachments and link unfurls: `blocks` inside an attachment, or the legacy fields
 * (`color`, `pretext`, `author_*`, `title`/`title_link`, `text`, `fields`, `image_url`,
 * `thumb_url`, `footer`), each drawn beside a coloured bar as Slack does. `text`, `pretext`,
 * field values and the footer are read as mrkdwn.
 */
export function attachmentsToHtml(attachments: unknown, ctx: RenderContext): string {
  return list(attachments)
    .map((attachment) => attachmentHtml(attachment, ctx))
    .join('');
}
