import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  loadConfig,
  loadDemoConfig,
  parseDuration,
  SETTING_NAMES,
  type Environment,
} from '../src/config';

const BASE: Environment = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'signing-secret',
};

/** The ConfigError loadConfig throws for an environment (fails the test if it does not throw). */
function errorOf(env: Environment, role?: 'app' | 'worker' | 'all'): ConfigError {
  try {
    loadConfig(env, role);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

function problemsOf(env: Environment, role?: 'app' | 'worker' | 'all'): string[] {
  return errorOf(env, role).problems;
}

describe('loadConfig', () => {
  it('fills in the documented defaults', () => {
    const config = loadConfig(BASE);
    expect(config).toMatchObject({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'signing-secret',
      SLACK_API_URL: 'https://slack.com/api/',
      PORT: 3000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATABASE_URL: './data/paperboy.db',
      HF_API_URL: 'https://huggingface.co/api',
      ARXIV_API_URL: 'https://export.arxiv.org/api',
      POLL_EVERY: 900_000,
      ANNOUNCE_CHANNELS: [],
      WORKSPACE_TIME_ZONE: 'UTC',
      LOG_LEVEL: 'info',
    });
    expect(config.SLACK_APP_TOKEN).toBeUndefined();
  });

  it('reads every setting it is given', () => {
    const config = loadConfig({
      ...BASE,
      PORT: '8080',
      REDIS_URL: 'rediss://cache.example:6380',
      DATABASE_URL: '/var/lib/paperboy/db.sqlite',
      HF_API_URL: 'http://127.0.0.1:4000/api/',
      POLL_EVERY: '30s',
      WORKSPACE_TIME_ZONE: 'America/New_York',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      WORKSPACE_TIME_ZONE: 'America/New_York',
      PORT: 8080,
      REDIS_URL: 'rediss://cache.example:6380',
      DATABASE_URL: '/var/lib/paperboy/db.sqlite',
      HF_API_URL: 'http://127.0.0.1:4000/api',
      POLL_EVERY: 30_000,
      LOG_LEVEL: 'debug',
    });
  });

  it('gives SLACK_API_URL a trailing slash, once', () => {
    expect(loadConfig({ ...BASE, SLACK_API_URL: 'http://127.0.0.1:9000/api' }).SLACK_API_URL).toBe(
      'http://127.0.0.1:9000/api/',
    );
    expect(loadConfig({ ...BASE, SLACK_API_URL: 'http://127.0.0.1:9000/api/' }).SLACK_API_URL).toBe(
      'http://127.0.0.1:9000/api/',
    );
  });

  it('splits, trims and de-duplicates ANNOUNCE_CHANNELS', () => {
    const config = loadConfig({
      ...BASE,
      ANNOUNCE_CHANNELS: ' C0123ABCD, G0456EFGH ,C0123ABCD,, ',
    });
    expect(config.ANNOUNCE_CHANNELS).toEqual(['C0123ABCD', 'G0456EFGH']);
  });

  it.each([
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: undefined }],
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: 'xoxp-user-token' }],
    ['SLACK_APP_TOKEN', { SLACK_APP_TOKEN: 'xoxb-not-an-app-token' }],
    ['SLACK_API_URL', { SLACK_API_URL: 'ftp://slack.example/api/' }],
    ['SLACK_API_URL', { SLACK_API_URL: 'not a url' }],
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '0' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '80.5' }],
    ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }],
    ['HF_API_URL', { HF_API_URL: 'huggingface.co/api' }],
    ['ARXIV_API_URL', { ARXIV_API_URL: 'export.arxiv.org' }],
    ['POLL_EVERY', { POLL_EVERY: 'soon' }],
    ['POLL_EVERY', { POLL_EVERY: '5s' }],
    ['POLL_EVERY', { POLL_EVERY: '15 minutes' }],
    ['ANNOUNCE_CHANNELS', { ANNOUNCE_CHANNELS: 'C0123ABCD,#general' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['WORKSPACE_TIME_ZONE', { WORKSPACE_TIME_ZONE: 'Paris' }],
    ['WORKSPACE_TIME_ZONE', { WORKSPACE_TIME_ZONE: 'GMT+25' }],
  ] as Array<[string, Environment]>)('names %s in the problem (%j)', (name, overrides) => {
    const problems = problemsOf({ ...BASE, ...overrides });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(`${name} `)).toBe(true);
  });

  it('treats empty values (PORT= in a .env file) as unset, so defaults apply', () => {
    const config = loadConfig({ ...BASE, PORT: '', DATABASE_URL: '   ', POLL_EVERY: '' });
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe('./data/paperboy.db');
    expect(config.POLL_EVERY).toBe(900_000);
  });

  it('says which ANNOUNCE_CHANNELS entries are wrong', () => {
    const [problem] = problemsOf({ ...BASE, ANNOUNCE_CHANNELS: 'C0123ABCD,#general' });
    expect(problem).toContain('#general');
    expect(problem).not.toContain('C0123ABCD,');
  });

  it('reports several problems together, each naming its variable', () => {
    const env: Environment = { PORT: 'abc', POLL_EVERY: 'soon', REDIS_URL: 'nope' };
    const error = errorOf(env);
    const { problems } = error;
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'PORT',
      'POLL_EVERY',
      'REDIS_URL',
    ]) {
      expect(problems.filter((p) => p.startsWith(`${name} `))).toHaveLength(1);
    }
    expect(problems).toHaveLength(5);
    // The message lists them too, one line each.
    for (const problem of problems) expect(error.message).toContain(`\n  - ${problem}`);
  });

  describe('the signing secret', () => {
    const withoutSecret: Environment = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc' };

    it('is required in HTTP mode for the app', () => {
      for (const role of ['app', 'all'] as const) {
        const problems = problemsOf(withoutSecret, role);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/^SLACK_SIGNING_SECRET /);
      }
      expect(problemsOf({ ...withoutSecret, SLACK_SIGNING_SECRET: '   ' })[0]).toMatch(
        /^SLACK_SIGNING_SECRET /,
      );
    });

    it('is not required in Socket Mode (SLACK_APP_TOKEN set)', () => {
      const config = loadConfig({ ...withoutSecret, SLACK_APP_TOKEN: 'xapp-1-A1-2-abc' }, 'app');
      expect(config.SLACK_APP_TOKEN).toBe('xapp-1-A1-2-abc');
      expect(config.SLACK_SIGNING_SECRET).toBeUndefined();
    });

    it('is not required for a worker, which receives no Slack requests', () => {
      expect(loadConfig(withoutSecret, 'worker').SLACK_BOT_TOKEN).toBe('xoxb-1-2-abc');
    });
  });
});

