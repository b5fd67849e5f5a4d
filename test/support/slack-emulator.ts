/**
 * A Slack Web API emulator for tests and the local demo: a real HTTP server the app's WebClient talks to
 * (`slackApiUrl: emulator.apiUrl`), which keeps channel state, validates Block Kit like Slack does,
 * injects faults, rate limits and seeded chaos, and sends the app requests signed exactly like
 * Slack signs them, or delivers them over a Socket Mode WebSocket (`apps.connections.open`,
 * `socket*` methods).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { blocksTextLength, validateBlocks, validateView } from './block-kit';
import { prng } from './prng';

export interface SlackEmulatorOptions {
  /** The accepted bot token; default `xoxb-test-token`. */
  token?: string;
  /** Signs requests to the app; default `test-signing-secret`. */
  signingSecret?: string;
  /** The app-level token `apps.connections.open` accepts; default `xapp-1-test-app-token`. */
  appToken?: string;
  /** Default `T0PAPERBOY`. */
  teamId?: string;
  /** Default `U0PAPERBOY`. */
  botUserId?: string;
  /** Default `B0PAPERBOY`. */
  botId?: string;
  /** Base URL of the Bolt app; requests go to `${appUrl}/slack/events`. See `setAppUrl`. */
  appUrl?: string;
  /** Paces `chat.postMessage` per channel (token bucket) with 429 + `Retry-After`; off by default. */
  channelRateLimit?: { perSecond: number; burst: number };
  /** Seeded random failures of the methods that post and read messages; off by default. */
  chaos?: Chaos;
  /**
   * The clock for `users.info` time zone offsets and `trigger_id` lifetimes (3 s); default the real
   * one. Message timestamps and request signatures always use the real clock (Bolt checks
   * signatures against its own).
   */
  now?: () => Date;
  /**
   * The app's unfurl domains (`manifest.yml`): links to them, or to their subdomains, in a message
   * `postAsUser` posts reach the app as a `link_shared` event. Default arxiv.org, huggingface.co,
   * hf.co.
   */
  unfurlDomains?: readonly string[];
}

/** A member's message as `postAsUser` posts it, typed in Slack's message box. */
export interface UserMessageInput {
  userId: string;
  channel: string;
  /** As typed: Slack's client escapes `&`, `<` and `>` and wraps bare links in `<…>`. */
  text: string;
  /** A reply in this message's thread. */
  threadTs?: string;
}

/** What `postAsUser` did: the message as stored, and the app's answers to the events it sent. */
export interface UserMessageResult {
  message: PostedMessage;
  /**
   * The `message` event's answer when one was sent (in a channel the bot is in, never a DM), then
   * the `link_shared` one's when the text has app links.
   */
  responses: AppResponse[];
}

/** A message as the channel currently shows it (updates applied). */
export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  threadTs?: string;
  botId?: string;
  user?: string;
  /** How many updates were applied: `chat.update` calls and `replace_original` responses. */
  edits: number;
}

/** Where an ephemeral message came from. */
export type EphemeralSource = 'postEphemeral' | 'response_url' | 'ack';

/**
 * An ephemeral message as the one user who sees it sees it now (`replace_original` applied): from
 * `chat.postEphemeral`, a response_url post that is not `in_channel`, or a slash command's ack body.
 */
export interface EphemeralMessage {
  channel: string;
  /** The only user who sees it. */
  user: string;
  /** Its id, from the same clock as message timestamps: a click on it names it as `messageTs`. */
  ts: string;
  text?: string;
  blocks?: unknown[];
  source: EphemeralSource;
  /** How many `replace_original` responses were applied. */
  edits: number;
}

/**
 * One Web API call as the emulator answered it. `args` are as received (form values stay strings,
 * JSON-encoded fields parsed); the token is not recorded.
 */
export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  status: number;
  response: Record<string, unknown>;
  at: number;
}

/**
 * A `chat.unfurl` Slack accepted: attached to a posted message (`channel` and `ts`), or to a link
 * still in the composer (`unfurlId` and `source`); `unfurls` maps each URL to its attachment.
 */
export interface Unfurl {
  channel?: string;
  ts?: string;
  unfurlId?: string;
  source?: string;
  unfurls: Record<string, unknown>;
}

/** The app's answer to a request the emulator sent it. */
export interface AppResponse {
  status: number;
  body: string;
  /** `body` parsed, when it is JSON. */
  json?: unknown;
  elapsedMs: number;
  /**
   * A slash command's ack body that Slack would refuse (`invalid_blocks`, `msg_too_long`, …), so
   * that the user sees nothing of it.
   */
  ackError?: string;
}

/** A slash command as `sendSlashCommand` and `socketSlashCommand` send it. */
export interface SlashCommandInput {
  text: string;
  userId?: string;
  channelId?: string;
  command?: string;
  teamId?: string;
}

/**
 * A click or choice as `sendBlockAction` and `socketBlockAction` send it: on a message
 * (`channelId` and `messageTs`), on the user's published Home tab (`fromHome`), or in one of their
 * open modals (`viewId`).
 */
export interface BlockActionInput {
  userId: string;
  actionId: string;
  /**
   * What was chosen, read by the element's type: a button's `value` (default: the button's own),
   * a `static_select`/`radio_buttons`/`overflow` option's value (sent as `selected_option` with
   * the option's text), a `timepicker`'s `HH:MM` (`selected_time`), a `datepicker`'s `YYYY-MM-DD`.
   */
  value?: string;
  /** Required for a click on a message; absent for a click in a view. */
  channelId?: string;
  /** Required for a click on a message; absent for a click in a view. */
  messageTs?: string;
  blockId?: string;
  teamId?: string;
  /**
   * The click is on an ephemeral message (`messageTs` is its `ts` from `ephemerals()`): the payload
   * has `container.is_ephemeral: true` and no `message`, and its response_url acts on that ephemeral.
   */
  ephemeral?: boolean;
  /**
   * The click is on the user's Home tab as last published (`homeView(userId)`; an error when none
   * was): `container: {type: 'view', view_id}`, the view with `type: 'home'`, and no `message`,
   * `channel` or `response_url`, like Slack.
   */
  fromHome?: boolean;
  /**
   * The click is in this open modal of the user's (`openModals(userId)`), or on their Home tab when
   * it is its id: `container: {type: 'view', view_id}` and the view with its state.
   */
  viewId?: string;
  /**
   * The element's type when the emulator cannot find the element by `actionId` (a message it never
   * saw); otherwise taken from the element. Default `button`.
   */
  elementType?: string;
}

/**
 * A view as Slack stores and returns it (`views.open`/`update`/`push`/`publish`) and sends it in
 * payloads: the app's view plus `id`, `hash`, `state`, ids and defaults (`callback_id: ''`, …);
 * blocks without a `block_id` get one, as Slack gives them.
 */
export type SlackView = Record<string, unknown> & {
  id: string;
  type: string;
  hash: string;
  callback_id: string;
  private_metadata: string;
  blocks: unknown[];
  state: { values: Record<string, Record<string, unknown>> };
  root_view_id: string | null;
  previous_view_id: string | null;
};

/** A modal submission as `sendViewSubmission` and `socketViewSubmission` send it. */
export interface ViewSubmissionInput {
  userId: string;
  /** One of `openModals(userId)`: the top one, the only one a user can submit. */
  viewId: string;
  /**
   * What the user entered, `{[blockId]: {[actionId]: value}}`, typed from each element: a
   * `plain_text_input`'s text (`value`), a `static_select`/`radio_buttons` option's value
   * (`selected_option`), a `timepicker`'s `HH:MM` (`selected_time`), a `datepicker`'s date, a user
   * or conversation id, or a list of values for multi-selects and checkboxes. Inputs not named keep
   * their initial value or are sent empty (`null`), like Slack; a required one left empty, or a
   * name the modal does not have, is an error, as Slack's client would not submit it.
   */
  values?: Record<string, Record<string, string | readonly string[]>>;
  teamId?: string;
}

/** What the app's answer to a `view_submission` did to the modal. */
export interface ViewSubmissionOutcome {
  /**
   * The app's `response_action`: `errors` (the modal stays open, see `errors`), `update` (it is
   * replaced, same id), `push` (a view is pushed on it), `clear` (every modal of the user closes);
   * undefined for an empty ack, which closes the submitted view (the one under it, if any, shows).
   */
  responseAction?: string;
  /** With `errors`: the app's messages by input `block_id`. */
  errors?: Record<string, string>;
  /**
   * Why Slack would refuse the answer (an invalid `update` view: `invalid_arguments`;
   * `push_limit_reached`; errors naming no input block), leaving the modal as it was.
   */
  ackError?: string;
}

/** `sendViewSubmission`'s answer: the app's HTTP answer and what it did to the modal. */
export type ViewSubmissionResult = AppResponse & ViewSubmissionOutcome;

/** The app's ack of a Socket Mode envelope: `payload` is what it passed to `ack()`. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
  elapsedMs: number;
  /** As `AppResponse.ackError`, for a slash command's ack payload. */
  ackError?: string;
}

/** How long a `socket*` delivery waits for the ack (Slack's limit is 3 s, the default). */
export interface SocketDeliveryOptions {
  timeoutMs?: number;
}

/** A failure to inject into the next `times` calls of a method (see `failNext`). */
export interface Fault {
  status?: number;
  error?: string;
  retryAfter?: number;
  delayMs?: number;
  times?: number;
  /** Process the call normally, then cut the connection instead of answering. */
  dropResponse?: boolean;
}

/**
 * The methods chaos applies to unless told otherwise: those that post and read messages. Not
 * `auth.test` (an app that cannot learn who it is does not start) nor views and users.
 */
export const CHAOS_METHODS: readonly string[] = [
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'chat.unfurl',
  'conversations.history',
];

/**
 * Seeded chaos: each call of one of `methods` draws its fate from a PRNG seeded with `seed` (the
 * n-th such call meets the same fate on every run, whichever method it is), with these shares
 * (each in [0, 1], at most 1 together): `rateLimited` calls answer 429 with `Retry-After:
 * retryAfter` and `serverError` calls answer 500, both without taking effect; `slow` calls take
 * effect at once and answer `slowMs` later, so that a message is in the channel before its
 * poster hears of it. A call with a `failNext` fault queued gets that fault and draws nothing.
 */
