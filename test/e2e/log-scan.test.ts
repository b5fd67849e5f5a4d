import { randomBytes } from 'node:crypto';
import { format as formatArgs } from 'node:util';
import type { LogLevel } from '@slack/bolt';
import { Redis } from 'ioredis';

import { loadConfig, secretsIn } from '../../src/config';
import { createLogger, type LogFormat } from '../../src/logger';
import { startPaperboy, type RunningPaperboy } from '../../src/paperboy';
import { purgeKeys } from '../../src/queue/connection';
import { paperIdOf, upvoteLabelOf } from '../support/cards';
import { FeedServer, loadHfFixture } from '../support/feed-server';
import { eventually, tempDatabase, TEST_REDIS_URL, uniquePrefix, utcDay } from '../support/harness';
import { SlackEmulator, type PostedMessage } from '../support/slack-emulator';

/**
 * The whole system's output at `debug`, in each log format, over the main flows: poll and post
 * (through a 429 and a 500 from Slack), a vote, a search, shares (one refused with a 429), a
 * thread reply, link unfurls, App Home (once through a 500), and a forged request. No line, and
 * no key or value the app keeps in Redis, may show the bot token, the signing secret, the app
 * token or a `Bearer` value. The logger redacts; this proves nothing reaches a sink around it.
 *
 * Not through the harness: it logs at `info`, in text, with the emulator's default secrets. The
 * set-up below is the harness's with the logger built as `main.ts` builds it.
 */

const ITEMS = loadHfFixture().slice(0, 3) as Array<{ paper: { id: string; title: string } }>;
const CHANNEL = 'C0READING';
const FORM = 'application/x-www-form-urlencoded';

interface Secrets {
  'bot token': string;
  'signing secret': string;
  'app token': string;
}

/** Known values, unlike any default, so that a hit can only be a leak. */
function newSecrets(): Secrets {
  const tag = randomBytes(6).toString('hex');
  return {
    'bot token': `xoxb-4815162342-logscan-${tag}`,
    // Not shaped like a Slack token: only the configured secrets list can redact it.
    'signing secret': `7f3a9c1e5b8d2f4a6c0e${tag}`,
    'app token': `xapp-1-A0LOGSCAN-4815162342-${tag}`,
  };
}

/** What may not appear: each secret, any Slack token, a Bearer header's value. */
function leaksIn(text: string, secrets: Secrets): string[] {
  const found: string[] = Object.entries(secrets)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name);
  if (/(?:xox[abposr]|xapp)-[A-Za-z0-9]/.test(text)) found.push('a Slack token');
  if (/Bearer(?:\s|%20|\\+[bfnrt]|\\+u[0-9A-Fa-f]{4})+[A-Za-z0-9._~+/-]/i.test(text)) {
    found.push('a Bearer value');
  }
  return found;
}

interface Run {
  slack: SlackEmulator;
  feed: FeedServer;
  paperboy: RunningPaperboy;
  prefix: string;
  /** Every line the logger wrote, and whatever reached the console besides. */
  lines: string[];
  stop(): Promise<void>;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

async function startRun(format: LogFormat, socketMode: boolean, secrets: Secrets): Promise<Run> {
  const slack = await SlackEmulator.start({
    token: secrets['bot token'],
    signingSecret: secrets['signing secret'],
    appToken: secrets['app token'],
  });
  // The first two posts fail: Slack's 429 (a pause for the job) and a 500 (a failed attempt).
  slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
  slack.failNext('chat.postMessage', { status: 500 });
  const feed = await FeedServer.start({ dailyByDate: { [utcDay()]: ITEMS } });
  const db = tempDatabase();
  const prefix = uniquePrefix();
  const lines: string[] = [];
  const spies = CONSOLE_METHODS.map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(formatArgs(...args));
    }),
  );
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: secrets['bot token'],
    SLACK_SIGNING_SECRET: secrets['signing secret'],
    ...(socketMode ? { SLACK_APP_TOKEN: secrets['app token'] } : {}),
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: TEST_REDIS_URL,
    DATABASE_URL: db.file,
    HF_API_URL: feed.hfApiUrl,
    ARXIV_API_URL: feed.arxivApiUrl,
    ANNOUNCE_CHANNELS: CHANNEL,
    LOG_LEVEL: 'debug',
    LOG_FORMAT: format,
  };
  const config = loadConfig(env);
  // As main.ts builds it.
  const logger = createLogger({
    level: config.LOG_LEVEL as LogLevel,
    format: config.LOG_FORMAT,
    secrets: secretsIn(env),
    sink: (_level, line) => {
      lines.push(line);
      if (process.env.PAPERBOY_TEST_LOGS) process.stdout.write(`${line}\n`);
    },
  });
  let paperboy: RunningPaperboy;
  try {
    paperboy = await startPaperboy({
      config: { ...config, PORT: 0, OPS_PORT: 0 },
      role: 'all',
      logger,
      queuePrefix: prefix,
      feedFetch: { timeoutMs: 1_000, retries: 2, baseDelayMs: 10 },
      arxivMinIntervalMs: 10,
      hfMinIntervalMs: 0,
    });
  } catch (error) {
    for (const spy of spies) spy.mockRestore();
    await Promise.all([slack.close(), feed.close()]);
    db.remove();
    throw error;
  }
  if (paperboy.port) slack.setAppUrl(`http://127.0.0.1:${paperboy.port}`);
  let stopped: Promise<void> | undefined;
  return {
    slack,
    feed,
    paperboy,
    prefix,
    lines,
    stop() {
      stopped ??= (async () => {
        try {
          await paperboy.stop(5_000);
          await Promise.all([slack.close(), feed.close()]);
          await purgeKeys(TEST_REDIS_URL, prefix);
          db.remove();
        } finally {
          for (const spy of spies) spy.mockRestore();
        }
      })();
      return stopped;
    },
  };
}

