/**
 * A Slack Web API emulator for tests and the local demo: a real HTTP server the app's WebClient talks to
 * (`slackApiUrl: emulator.apiUrl`), which keeps channel state, validates Block Kit like Slack does,
 * injects faults and rate limits, and sends the app requests signed exactly like Slack signs them,
 * or delivers them over a Socket Mode WebSocket (`apps.connections.open`, `socket*` methods).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { blocksTextLength, validateBlocks, validateView } from './block-kit';

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

/** A button click as `sendBlockAction` and `socketBlockAction` send it. */
export interface BlockActionInput {
  userId: string;
  actionId: string;
  value: string;
  channelId: string;
  messageTs: string;
  blockId?: string;
  teamId?: string;
  /**
   * The click is on an ephemeral message (`messageTs` is its `ts` from `ephemerals()`): the payload
   * has `container.is_ephemeral: true` and no `message`, and its response_url acts on that ephemeral.
   */
  ephemeral?: boolean;
}

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

/** The time zone offset of Europe/Berlin now, in seconds (3600 in winter, 7200 in summer). */
function berlinOffsetSeconds(): number {
  const part = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Berlin',
    timeZoneName: 'shortOffset',
  })
    .formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName');
  const hours = /GMT([+-]\d+)/.exec(part?.value ?? '')?.[1];
  return hours === undefined ? 3600 : Number(hours) * 3600;
}

/** The block and text of the element with that action_id, to make action payloads realistic. */
function findAction(blocks: unknown[] | undefined, actionId: string) {
  for (const block of blocks ?? []) {
    if (!isObj(block)) continue;
    const elements = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    const hit = elements.find((e) => isObj(e) && e.action_id === actionId);
    if (isObj(hit)) return { blockId: str(block.block_id), text: hit.text };
  }
  return undefined;
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
  private viewLog: Array<{ userId: string; view: Record<string, unknown> }> = [];
  private faults = new Map<string, Fault[]>();
  private buckets = new Map<string, { tokens: number; at: number }>();
  private readonly responseTargets = new Map<string, ResponseTarget>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastTsMicros = 0;
  // Socket Mode: `clients` tracks the open connections; tickets are single-use, like Slack's.
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly pendingAcks = new Map<
    string,
    { resolve: (ack: Args) => void; reject: (error: Error) => void }
  >();

  /** Starts an emulator on 127.0.0.1 with a random port. */
  static async start(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
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

  /** Views published with `views.publish`, in order. */
  views(userId?: string): Array<{ userId: string; view: Record<string, unknown> }> {
    return this.viewLog.filter((v) => userId === undefined || v.userId === userId);
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

  /** `message` on each successful `chat.postMessage`, `update` with the message after each update. */
  override on(event: 'message' | 'update', listener: (message: PostedMessage) => void): this {
    return super.on(event, listener);
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

  /** Forgets messages, calls, posts, faults and rate-limit state. */
  reset(): void {
    this.store = [];
    this.callLog = [];
    this.responsePosts = [];
    this.ephemeralLog = [];
    this.unfurlLog = [];
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
    return ackError ? { ...response, ackError } : response;
  }

  /**
   * Sends a button click (`block_actions`) on a message, carrying the stored message when known;
   * with `ephemeral`, on an ephemeral message (no `message` in the payload, like Slack).
   */
  async sendBlockAction(input: BlockActionInput): Promise<AppResponse> {
    const form = new URLSearchParams({ payload: JSON.stringify(this.blockActionPayload(input)) });
    return this.signedPost(form.toString(), FORM);
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
      trigger_id: this.triggerId(),
    };
  }

  private blockActionPayload(input: BlockActionInput): Args {
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
      user: {
        id: input.userId,
        username: input.userId.toLowerCase(),
        name: input.userId.toLowerCase(),
        team_id: teamId,
      },
      api_app_id: APP_ID,
      token: VERIFICATION_TOKEN,
      container: {
        type: 'message',
        message_ts: input.messageTs,
        channel_id: input.channelId,
        is_ephemeral: ephemeral,
      },
      trigger_id: this.triggerId(),
      team: { id: teamId, domain: TEAM_DOMAIN },
      enterprise: null,
      is_enterprise_install: false,
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
      actions: [
        {
          action_id: input.actionId,
          block_id: input.blockId ?? found?.blockId ?? hex(2),
          value: input.value,
          type: 'button',
          ...(found?.text ? { text: found.text } : {}),
          action_ts: this.clockTs(),
        },
      ],
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
    if (fault?.delayMs) await this.sleep(fault.delayMs);
    const reply =
      (fault && this.faultReply(fault)) ??
      (parsed === undefined
        ? fail('invalid_json')
        : this.dispatch(method, args, bearer ?? str(bodyToken)));
    this.callLog.push({ method, args, status: reply.status, response: reply.body, at });
    if (fault?.dropResponse) {
      // The call took effect, but the caller never hears so: the ambiguous failure retries must survive.
      res.socket?.destroy();
      return;
    }
    send(res, reply);
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
      if (!userId || !isObj(view) || errors.length > 0) {
        return fail('invalid_arguments', {
          errors,
          response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
        });
      }
      this.viewLog.push({ userId, view });
      return ok({
        view: { id: `V0${hex(4).toUpperCase()}`, team_id: this.teamId, app_id: APP_ID, ...view },
      });
    },
    'conversations.history': (args) => this.history(args),
    'conversations.open': (args) => {
      const user = str(args.users)?.split(',')[0];
      const channel = str(args.channel) ?? (user ? `D${user}` : undefined);
      if (!channel) return fail('users_list_not_supplied');
      return ok({ no_op: false, already_open: false, channel: { id: channel } });
    },
    'users.info': (args) => {
      const id = str(args.user);
      if (!id) return fail('user_not_found');
      const tzOffset = berlinOffsetSeconds();
      const name = id.toLowerCase();
      return ok({
        user: {
          id,
          team_id: this.teamId,
          name,
          real_name: name,
          deleted: false,
          is_bot: false,
          tz: 'Europe/Berlin',
          tz_label: tzOffset === 7200 ? 'Central European Summer Time' : 'Central European Time',
          tz_offset: tzOffset,
          profile: { display_name: name, real_name: name },
        },
      });
    },
  };

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
      Object.assign(target, { unfurlId, source });
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

  private triggerId(): string {
    return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${hex(16)}`;
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