export interface Chaos {
  seed: number;
  rateLimited?: number;
  serverError?: number;
  slow?: number;
  /** Default 1,500 ms. */
  slowMs?: number;
  /** Seconds, default 1. */
  retryAfter?: number;
  /** Default {@link CHAOS_METHODS}. */
  methods?: readonly string[];
}

/** What chaos did to calls: a count per fate. */
export interface ChaosCounts {
  rateLimited: number;
  serverError: number;
  slow: number;
}

/** What chaos did, in all and per method (methods it never touched are absent). */
export interface ChaosStats extends ChaosCounts {
  byMethod: Record<string, ChaosCounts>;
}

type ChaosFate = keyof ChaosCounts;

/** A chaos setting, checked, with its PRNG. */
interface ActiveChaos {
  chaos: Chaos;
  methods: ReadonlySet<string>;
  random: () => number;
}

function activeChaos(chaos: Chaos): ActiveChaos {
  const shares = [chaos.rateLimited, chaos.serverError, chaos.slow].map((share) => share ?? 0);
  if (shares.some((share) => !(share >= 0 && share <= 1))) {
    throw new RangeError('SlackEmulator: chaos shares must be between 0 and 1');
  }
  if (shares.reduce((sum, share) => sum + share, 0) > 1) {
    throw new RangeError('SlackEmulator: chaos shares must add up to 1 at most');
  }
  return {
    chaos,
    methods: new Set(chaos.methods ?? CHAOS_METHODS),
    random: prng(chaos.seed),
  };
}

type Args = Record<string, unknown>;
interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}
/**
 * Where a response_url leads: its channel and user, and the message a block action came from
 * (`ephemeral`: one of `ephemerals()`).
 */
interface ResponseTarget {
  channelId: string;
  userId: string;
  messageTs?: string;
  ephemeral?: boolean;
  uses: number;
}

const FORM = 'application/x-www-form-urlencoded';
const APP_ID = 'A0PAPERBOY';
const TEAM_DOMAIN = 'paperboy-test';
const VERIFICATION_TOKEN = 'legacy-verification-token';
/** Form fields the Web API client JSON-encodes. */
const JSON_FIELDS = new Set(['blocks', 'metadata', 'view', 'unfurls', 'attachments']);
/** Undocumented: Slack answers `msg_blocks_too_long` past about 12,000 characters of block text. */
const MAX_BLOCKS_TEXT = 12_000;
const MAX_TEXT = 40_000;
/** Slack accepts at most 5 posts to one response_url. */
const RESPONSE_URL_USES = 5;
/** A trigger_id opens a view within 3 seconds of the interaction that carried it, once. */
const TRIGGER_LIFETIME_MS = 3000;
/** A user's modal stack holds at most 3 views (`push_limit_reached`). */
const MAX_MODAL_STACK = 3;
/** Slack refuses views over 250 kB with `view_too_large`. */
const MAX_VIEW_BYTES = 250_000;
const DEFAULT_TIME_ZONE = 'Europe/Berlin';
/** `conversations.members` pages: 100 by default, at most 1000. */
const DEFAULT_UNFURL_DOMAINS = ['arxiv.org', 'huggingface.co', 'hf.co'];
const DEFAULT_MEMBERS_LIMIT = 100;
const MAX_MEMBERS_LIMIT = 1000;

const ok = (body: Args = {}): Reply => ({ status: 200, body: { ok: true, ...body } });
const fail = (error: string, extra: Args = {}): Reply => ({
  status: 200,
  body: { ok: false, error, ...extra },
});
const rateLimited = (retryAfter: number): Reply => ({
  status: 429,
  headers: { 'retry-after': String(retryAfter) },
  body: { ok: false, error: 'ratelimited' },
});
/** A view Slack refuses, with its reasons like the Web API gives them. */
const invalidView = (errors: string[]): Reply =>
  fail('invalid_arguments', {
    errors,
    response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
  });
const invalidBlocks = (errors: string[]): Reply =>
  fail('invalid_blocks', {
    errors,
    response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
  });

const isObj = (value: unknown): value is Args =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined =>
  typeof value === 'number'
    ? String(value)
    : typeof value === 'string' && value
      ? value
      : undefined;
const flag = (value: unknown): boolean => value === true || value === 'true' || value === '1';
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** `&lt;` `&gt;` `&amp;` back to characters (the ampersand last, so `&amp;lt;` stays `&lt;`). */
const decodeEntities = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * A message as Slack's client sends what was typed: `&`, `<` and `>` escaped (so typed text can
 * mention or link nothing by itself) and bare http(s) links wrapped in `<…>`.
 */
function clientFormatted(typed: string): string {
  const escape = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  // Links are found in the text as typed, so that a `<`, `>` or `&` next to one is escaped whole
  // instead of ending up half inside the link (`<https://…&gt>;`).
  return (
    typed
      // `|` ends a link too: inside `<…>` it would start the link's label, so that
      // `https://evil.example/x|https://arxiv.org/…` would read as arXiv and lead to evil.example.
      .split(/(\bhttps?:\/\/[^\s<>|]+[^\s<>|.,;:!?)\]'"])/)
      .map((part, i) => (i % 2 === 1 ? `<${escape(part)}>` : escape(part)))
      .join('')
  );
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

/** Web API arguments from a JSON or form body; `undefined` when a JSON body does not parse. */
function parseArgs(raw: string, contentType = ''): Args | undefined {
  if (raw.trim() === '') return {};
  if (contentType.includes('application/json')) {
    const parsed = tryJson(raw);
    return isObj(parsed) ? parsed : undefined;
  }
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // A field that is not JSON stays a string, so that `blocks` can be reported as badly formatted.
    args[key] = JSON_FIELDS.has(key) ? (tryJson(value) ?? value) : value;
  }
  return args;
}

function timeZoneName(tz: string, at: Date, style: 'long' | 'longOffset'): string {
  return (
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? ''
  );
}

/**
 * A time zone as `users.info` shows it at the instant `at`: the IANA name, its name in words
 * (`Eastern Standard Time`, `Central European Summer Time`) and its offset from UTC in seconds
 * (`-18000`, `7200`), daylight saving time included. An unknown zone throws a RangeError.
 */
export function timeZoneInfo(
  tz: string,
  at: Date,
): { tz: string; tz_label: string; tz_offset: number } {
  // `GMT-05:00`, `GMT+05:45`, and `GMT` alone for UTC on some ICU versions.
  const offset = /GMT([+-])(\d{2}):(\d{2})/.exec(timeZoneName(tz, at, 'longOffset'));
  const seconds = offset
    ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60)
    : 0;
  // ICU says "Central European Standard Time" where Slack says "Central European Time".
  const label = timeZoneName(tz, at, 'long').replace(/ European Standard Time$/, ' European Time');
  return { tz, tz_label: label, tz_offset: seconds };
}

/** Every element in blocks that can carry an action_id: actions, accessories, input elements. */
function elementsOf(block: Args): unknown[] {
  return [...(Array.isArray(block.elements) ? block.elements : []), block.accessory, block.element];
}

/** The element with that action_id and its block, to make action payloads realistic. */
function findAction(blocks: unknown[] | undefined, actionId: string) {
  for (const block of blocks ?? []) {
    if (!isObj(block)) continue;
    const hit = elementsOf(block).find((e) => isObj(e) && e.action_id === actionId);
    if (isObj(hit)) return { blockId: str(block.block_id), text: hit.text, element: hit };
  }
  return undefined;
}

/**
 * Where each stateful element keeps its choice in `state.values` and in a `block_actions` action:
 * the field, the element's field for its initial choice, and what the choice is.
 */
const STATE_FIELDS: Record<
  string,
  { field: string; initial: string; kind: 'string' | 'option' | 'options' | 'strings' }
> = {
  plain_text_input: { field: 'value', initial: 'initial_value', kind: 'string' },
  number_input: { field: 'value', initial: 'initial_value', kind: 'string' },
  email_text_input: { field: 'value', initial: 'initial_value', kind: 'string' },
  url_text_input: { field: 'value', initial: 'initial_value', kind: 'string' },
  static_select: { field: 'selected_option', initial: 'initial_option', kind: 'option' },
  external_select: { field: 'selected_option', initial: 'initial_option', kind: 'option' },
  radio_buttons: { field: 'selected_option', initial: 'initial_option', kind: 'option' },
  multi_static_select: { field: 'selected_options', initial: 'initial_options', kind: 'options' },
  multi_external_select: { field: 'selected_options', initial: 'initial_options', kind: 'options' },
  checkboxes: { field: 'selected_options', initial: 'initial_options', kind: 'options' },
  timepicker: { field: 'selected_time', initial: 'initial_time', kind: 'string' },
  datepicker: { field: 'selected_date', initial: 'initial_date', kind: 'string' },
  users_select: { field: 'selected_user', initial: 'initial_user', kind: 'string' },
  multi_users_select: { field: 'selected_users', initial: 'initial_users', kind: 'strings' },
  conversations_select: {
    field: 'selected_conversation',
    initial: 'initial_conversation',
    kind: 'string',
  },
  multi_conversations_select: {
    field: 'selected_conversations',
    initial: 'initial_conversations',
    kind: 'strings',
  },
  channels_select: { field: 'selected_channel', initial: 'initial_channel', kind: 'string' },
  multi_channels_select: {
    field: 'selected_channels',
    initial: 'initial_channels',
    kind: 'strings',
  },
};

/** The option of a select, radio group, checkbox group or overflow whose value is `value`. */
function optionFor(element: Args, value: string): Args {
  const groups = Array.isArray(element.option_groups) ? element.option_groups : [];
  const options = [
    ...(Array.isArray(element.options) ? element.options : []),
    ...groups.flatMap((g) => (isObj(g) && Array.isArray(g.options) ? g.options : [])),
  ];
  // External selects load their options from the app: any value goes.
  if (options.length === 0) return { text: { type: 'plain_text', text: value }, value };
  const hit = options.find((o) => isObj(o) && o.value === value);
  if (!isObj(hit)) {
    const known = options.map((o) => (isObj(o) ? String(o.value) : '?')).join(', ');
    throw new Error(
      `SlackEmulator: ${String(element.action_id)} has no option with value "${value}" (it has ${known})`,
    );
  }
  return { text: hit.text, value };
}

