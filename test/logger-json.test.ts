import { LogLevel } from '@slack/bolt';
import { WebAPIPlatformError } from '@slack/web-api';
import { createLogger, type LogFormat, type LoggerOptions } from '../src/logger';

const BOT_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp';
const SIGNING_SECRET = '8f14e45fceea167a5a36dedd4bea2543';
/** Not configured as secrets: TOKEN_PATTERN alone must catch them. */
const OTHER_BOT_TOKEN = 'xoxb-5555555555-6666666666-ZyXwVuTsRqPoNmLk';
const APP_TOKEN = 'xapp-1-A0123ABCD-1234567890-abcdef0123456789';
const BEARER_VALUE = 'eyJhbGciOi.JIUzI1NiJ9_payload-sig/+~=';

/** What a JSON line holds (see `createLogger`). */
interface JsonLine {
  level: number;
  levelName: string;
  time: string;
  name?: string;
  msg: string;
  err?: { type: string; message: string; code?: string; data?: { error: string }; stack?: string };
  data?: unknown;
}

function capture(options: LoggerOptions = {}) {
  const lines: Array<{ level: LogLevel; line: string }> = [];
  const logger = createLogger({
    format: 'json',
    secrets: [BOT_TOKEN, SIGNING_SECRET],
    sink: (level, line) => lines.push({ level, line }),
    ...options,
  });
  const parsed = () => lines.map((l) => JSON.parse(l.line) as JsonLine);
  const text = () => lines.map((l) => l.line).join('\n');
  return { logger, lines, parsed, text };
}

