import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { freePort } from '../src/demo/local-redis';
import { doctor, formatReport, runDoctor } from '../src/doctor';
import type { CheckResult } from '../src/doctor/check';
import { checkRedis } from '../src/doctor/redis';
import { checkSlack, MANIFEST_BOT_SCOPES, scopesResult } from '../src/doctor/slack';
import { purgeKeys } from '../src/queue/connection';
import { FeedServer } from './support/feed-server';
import { tempDatabase, TEST_REDIS_URL, uniquePrefix } from './support/harness';
import { SlackEmulator } from './support/slack-emulator';

const ROOT = path.resolve(__dirname, '..');

/** The bot scopes manifest.yml asks for: the `- scope` items under `oauth_config.scopes.bot`. */
function manifestBotScopes(): string[] {
  const lines = fs.readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8').split('\n');
  const at = (pattern: RegExp, from: number) =>
    lines.findIndex((line, index) => index >= from && pattern.test(line));
  const bot = at(/^\s+bot:\s*$/, at(/^\s+scopes:\s*$/, at(/^oauth_config:\s*$/, 0)));
  const scopes: string[] = [];
  for (const line of lines.slice(bot + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const item = /^\s+- ([^\s#]+)/.exec(line);
    if (!item?.[1]) break;
    scopes.push(item[1]);
  }
  return scopes;
}

/**
 * The emulator behind a proxy that adds Slack's `x-oauth-scopes` header to every answer, as Slack
 * does (the emulator does not send it): `scopes` is what the token is said to have.
 */
async function scopeReportingProxy(target: string, scopes: readonly string[]) {
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          'x-oauth-scopes': scopes.join(','),
        });
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A Redis stand-in that answers what the doctor asks (PING, INFO, CONFIG GET) with the given
 * `maxmemory-policy`, or refuses CONFIG as many managed Redis services do; every other command
 * is an error.
 */
async function fakeRedis(policy: string | 'refused') {
  const bulk = (text: string) => `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  const reply = ([command = '', ...args]: string[]): string => {
    switch (command.toUpperCase()) {
      case 'PING':
        return '+PONG\r\n';
      case 'CLIENT':
      case 'SELECT':
        return '+OK\r\n';
      case 'INFO':
        return bulk('# Server\r\nredis_version:7.2.4\r\nloading:0\r\n');
      case 'CONFIG':
        if (policy === 'refused') return "-ERR unknown command 'CONFIG'\r\n";
        return `*2\r\n${bulk(args[1] ?? '')}${bulk(policy)}`;
      default:
        return `-ERR unknown command '${command}'\r\n`;
    }
  };
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('latin1');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // Requests are arrays of bulk strings: *N, then $len and the argument, N times.
      for (;;) {
        const parsed = parseCommand(buffer);
        if (!parsed) break;
        buffer = buffer.slice(parsed.length);
        socket.write(reply(parsed.args));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseCommand(buffer: string): { args: string[]; length: number } | undefined {
  const header = /^\*(\d+)\r\n/.exec(buffer);
  if (!header) return undefined;
  let at = header[0].length;
  const args: string[] = [];
  for (let i = 0; i < Number(header[1]); i += 1) {
    const size = /^\$(\d+)\r\n/.exec(buffer.slice(at));
    if (!size) return undefined;
    at += size[0].length;
    if (buffer.length < at + Number(size[1]) + 2) return undefined;
    args.push(buffer.slice(at, at + Number(size[1])));
    at += Number(size[1]) + 2;
  }
  return { args, length: at };
}

/** The report's check lines, by label: `{ Slack: '✓ connected to …' }`. */
function linesByLabel(output: string): Record<string, string> {
  const lines: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const match =
      /^ {2}(\S) (Config|Slack|Scopes|HTTP mode|Socket Mode|Redis|Database|HF feed|arXiv feed)\s+(.*)$/.exec(
        line,
      );
    if (match) lines[match[2]!] = `${match[1]} ${match[3]}`;
  }
  return lines;
}

describe('npm run doctor', () => {
  let slack: SlackEmulator;
  let feed: FeedServer;
  let proxy: Awaited<ReturnType<typeof scopeReportingProxy>>;
  const db = tempDatabase();
  const prefix = uniquePrefix();

  beforeAll(async () => {
    slack = await SlackEmulator.start();
    feed = await FeedServer.start();
    proxy = await scopeReportingProxy(slack.url, MANIFEST_BOT_SCOPES);
  });

  afterAll(async () => {
    await Promise.all([slack.close(), feed.close(), proxy.close()]);
    await purgeKeys(TEST_REDIS_URL, prefix);
    db.remove();
  });

  /** Settings under which every check passes. */
  const healthy = (): Record<string, string> => ({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: proxy.apiUrl,
    REDIS_URL: TEST_REDIS_URL,
    DATABASE_URL: db.file,
    HF_API_URL: feed.hfApiUrl,
    ARXIV_API_URL: feed.arxivApiUrl,
    QUEUE_PREFIX: prefix,
  });

  /** `tsx src/main.ts doctor` with exactly these settings (nothing inherited but PATH). */
  function runCommand(
    env: Record<string, string>,
  ): Promise<{ code: number | null; output: string }> {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts', 'doctor'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
  }

  it('passes every check and exits 0 when everything is fine', async () => {
    const { code, output } = await runCommand(healthy());
    const lines = linesByLabel(output);
    expect(Object.keys(lines)).toEqual([
      'Config',
      'Slack',
      'Scopes',
      'HTTP mode',
      'Redis',
      'Database',
      'HF feed',
      'arXiv feed',
    ]);
    for (const line of Object.values(lines)) expect(line).toMatch(/^✓ /);
    expect(lines.Config).toContain('the Slack app and the workers');
    expect(lines.Slack).toContain('connected to workspace Paperboy Test as @paperboy');
    expect(lines.Scopes).toContain(`all ${MANIFEST_BOT_SCOPES.length} scopes`);
    expect(lines['HTTP mode']).toContain('POST /slack/events on port 3000');
    expect(lines.Redis).toMatch(/answers \(Redis \d+\.\d+\.\d+, maxmemory-policy noeviction\)/);
    expect(lines.Redis).toContain(`queues under ${prefix}: 0 waiting, 0 delayed, 0 failed`);
    expect(lines.Database).toContain('does not exist yet');
    expect(output.trimEnd().endsWith('All checks passed.')).toBe(true);
    expect(code).toBe(0);
    // Checking does not create the database: running the doctor from the wrong folder leaves
    // nothing behind.
    expect(fs.existsSync(db.file)).toBe(false);
    expect(output).not.toContain(slack.token);
    expect(output).not.toContain(slack.signingSecret);
  }, 20_000);

  it('names each problem in plain words, exits 1, and shows no secret', async () => {
    const aFile = path.join(path.dirname(db.file), 'not-a-folder');
    fs.writeFileSync(aFile, 'a file where the database folder should be');
    const [redisPort, feedPort] = [await freePort(), await freePort()];
    const badToken = 'xoxb-1234-5678-NotTheRightToken';
    const { code, output } = await runCommand({
      ...healthy(),
      SLACK_BOT_TOKEN: badToken,
      REDIS_URL: `redis://:redis-password-123@127.0.0.1:${redisPort}`,
      DATABASE_URL: path.join(aFile, 'data', 'paperboy.db'),
      HF_API_URL: `http://127.0.0.1:${feedPort}/api`,
    });
    const lines = linesByLabel(output);
    expect(lines.Slack).toMatch(/^✗ Slack rejected SLACK_BOT_TOKEN \(invalid_auth\); copy the Bot/);
    expect(lines.Scopes).toMatch(/^- not checked/);
    expect(lines.Redis).toBe(
      `✗ cannot reach Redis at redis://:***@127.0.0.1:${redisPort}: nothing listens at 127.0.0.1:${redisPort} (connection refused); is Redis running there? Check REDIS_URL`,
    );
    expect(lines.Database).toBe(
      `✗ cannot create ${path.join(aFile, 'data')}: ${aFile} is a file, not a folder; change DATABASE_URL or the folder`,
    );
    expect(lines['HF feed']).toMatch(
      new RegExp(
        `^✗ cannot reach http://127.0.0.1:${feedPort}/api \\(.*ECONNREFUSED.*\\); no network`,
      ),
    );
    expect(lines.Config).toMatch(/^✓ /);
    expect(lines['arXiv feed']).toMatch(/^✓ /);
    expect(output.trimEnd().split('\n').at(-1)).toBe(
      '4 problems: Slack, Redis, Database, HF feed.',
    );
    expect(code).toBe(1);
    for (const secret of [badToken, slack.signingSecret, 'redis-password-123']) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toMatch(/^\s+at /m);
  }, 20_000);

  it('names every bad setting, and still runs the checks that do not need them', async () => {
    const { code, output } = await runCommand({
      ...healthy(),
      POLL_EVERY: 'soon',
      REDIS_URL: 'http://x',
      PORT: 'eighty',
      ANNOUNCE_CHANNELS: '#general',
    });
    const lines = linesByLabel(output);
    expect(lines.Config).toMatch(/^✗ 4 settings are wrong or missing \(.env.example/);
    for (const problem of [
      "POLL_EVERY 'soon' is not a duration",
      'REDIS_URL must be a redis:// or rediss:// URL',
      'PORT must be a port number',
      'ANNOUNCE_CHANNELS #general is not a channel id',
    ]) {
      expect(output).toMatch(
        new RegExp(`^ +- ${problem.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'm'),
      );
    }
    expect(lines.Redis).toBe('- not checked: REDIS_URL is missing or not valid (see Config)');
    expect(lines['HTTP mode']).toContain('POST /slack/events on PORT');
    for (const label of ['Slack', 'Scopes', 'Database', 'HF feed', 'arXiv feed']) {
      expect(lines[label]).toMatch(/^✓ /);
    }
    expect(output.trimEnd().split('\n').at(-1)).toBe('1 problem: Config.');
    expect(code).toBe(1);
  }, 20_000);

  it('names the scopes the app lacks', async () => {
    const partial = await scopeReportingProxy(slack.url, ['commands', 'chat:write']);
    try {
      const [, scopes] = await checkSlack({ ...healthy(), SLACK_API_URL: partial.apiUrl }, 2_000);
      expect(scopes?.status).toBe('fail');
      expect(scopes?.message).toContain(
        'the app lacks 9 scopes manifest.yml asks for: channels:history, groups:history, links:read',
      );
      expect(scopes?.message).toContain('reinstall it to the workspace');
    } finally {
      await partial.close();
    }
    expect(scopesResult([...MANIFEST_BOT_SCOPES, 'files:read']).status).toBe('pass');
  });

  it('says it could not check the scopes when Slack does not report them', async () => {
    // The emulator itself sends no x-oauth-scopes header.
    const [identity, scopes] = await checkSlack(
      { ...healthy(), SLACK_API_URL: slack.apiUrl },
      2_000,
    );
    expect(identity?.status).toBe('pass');
    expect(scopes).toMatchObject({ status: 'unknown' });
    expect(scopes?.message).toMatch(/^not checked: Slack did not report the granted scopes/);
  });

  it('keeps its bot scope list equal to the manifest’s', () => {
    expect([...MANIFEST_BOT_SCOPES].sort()).toEqual(manifestBotScopes().sort());
    expect(manifestBotScopes()).toContain('chat:write');
  });

  it('opens a Socket Mode connection with SLACK_APP_TOKEN, and names a refused one', async () => {
    const socket = { ...healthy(), SLACK_API_URL: slack.apiUrl, SLACK_APP_TOKEN: slack.appToken };
    const good = await checkSlack(socket, 2_000);
    expect(good.at(-1)).toMatchObject({ label: 'Socket Mode', status: 'pass' });
    const bad = await checkSlack({ ...socket, SLACK_APP_TOKEN: 'xapp-1-A0-0-wrong' }, 2_000);
    expect(bad.at(-1)?.status).toBe('fail');
    expect(bad.at(-1)?.message).toMatch(/^Slack rejected SLACK_APP_TOKEN \(invalid_auth\)/);
  });

  it('warns when Redis may evict jobs, and says when the policy cannot be read', async () => {
    const evicting = await fakeRedis('allkeys-lru');
    const managed = await fakeRedis('refused');
    try {
      const lru = await checkRedis({ REDIS_URL: evicting.url, QUEUE_PREFIX: prefix }, 2_000);
      expect(lru.status).toBe('warn');
      expect(lru.message).toContain('(Redis 7.2.4, maxmemory-policy allkeys-lru)');
      expect(lru.details?.[0]).toMatch(/^BullMQ needs maxmemory-policy noeviction/);
      // The stand-in runs no Lua: the queue sizes are said to be unreadable, not made up.
      expect(lru.message).toContain(`queue sizes under ${prefix} could not be read`);

      const refused = await checkRedis({ REDIS_URL: managed.url }, 2_000);
      expect(refused.status).toBe('pass');
      expect(refused.message).toContain(
        'maxmemory-policy could not be checked (CONFIG GET refused',
      );
    } finally {
      await Promise.all([evicting.close(), managed.close()]);
    }
  });

  it('redacts secrets from everything it prints', async () => {
    const secret = 'signing-secret-0123456789';
    let printed = '';
    const code = await doctor(
      // A value echoed back in a config problem: the report must still not show it.
      { ...healthy(), SLACK_SIGNING_SECRET: secret, POLL_EVERY: secret, REDIS_URL: 'http://x' },
      (text) => (printed += text),
      { timeoutMs: 2_000 },
    );
    expect(code).toBe(1);
    expect(printed).toContain("POLL_EVERY '[redacted]' is not a duration");
    expect(printed).not.toContain(secret);
  });

  it('formats one line per check, details under it, and a summary', () => {
    const results: CheckResult[] = [
      { label: 'Config', status: 'fail', message: '1 setting is wrong', details: ['- PORT …'] },
      { label: 'Redis', status: 'warn', message: 'answers', details: ['set noeviction'] },
      { label: 'Scopes', status: 'unknown', message: 'not checked' },
    ];
    expect(formatReport(results)).toBe(
      [
        '  ✗ Config      1 setting is wrong',
        '                - PORT …',
        '  ! Redis       answers',
        '                set noeviction',
        '  ? Scopes      not checked',
        '',
        '1 problem: Config. And 1 warning: Redis.',
      ].join('\n'),
    );
    expect(formatReport(results.slice(1))).toMatch(/All checks passed, with 1 warning: Redis\.$/);
  });

  it('never hangs on a check that does not answer', async () => {
    // Accepts connections and never says a word.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      const results = await runDoctor(
        {
          ...healthy(),
          SLACK_API_URL: `http://${url}/api/`,
          REDIS_URL: `redis://${url}`,
          HF_API_URL: `http://${url}/api`,
          ARXIV_API_URL: `http://${url}/api`,
        },
        { timeoutMs: 500 },
      );
      expect(Date.now() - started).toBeLessThan(3_000);
      const failed = results.filter((r) => r.status === 'fail').map((r) => r.label);
      expect(failed).toEqual(['Slack', 'Redis', 'HF feed', 'arXiv feed']);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
