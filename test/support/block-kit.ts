/**
 * Block Kit validation against Slack's documented limits, so that tests fail the way Slack would
 * (`invalid_blocks`) instead of passing against an emulator that accepts anything.
 *
 * Error strings imitate Slack's: `must be less than 3001 characters [json-pointer:/blocks/2/text/text]`.
 */

export type Surface = 'message' | 'modal' | 'home';

type Obj = Record<string, unknown>;

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };
const BLOCK_TYPES = new Set([
  'section',
  'header',
  'context',
  'actions',
  'divider',
  'image',
  'rich_text',
  'input',
]);

/** Elements an `input` block takes; buttons, images and overflows are not among them. */
const INPUT_ELEMENTS = new Set([
  'plain_text_input',
  'number_input',
  'email_text_input',
  'url_text_input',
  'rich_text_input',
  'static_select',
  'multi_static_select',
  'external_select',
  'multi_external_select',
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'checkboxes',
  'radio_buttons',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'file_input',
]);
/** `HH:mm` on a 24-hour clock, the only format `timepicker` takes and sends. */
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects errors while walking one payload; every check reports and never throws. */
class Checker {
  readonly errors: string[] = [];

  /** Records an error; returns false so that checks can `return this.fail(…)`. */
  fail(path: string, message: string): false {
    this.errors.push(`${message} [json-pointer:${path}]`);
    return false;
  }

  /**
   * A string field: `required` reports absence; present strings must be 1..max characters (0..max
   * with `allowEmpty`, for fields Slack itself echoes back empty, like a view's `callback_id`).
   */
  string(
    value: unknown,
    path: string,
    max: number,
    required = true,
    allowEmpty = false,
  ): value is string {
    if (value === undefined) {
      if (required) this.fail(path, `missing required field: ${path.split('/').pop()}`);
      return false;
    }
    if (typeof value !== 'string') return this.fail(path, 'must provide a string');
    if (value.length === 0 && !allowEmpty) return this.fail(path, 'must be more than 0 characters');
    if (value.length > max) return this.fail(path, `must be less than ${max + 1} characters`);
    return true;
  }

  /** A composition text object `{type: 'mrkdwn' | 'plain_text', text}`. */
  text(value: unknown, path: string, max: number, options: { plainOnly?: boolean } = {}): boolean {
    if (!isObj(value)) return this.fail(path, 'must provide an object');
    const allowed = options.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (!allowed.includes(value.type as string)) {
      this.fail(`${path}/type`, `must be one of: ${allowed.join(', ')}`);
    }
    return this.string(value.text, `${path}/text`, max);
  }

  /** An array of 1..max items. */
  array(value: unknown, path: string, max: number): value is unknown[] {
    if (!Array.isArray(value)) return this.fail(path, 'must provide an array');
    if (value.length === 0) return this.fail(path, 'must provide at least 1 item');
    if (value.length > max) return this.fail(path, `no more than ${max} items allowed`);
    return true;
  }

