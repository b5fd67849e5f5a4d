import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { types } from 'node:util';
import pino from 'pino';

/**
 * One logger for Paperboy and Bolt alike (it implements Bolt's `Logger`), writing one line per
 * message, as text or as a JSON object (see `LoggerOptions.format`). Every line passes through
 * redaction last, so a token that slips into an error message or a logged object never reaches
 * the sink.
 */
export interface Logger extends BoltLogger {
  child(name: string): Logger;
}

export type LogSink = (level: LogLevel, line: string) => void;

/**
 * `text`: `[info] jobs: message` lines for people. `json`: one pino object per line for log
 * pipelines, shaped like
 * `{"level":30,"levelName":"info","time":"2025-01-02T03:04:05.678Z","name":"jobs","err":{…},"data":{…},"msg":"…"}`
 * (see `createLogger`).
 */
export type LogFormat = 'json' | 'text';

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 10,
  [LogLevel.INFO]: 20,
  [LogLevel.WARN]: 30,
  [LogLevel.ERROR]: 40,
};

/**
 * Slack tokens of every kind, and `Bearer …` headers, in plain text and in JSON text (a JSON line,
 * or an object stringified into a text line). JSON escapes whitespace and control characters, so
 * in `"…\nxoxb-…"` a word character (`n`) stands before the token and `\b` alone would let it
 * through, and `Bearer\ttoken` has no literal whitespace: an escape (even escaped again, as in
 * a JSON body logged as a string) counts as a boundary and as whitespace. In plain text this only
 * adds redactions after a literal backslash escape.
 */
const TOKEN_PATTERN =
  /(?:\b|(?<=\\[bfnrt])|(?<=\\u[0-9A-Fa-f]{4}))(xox[abposr]|xapp)-[A-Za-z0-9-]+|Bearer(?:\s|\\+[bfnrt]|\\+u[0-9A-Fa-f]{4})+[A-Za-z0-9._~+/-]+=*/g;

/**
 * Replaces Slack tokens, Bearer values and each configured secret (of 6 characters or more) with
 * `[redacted]`, whether written as is or as JSON escapes it (a secret with a quote, backslash or
 * control character; for the usual alphanumeric secret the two forms are the same).
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(TOKEN_PATTERN, '[redacted]');
  for (const secret of secrets) {
    if (secret.length < 6) continue;
    out = out.split(secret).join('[redacted]');
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join('[redacted]');
  }
  return out;
}

function describe(value: unknown): string {
  // Messages, not stacks: a log line should say what went wrong in words an operator can act on.
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export const consoleSink: LogSink = (level, line) => {
  if (level === LogLevel.ERROR || level === LogLevel.WARN) process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};

export interface LoggerOptions {
  level?: LogLevel;
  /** Values never to print (tokens, signing secret), whatever their shape. */
  secrets?: readonly string[];
  sink?: LogSink;
  name?: string;
  /**
   * Line format; `text` unless given (the composition root passes `config.LOG_FORMAT`, whose
   * default is `json`).
   */
  format?: LogFormat;
}

/** Writes one message of already-filtered level for the logger named `name`. */
type Emit = (level: LogLevel, parts: unknown[]) => void;
/** Makes the `Emit` for one logger name; called once per logger, not per line. */
type Emitters = (name: string) => Emit;

