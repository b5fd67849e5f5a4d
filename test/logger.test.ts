import { LogLevel } from '@slack/bolt';
import { consoleSink, createLogger, redact, type LoggerOptions } from '../src/logger';

const BOT_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp';
const APP_TOKEN = 'xapp-1-A0123ABCD-1234567890-abcdef0123456789';
const SIGNING_SECRET = '8f14e45fceea167a5a36dedd4bea2543';

/** A logger whose lines are kept, with the signing secret configured. */
function capture(options: LoggerOptions = {}) {
  const lines: Array<{ level: LogLevel; line: string }> = [];
  const logger = createLogger({
    secrets: [SIGNING_SECRET],
    sink: (level, line) => lines.push({ level, line }),
    ...options,
  });
  const text = () => lines.map((l) => l.line).join('\n');
  return { logger, lines, text };
}

describe('redact', () => {
  it('redacts bot, user and app tokens', () => {
    expect(redact(`token=${BOT_TOKEN}; app ${APP_TOKEN}`, [])).toBe(
      'token=[redacted]; app [redacted]',
    );
    expect(redact('user xoxp-1-2-3-abc and xoxa-2-x', [])).toBe('user [redacted] and [redacted]');
  });

  it('redacts Bearer headers', () => {
    const out = redact('Authorization: Bearer abc.DEF_123-xyz/+~= and more', []);
    expect(out).toBe('Authorization: [redacted] and more');
  });

  it('redacts configured secrets wherever they appear', () => {
    expect(redact(`sig v0=${SIGNING_SECRET}!`, [SIGNING_SECRET])).toBe('sig v0=[redacted]!');
    expect(redact(`${SIGNING_SECRET}${SIGNING_SECRET}`, [SIGNING_SECRET])).toBe(
      '[redacted][redacted]',
    );
  });

  it('leaves ordinary text alone', () => {
    const text = 'posted 2406.07550 to C0123ABCD in 120 ms (xoxo, bearer of news)';
    expect(redact(text, [SIGNING_SECRET])).toBe(text);
  });
});