  button(value: Obj, path: string): void {
    this.text(value.text, `${path}/text`, 75, { plainOnly: true });
    this.string(value.action_id, `${path}/action_id`, 255, false);
    this.string(value.value, `${path}/value`, 2000, false);
    this.string(value.url, `${path}/url`, 3000, false);
    if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
      this.fail(`${path}/style`, 'must be one of: primary, danger');
    }
  }

  imageElement(value: Obj, path: string): void {
    this.string(value.image_url, `${path}/image_url`, 3000);
    this.string(value.alt_text, `${path}/alt_text`, 2000);
  }

  /** An optional `placeholder`: plain text of at most 150 characters. */
  placeholder(value: Obj, path: string): void {
    if (value.placeholder !== undefined) {
      this.text(value.placeholder, `${path}/placeholder`, 150, { plainOnly: true });
    }
  }

  /** A select's option object `{text, value}`: plain text ≤ 75, value ≤ 150 characters. */
  option(value: unknown, path: string): value is Obj {
    if (!isObj(value)) return this.fail(path, 'must provide an object');
    this.text(value.text, `${path}/text`, 75, { plainOnly: true });
    this.string(value.value, `${path}/value`, 150);
    if (value.description !== undefined) {
      this.text(value.description, `${path}/description`, 75, { plainOnly: true });
    }
    return true;
  }

  /** `static_select`: exactly one of ≤ 100 `options` or `option_groups`; `initial_option` among them. */
  staticSelect(value: Obj, path: string): void {
    this.string(value.action_id, `${path}/action_id`, 255, false);
    this.placeholder(value, path);
    const values: unknown[] = [];
    if ((value.options === undefined) === (value.option_groups === undefined)) {
      this.fail(path, 'must provide exactly one of options or option_groups');
    } else if (value.options !== undefined) {
      if (this.array(value.options, `${path}/options`, 100)) {
        value.options.forEach((o, i) => {
          if (this.option(o, `${path}/options/${i}`)) values.push(o.value);
        });
      }
    } else if (this.array(value.option_groups, `${path}/option_groups`, 100)) {
      value.option_groups.forEach((group, g) => {
        const at = `${path}/option_groups/${g}`;
        if (!isObj(group)) return this.fail(at, 'must provide an object');
        this.text(group.label, `${at}/label`, 75, { plainOnly: true });
        if (this.array(group.options, `${at}/options`, 100)) {
          group.options.forEach((o, i) => {
            if (this.option(o, `${at}/options/${i}`)) values.push(o.value);
          });
        }
      });
    }
    if (value.initial_option !== undefined) {
      const at = `${path}/initial_option`;
      if (this.option(value.initial_option, at) && !values.includes(value.initial_option.value)) {
        this.fail(at, 'must match one of the options');
      }
    }
  }

  /** `timepicker`: `initial_time` as `HH:mm`. */
  timepicker(value: Obj, path: string): void {
    this.string(value.action_id, `${path}/action_id`, 255, false);
    this.placeholder(value, path);
    if (value.initial_time !== undefined && !TIME.test(String(value.initial_time))) {
      this.fail(`${path}/initial_time`, 'must be a time in the format HH:mm');
    }
  }

  /** `plain_text_input`: lengths within 0..3000, `initial_value` a string. */
  plainTextInput(value: Obj, path: string): void {
    this.string(value.action_id, `${path}/action_id`, 255, false);
    this.placeholder(value, path);
    this.string(value.initial_value, `${path}/initial_value`, 3000, false, true);
    for (const key of ['min_length', 'max_length'] as const) {
      const n = value[key];
      if (n !== undefined && (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 3000)) {
        this.fail(`${path}/${key}`, 'must be an integer from 0 to 3000');
      }
    }
  }

  /**
   * Interactive elements: buttons, images, static selects, timepickers and plain-text inputs in
   * depth, other types (multi-selects, datepickers, …) only their ids.
   */
  element(value: unknown, path: string): void {
    if (!isObj(value)) this.fail(path, 'must provide an object');
    else if (typeof value.type !== 'string') this.fail(`${path}/type`, 'must provide a string');
    else if (value.type === 'button') this.button(value, path);
    else if (value.type === 'image') this.imageElement(value, path);
    else if (value.type === 'static_select') this.staticSelect(value, path);
    else if (value.type === 'timepicker') this.timepicker(value, path);
    else if (value.type === 'plain_text_input') this.plainTextInput(value, path);
    else this.string(value.action_id, `${path}/action_id`, 255, false);
  }

  block(block: unknown, path: string, seenIds: Set<string>): void {
    if (!isObj(block)) {
      this.fail(path, 'must provide an object');
      return;
    }
    if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
      this.fail(`${path}/type`, `unsupported block type: ${String(block.type)}`);
      return;
    }
    if (this.string(block.block_id, `${path}/block_id`, 255, false)) {
      if (seenIds.has(block.block_id)) {
        this.fail(`${path}/block_id`, `block_id must be unique: "${block.block_id}" is repeated`);
      }
      seenIds.add(block.block_id);
    }
    switch (block.type) {
      case 'section':
        if (block.text === undefined && block.fields === undefined) {
          this.fail(path, 'must provide either text or fields');
        }
        if (block.text !== undefined) this.text(block.text, `${path}/text`, 3000);
        if (block.fields !== undefined && this.array(block.fields, `${path}/fields`, 10)) {
          block.fields.forEach((field, i) => this.text(field, `${path}/fields/${i}`, 2000));
        }
        if (block.accessory !== undefined) this.element(block.accessory, `${path}/accessory`);
        break;
      case 'header':
        this.text(block.text, `${path}/text`, 150, { plainOnly: true });
        break;
      case 'context':
        if (this.array(block.elements, `${path}/elements`, 10)) {
          block.elements.forEach((element, i) => {
            const at = `${path}/elements/${i}`;
            if (isObj(element) && element.type === 'image') this.imageElement(element, at);
            else this.text(element, at, 3000);
          });
        }
        break;
      case 'actions':
        if (this.array(block.elements, `${path}/elements`, 25)) {
          block.elements.forEach((element, i) => this.element(element, `${path}/elements/${i}`));
        }
        break;
      case 'image':
        // Either a public URL or an uploaded Slack file.
        if (block.slack_file === undefined) this.string(block.image_url, `${path}/image_url`, 3000);
        this.string(block.alt_text, `${path}/alt_text`, 2000);
        if (block.title !== undefined) {
          this.text(block.title, `${path}/title`, 2000, { plainOnly: true });
        }
        break;
      case 'rich_text':
        this.array(block.elements, `${path}/elements`, Infinity);
        break;
      case 'input':
        this.text(block.label, `${path}/label`, 2000, { plainOnly: true });
        if (block.hint !== undefined) {
          this.text(block.hint, `${path}/hint`, 2000, { plainOnly: true });
        }
        if (block.element === undefined) {
          this.fail(`${path}/element`, 'missing required field: element');
        } else if (isObj(block.element) && !INPUT_ELEMENTS.has(String(block.element.type))) {
          this.fail(
            `${path}/element/type`,
            `unsupported element type in an input block: ${String(block.element.type)}`,
          );
        } else {
          this.element(block.element, `${path}/element`);
        }
        break;
    }
  }
}

