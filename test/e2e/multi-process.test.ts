import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/demo/local-redis';
import { purgeKeys } from '../../src/queue/connection';
import { FeedServer, loadHfFixture } from '../support/feed-server';
import { eventually, TEST_REDIS_URL, uniquePrefix, utcDay } from '../support/harness';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { SlackEmulator } from '../support/slack-emulator';

const ROOT = path.resolve(__dirname, '../..');
const CHANNELS = ['C0ONE', 'C0TWO', 'C0THREE'];

/**
 * Paperboy as a large organisation runs it: one app process and two worker processes (real
 * `tsx src/main.ts <role>` processes), one Redis, one PostgreSQL. Every paper reaches every
 * channel once, whichever worker took which job.
 */
describe('one app and two workers against one Redis and one PostgreSQL', () => {
  let slack: SlackEmulator;
  let feed: FeedServer;
  let database: TestDatabase;
  const prefix = uniquePrefix();
  const processes: Array<{ child: ChildProcess; output: () => string; exited: Promise<unknown> }> =
    [];
  // Twenty papers: the processes pace each channel at Slack's one post a second.
  const items = loadHfFixture().slice(0, 20);
  let appPort = 0;

  beforeAll(async () => {
    slack = await SlackEmulator.start();
    feed = await FeedServer.start({ dailyByDate: { [utcDay()]: items } });
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const { child, exited } of processes) {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
    await Promise.all([slack?.close(), feed?.close()]);
    await database?.drop();
    await purgeKeys(TEST_REDIS_URL, prefix);
  });

  function start(role: 'app' | 'worker', env: Record<string, string> = {}) {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts', role], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_API_URL: slack.apiUrl,
        HF_API_URL: feed.hfApiUrl,
        ARXIV_API_URL: feed.arxivApiUrl,
        REDIS_URL: TEST_REDIS_URL,
        DATABASE_URL: database.url,
        QUEUE_PREFIX: prefix,
        ANNOUNCE_CHANNELS: CHANNELS.join(','),
        OPS_PORT: 'off',
        LOG_FORMAT: 'text',
        ...env,
      },
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const running = { child, output: () => output, exited };
    processes.push(running);
    return running;
  }

  async function waitForOutput(run: { output: () => string }, text: string): Promise<void> {
    await eventually(
      async () => run.output().includes(text),
      `"${text}" in:\n${run.output()}`,
      30_000,
    );
  }

  it('posts every paper to every channel exactly once', async () => {
    appPort = await freePort();
    const app = start('app', { PORT: String(appPort) });
    const workers = [start('worker'), start('worker')];
    for (const run of [app, ...workers]) await waitForOutput(run, 'Paperboy is running');
    await eventually(
      async () => CHANNELS.every((c) => slack.messages(c).length >= items.length),
      'every card in every channel',
      60_000,
    );
    // A little longer: a duplicate would show up now.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const channel of CHANNELS) {
      const papers = slack
        .messages(channel)
        .map((m) => String(m.metadata?.event_payload['paper_id']));
      expect(papers).toHaveLength(items.length);
      expect(new Set(papers).size).toBe(items.length);
    }
  }, 120_000);

  it('answers Slack from the app process, with the workers’ cards in its store', async () => {
    const first = slack.messages(CHANNELS[0])[0]!;
    const paperId = String(first.metadata?.event_payload['paper_id']);
    slack.setAppUrl(`http://127.0.0.1:${appPort}`);
    const answer = await slack.sendBlockAction({
      userId: 'U0ADA',
      actionId: 'paper_upvote',
      value: paperId,
      channelId: CHANNELS[0]!,
      messageTs: first.ts,
    });
    expect(answer.status).toBe(200);
    await eventually(
      async () => JSON.stringify(slack.messages(CHANNELS[0])[0]?.blocks).includes('▲ 1'),
      'the vote on the card',
    );
  });

  it('stops every process cleanly on SIGTERM', async () => {
    for (const { child } of processes) child.kill('SIGTERM');
    const codes = await Promise.all(processes.map((p) => p.exited));
    expect(codes).toEqual([0, 0, 0]);
  }, 30_000);
});