/**
 * Builds a logger. Children share the root's sink, secrets and level: `setLevel` on any of them
 * changes it for all.
 *
 * In `json` format each line is one JSON object written by pino:
 * - `level`: pino's number (20 debug, 30 info, 40 warn, 50 error), and `levelName` its label;
 * - `time`: ISO 8601, UTC;
 * - `name`: the child path (`jobs`, `paperboy/poll/hf`); absent on an unnamed root;
 * - `err`: for the first Error argument, `{ type, message }`, plus `code` when the error has one
 *   and `data: { error }` for a Slack API error; `stack` only while the level is debug;
 * - `data`: an object argument as is, several as an array;
 * - `msg`: the other arguments joined by spaces as in text format (the error's message when
 *   there are none).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const sink = options.sink ?? consoleSink;
  const state = { level: options.level ?? LogLevel.INFO };
  const emitters =
    options.format === 'json'
      ? jsonEmitters(sink, secrets, () => state.level === LogLevel.DEBUG)
      : textEmitters(sink, secrets);

  const make = (name: string): Logger => {
    const emit = emitters(name);
    const write = (level: LogLevel, parts: unknown[]) => {
      if (ORDER[level] < ORDER[state.level]) return;
      emit(level, parts);
    };
    return {
      debug: (...msg) => write(LogLevel.DEBUG, msg),
      info: (...msg) => write(LogLevel.INFO, msg),
      warn: (...msg) => write(LogLevel.WARN, msg),
      error: (...msg) => write(LogLevel.ERROR, msg),
      setLevel: (level) => {
        state.level = level;
      },
      getLevel: () => state.level,
      // Bolt names its logger; ours is named by `child`, so Bolt's renaming is ignored.
      setName: () => undefined,
      child: (childName) => make(name ? `${name}/${childName}` : childName),
    };
  };
  return make(options.name ?? '');
}

function textEmitters(sink: LogSink, secrets: readonly string[]): Emitters {
  return (name) => (level, parts) => {
    const message = parts.map(describe).join(' ');
    const prefix = name ? `[${level}] ${name}:` : `[${level}]`;
    sink(level, redact(`${prefix} ${message}`, secrets));
  };
}

const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

function jsonEmitters(
  sink: LogSink,
  secrets: readonly string[],
  withStacks: () => boolean,
): Emitters {
  // pino writes synchronously to a plain `{ write }` destination, so the level of the line being
  // written is the one set just before the call.
  let writing: LogLevel = LogLevel.INFO;
  const destination = {
    write: (line: string) => {
      const trimmed = line.endsWith('\n') ? line.slice(0, -1) : line;
      // Redacting the final line: a secret can sit in any field, at any depth.
      sink(writing, redact(trimmed, secrets));
    },
  };
  const root = pino(
    {
      // Filtering is ours (`createLogger`), so children follow the root's level; pino passes all.
      level: 'debug',
      // No pid or hostname: the platform that collects the lines knows which process wrote them.
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label, number) => ({ level: number, levelName: label }) },
      // `err` is already shaped by `errorFields`; pino's own serializer would rewrite it.
      serializers: { err: (err: ErrorFields) => err },
    },
    destination,
  );
  return (name) => {
    const log = name ? root.child({ name }) : root;
    return (level, parts) => {
      const { fields, msg } = structure(parts, withStacks());
      writing = level;
      log[PINO_LEVEL[level]](fields, msg);
    };
  };
}

/** What the `err` field holds: enough to act on, without the stack unless debugging. */
interface ErrorFields {
  type: string;
  message: string;
  code?: string | number;
  data?: { error: string };
  stack?: string;
}

function errorFields(error: Error, withStack: boolean): ErrorFields {
  const fields: ErrorFields = { type: error.name, message: error.message };
  const { code, data } = error as { code?: unknown; data?: unknown };
  if (typeof code === 'string' || typeof code === 'number') fields.code = code;
  // Slack API errors carry Slack's own reason (`channel_not_found`) in `data.error`.
  if (typeof data === 'object' && data !== null) {
    const reason = (data as { error?: unknown }).error;
    if (typeof reason === 'string') fields.data = { error: reason };
  }
  if (withStack && error.stack !== undefined) fields.stack = error.stack;
  return fields;
}

/** Splits Bolt-style `...msg` arguments into pino's merging object and message. */
function structure(
  parts: unknown[],
  withStack: boolean,
): { fields: { err?: ErrorFields; data?: unknown }; msg: string } {
  const words: string[] = [];
  const objects: unknown[] = [];
  let err: ErrorFields | undefined;
  for (const part of parts) {
    // `isNativeError` also knows errors made in another realm (Node internals under jest's vm).
    const isError = part instanceof Error || types.isNativeError(part);
    if (isError && err === undefined) err = errorFields(part as Error, withStack);
    else if (typeof part === 'object' && part !== null && !isError) objects.push(part);
    // Strings, numbers and any further Error read as they do in text format.
    else words.push(describe(part));
  }
  const fields: { err?: ErrorFields; data?: unknown } = {};
  if (err) fields.err = err;
  if (objects.length > 0) fields.data = objects.length === 1 ? objects[0] : objects;
  const msg = words.length > 0 ? words.join(' ') : (err?.message ?? '');
  return { fields, msg };
}