/**
 * Validates a `blocks` argument the way Slack does for the given surface.
 * @param pointer the JSON pointer of `blocks` in the request, used in the error strings.
 * @returns human-readable errors; empty when valid.
 */
export function validateBlocks(blocks: unknown, surface: Surface, pointer = '/blocks'): string[] {
  const checker = new Checker();
  if (checker.array(blocks, pointer, MAX_BLOCKS[surface])) {
    const seenIds = new Set<string>();
    blocks.forEach((block, i) => checker.block(block, `${pointer}/${i}`, seenIds));
  }
  return checker.errors;
}

/**
 * Validates a `views.publish` / `views.open` / `views.update` view: its type; for a modal its title
 * (required, ≤ 24), `submit`/`close` (≤ 24) and a `submit` when it has input blocks; `callback_id`
 * (≤ 255), `external_id` (≤ 255), `private_metadata` (≤ 3000) and its blocks (≤ 100).
 */
export function validateView(view: unknown, pointer = '/view'): string[] {
  const checker = new Checker();
  if (!isObj(view)) {
    checker.fail(pointer, 'must provide an object');
    return checker.errors;
  }
  if (view.type !== 'home' && view.type !== 'modal') {
    checker.fail(`${pointer}/type`, 'must be one of: home, modal');
    return checker.errors;
  }
  if (view.type === 'modal') {
    if (view.title === undefined) checker.fail(`${pointer}/title`, 'missing required field: title');
    else checker.text(view.title, `${pointer}/title`, 24, { plainOnly: true });
    // Slack echoes `submit: null` and `close: null` back in views it returns.
    for (const key of ['submit', 'close'] as const) {
      if (view[key] !== undefined && view[key] !== null) {
        checker.text(view[key], `${pointer}/${key}`, 24, { plainOnly: true });
      }
    }
    const hasInput =
      Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && (view.submit === undefined || view.submit === null)) {
      checker.fail(`${pointer}/submit`, 'must provide submit when the view has input blocks');
    }
  }
  // Slack returns these as empty strings when unset, so an app may send them back that way.
  checker.string(view.callback_id, `${pointer}/callback_id`, 255, false, true);
  checker.string(view.external_id, `${pointer}/external_id`, 255, false, true);
  checker.string(view.private_metadata, `${pointer}/private_metadata`, 3000, false, true);
  return [...checker.errors, ...validateBlocks(view.blocks, view.type, `${pointer}/blocks`)];
}

/**
 * Characters of text across all blocks (text objects and rich-text elements): Slack answers
 * `msg_blocks_too_long` past about 12,000, an undocumented limit the per-block checks miss.
 */
export function blocksTextLength(blocks: unknown): number {
  if (Array.isArray(blocks)) return blocks.reduce<number>((sum, b) => sum + blocksTextLength(b), 0);
  if (!isObj(blocks)) return 0;
  let total = typeof blocks.text === 'string' ? blocks.text.length : 0;
  for (const [key, value] of Object.entries(blocks)) {
    if (key !== 'text' || typeof value !== 'string') total += blocksTextLength(value);
  }
  return total;
}

/** Every mrkdwn text in a message or view (its `text` too), where `<` would start a control sequence. */
export function mrkdwnTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) mrkdwnTexts(item, out);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record['type'] === 'mrkdwn' && typeof record['text'] === 'string') out.push(record['text']);
    for (const [key, child] of Object.entries(record))
      if (key !== 'text' || typeof child !== 'string') mrkdwnTexts(child, out);
  }
  return out;
}