describe('createLogger in json format', () => {
  describe('line shape', () => {
    it('writes one JSON object per line with level, time, name and msg', () => {
      const { logger, lines, parsed } = capture({ name: 'paperboy' });
      const before = Date.now();
      logger.info('started', 3, 'workers');
      expect(lines).toHaveLength(1);
      expect(lines[0]?.level).toBe(LogLevel.INFO);
      expect(lines[0]?.line).not.toContain('\n');
      const [line] = parsed();
      expect(line).toEqual({
        level: 30,
        levelName: 'info',
        time: expect.any(String),
        name: 'paperboy',
        msg: 'started 3 workers',
      });
      expect(line?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(line!.time)).toBeGreaterThanOrEqual(before - 1);
    });

    it('uses pino’s level numbers and names', () => {
      const { logger, parsed, lines } = capture({ level: LogLevel.DEBUG });
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      expect(parsed().map((l) => [l.level, l.levelName, l.msg])).toEqual([
        [20, 'debug', 'd'],
        [30, 'info', 'i'],
        [40, 'warn', 'w'],
        [50, 'error', 'e'],
      ]);
      expect(lines.map((l) => l.level)).toEqual([
        LogLevel.DEBUG,
        LogLevel.INFO,
        LogLevel.WARN,
        LogLevel.ERROR,
      ]);
    });

    it('names lines by the child path, and leaves out name on an unnamed root', () => {
      const { logger, parsed } = capture();
      logger.info('root');
      logger.child('jobs').info('job');
      logger.child('poll').child('hf').warn('grandchild');
      expect(parsed().map((l) => [l.name, l.msg])).toEqual([
        [undefined, 'root'],
        ['jobs', 'job'],
        ['poll/hf', 'grandchild'],
      ]);
      expect(parsed()[0]).not.toHaveProperty('name');
    });

    it('keeps the message as written: no printf-style interpolation', () => {
      const { logger, parsed } = capture();
      logger.info('100%s done %d', 'x');
      expect(parsed()[0]?.msg).toBe('100%s done %d x');
    });
  });

  describe('errors', () => {
    it('turns an Error into err with its type and message, without a stack', () => {
      const { logger, parsed } = capture();
      logger.error('post failed:', new TypeError('fetch failed'));
      const [line] = parsed();
      expect(line?.msg).toBe('post failed:');
      expect(line?.err).toEqual({ type: 'TypeError', message: 'fetch failed' });
    });

    it('uses the error’s message as msg when the error is all there is', () => {
      const { logger, parsed } = capture();
      logger.error(new Error('boom'));
      expect(parsed()[0]).toMatchObject({ msg: 'boom', err: { type: 'Error', message: 'boom' } });
    });

    it('keeps a Slack API error’s code and reason', () => {
      const { logger, parsed } = capture();
      const error = new WebAPIPlatformError({ ok: false, error: 'channel_not_found' });
      logger.child('slack').error('chat.postMessage:', error);
      expect(parsed()[0]?.err).toEqual({
        type: 'WebAPIPlatformError',
        message: 'An API error occurred: channel_not_found',
        code: 'slack_webapi_platform_error',
        data: { error: 'channel_not_found' },
      });
    });

    it('keeps the code of a system error', () => {
      const { logger, parsed } = capture();
      logger.warn(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      expect(parsed()[0]?.err?.code).toBe('ECONNREFUSED');
    });

    it('adds the stack only while the level is debug', () => {
      const { logger, parsed } = capture();
      logger.error(new Error('quiet'));
      logger.setLevel(LogLevel.DEBUG);
      logger.child('jobs').error(new Error('loud'));
      const [quiet, loud] = parsed();
      expect(quiet?.err).not.toHaveProperty('stack');
      expect(loud?.err?.stack).toMatch(/^Error: loud\n\s+at /);
    });

    it('writes further Errors into msg as text format does', () => {
      const { logger, parsed } = capture();
      logger.error('two:', new Error('first'), new RangeError('second'));
      expect(parsed()[0]).toMatchObject({
        msg: 'two: RangeError: second',
        err: { message: 'first' },
      });
    });
  });

  describe('objects', () => {
    it('puts one object under data, several in an array', () => {
      const { logger, parsed } = capture();
      logger.info('posted', { channel: 'C0123ABCD', ts: '1.2' });
      logger.info({ a: 1 }, { b: [2] });
      const [one, two] = parsed();
      expect(one).toMatchObject({ msg: 'posted', data: { channel: 'C0123ABCD', ts: '1.2' } });
      expect(two).toMatchObject({ msg: '', data: [{ a: 1 }, { b: [2] }] });
    });

    it('still logs objects it cannot serialize plainly', () => {
      const { logger, parsed } = capture();
      const circular: Record<string, unknown> = { id: 7 };
      circular.self = circular;
      logger.info('state', circular);
      expect(parsed()[0]).toMatchObject({ msg: 'state', data: { id: 7, self: '[Circular]' } });
    });
  });

  describe('levels', () => {
    it('drops lines below the level', () => {
      const { logger, parsed } = capture({ level: LogLevel.WARN });
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      expect(parsed().map((l) => l.msg)).toEqual(['w', 'e']);
    });

    it('lets children follow the root’s level, whichever of them sets it', () => {
      const { logger, parsed } = capture();
      const jobs = logger.child('jobs');
      const slack = logger.child('slack');
      jobs.debug('dropped');
      slack.setLevel(LogLevel.DEBUG);
      expect(logger.getLevel()).toBe(LogLevel.DEBUG);
      expect(jobs.getLevel()).toBe(LogLevel.DEBUG);
      jobs.debug('kept');
      logger.setLevel(LogLevel.ERROR);
      slack.warn('dropped too');
      slack.error('kept too');
      expect(parsed().map((l) => [l.name, l.msg])).toEqual([
        ['jobs', 'kept'],
        ['slack', 'kept too'],
      ]);
    });
  });

  it('writes to stdout and stderr through the default sink', () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const logger = createLogger({ format: 'json', name: 'paperboy' });
      logger.info('up');
      logger.error('down');
    } finally {
      jest.restoreAllMocks();
    }
    expect(out).toHaveBeenCalledTimes(1);
    expect(err).toHaveBeenCalledTimes(1);
    const written = String(out.mock.calls[0]?.[0]);
    expect(written.endsWith('}\n')).toBe(true);
    expect(JSON.parse(written)).toMatchObject({ name: 'paperboy', msg: 'up' });
  });

  it('is not the default: without format, lines are text', () => {
    const lines: string[] = [];
    createLogger({ sink: (_level, line) => lines.push(line) }).info('hi');
    expect(lines).toEqual(['[info] hi']);
  });
});