describe('loadDemoConfig', () => {
  it('reads only Redis, the log level and the Hugging Face API, with their defaults', () => {
    expect(loadDemoConfig({ SLACK_BOT_TOKEN: 'not even a token', HF_API_URL: '' })).toEqual({
      REDIS_URL: 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'info',
      HF_API_URL: 'https://huggingface.co/api',
    });
    expect(loadDemoConfig({ HF_API_URL: 'http://127.0.0.1:8080/api/' }).HF_API_URL).toBe(
      'http://127.0.0.1:8080/api',
    );
  });

  it('names a bad HF_API_URL', () => {
    expect(() => loadDemoConfig({ HF_API_URL: 'huggingface.co/api' })).toThrow(
      expect.objectContaining({
        problems: ['HF_API_URL must be an http(s) URL, like https://huggingface.co/api'],
      }),
    );
  });
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    [' 10 s ', 10_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([['soon'], [''], ['15'], ['m'], ['-5m'], ['1.5h'], ['15 minutes']])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('the CLI with a bad configuration', () => {
  const root = join(__dirname, '..');

  function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['src/main.ts'], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 20_000,
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.stdout.resume();
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('exits 1 and names every problem, without a stack trace', async () => {
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('SLACK_')),
    );
    const { code, stderr } = await run({ ...env, PORT: 'abc', POLL_EVERY: 'soon' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/\bSLACK_BOT_TOKEN\b/);
    expect(stderr).toMatch(/\bPORT\b/);
    expect(stderr).toMatch(/\bPOLL_EVERY\b/);
    expect(stderr).toMatch(/\bSLACK_SIGNING_SECRET\b/);
    expect(stderr).not.toMatch(/^ {4}at /m);
    // Pointing at the documented settings, not at the code.
    expect(stderr).toContain('.env.example');
  }, 25_000);
});

describe('.env.example', () => {
  it('documents every setting the schema reads, and no other', () => {
    const example = fs.readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
    const documented = new Set(
      [...example.matchAll(/^(?:# )?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]),
    );
    expect([...documented].sort()).toEqual([...SETTING_NAMES].sort());
  });
});
