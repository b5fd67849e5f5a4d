import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';

/**
 * One logger for Paperboy and Bolt alike (it implements Bolt's `Logger`), writing one line per
 * message. Every line passes through `redact` first, so a token that slips into an error message
 * or a logged object never reaches the sink.
 */
export interface Logger extends BoltLogger {
  child(name: string): Logger;
}

export type LogSink = (level: LogLevel, line: string) => void;

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 10,
  [LogLevel.INFO]: 20,
  [LogLevel.WARN]: 30,
  [LogLevel.ERROR]: 40,
};

/** Slack tokens of every kind, and `Bearer …` headers. */
const TOKEN_PATTERN = /\b(xox[abposr]|xapp)-[A-Za-z0-9-]+|Bearer\s+[A-Za-z0-9._~+/-]+=*/g;

export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(TOKEN_PATTERN, '[redacted]');
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join('[redacted]');
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
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const sink = options.sink ?? consoleSink;
  const state = { level: options.level ?? LogLevel.INFO };

  const make = (name: string): Logger => {
    const write = (level: LogLevel, parts: unknown[]) => {
      if (ORDER[level] < ORDER[state.level]) return;
      const message = parts.map(describe).join(' ');
      const prefix = name ? `[${level}] ${name}:` : `[${level}]`;
      sink(level, redact(`${prefix} ${message}`, secrets));
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