/** Every key under the prefix with its value, whatever the type, as text. */
async function redisDump(prefix: string): Promise<string[]> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const entries: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let value: unknown;
        if (type === 'string') value = await redis.get(key);
        else if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'list') value = await redis.lrange(key, 0, -1);
        else if (type === 'set') value = await redis.smembers(key);
        else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
        else if (type === 'stream') value = await redis.xrange(key, '-', '+');
        else value = `(${type})`;
        entries.push(`${key} ${JSON.stringify(value)}`);
      }
    } while (cursor !== '0');
    return entries;
  } finally {
    redis.disconnect();
  }
}

describe('the scan itself', () => {
  it('finds each secret, any Slack token and a Bearer value, as written or JSON-escaped', () => {
    const secrets = newSecrets();
    for (const value of Object.values(secrets)) {
      expect(leaksIn(`[warn] x: ${value}`, secrets)).not.toEqual([]);
      expect(leaksIn(JSON.stringify({ msg: `a\n${value}` }), secrets)).not.toEqual([]);
    }
    expect(leaksIn('token xoxp-1234-5678', secrets)).toEqual(['a Slack token']);
    const headers = ['Bearer abc.def', 'bearer\tabc', '"Bearer\\tabc"', 'Bearer%20abc'];
    for (const header of headers) {
      expect(leaksIn(header, secrets)).toEqual(['a Bearer value']);
    }
    expect(leaksIn('Authorization: [redacted] and "[[REDACTED]]"', secrets)).toEqual([]);
  });
});

const RUNS: ReadonlyArray<{ format: LogFormat; mode: 'http' | 'socket' }> = [
  { format: 'json', mode: 'http' },
  { format: 'text', mode: 'http' },
  { format: 'json', mode: 'socket' },
];