/**
 * A stateful element's choice as Slack sends it: `{type, value}`, `{type, selected_option}`,
 * `{type, selected_time}`, …; with `value` undefined, its initial choice or empty (`null`, `[]`).
 * Undefined for elements without state (buttons, overflows).
 */
function elementState(
  element: Args,
  value: string | readonly string[] | undefined,
): Args | undefined {
  const type = String(element.type);
  const spec = STATE_FIELDS[type];
  if (!spec) return undefined;
  const many = spec.kind === 'options' || spec.kind === 'strings';
  let choice: unknown;
  if (value === undefined) {
    choice = element[spec.initial] ?? (many ? [] : null);
  } else {
    const values: readonly string[] = typeof value === 'string' ? [value] : value;
    if (type === 'timepicker' && !values.every((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v))) {
      throw new Error(`SlackEmulator: a timepicker sends HH:MM, not "${values.join(', ')}"`);
    }
    const typed = values.map((v) =>
      spec.kind === 'option' || spec.kind === 'options' ? optionFor(element, v) : v,
    );
    choice = many ? typed : typed[0];
  }
  return { type, [spec.field]: choice };
}

/** Whether an element's state holds nothing: what a required input may not be on submit. */
function isEmptyState(state: Args): boolean {
  const choice = Object.entries(state).find(([key]) => key !== 'type')?.[1];
  return choice === null || choice === '' || (Array.isArray(choice) && choice.length === 0);
}

/**
 * `state.values` of a view: for a submission (`strict`) every input block, with the given values,
 * initial ones or empty ones, refusing names the view lacks and empty required inputs; for a click,
 * the stateful elements that have a given or initial choice.
 */
function stateValues(
  blocks: unknown[],
  given: Record<string, Record<string, string | readonly string[]>>,
  strict: boolean,
): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  const unused = new Set(
    Object.entries(given).flatMap(([b, actions]) => Object.keys(actions).map((a) => `${b}/${a}`)),
  );
  for (const block of blocks) {
    if (!isObj(block)) continue;
    const blockId = String(block.block_id);
    for (const element of elementsOf(block)) {
      if (!isObj(element) || typeof element.action_id !== 'string') continue;
      const value = given[blockId]?.[element.action_id];
      unused.delete(`${blockId}/${element.action_id}`);
      const state = elementState(element, value);
      if (!state) continue;
      const isInput = block.type === 'input';
      if (strict && isInput && block.optional !== true && isEmptyState(state)) {
        throw new Error(
          `SlackEmulator: the required input ${blockId}/${element.action_id} is empty: ` +
            "Slack's client would not submit the modal",
        );
      }
      if (strict ? isInput || value !== undefined : value !== undefined || !isEmptyState(state)) {
        values[blockId] = { ...values[blockId], [element.action_id]: state };
      }
    }
  }
  if (unused.size > 0) {
    throw new Error(`SlackEmulator: the view has no element ${[...unused].join(', ')}`);
  }
  return values;
}

/** Blocks as Slack stores them: a `block_id` on every block, an `action_id` on every element. */
function withIds(blocks: unknown): unknown[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.map((block) => {
    if (!isObj(block)) return block;
    const fill = (element: unknown) =>
      isObj(element) && element.type !== 'image' && element.action_id === undefined
        ? { ...element, action_id: hex(3) }
        : element;
    return {
      ...block,
      block_id: block.block_id ?? hex(3),
      ...(Array.isArray(block.elements) && block.type === 'actions'
        ? { elements: block.elements.map(fill) }
        : {}),
      ...(block.accessory !== undefined ? { accessory: fill(block.accessory) } : {}),
      ...(block.element !== undefined ? { element: fill(block.element) } : {}),
    };
  });
}

/** Emulates the parts of Slack Paperboy uses; see `SlackEmulatorOptions` and the method docs. */
export class SlackEmulator extends EventEmitter {
  readonly apiUrl: string;
  readonly token: string;
  readonly appToken: string;
  readonly signingSecret: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  private appUrl: string | undefined;
  private store: PostedMessage[] = [];
  private callLog: ApiCall[] = [];
  private responsePosts: Array<{ id: string; body: Record<string, unknown> }> = [];
  private ephemeralLog: EphemeralMessage[] = [];
  private unfurlLog: Unfurl[] = [];
  /** The message each `link_shared` event's `unfurl_id` stands for. */
  private unfurlTargets = new Map<string, { channel: string; ts: string }>();
  private viewLog: Array<{ userId: string; view: Record<string, unknown> }> = [];
  private faults = new Map<string, Fault[]>();
  private chaos: ActiveChaos | undefined;
  private chaosLog: Array<{ method: string; fate: ChaosFate }> = [];
  private buckets = new Map<string, { tokens: number; at: number }>();
  private readonly responseTargets = new Map<string, ResponseTarget>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastTsMicros = 0;
  private userTimeZones = new Map<string, string>();
  private channelMembers = new Map<string, string[]>();
  /** Every trigger_id sent to the app: whose interaction it came from, when, and if exchanged. */
  private triggers = new Map<string, { userId: string; issuedAt: number; used: boolean }>();
  /** Each user's open modals, root first: the last one is the one they see. */
  private modalStacks = new Map<string, SlackView[]>();
  /** Each user's Home tab as last published; its id stays the same across publishes. */
  private homeViews = new Map<string, SlackView>();
  // Socket Mode: `clients` tracks the open connections; tickets are single-use, like Slack's.
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly pendingAcks = new Map<
    string,
    { resolve: (ack: Args) => void; reject: (error: Error) => void }
  >();

