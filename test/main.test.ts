import { spawn } from 'node:child_process';
import path from 'node:path';
import { FeedServer } from './support/feed-server';
import { freePort } from '../src/demo/local-redis';
import { purgeKeys } from '../src/queue/connection';
import { tempDatabase, TEST_REDIS_URL, uniquePrefix } from './support/harness';
import { SlackEmulator } from './support/slack-emulator';

const ROOT = path.resolve(__dirname, '..');

describe('npm start: the process', () => {
  let slack: SlackEmulator;
  let feed: FeedServer;
  const db = tempDatabase();
  const prefix = uniquePrefix();

  beforeAll(async () => {
    slack = await SlackEmulator.start();
    feed = await FeedServer.start();
  });

  afterAll(async () => {
    await Promise.all([slack.close(), feed.close()]);
    await purgeKeys(TEST_REDIS_URL, prefix);
    db.remove();
  });

  function start(env: Record<string, string>) {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_API_URL: slack.apiUrl,
        HF_API_URL: feed.hfApiUrl,
        REDIS_URL: TEST_REDIS_URL,
        DATABASE_URL: db.file,
        QUEUE_PREFIX: prefix,
        // Test files run in parallel: none takes the default ops port.
        OPS_PORT: 'off',
        ...env,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const waitFor = async (text: string, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    return { child, exited, waitFor, output: () => output };
  }

  it('starts, then stops cleanly on SIGTERM', async () => {
    const run = start({ PORT: String(await freePort()), ANNOUNCE_CHANNELS: 'C0READING' });
    await run.waitFor('Paperboy is running');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('SIGTERM received');
    expect(run.output()).toContain('stopped');
    // The bot token never reaches a log line.
    expect(run.output()).not.toContain(slack.token);
  }, 30_000);

  it('exits 1 with one plain line when the token is refused', async () => {
    const run = start({ SLACK_BOT_TOKEN: 'xoxb-wrong' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
    expect(run.output()).not.toMatch(/^\s+at /m);
  }, 30_000);

  it('exits 1 when Redis cannot be reached, naming the URL', async () => {
    const run = start({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('cannot reach Redis at redis://127.0.0.1:1');
  }, 30_000);
});