describe.each(RUNS)(
  'no secret in the logs or in Redis: $format lines, $mode',
  ({ format, mode }) => {
    const secrets = newSecrets();
    const socketMode = mode === 'socket';
    let run: Run;
    let seq = 0;

    beforeAll(async () => {
      run = await startRun(format, socketMode, secrets);
      if (socketMode) await run.slack.socketConnected();
    });

    afterAll(async () => {
      await run?.stop();
    });

    const command = (text: string, channelId: string, userId = 'U0ALICE') =>
      socketMode
        ? run.slack.socketSlashCommand({ text, channelId, userId })
        : run.slack.sendSlashCommand({ text, channelId, userId });
    const event = (fields: Record<string, unknown>) =>
      socketMode ? run.slack.socketEvent(fields) : run.slack.sendEvent(fields);
    const cards = (channelId: string) =>
      run.slack.messages(channelId).filter((m) => m.metadata?.event_type === 'paper_posted');
    const answers = (channelId: string) =>
      run.slack.ephemerals(channelId).filter((e) => e.source === 'response_url');
    const nextTs = () => `1800000000.${String((seq += 1)).padStart(6, '0')}`;

    it('runs the main flows at debug level', async () => {
      // Poll and post, through Slack's 429 and 500: their retries are run now, not after the wait.
      const { announce } = run.paperboy.queues;
      await eventually(
        async () => {
          for (const job of await announce.getDelayed()) await job.promote().catch(() => undefined);
          return cards(CHANNEL).length === ITEMS.length;
        },
        'every card to be posted',
        10_000,
      );
      const card = cards(CHANNEL)[0] as PostedMessage;
      const paperId = paperIdOf(card);

      // A vote.
      const vote = {
        userId: 'U0BOB',
        actionId: 'paper_upvote',
        value: paperId,
        channelId: CHANNEL,
        messageTs: card.ts,
      };
      await (socketMode ? run.slack.socketBlockAction(vote) : run.slack.sendBlockAction(vote));
      await run.slack.waitFor(() => upvoteLabelOf(cards(CHANNEL)[0]) === '▲ 1');

      // A search.
      await command(`search ${ITEMS[1]!.paper.title}`, 'C0ASK');
      await run.slack.waitFor(() => answers('C0ASK').length === 1);

      // A share Slack refuses with a 429, then one that is posted.
      run.slack.failNext('chat.postMessage', { status: 429, retryAfter: 3 });
      await command(`share ${paperId} have a look`, 'C0SHARE');
      await run.slack.waitFor(() => answers('C0SHARE')[0]?.text?.includes('slow down'));
      await command(`share ${paperId} have a look`, 'C0SHARE');
      await run.slack.waitFor(() => cards('C0SHARE').length === 1);

      // A thread reply under the card.
      await event({
        type: 'message',
        channel: CHANNEL,
        user: 'U0ALICE',
        text: 'Nice ablations',
        ts: nextTs(),
        thread_ts: card.ts,
      });
      await eventually(
        async () =>
          (
            await run.paperboy.store.findDelivery(
              { workspaceId: run.slack.teamId, channelId: CHANNEL },
              paperId,
            )
          )?.replyCount === 1,
        'the reply to be counted',
      );

      // Link unfurls: a paper Paperboy knows, and one it looks up and nobody knows.
      const messageTs = nextTs();
      await event({
        type: 'link_shared',
        channel: CHANNEL,
        user: 'U0ALICE',
        message_ts: messageTs,
        links: [
          { domain: 'arxiv.org', url: `https://arxiv.org/abs/${paperId}` },
          { domain: 'huggingface.co', url: 'https://huggingface.co/papers/2510.99999' },
        ],
      });
      await run.slack.waitFor(() => run.slack.unfurls().some((u) => u.ts === messageTs));

      // App Home, once through a 500 from Slack.
      run.slack.failNext('views.publish', { status: 500 });
      const home = { type: 'app_home_opened', user: 'U0ALICE', tab: 'home', channel: 'D0HOME' };
      await event(home);
      await run.slack.waitFor(() => run.slack.calls('views.publish').length === 1);
      await event(home);
      await run.slack.waitFor(() => run.slack.views('U0ALICE').length === 1);

      if (!socketMode) {
        // A request whose signature is not Slack's.
        const body = new URLSearchParams({ text: 'help', command: '/papers' }).toString();
        const forged = await run.slack.signedPost(body, FORM, {
          signature: `v0=${'0'.repeat(64)}`,
        });
        expect(forged.status).toBe(401);
      }

      // The run went through each path that logs: debug lines, Slack's errors, the retries.
      const text = run.lines.join('\n');
      expect(text).toMatch(format === 'json' ? /"levelName":"debug"/ : /\[debug\]/);
      expect(text).toContain('http request url');
      expect(text).toMatch(/announce job \S+ failed \(attempt 1, will retry\)/);
      expect(text).toMatch(/could not publish|unhandled error in a Slack listener/);
    }, 25_000);

    it('keeps every secret out of the keys and values under its prefix in Redis', async () => {
      const dump = await redisDump(run.prefix);
      expect(dump.length).toBeGreaterThan(0);
      expect(
        dump.flatMap((entry) => leaksIn(entry, secrets).map((what) => `${what}: ${entry}`)),
      ).toEqual([]);
    });

    it('keeps every secret out of every line written, shutdown included', async () => {
      await run.stop();
      expect(run.lines.length).toBeGreaterThan(50);
      expect(
        run.lines.flatMap((line) => leaksIn(line, secrets).map((what) => `${what}: ${line}`)),
      ).toEqual([]);
    });
  },
);