  /** Starts an emulator on 127.0.0.1 with a random port. */
  static async start(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
    // Checked before listening: a setting refused must not leave a server behind.
    if (options.chaos) activeChaos(options.chaos);
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    return new SlackEmulator(server, `http://127.0.0.1:${port}`, options);
  }

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:PORT` */
    readonly url: string,
    private readonly options: SlackEmulatorOptions,
  ) {
    super();
    this.apiUrl = `${url}/api/`;
    this.token = options.token ?? 'xoxb-test-token';
    this.appToken = options.appToken ?? 'xapp-1-test-app-token';
    this.signingSecret = options.signingSecret ?? 'test-signing-secret';
    this.teamId = options.teamId ?? 'T0PAPERBOY';
    this.botUserId = options.botUserId ?? 'U0PAPERBOY';
    this.botId = options.botId ?? 'B0PAPERBOY';
    this.appUrl = options.appUrl;
    this.chaos = options.chaos ? activeChaos(options.chaos) : undefined;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: { ok: false, error: String(error) } });
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
  }

  /** Sets where `send*` requests go: `${url}/slack/events`. */
  setAppUrl(url: string): void {
    this.appUrl = url;
  }

  /** Messages as channels show them now (updates applied), in post order. */
  messages(channel?: string): PostedMessage[] {
    return this.store
      .filter((m) => channel === undefined || m.channel === channel)
      .map((m) => ({ ...m }));
  }

  /** Every Web API call, in order, failures included. */
  calls(method?: string): ApiCall[] {
    return this.callLog.filter((c) => method === undefined || c.method === method);
  }

  /** JSON bodies POSTed to response_url endpoints, invalid ones included. */
  responseUrlPosts(): Array<{ id: string; body: Record<string, unknown> }> {
    return [...this.responsePosts];
  }

  /**
   * Ephemeral messages as their users see them now (replacements applied, deleted ones gone), oldest
   * first: from `chat.postEphemeral`, response_url posts and slash command acks.
   */
  ephemerals(channel?: string, user?: string): EphemeralMessage[] {
    return this.ephemeralLog
      .filter(
        (e) =>
          (channel === undefined || e.channel === channel) &&
          (user === undefined || e.user === user),
      )
      .map((e) => ({ ...e }));
  }

  /** Unfurls sent with `chat.unfurl` that Slack would have accepted, in order. */
  unfurls(): Unfurl[] {
    return [...this.unfurlLog];
  }

  /** Views published with `views.publish`, in order, as the app sent them. */
  views(userId?: string): Array<{ userId: string; view: Record<string, unknown> }> {
    return this.viewLog.filter((v) => userId === undefined || v.userId === userId);
  }

  /**
   * The user's Home tab as Slack holds it after the last `views.publish` (with `id`, `hash`, block
   * ids, …): what a click on it (`fromHome`) carries. Undefined when nothing was published.
   */
  homeView(userId: string): SlackView | undefined {
    const view = this.homeViews.get(userId);
    return view ? structuredClone(view) : undefined;
  }

  /**
   * The user's open modals, root first and the one they see last: opened by `views.open`, changed
   * by `views.update`/`views.push`, closed by a submission the app acks empty or with `clear`.
   */
  openModals(userId: string): SlackView[] {
    return structuredClone(this.modalStacks.get(userId) ?? []);
  }

  /**
   * Sets the time zone `users.info` reports for a user (an IANA name such as `America/New_York`;
   * an unknown one throws). Users without one are in Europe/Berlin.
   */
  setUserTimeZone(userId: string, tz: string): void {
    timeZoneInfo(tz, this.now()); // throws a RangeError for a zone Intl does not know
    this.userTimeZones.set(userId, tz);
  }

  /**
   * Sets who `conversations.members` lists for a channel, in this order. Real Slack lists the bot
   * too when it is in the channel: include `botUserId` to check the app skips itself, and so that
   * members' `postAsUser` messages there reach the app. Without this, a channel the app has posted
   * to lists its posters (the bot among them), a DM (`D` + user id) its user and the bot, and any
   * other channel is `channel_not_found`.
   */
  setChannelMembers(channelId: string, userIds: readonly string[]): void {
    this.channelMembers.set(channelId, [...userIds]);
  }

  /** The messages in the app's DM with a user (channel `D` + user id), as `messages()` shows them. */
  directMessages(userId: string): PostedMessage[] {
    return this.messages(`D${userId}`);
  }

  /** Polls `probe` until it returns something truthy; rejects after `timeoutMs` (default 5000). */
  async waitFor<T>(
    probe: () => T | undefined | false,
    options: { timeoutMs?: number; intervalMs?: number } = {},
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const deadline = Date.now() + timeoutMs;
    let probeError: unknown;
    for (;;) {
      try {
        const value = probe();
        if (value) return value;
      } catch (error) {
        probeError = error; // e.g. reading a message not posted yet: keep polling, report it on timeout
      }
      if (Date.now() >= deadline) {
        const last = this.callLog.at(-1);
        const lastCall = last
          ? `; last call: ${last.method} → ${String(last.response.error ?? 'ok')}`
          : '';
        const threw = probeError ? `; the probe last threw: ${String(probeError)}` : '';
        throw new Error(
          `SlackEmulator.waitFor: condition not met within ${timeoutMs} ms ` +
            `(${this.store.length} messages, ${this.callLog.length} API calls${lastCall})${threw}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
    }
  }

  /**
   * `message` on each message posted (by the app, or by a member with `postAsUser`), `update` with
   * the message after each update; `change` (no argument) after anything that may change what a
   * member sees: every Web API call, response_url post, slash command answer, modal submission and
   * member's message.
   */
  override on(event: 'message' | 'update', listener: (message: PostedMessage) => void): this;
  override on(event: 'change', listener: () => void): this;
  override on(event: string, listener: (message: PostedMessage) => void): this {
    return super.on(event, listener);
  }

  override off(event: 'message' | 'update', listener: (message: PostedMessage) => void): this;
  override off(event: 'change', listener: () => void): this;
  override off(event: string, listener: (message: PostedMessage) => void): this {
    return super.off(event, listener);
  }

  override once(event: 'message' | 'update', listener: (message: PostedMessage) => void): this {
    return super.once(event, listener);
  }

  /**
   * Makes the next `times` (default 1) calls of `method` fail: `status: 429` or only `retryAfter` → 429
   * with `Retry-After` (default 1 s); another status → that HTTP status; only `error` → 200 `ok:false`.
   * `delayMs` delays the answer; with nothing else it delays the normal answer.
   */
  failNext(method: string, fault: Fault): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < (fault.times ?? 1); i += 1) queue.push(fault);
    this.faults.set(method, queue);
  }

  /**
   * Turns seeded chaos on (see {@link Chaos}), its PRNG started afresh from `seed`, or off with
   * `undefined`. What chaos did so far stays counted (see `chaosStats`).
   */
  setChaos(chaos: Chaos | undefined): void {
    this.chaos = chaos ? activeChaos(chaos) : undefined;
  }

  /** What chaos did since the start or the last `reset()`: 429s, 500s and slow answers. */
  chaosStats(): ChaosStats {
    const none = (): ChaosCounts => ({ rateLimited: 0, serverError: 0, slow: 0 });
    const stats: ChaosStats = { ...none(), byMethod: {} };
    for (const { method, fate } of this.chaosLog) {
      stats[fate] += 1;
      const counts = (stats.byMethod[method] ??= none());
      counts[fate] += 1;
    }
    return stats;
  }

  /**
   * Forgets messages, calls, posts, faults and rate-limit state, and the time zones, channel
   * members, trigger_ids, modals and Home tabs; chaos goes back to the start options' (its PRNG
   * started afresh) and its counts to zero.
   */
  reset(): void {
    this.chaos = this.options.chaos ? activeChaos(this.options.chaos) : undefined;
    this.chaosLog = [];
    this.userTimeZones = new Map();
    this.channelMembers = new Map();
    this.triggers = new Map();
    this.modalStacks = new Map();
    this.homeViews = new Map();
    this.store = [];
    this.callLog = [];
    this.responsePosts = [];
    this.ephemeralLog = [];
    this.unfurlLog = [];
    this.unfurlTargets = new Map();
    this.viewLog = [];
    this.faults = new Map();
    this.buckets = new Map();
  }

  /** Open Socket Mode connections. */
  socketCount(): number {
    return this.wss.clients.size;
  }

  /** Resolves once a Socket Mode connection is open (and was sent `hello`). */
  async socketConnected(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.waitFor(() => this.socketCount() > 0, options);
  }

  /** Cuts every Socket Mode connection, as a network blip or a Slack restart would. */
  dropSockets(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  /**
   * Closes the server, every keep-alive socket and WebSocket, and cancels pending fault delays and
   * acks.
   */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const pending of this.pendingAcks.values())
      pending.reject(new Error('SlackEmulator: closed before the app acked'));
    // Upgraded sockets are no longer the HTTP server's: closeAllConnections() would miss them.
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    if (!this.server.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  // ---- Requests to the app ----

  /**
   * Sends a slash command (form fields, exact form content type) like Slack does. A 200 answer with
   * `text` or `blocks` is shown like Slack shows it: an ephemeral (`source: 'ack'`) for the user, or
   * a channel message when `in_channel`.
   */
  async sendSlashCommand(input: SlashCommandInput): Promise<AppResponse> {
    const fields = this.slashCommandFields(input);
    const response = await this.signedPost(new URLSearchParams(fields).toString(), FORM);
    const ackError = response.status === 200 ? this.showAck(fields, response.json) : undefined;
    this.emit('change');
    return ackError ? { ...response, ackError } : response;
  }

  /**
   * Sends a click or choice (`block_actions`) on a message, carrying the stored message when known;
   * with `ephemeral`, on an ephemeral message (no `message` in the payload, like Slack); with
   * `fromHome` or `viewId`, in the user's Home tab or open modal. Each carries a fresh trigger_id
   * that `views.open` accepts for 3 s.
   */
  async sendBlockAction(input: BlockActionInput): Promise<AppResponse> {
    const form = new URLSearchParams({ payload: JSON.stringify(this.blockActionPayload(input)) });
    return this.signedPost(form.toString(), FORM);
  }

  /**
   * Submits the user's open modal (`view_submission`, a form with one `payload` field) with the
   * values they entered, and applies the app's answer like Slack: an empty ack closes the view,
   * `response_action` `errors` keeps it open (see `errors`), `update` replaces it, `push` pushes
   * one, `clear` closes them all. An answer other than 200 leaves it open. Throws when the modal
   * is not the user's top one, or the values do not fit it (see `ViewSubmissionInput.values`).
   */
  async sendViewSubmission(input: ViewSubmissionInput): Promise<ViewSubmissionResult> {
    const payload = this.viewSubmissionPayload(input);
    const form = new URLSearchParams({ payload: JSON.stringify(payload) });
    const response = await this.signedPost(form.toString(), FORM);
    if (response.status !== 200) return response;
    const answer = response.body.trim() === '' ? {} : response.json;
    const outcome = this.applySubmission(input, answer);
    this.emit('change');
    return { ...response, ...outcome };
  }

  /** Sends an Events API `event_callback`; `retryNum` adds Slack's retry headers. */
  sendEvent(
    event: Record<string, unknown>,
    options: { eventId?: string; retryNum?: number } = {},
  ): Promise<AppResponse> {
    const headers: Record<string, string> =
      options.retryNum === undefined
        ? {}
        : { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' };
    return this.signedPost(
      JSON.stringify(this.eventCallback(event, options.eventId)),
      'application/json',
      { headers },
    );
  }

  // ---- What members do in Slack's client ----

  /**
   * Posts a member's message like Slack's client: the text formatted as the client sends it, the
   * message stored in the conversation (a thread reply when `threadTs`), then sent to the app as
   * Slack would for `manifest.yml`'s subscriptions (`message.channels`, `message.groups`): a
   * `message` event only in a channel the bot is a member of (see `setChannelMembers`), never in a
   * DM (`D…`, whose Messages tab is read-only). When the text links to the app's unfurl domains, a
   * `link_shared` event follows wherever it was posted, its `is_bot_user_member` saying whether the
   * bot is in the conversation, and the app's unfurls attach to the message.
   */
  async postAsUser(input: UserMessageInput): Promise<UserMessageResult> {
    const text = clientFormatted(input.text);
    const message: PostedMessage = {
      channel: input.channel,
      ts: this.nextTs(),
      text,
      ...(input.threadTs ? { threadTs: input.threadTs } : {}),
      user: input.userId,
      edits: 0,
    };
    this.store.push(message);
    this.emit('message', { ...message });
    this.emit('change');
    const parent = input.threadTs ? this.find(input.channel, input.threadTs) : undefined;
    const botIsMember = this.membersOf(input.channel)?.includes(this.botUserId) ?? false;
    const responses: AppResponse[] = [];
    // The app subscribes to channel and private channel messages only, and hears only those of
    // conversations it is in.
    if (botIsMember && !input.channel.startsWith('D')) {
      responses.push(
        await this.sendEvent({
          type: 'message',
          channel: input.channel,
          channel_type: 'channel',
          user: input.userId,
          text,
          ts: message.ts,
          team: this.teamId,
          ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
          ...(parent?.user ? { parent_user_id: parent.user } : {}),
        }),
      );
    }
    const links = this.appLinks(text);
    if (links.length > 0) {
      const unfurlId = `${input.channel}.${message.ts}.${hex(4)}`;
      this.unfurlTargets.set(unfurlId, { channel: input.channel, ts: message.ts });
      responses.push(
        await this.sendEvent({
          type: 'link_shared',
          channel: input.channel,
          is_bot_user_member: botIsMember,
          user: input.userId,
          message_ts: message.ts,
          ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
          unfurl_id: unfurlId,
          source: 'conversations_history',
          links,
        }),
      );
    }
    return { message: { ...message }, responses };
  }

  /**
   * Opens the member's Home tab: an `app_home_opened` event, carrying the view last published for
   * them, as Slack sends it each time the tab is opened.
   */
  openHome(userId: string): Promise<AppResponse> {
    const view = this.homeViews.get(userId);
    return this.sendEvent({
      type: 'app_home_opened',
      user: userId,
      channel: `D${userId}`,
      tab: 'home',
      ...(view ? { view } : {}),
    });
  }

  /**
   * Closes the member's top modal like its Close button: the one under it shows again. With
   * `notify_on_close`, the app gets a `view_closed` payload. Throws when `viewId` is not their top
   * modal.
   */
  async closeModal(userId: string, viewId: string): Promise<AppResponse | undefined> {
    const stack = this.modalStacks.get(userId) ?? [];
    const view = stack.at(-1);
    if (!view || view.id !== viewId) {
      throw new Error(`SlackEmulator: ${viewId} is not the modal ${userId} sees`);
    }
    stack.pop();
    this.emit('change');
    if (view.notify_on_close !== true) return undefined;
    const payload = {
      type: 'view_closed',
      ...this.interactionParties(userId, this.teamId),
      view,
      is_cleared: false,
    };
    return this.signedPost(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      FORM,
    );
  }

  /**
   * The unfurls attached to a message, by URL, the latest `chat.unfurl` for a URL winning (each
   * replaces the cards it sent before).
   */
  unfurlsOf(channel: string, ts: string): Record<string, unknown> {
    const attached = this.unfurlLog.filter((u) => u.channel === channel && u.ts === ts);
    return Object.assign({}, ...attached.map((u) => u.unfurls)) as Record<string, unknown>;
  }

  /** The links in a message's text that Slack would send the app, with their domains. */
  private appLinks(text: string): Array<{ domain: string; url: string }> {
    const domains = this.options.unfurlDomains ?? DEFAULT_UNFURL_DOMAINS;
    const links: Array<{ domain: string; url: string }> = [];
    for (const [, target] of text.matchAll(/<(https?:\/\/[^|>]+)(?:\|[^>]*)?>/g)) {
      const url = decodeEntities(target!);
      let host: string;
      try {
        host = new URL(url).hostname;
      } catch {
        continue;
      }
      const domain = domains.find((d) => host === d || host.endsWith(`.${d}`));
      if (domain && !links.some((link) => link.url === url)) links.push({ domain, url });
    }
    return links;
  }

  // ---- Socket Mode: the same requests as envelopes over the app's WebSocket ----

  /**
   * Delivers a slash command over Socket Mode; resolves with the app's ack. An ack payload with
   * `text` or `blocks` is shown like `sendSlashCommand` shows an answer body.
   */
  async socketSlashCommand(
    input: SlashCommandInput,
    options: SocketDeliveryOptions = {},
  ): Promise<SocketAck> {
    // Socket Mode carries the form fields as a JSON object.
    const fields = this.slashCommandFields(input);
    const ack = await this.deliver('slash_commands', fields, true, options);
    const ackError = this.showAck(fields, ack.payload);
    return ackError ? { ...ack, ackError } : ack;
  }

  /** Delivers a button click (`interactive` envelope); resolves with the app's ack. */
  async socketBlockAction(
    input: BlockActionInput,
    options: SocketDeliveryOptions = {},
  ): Promise<SocketAck> {
    return this.deliver('interactive', this.blockActionPayload(input), false, options);
  }

  /**
   * Delivers a modal submission (`interactive` envelope that accepts a response payload); the ack
   * payload is applied like `sendViewSubmission` applies an HTTP answer.
   */
  async socketViewSubmission(
    input: ViewSubmissionInput,
    options: SocketDeliveryOptions = {},
  ): Promise<SocketAck & ViewSubmissionOutcome> {
    const ack = await this.deliver('interactive', this.viewSubmissionPayload(input), true, options);
    return { ...ack, ...this.applySubmission(input, ack.payload ?? {}) };
  }

  /** Delivers an `event_callback` (`events_api` envelope); `retryNum` sets `retry_attempt`. */
  socketEvent(
    event: Record<string, unknown>,
    options: SocketDeliveryOptions & { eventId?: string; retryNum?: number } = {},
  ): Promise<SocketAck> {
    const retry = options.retryNum ?? 0;
    return this.deliver('events_api', this.eventCallback(event, options.eventId), false, options, {
      retry_attempt: retry,
      retry_reason: retry > 0 ? 'timeout' : '',
    });
  }

  /**
   * POSTs a raw body to the app, signed like Slack (`v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`).
   * `timestamp` (seconds) allows stale requests, `signature` forged ones (`null`: no signature header),
   * `omitTimestamp` drops the timestamp header; `headers` adds headers.
   */
  signedPost(
    rawBody: string,
    contentType: string,
    options: {
      timestamp?: number;
      signature?: string | null;
      omitTimestamp?: boolean;
      headers?: Record<string, string>;
    } = {},
  ): Promise<AppResponse> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
    if (!options.omitTimestamp) headers['x-slack-request-timestamp'] = String(timestamp);
    const signature =
      options.signature === undefined
        ? `v0=${createHmac('sha256', this.signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`
        : options.signature;
    if (signature !== null) headers['x-slack-signature'] = signature;
    return this.postToApp(rawBody, headers);
  }

  // ---- What requests carry (shared by the HTTP and Socket Mode variants) ----

  private slashCommandFields(input: SlashCommandInput): Record<string, string> {
    const userId = input.userId ?? 'U0ALICE';
    const channelId = input.channelId ?? 'C0GENERAL';
    return {
      token: VERIFICATION_TOKEN,
      team_id: input.teamId ?? this.teamId,
      team_domain: TEAM_DOMAIN,
      channel_id: channelId,
      channel_name: channelId.startsWith('D') ? 'directmessage' : channelId.toLowerCase(),
      user_id: userId,
      user_name: userId.toLowerCase(),
      command: input.command ?? '/papers',
      text: input.text,
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: this.newResponseUrl({ channelId, userId, uses: 0 }),
      trigger_id: this.triggerId(userId),
    };
  }

  /** `user` and `team` as interaction payloads carry them. */
  private interactionParties(userId: string, teamId: string): Args {
    return {
      user: {
        id: userId,
        username: userId.toLowerCase(),
        name: userId.toLowerCase(),
        team_id: teamId,
      },
      api_app_id: APP_ID,
      token: VERIFICATION_TOKEN,
      trigger_id: this.triggerId(userId),
      team: { id: teamId, domain: TEAM_DOMAIN },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  /** An action as Slack describes it: its type and the choice in that type's field. */
  private actionOf(input: BlockActionInput, found: ReturnType<typeof findAction>): Args {
    const element: Args = found?.element ?? { type: input.elementType ?? 'button' };
    const type = String(element.type ?? 'button');
    let choice: Args;
    if (type === 'button') {
      const value = input.value ?? str(element.value);
      choice = value === undefined ? {} : { value };
    } else if (type === 'overflow') {
      if (input.value === undefined)
        throw new Error('SlackEmulator: an overflow choice needs a value');
      choice = { selected_option: optionFor(element, input.value) };
    } else {
      const state = elementState(element, input.value);
      if (!state || input.value === undefined) {
        throw new Error(`SlackEmulator: a ${type} choice needs a value`);
      }
      const { type: _type, ...rest } = state;
      choice = rest;
    }
    return {
      type,
      action_id: input.actionId,
      block_id: input.blockId ?? found?.blockId ?? hex(2),
      ...choice,
      ...(type === 'button' && found?.text ? { text: found.text } : {}),
      ...(isObj(element.placeholder) ? { placeholder: element.placeholder } : {}),
      action_ts: this.clockTs(),
    };
  }

  /** The Home tab or open modal a click in a view is on; throws when the user has no such view. */
  private clickedView(input: BlockActionInput): SlackView {
    const home = this.homeViews.get(input.userId);
    if (input.fromHome) {
      if (!home) {
        throw new Error(`SlackEmulator: no Home tab was published for ${input.userId}`);
      }
      return home;
    }
    const view =
      home?.id === input.viewId
        ? home
        : this.modalStacks.get(input.userId)?.find((v) => v.id === input.viewId);
    if (!view) {
      throw new Error(
        `SlackEmulator: ${input.userId} has no open modal or Home tab with id ${input.viewId}`,
      );
    }
    return view;
  }

  /** A click in a Home tab or modal: the view instead of a message, no channel or response_url. */
  private viewActionPayload(input: BlockActionInput): Args {
    const view = this.clickedView(input);
    const found = findAction(view.blocks, input.actionId);
    if (!found) {
      throw new Error(
        `SlackEmulator: the ${view.type} view ${view.id} has no element with action_id ${input.actionId}`,
      );
    }
    const action = this.actionOf(input, found);
    // The view's state shows the choice just made, besides the initial ones.
    const chosen =
      input.value !== undefined && found.blockId
        ? { [found.blockId]: { [input.actionId]: input.value } }
        : {};
    const values = stateValues(view.blocks, action.type === 'button' ? {} : chosen, false);
    return {
      type: 'block_actions',
      ...this.interactionParties(input.userId, input.teamId ?? this.teamId),
      container: { type: 'view', view_id: view.id },
      view: { ...view, state: { values } },
      actions: [action],
    };
  }

  /** A `view_submission` of the user's top modal, with the state the values make. */
  private viewSubmissionPayload(input: ViewSubmissionInput): Args {
    const stack = this.modalStacks.get(input.userId) ?? [];
    const view = stack.find((v) => v.id === input.viewId);
    if (!view) {
      throw new Error(`SlackEmulator: ${input.userId} has no open modal with id ${input.viewId}`);
    }
    if (view !== stack.at(-1)) {
      throw new Error(
        `SlackEmulator: the modal ${input.viewId} is under ${String(stack.at(-1)?.id)}: ` +
          `${input.userId} can only submit the one on top`,
      );
    }
    const values = stateValues(view.blocks, input.values ?? {}, true);
    return {
      type: 'view_submission',
      ...this.interactionParties(input.userId, input.teamId ?? this.teamId),
      view: { ...view, state: { values } },
      response_urls: [],
    };
  }

  /** What the app's answer to a submission does to the user's modals (see `sendViewSubmission`). */
  private applySubmission(input: ViewSubmissionInput, answer: unknown): ViewSubmissionOutcome {
    const stack = this.modalStacks.get(input.userId) ?? [];
    const index = stack.findIndex((v) => v.id === input.viewId);
    if (!isObj(answer)) return { ackError: 'invalid_response' };
    const action = str(answer.response_action);
    // The view may be gone already (the app closed it another way): nothing left to change.
    const view = stack[index];
    switch (action) {
      case undefined:
        if (view) stack.splice(index, 1);
        return {};
      case 'clear':
        this.modalStacks.delete(input.userId);
        return { responseAction: action };
      case 'errors': {
        const errors = answer.errors;
        if (!isObj(errors) || Object.keys(errors).length === 0) {
          return { responseAction: action, ackError: 'invalid_errors' };
        }
        const inputs = new Set(
          (view?.blocks ?? [])
            .filter((b) => isObj(b) && b.type === 'input')
            .map((b) => (b as Args).block_id),
        );
        const strays = Object.keys(errors).filter((id) => !inputs.has(id));
        const typed = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, String(v)]));
        return strays.length > 0
          ? {
              responseAction: action,
              errors: typed,
              ackError: `errors name no input block of the view: ${strays.join(', ')}`,
            }
          : { responseAction: action, errors: typed };
      }
      case 'update': {
        const invalid = this.checkModal(answer.view);
        if (invalid) return { responseAction: action, ackError: String(invalid.body.error) };
        if (view) stack[index] = this.storeView(answer.view as Args, view);
        return { responseAction: action };
      }
      case 'push': {
        const invalid = this.checkModal(answer.view);
        if (invalid) return { responseAction: action, ackError: String(invalid.body.error) };
        if (stack.length >= MAX_MODAL_STACK) {
          return { responseAction: action, ackError: 'push_limit_reached' };
        }
        stack.push(this.pushedView(answer.view as Args, stack));
        return { responseAction: action };
      }
      default:
        return { responseAction: action, ackError: 'invalid_response_action' };
    }
  }

  private blockActionPayload(input: BlockActionInput): Args {
    if (input.fromHome || input.viewId !== undefined) return this.viewActionPayload(input);
    const { channelId, messageTs } = input;
    if (channelId === undefined || messageTs === undefined) {
      throw new Error(
        'SlackEmulator: a click on a message needs channelId and messageTs (or fromHome, viewId)',
      );
    }
    return this.messageActionPayload({ ...input, channelId, messageTs });
  }

  private messageActionPayload(
    input: BlockActionInput & { channelId: string; messageTs: string },
  ): Args {
    const teamId = input.teamId ?? this.teamId;
    const ephemeral = input.ephemeral === true;
    const stored = ephemeral ? undefined : this.find(input.channelId, input.messageTs);
    const shown = ephemeral ? this.findEphemeral(input.channelId, input.messageTs) : undefined;
    if (shown && shown.user !== input.userId) {
      throw new Error(
        `SlackEmulator: the ephemeral message ${input.messageTs} in ${input.channelId} is shown ` +
          `to ${shown.user} only, so ${input.userId} cannot click on it`,
      );
    }
    const found = findAction((stored ?? shown)?.blocks, input.actionId);
    return {
      type: 'block_actions',
      ...this.interactionParties(input.userId, teamId),
      container: {
        type: 'message',
        message_ts: input.messageTs,
        channel_id: input.channelId,
        is_ephemeral: ephemeral,
      },
      channel: { id: input.channelId, name: input.channelId.toLowerCase() },
      // Slack sends no `message` for a click on an ephemeral message.
      ...(ephemeral
        ? {}
        : {
            message: stored
              ? this.wire(stored, true)
              : { type: 'message', ts: input.messageTs, text: '' },
          }),
      state: { values: {} },
      response_url: this.newResponseUrl({
        channelId: input.channelId,
        userId: input.userId,
        messageTs: input.messageTs,
        ...(ephemeral ? { ephemeral } : {}),
        uses: 0,
      }),
      actions: [this.actionOf(input, found)],
    };
  }

  private eventCallback(event: Record<string, unknown>, eventId?: string): Args {
    return {
      token: VERIFICATION_TOKEN,
      team_id: this.teamId,
      context_team_id: this.teamId,
      api_app_id: APP_ID,
      event: { event_ts: this.clockTs(), ...event },
      type: 'event_callback',
      event_id: eventId ?? `Ev0${hex(5).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.teamId,
          user_id: this.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
    };
  }

  /**
   * Sends an envelope on the newest Socket Mode connection (Slack picks one of them) and waits
   * for the app's `{envelope_id, payload?}` answer.
   */
  private deliver(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: Args,
    acceptsResponsePayload: boolean,
    { timeoutMs = 3000 }: SocketDeliveryOptions,
    extra: Args = {},
  ): Promise<SocketAck> {
    const socket = [...this.wss.clients].reverse().find((ws) => ws.readyState === WebSocket.OPEN);
    if (!socket) {
      return Promise.reject(
        new Error('SlackEmulator: no Socket Mode connection; did the app start with an app token?'),
      );
    }
    const envelopeId = randomUUID();
    const started = performance.now();
    return new Promise<SocketAck>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.pendingAcks.delete(envelopeId);
      };
      const timer = setTimeout(() => {
        settle();
        reject(
          new Error(
            `SlackEmulator: the app did not ack the ${type} envelope ${envelopeId} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.pendingAcks.set(envelopeId, {
        resolve: (ack) => {
          settle();
          const elapsedMs = Math.round(performance.now() - started);
          resolve({
            envelope_id: envelopeId,
            ...(isObj(ack.payload) ? { payload: ack.payload } : {}),
            elapsedMs,
          });
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: acceptsResponsePayload,
          ...extra,
        }),
      );
    });
  }

  private postToApp(body: string, headers: Record<string, string>): Promise<AppResponse> {
    if (!this.appUrl) {
      return Promise.reject(
        new Error('SlackEmulator: no app URL; pass `appUrl` or call setAppUrl()'),
      );
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      // No agent: one connection per request, so nothing stays open after the test.
      const req = http.request(
        `${this.appUrl?.replace(/\/$/, '')}/slack/events`,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          agent: false,
        },
        (res) => {
          readBody(res).then((text) => {
            const elapsedMs = Math.round(performance.now() - started);
            resolve({ status: res.statusCode ?? 0, body: text, json: tryJson(text), elapsedMs });
          }, reject);
        },
      );
      req.setTimeout(10_000, () =>
        req.destroy(new Error('SlackEmulator: the app did not answer in 10 s')),
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  // ---- The server ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname.startsWith('/api/')) {
      return this.handleApi(url.pathname.slice('/api/'.length), req, raw, url.searchParams, res);
    }
    if (req.method === 'POST' && url.pathname.startsWith('/response/')) {
      return this.handleResponseUrl(url.pathname.slice('/response/'.length), raw, res);
    }
    send(res, { status: 404, body: { ok: false, error: 'not_found' } });
  }

  private async handleApi(
    method: string,
    req: IncomingMessage,
    raw: string,
    query: URLSearchParams,
    res: ServerResponse,
  ): Promise<void> {
    const at = Date.now();
    const parsed = parseArgs(raw, req.headers['content-type']);
    const { token: bodyToken, ...args } = { ...Object.fromEntries(query), ...parsed };
    const bearer = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    const fault = this.faults.get(method)?.shift();
    const fate = fault ? undefined : this.drawChaos(method);
    const slowMs = this.chaos?.chaos.slowMs ?? 1_500;
    if (fault?.delayMs) await this.sleep(fault.delayMs);
    const reply =
      (fault && this.faultReply(fault)) ??
      (fate && this.chaosReply(fate)) ??
      (parsed === undefined
        ? fail('invalid_json')
        : this.dispatch(method, args, bearer ?? str(bodyToken)));
    this.callLog.push({ method, args, status: reply.status, response: reply.body, at });
    this.emit('change');
    // A slow answer: the call took effect above; its caller hears of it only now.
    if (fate === 'slow') await this.sleep(slowMs);
    if (fault?.dropResponse) {
      // The call took effect, but the caller never hears so: the ambiguous failure retries must survive.
      res.socket?.destroy();
      return;
    }
    send(res, reply);
  }

  /** The fate chaos deals this call, if it applies to the method; counted. */
  private drawChaos(method: string): ChaosFate | undefined {
    const active = this.chaos;
    if (!active?.methods.has(method)) return undefined;
    const { rateLimited = 0, serverError = 0, slow = 0 } = active.chaos;
    const draw = active.random();
    const fate: ChaosFate | undefined =
      draw < rateLimited
        ? 'rateLimited'
        : draw < rateLimited + serverError
          ? 'serverError'
          : draw < rateLimited + serverError + slow
            ? 'slow'
            : undefined;
    if (fate) this.chaosLog.push({ method, fate });
    return fate;
  }

  /** The answer of a call chaos fails (none for a slow one: it is answered normally, late). */
  private chaosReply(fate: ChaosFate): Reply | undefined {
    if (fate === 'rateLimited') return rateLimited(this.chaos?.chaos.retryAfter ?? 1);
    if (fate === 'serverError')
      return { status: 500, body: { ok: false, error: 'internal_error' } };
    return undefined;
  }

  private faultReply(fault: Fault): Reply | undefined {
    if (fault.status === 429 || (fault.status === undefined && fault.retryAfter !== undefined)) {
      return rateLimited(fault.retryAfter ?? 1);
    }
    if (fault.status !== undefined && fault.status !== 200) {
      return { status: fault.status, body: { ok: false, error: fault.error ?? 'internal_error' } };
    }
    return fault.error ? fail(fault.error) : undefined;
  }

  private dispatch(method: string, args: Args, token: string | undefined): Reply {
    const handler = this.methods[method];
    if (!handler) return fail('unknown_method');
    if (!token) return fail('not_authed');
    // Only apps.connections.open takes the app-level token; every other method the bot token.
    const expected = method === 'apps.connections.open' ? this.appToken : this.token;
    if (token !== expected) {
      const known = token === this.token || token === this.appToken;
      return fail(known ? 'not_allowed_token_type' : 'invalid_auth');
    }
    return handler(args);
  }

  private readonly methods: Record<string, (args: Args) => Reply> = {
    'auth.test': () =>
      ok({
        url: `https://${TEAM_DOMAIN}.slack.com/`,
        team: 'Paperboy Test',
        user: 'paperboy',
        team_id: this.teamId,
        user_id: this.botUserId,
        bot_id: this.botId,
        is_enterprise_install: false,
      }),
    'apps.connections.open': () => {
      const ticket = hex(16);
      this.tickets.add(ticket);
      return ok({ url: `${this.url.replace(/^http/, 'ws')}/socket-mode?ticket=${ticket}` });
    },
    'chat.postMessage': (args) => this.postMessage(args),
    'chat.update': (args) => this.update(args),
    'chat.postEphemeral': (args) => {
      const channel = str(args.channel);
      const user = str(args.user);
      if (!channel) return fail('channel_not_found');
      if (!user) return fail('user_not_in_channel');
      const invalid = this.checkContent(args, true);
      if (invalid) return invalid;
      return ok({ message_ts: this.addEphemeral(channel, user, args, 'postEphemeral').ts });
    },
    'chat.unfurl': (args) => this.unfurl(args),
    'views.publish': (args) => {
      const userId = str(args.user_id);
      const view = args.view;
      const errors = validateView(view);
      if (isObj(view) && view.type !== 'home')
        errors.push('must be home [json-pointer:/view/type]');
      if (!userId || !isObj(view) || errors.length > 0) return invalidView(errors);
      if (JSON.stringify(view).length > MAX_VIEW_BYTES) return fail('view_too_large');
      const previous = this.homeViews.get(userId);
      const hash = str(args.hash);
      if (hash !== undefined && previous && hash !== previous.hash) return fail('hash_conflict');
      this.viewLog.push({ userId, view });
      const stored = previous
        ? this.storeView(view, previous)
        : this.newView(view, { rootViewId: null, previousViewId: null });
      this.homeViews.set(userId, stored);
      return ok({ view: structuredClone(stored) });
    },
    'views.open': (args) => {
      const trigger = this.checkTrigger(args.trigger_id);
      if ('status' in trigger) return trigger;
      const invalid = this.checkModal(args.view);
      if (invalid) return invalid;
      trigger.used = true;
      // A new root: a modal the user had open is replaced.
      const view = this.newView(args.view as Args, { rootViewId: null, previousViewId: null });
      this.modalStacks.set(trigger.userId, [view]);
      return ok({ view: structuredClone(view) });
    },
    'views.push': (args) => {
      const trigger = this.checkTrigger(args.trigger_id);
      if ('status' in trigger) return trigger;
      const invalid = this.checkModal(args.view);
      if (invalid) return invalid;
      const stack = this.modalStacks.get(trigger.userId);
      if (!stack?.length) return fail('not_found');
      if (stack.length >= MAX_MODAL_STACK) return fail('push_limit_reached');
      trigger.used = true;
      const view = this.pushedView(args.view as Args, stack);
      stack.push(view);
      return ok({ view: structuredClone(view) });
    },
    'views.update': (args) => {
      const viewId = str(args.view_id);
      const externalId = str(args.external_id);
      if (!viewId && !externalId) return fail('invalid_arguments');
      const stack = [...this.modalStacks.values()].find((views) =>
        views.some((v) => (viewId ? v.id === viewId : v.external_id === externalId)),
      );
      const index =
        stack?.findIndex((v) => (viewId ? v.id === viewId : v.external_id === externalId)) ?? -1;
      const current = stack?.[index];
      if (!stack || !current) return fail('not_found');
      const hash = str(args.hash);
      if (hash !== undefined && hash !== current.hash) return fail('hash_conflict');
      const invalid = this.checkModal(args.view);
      if (invalid) return invalid;
      const view = this.storeView(args.view as Args, current);
      stack[index] = view;
      return ok({ view: structuredClone(view) });
    },
    'conversations.history': (args) => this.history(args),
    'conversations.members': (args) => this.members(args),
    'conversations.open': (args) => {
      const user = str(args.users)?.split(',')[0];
      const channel = str(args.channel) ?? (user ? `D${user}` : undefined);
      if (!channel) return fail('users_list_not_supplied');
      return ok({ no_op: false, already_open: false, channel: { id: channel } });
    },
    'users.info': (args) => {
      const id = str(args.user);
      if (!id) return fail('user_not_found');
      const name = id.toLowerCase();
      return ok({
        user: {
          id,
          team_id: this.teamId,
          name,
          real_name: name,
          deleted: false,
          is_bot: false,
          ...timeZoneInfo(this.userTimeZones.get(id) ?? DEFAULT_TIME_ZONE, this.now()),
          profile: { display_name: name, real_name: name },
        },
      });
    },
  };

  /**
   * `conversations.members`: pages of `limit` (default 100, at most 1000) with an opaque cursor;
   * see `setChannelMembers` for who is listed.
   */
  private members(args: Args): Reply {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const members = this.membersOf(channel);
    if (!members) return fail('channel_not_found');
    const asked = Number(args.limit);
    const limit =
      Number.isInteger(asked) && asked > 0
        ? Math.min(asked, MAX_MEMBERS_LIMIT)
        : DEFAULT_MEMBERS_LIMIT;
    // Like Slack's cursors, one names the next member (`user:U…`), base64-encoded.
    const cursor = str(args.cursor);
    let offset = 0;
    if (cursor) {
      const next = /^user:(.+)$/.exec(Buffer.from(cursor, 'base64').toString())?.[1];
      offset = next === undefined ? -1 : members.indexOf(next);
      if (offset < 0) return fail('invalid_cursor');
    }
    const next = members[offset + limit];
    return ok({
      members: members.slice(offset, offset + limit),
      response_metadata: {
        next_cursor: next === undefined ? '' : Buffer.from(`user:${next}`).toString('base64'),
      },
    });
  }

  private membersOf(channel: string): string[] | undefined {
    const set = this.channelMembers.get(channel);
    if (set) return [...set];
    if (/^D[UW]/.test(channel)) return [channel.slice(1), this.botUserId];
    const posters = this.store.filter((m) => m.channel === channel).map((m) => m.user);
    return posters.length > 0
      ? [...new Set(posters.filter((u): u is string => u !== undefined))]
      : undefined;
  }

  /**
   * A trigger_id `views.open`/`views.push` may exchange: one the emulator sent, at most 3 s ago,
   * not exchanged before (Slack's `invalid_trigger_id`, `expired_trigger_id`,
   * `exchanged_trigger_id`). It is marked used only once the call succeeds.
   */
  private checkTrigger(id: unknown): Reply | { userId: string; used: boolean } {
    const trigger = this.triggers.get(str(id) ?? '');
    if (!trigger) return fail('invalid_trigger_id');
    if (trigger.used) return fail('exchanged_trigger_id');
    if (this.now().getTime() - trigger.issuedAt > TRIGGER_LIFETIME_MS) {
      return fail('expired_trigger_id');
    }
    return trigger;
  }

  /** A view `views.open`/`update`/`push` and a submission's `update`/`push` accept: a valid modal. */
  private checkModal(view: unknown): Reply | undefined {
    const errors = validateView(view);
    if (isObj(view) && view.type !== 'modal')
      errors.push('must be modal [json-pointer:/view/type]');
    if (!isObj(view) || errors.length > 0) return invalidView(errors);
    return JSON.stringify(view).length > MAX_VIEW_BYTES ? fail('view_too_large') : undefined;
  }

  /** A new view as Slack stores it, with a new id. */
  private newView(
    view: Args,
    ids: { rootViewId: string | null; previousViewId: string | null },
  ): SlackView {
    const id = `V0${hex(4).toUpperCase()}`;
    return this.storeView(view, {
      id,
      root_view_id: ids.rootViewId ?? id,
      previous_view_id: ids.previousViewId,
    });
  }

  /** A view pushed on a stack: its root is the stack's, its previous view the top one. */
  private pushedView(view: Args, stack: SlackView[]): SlackView {
    return this.newView(view, {
      rootViewId: stack[0]?.id ?? null,
      previousViewId: stack.at(-1)?.id ?? null,
    });
  }

  /** `view` as Slack stores it in place of `current` (same id and place in the stack, new hash). */
  private storeView(
    view: Args,
    current: Pick<SlackView, 'id' | 'root_view_id' | 'previous_view_id'>,
  ): SlackView {
    const { state: _state, blocks, ...rest } = view;
    const modal = view.type === 'modal';
    return {
      team_id: this.teamId,
      private_metadata: '',
      callback_id: '',
      external_id: '',
      ...(modal
        ? { close: null, submit: null, clear_on_close: false, notify_on_close: false }
        : {}),
      ...rest,
      id: current.id,
      type: String(view.type),
      blocks: withIds(blocks),
      state: { values: {} },
      hash: `${Math.floor(this.now().getTime() / 1000)}.${hex(4)}`,
      root_view_id: current.root_view_id,
      previous_view_id: current.previous_view_id,
      app_id: APP_ID,
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    } as SlackView;
  }

  /**
   * `chat.unfurl`: the target is `channel` and `ts`, or `unfurl_id` and `source` (both, and a source
   * Slack knows); each URL's attachment is an object whose blocks pass a message's checks.
   */
  private unfurl(args: Args): Reply {
    if (args.unfurls === undefined) return fail('missing_unfurls');
    if (!isObj(args.unfurls)) return fail('invalid_unfurls_format');
    const unfurlId = str(args.unfurl_id);
    const source = str(args.source);
    const target: Omit<Unfurl, 'unfurls'> = {};
    if (unfurlId !== undefined || source !== undefined) {
      if (!unfurlId || (source !== 'composer' && source !== 'conversations_history')) {
        return fail('invalid_arguments');
      }
      Object.assign(target, { unfurlId, source, ...this.unfurlTargets.get(unfurlId) });
    } else {
      const channel = str(args.channel);
      const ts = str(args.ts);
      if (!channel) return fail('missing_channel');
      if (!ts) return fail('missing_ts');
      Object.assign(target, { channel, ts });
    }
    for (const unfurl of Object.values(args.unfurls)) {
      if (!isObj(unfurl)) return fail('invalid_unfurls_format');
      if (unfurl.blocks === undefined) continue;
      const errors = validateBlocks(unfurl.blocks, 'message');
      if (errors.length > 0) return invalidBlocks(errors);
      if (blocksTextLength(unfurl.blocks) > MAX_BLOCKS_TEXT) return fail('msg_blocks_too_long');
    }
    this.unfurlLog.push({ ...target, unfurls: args.unfurls });
    return ok();
  }

  private postMessage(args: Args): Reply {
    const target = str(args.channel);
    if (!target) return fail('channel_not_found');
    // Posting to a user id lands in the app's DM with them: the answer carries the D… channel id.
    const channel = /^[UW]/.test(target) ? `D${target}` : target;
    const retryAfter = this.takeRateToken(channel);
    if (retryAfter !== undefined) return rateLimited(retryAfter);
    const invalid = this.checkContent(args, true) ?? this.checkMetadata(args.metadata);
    if (invalid) return invalid;
    const message: PostedMessage = {
      channel,
      ts: this.nextTs(),
      text: typeof args.text === 'string' ? args.text : undefined,
      blocks: args.blocks as unknown[] | undefined,
      metadata: args.metadata as PostedMessage['metadata'],
      threadTs: str(args.thread_ts),
      botId: this.botId,
      user: this.botUserId,
      edits: 0,
    };
    this.store.push(message);
    this.emit('message', { ...message });
    return ok({ channel, ts: message.ts, message: this.wire(message, true) });
  }

  private update(args: Args): Reply {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const message = this.find(channel, str(args.ts));
    if (!message) return fail('message_not_found');
    const invalid = this.checkContent(args, false) ?? this.checkMetadata(args.metadata);
    if (invalid) return invalid;
    this.applyUpdate(message, args);
    return ok({
      channel,
      ts: message.ts,
      text: message.text ?? '',
      message: this.wire(message, true),
    });
  }

  private applyUpdate(message: PostedMessage, changes: Args): void {
    if (typeof changes.text === 'string') message.text = changes.text;
    if (changes.blocks !== undefined) message.blocks = changes.blocks as unknown[];
    if (changes.metadata !== undefined)
      message.metadata = changes.metadata as PostedMessage['metadata'];
    message.edits += 1;
    this.emit('update', { ...message });
  }

  private history(args: Args): Reply {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const limit = Math.min(Number(args.limit ?? 100) || 100, 999);
    const latest = str(args.latest);
    const oldest = str(args.oldest);
    // Like Slack: top-level messages and thread parents only, newest first.
    const matching = this.store
      .filter((m) => m.channel === channel && (!m.threadTs || m.threadTs === m.ts))
      .filter(
        (m) =>
          (!latest || Number(m.ts) < Number(latest)) && (!oldest || Number(m.ts) > Number(oldest)),
      )
      .reverse();
    const withMetadata = flag(args.include_all_metadata);
    // Cursors are opaque to clients; here one is the offset of the next page.
    const offset = Number(Buffer.from(str(args.cursor) ?? '', 'base64').toString() || 0);
    const page = matching.slice(offset, offset + limit);
    const hasMore = matching.length > offset + limit;
    return ok({
      messages: page.map((m) => this.wire(m, withMetadata)),
      has_more: hasMore,
      pin_count: 0,
      response_metadata: {
        next_cursor: hasMore ? Buffer.from(String(offset + limit)).toString('base64') : '',
      },
    });
  }

  /** Text and blocks checks shared by posts and updates, in Slack's error vocabulary. */
  private checkContent(args: Args, requireContent: boolean): Reply | undefined {
    if (typeof args.blocks === 'string') return fail('invalid_blocks_format');
    // `blocks: []` counts as no blocks.
    const blocks = Array.isArray(args.blocks) && args.blocks.length === 0 ? undefined : args.blocks;
    const text = typeof args.text === 'string' ? args.text : '';
    if (requireContent && !text && blocks === undefined) return fail('no_text');
    if (blocks !== undefined) {
      const errors = validateBlocks(blocks, 'message');
      if (errors.length > 0) return invalidBlocks(errors);
      if (blocksTextLength(blocks) > MAX_BLOCKS_TEXT) return fail('msg_blocks_too_long');
    }
    return text.length > MAX_TEXT ? fail('msg_too_long') : undefined;
  }

  private checkMetadata(metadata: unknown): Reply | undefined {
    if (metadata === undefined) return undefined;
    const valid = isObj(metadata) && str(metadata.event_type) && isObj(metadata.event_payload);
    return valid ? undefined : fail('invalid_metadata_format');
  }

  /** A response_url post: recorded, validated, and applied like Slack applies it. */
  private handleResponseUrl(id: string, raw: string, res: ServerResponse): void {
    const body = tryJson(raw);
    if (!isObj(body))
      return send(res, { status: 400, body: { ok: false, error: 'invalid_payload' } });
    this.responsePosts.push({ id, body });
    const target = this.responseTargets.get(id);
    if (target && ++target.uses > RESPONSE_URL_USES)
      return send(res, { status: 404, body: { ok: false, error: 'used_url' } });
    const invalid = this.checkContent(body, false);
    if (invalid) return send(res, invalid);
    if (target) this.applyResponse(target, body);
    this.emit('change');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('ok');
  }

  /**
   * What a valid response_url post does: `delete_original`/`replace_original` act on the message a
   * click came from (a channel message, or with `ephemeral` that user's ephemeral); otherwise
   * `in_channel` posts to the channel, and anything else shows the user a new ephemeral message.
   */
  private applyResponse(target: ResponseTarget, body: Args): void {
    const remove = flag(body.delete_original);
    const replace = flag(body.replace_original);
    if (target.ephemeral) {
      const original = this.findEphemeral(target.channelId, target.messageTs);
      if (original && remove) {
        this.ephemeralLog = this.ephemeralLog.filter((e) => e !== original);
        return;
      }
      if (original && replace) {
        original.text = str(body.text);
        original.blocks = body.blocks as unknown[] | undefined;
        original.edits += 1;
        return;
      }
    } else {
      const original = target.messageTs ? this.find(target.channelId, target.messageTs) : undefined;
      if (original && remove) {
        this.store = this.store.filter((m) => m !== original);
        return;
      }
      if (original && replace) {
        // Unlike chat.update, replace_original replaces the whole message, blocks included.
        original.blocks = undefined;
        this.applyUpdate(original, { ...body, text: body.text ?? '' });
        return;
      }
    }
    if (body.response_type === 'in_channel') {
      this.postMessage({ ...body, channel: target.channelId });
      return;
    }
    // A delete or replace of a message that is gone posts nothing; a slash command's response_url
    // has no original message, so there replace_original is moot.
    const actedOnOriginal = remove || (replace && target.messageTs !== undefined);
    if (!actedOnOriginal && this.checkContent(body, true) === undefined) {
      this.addEphemeral(target.channelId, target.userId, body, 'response_url');
    }
  }

  /**
   * Shows a slash command's answer (HTTP body or Socket Mode ack payload) like Slack: nothing when it
   * has no text or blocks, else in the channel (`in_channel`) or as an ephemeral for the user.
   * Returns Slack's error when it would refuse the answer.
   */
  private showAck(fields: Record<string, string>, answer: unknown): string | undefined {
    if (!isObj(answer)) return undefined;
    const invalid = this.checkContent(answer, true);
    if (invalid) {
      const error = String(invalid.body.error);
      return error === 'no_text' ? undefined : error;
    }
    const channel = fields.channel_id ?? '';
    if (answer.response_type === 'in_channel') this.postMessage({ ...answer, channel });
    else this.addEphemeral(channel, fields.user_id ?? '', answer, 'ack');
    return undefined;
  }

  private addEphemeral(
    channel: string,
    user: string,
    args: Args,
    source: EphemeralSource,
  ): EphemeralMessage {
    const message: EphemeralMessage = {
      channel,
      user,
      ts: this.nextTs(),
      text: str(args.text),
      blocks: args.blocks as unknown[] | undefined,
      source,
      edits: 0,
    };
    this.ephemeralLog.push(message);
    return message;
  }

  /** A WebSocket upgrade: only to `/socket-mode` with a ticket from `apps.connections.open`. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.url);
    if (
      url.pathname !== '/socket-mode' ||
      !this.tickets.delete(url.searchParams.get('ticket') ?? '')
    ) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate()); // a broken peer must not crash the emulator
      ws.on('message', (data) => {
        const ack = tryJson(data.toString());
        if (isObj(ack) && typeof ack.envelope_id === 'string')
          this.pendingAcks.get(ack.envelope_id)?.resolve(ack);
      });
      // ws answers pings by itself; Slack's first message is `hello`.
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.wss.clients.size,
          debug_info: { host: 'emulator' },
          connection_info: { app_id: APP_ID },
        }),
      );
    });
  }

  // ---- Helpers ----

  private find(channel: string, ts: string | undefined): PostedMessage | undefined {
    return this.store.find((m) => m.channel === channel && m.ts === ts);
  }

  private findEphemeral(channel: string, ts: string | undefined): EphemeralMessage | undefined {
    return this.ephemeralLog.find((e) => e.channel === channel && e.ts === ts);
  }

  /** A message as the Web API returns it. */
  private wire(message: PostedMessage, withMetadata: boolean): Record<string, unknown> {
    const replies = this.store.filter(
      (m) => m.threadTs === message.ts && m.ts !== message.ts,
    ).length;
    return {
      type: 'message',
      ts: message.ts,
      text: message.text ?? '',
      ...(message.user ? { user: message.user } : {}),
      ...(message.botId ? { bot_id: message.botId, app_id: APP_ID } : {}),
      team: this.teamId,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(replies > 0 ? { thread_ts: message.ts, reply_count: replies } : {}),
      ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
      ...(message.edits > 0 ? { edited: { user: this.botUserId, ts: this.clockTs() } } : {}),
    };
  }

  /** Message timestamps: the clock in microseconds, strictly increasing. */
  private nextTs(): string {
    this.lastTsMicros = Math.max(Date.now() * 1000, this.lastTsMicros + 100);
    const micros = String(this.lastTsMicros);
    return `${micros.slice(0, -6)}.${micros.slice(-6)}`;
  }

  private clockTs(): string {
    return (Date.now() / 1000).toFixed(6);
  }

  /** A trigger_id for an interaction of `userId`'s, remembered so `views.open` can check it. */
  private triggerId(userId: string): string {
    const id = `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${hex(16)}`;
    this.triggers.set(id, { userId, issuedAt: this.now().getTime(), used: false });
    return id;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private newResponseUrl(target: ResponseTarget): string {
    const id = hex(8);
    this.responseTargets.set(id, target);
    return `${this.url}/response/${id}`;
  }

  /** Token bucket per channel; the seconds to wait when empty. */
  private takeRateToken(channel: string): number | undefined {
    const limit = this.options.channelRateLimit;
    if (!limit) return undefined;
    const now = Date.now();
    const bucket = this.buckets.get(channel) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(
      limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond,
    );
    bucket.at = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}