describe.each<LogFormat>(['json', 'text'])('log scan in %s format', (format) => {
  const leaks = [
    BOT_TOKEN,
    SIGNING_SECRET,
    OTHER_BOT_TOKEN,
    APP_TOKEN,
    BEARER_VALUE,
    // Pieces of tokens: a partial redaction would leave these behind.
    '1234567890-0987654321',
    '5555555555-6666666666',
    'A0123ABCD-1234567890',
    'JIUzI1NiJ9',
  ];

  function logEverything(options: LoggerOptions = {}) {
    const run = capture({ format, level: LogLevel.DEBUG, ...options });
    const { logger } = run;
    const everything = `bot ${BOT_TOKEN} secret ${SIGNING_SECRET} other ${OTHER_BOT_TOKEN} app ${APP_TOKEN} header Authorization: Bearer ${BEARER_VALUE}`;
    // In messages, one argument or several.
    logger.info(everything);
    logger.child('slack').warn('calling with', BOT_TOKEN, SIGNING_SECRET, OTHER_BOT_TOKEN);
    logger.debug(`Authorization: Bearer ${BEARER_VALUE}`, APP_TOKEN);
    // In error messages, including the stack written at debug level.
    logger.child('jobs').error('failed:', new Error(`request failed: ${everything}`));
    logger.error(new TypeError(everything), new RangeError(everything));
    logger.error(new WebAPIPlatformError({ ok: false, error: `invalid_auth ${OTHER_BOT_TOKEN}` }));
    // Nested in objects, as values, in arrays and as keys.
    logger.info('request', {
      token: BOT_TOKEN,
      nested: {
        headers: { Authorization: `Bearer ${BEARER_VALUE}` },
        secret: SIGNING_SECRET,
        deeper: { list: [OTHER_BOT_TOKEN, { app: APP_TOKEN }] },
      },
      [SIGNING_SECRET]: 'as a key',
    });
    // Next to characters that JSON escapes: `\n` and `\t` before a token, a tab after Bearer.
    logger.info(`line\n${OTHER_BOT_TOKEN}\t${APP_TOKEN}\u0001${BOT_TOKEN}`);
    logger.info({ header: `Bearer\t${BEARER_VALUE}`, quoted: `"${SIGNING_SECRET}"` });
    logger.info(`Bearer\n${BEARER_VALUE}`);
    // A JSON body logged as a string: escaped twice in a JSON line.
    logger.debug({
      body: JSON.stringify({ text: `x\n${OTHER_BOT_TOKEN}`, auth: `Bearer\t${BEARER_VALUE}` }),
    });
    return run;
  }

  it('finds no token, secret or Bearer value in any line', () => {
    const { lines, text } = logEverything();
    expect(lines).toHaveLength(11);
    const out = text();
    for (const leak of leaks) expect(out).not.toContain(leak);
    expect(out).toContain('[redacted]');
    // Redaction leaves every JSON line whole.
    if (format === 'json')
      for (const { line } of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('redacts a secret that JSON would escape', () => {
    const odd = 'pa"ss\\wo\nrd';
    const { logger, text } = capture({ format, secrets: [odd] });
    logger.info(`secret ${odd}`, { nested: odd });
    logger.error(new Error(odd));
    for (const piece of ['pa"ss', 'pa\\"ss', 'ss\\wo', 'ss\\\\wo', 'wo\nrd', 'wo\\nrd']) {
      expect(text()).not.toContain(piece);
    }
  });
});