describe('createLogger', () => {
  describe('redaction on every line', () => {
    it('redacts tokens and secrets in strings', () => {
      const { logger, text } = capture();
      logger.info(`calling chat.postMessage with ${BOT_TOKEN}`);
      logger.warn('socket mode with', APP_TOKEN);
      logger.error(`headers: { authorization: 'Bearer ${BOT_TOKEN}' }, secret ${SIGNING_SECRET}`);
      const out = text();
      for (const secret of [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, '1234567890-0987654321']) {
        expect(out).not.toContain(secret);
      }
      expect(out).toContain('calling chat.postMessage with [redacted]');
      expect(out).toContain('socket mode with [redacted]');
    });

    it('redacts tokens and secrets in Errors, keeping their name and message', () => {
      const { logger, text } = capture();
      const error = new TypeError(`request failed for ${BOT_TOKEN} signed with ${SIGNING_SECRET}`);
      logger.error('post failed:', error);
      const out = text();
      expect(out).toContain('TypeError: request failed for [redacted] signed with [redacted]');
      expect(out).not.toContain(BOT_TOKEN);
      expect(out).not.toContain(SIGNING_SECRET);
      // A message, not a stack.
      expect(out).not.toMatch(/\n\s+at /);
    });

    it('redacts tokens and secrets in logged objects', () => {
      const { logger, text } = capture();
      logger.info({
        token: BOT_TOKEN,
        nested: { headers: { Authorization: `Bearer ${APP_TOKEN}` }, secret: SIGNING_SECRET },
        list: [BOT_TOKEN],
        channel: 'C0123ABCD',
      });
      const out = text();
      for (const secret of [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET])
        expect(out).not.toContain(secret);
      expect(out).toContain('"channel":"C0123ABCD"');
      expect(out).toContain('[redacted]');
    });

    it('still logs objects it cannot serialize', () => {
      const { logger, lines } = capture();
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      logger.info('state', circular);
      expect(lines).toHaveLength(1);
      expect(lines[0]?.line).toContain('state');
    });

    it('ignores empty configured secrets instead of redacting everything', () => {
      const { logger, lines } = capture({ secrets: ['', SIGNING_SECRET] });
      logger.info('hello');
      expect(lines[0]?.line).toBe('[info] hello');
    });
  });

  describe('levels', () => {
    it('drops debug at the default level, info', () => {
      const { logger, lines } = capture();
      expect(logger.getLevel()).toBe(LogLevel.INFO);
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      expect(lines).toEqual([
        { level: LogLevel.INFO, line: '[info] i' },
        { level: LogLevel.WARN, line: '[warn] w' },
        { level: LogLevel.ERROR, line: '[error] e' },
      ]);
    });

    it('keeps only warnings and errors at warn', () => {
      const { logger, lines } = capture({ level: LogLevel.WARN });
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      expect(lines.map((l) => l.line)).toEqual(['[warn] w', '[error] e']);
    });

    it('keeps only errors at error, and everything at debug', () => {
      const quiet = capture({ level: LogLevel.ERROR });
      quiet.logger.warn('w');
      quiet.logger.error('e');
      expect(quiet.lines.map((l) => l.line)).toEqual(['[error] e']);

      const chatty = capture({ level: LogLevel.DEBUG });
      chatty.logger.debug('d');
      expect(chatty.lines.map((l) => l.line)).toEqual(['[debug] d']);
    });

    it('changes level with setLevel', () => {
      const { logger, lines } = capture({ level: LogLevel.ERROR });
      logger.info('before');
      logger.setLevel(LogLevel.DEBUG);
      expect(logger.getLevel()).toBe(LogLevel.DEBUG);
      logger.debug('after');
      expect(lines.map((l) => l.line)).toEqual(['[debug] after']);
    });
  });

  describe('names', () => {
    it('prefixes lines with the logger’s name and nests child names', () => {
      const { logger, lines } = capture({ name: 'paperboy' });
      logger.info('root');
      const poll = logger.child('poll');
      poll.info('child');
      poll.child('hf').warn('grandchild');
      expect(lines.map((l) => l.line)).toEqual([
        '[info] paperboy: root',
        '[info] paperboy/poll: child',
        '[warn] paperboy/poll/hf: grandchild',
      ]);
    });

    it('names a child of an unnamed logger by its own name', () => {
      const { logger, lines } = capture();
      logger.child('announce').info('posted');
      expect(lines.map((l) => l.line)).toEqual(['[info] announce: posted']);
    });

    it('gives children the parent’s secrets, sink and level', () => {
      const { logger, lines } = capture({ level: LogLevel.WARN });
      const child = logger.child('slack');
      child.info('dropped');
      child.error(`failed with ${SIGNING_SECRET} and ${BOT_TOKEN}`);
      expect(lines.map((l) => l.line)).toEqual([
        '[error] slack: failed with [redacted] and [redacted]',
      ]);
    });

    it('ignores Bolt’s setName', () => {
      const { logger, lines } = capture({ name: 'paperboy' });
      logger.setName('bolt-app');
      logger.info('x');
      expect(lines[0]?.line).toBe('[info] paperboy: x');
    });
  });
});

describe('consoleSink', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes warnings and errors to stderr, the rest to stdout', () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    consoleSink(LogLevel.INFO, 'i');
    consoleSink(LogLevel.DEBUG, 'd');
    consoleSink(LogLevel.WARN, 'w');
    consoleSink(LogLevel.ERROR, 'e');
    expect(out.mock.calls.map((c) => c[0])).toEqual(['i\n', 'd\n']);
    expect(err.mock.calls.map((c) => c[0])).toEqual(['w\n', 'e\n']);
  });
});
