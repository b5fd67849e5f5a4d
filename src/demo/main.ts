/**
 * `npm run demo`: Paperboy's main job end to end with no Slack workspace and no internet. The
 * recorded Hugging Face feed is served over local HTTP, the real app and workers run against the
 * built-in Slack emulator, and every card is printed here as it is posted, followed by a vote
 * round-trip. `--exit` stops after that instead of running until Ctrl-C.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogLevel } from '@slack/bolt';
import { FeedServer, loadHfFixture } from '../../test/support/feed-server';
import { renderMessage } from '../../test/support/render-text';
import { SlackEmulator, type PostedMessage } from '../../test/support/slack-emulator';
import { upvoteLabelOf } from '../../test/support/cards';
import { ConfigError, loadConfig, loadDemoConfig } from '../config';
import { createLogger } from '../logger';
import { startPaperboy } from '../paperboy';
import { purgeKeys } from '../queue/connection';
import { ensureRedis, RedisUnavailableError } from './local-redis';

const CHANNEL = 'C0PAPERS';
const VOTERS = [
  { id: 'U0ALICE', name: 'Alice' },
  { id: 'U0BOB', name: 'Bob' },
];
const WIDTH = Math.min(process.stdout.columns || 100, 100);

const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[22m` : text);
const dim = (text: string) => (process.stdout.isTTY ? `\u001b[2m${text}\u001b[22m` : text);
const say = (text = '') => process.stdout.write(`${text}\n`);

function printCard(message: PostedMessage, index: number): void {
  say(
    dim(`── #papers · card ${index} ${'─'.repeat(Math.max(0, WIDTH - 22 - String(index).length))}`),
  );
  say(renderMessage(message, { width: WIDTH }));
  say();
}

// Everything started is stopped in reverse order, on Ctrl-C, SIGTERM, a closed pipe or failure;
// the handlers are in place before anything starts.
const cleanups: Array<() => unknown> = [];
let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= (async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined);
    }
  })());
const onSignal = () => {
  say('\nStopping…');
  void stop().then(() => process.exit(0));
};

async function main(argv: readonly string[]): Promise<number> {
  const exitWhenDone = argv.includes('--exit');
  const settings = loadDemoConfig();
  const logger = createLogger({
    level: (settings.LOG_LEVEL === 'info' ? 'warn' : settings.LOG_LEVEL) as LogLevel,
  });

  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // `npm run demo | head`: the reader left; stop as cleanly as after Ctrl-C.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') void stop().then(() => process.exit(0));
  });

  const redis = await ensureRedis(settings.REDIS_URL);
  cleanups.push(() => redis.stop());
  const fixture = loadHfFixture();
  const today = new Date().toISOString().slice(0, 10);
  const feed = await FeedServer.start({ dailyByDate: { [today]: fixture } });
  cleanups.push(() => feed.close());
  const slack = await SlackEmulator.start();
  cleanups.push(() => slack.close());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-demo-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  say(bold('Paperboy demo'));
  say(
    `  Redis          ${redis.url} (${redis.origin === 'started' ? 'started for the demo' : 'already running'})`,
  );
  say(`  Hugging Face   ${feed.hfApiUrl} (the recorded feed: ${fixture.length} papers)`);
  say(`  Slack          ${slack.apiUrl} (local emulator; channel #papers is ${CHANNEL})`);
  say(`  Database       ${path.join(dataDir, 'paperboy.db')}`);
  say();

  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    DATABASE_URL: path.join(dataDir, 'paperboy.db'),
    HF_API_URL: feed.hfApiUrl,
    ANNOUNCE_CHANNELS: CHANNEL,
    POLL_EVERY: '15m',
  });

  let posted = 0;
  let lastPostAt = 0;
  slack.on('message', (message) => {
    if (message.channel !== CHANNEL) return;
    posted += 1;
    lastPostAt = Date.now();
    printCard(message, posted);
  });

  const queuePrefix = `{paperboy-demo-${randomUUID().slice(0, 8)}}`;
  cleanups.push(() => purgeKeys(redis.url, queuePrefix));
  const paperboy = await startPaperboy({
    // The demo's ports are its own business: no operations endpoints taking 9090.
    config: { ...config, PORT: 0, OPS_PORT: 'off' },
    role: 'all',
    logger,
    queuePrefix,
    // The recorded feed is served locally: Hugging Face's limits are not at stake.
    hfMinIntervalMs: 0,
    // Nor Slack's: the local emulator limits no channel, and the demo's 50 cards would take a
    // minute at one per second.
    channelPacing: 'off',
  });
  slack.setAppUrl(`http://127.0.0.1:${paperboy.port}`);

  cleanups.push(() => paperboy.stop(10_000));

  await slack.waitFor(() => posted >= fixture.length, { timeoutMs: 60_000 });
  // The Hugging Face poll, not the arXiv one (which finds no followed category and ends at once).
  const poll = (await paperboy.queues.pollFeed.getCompleted()).find(
    (job) => job.data.feed === 'hf',
  );
  const pollStartedAt = poll?.processedOn ?? lastPostAt;
  say(
    bold(
      `${posted} cards posted in #papers, ${lastPostAt - pollStartedAt} ms from the poll's start to the last card.`,
    ),
  );
  say();

  const first = slack.messages(CHANNEL)[0]!;
  const paperId = String(first.metadata?.event_payload['paper_id']);
  say(bold(`Votes on card 1 (${paperId}):`));
  const clicks = [VOTERS[0]!, VOTERS[1]!, VOTERS[0]!];
  for (const voter of clicks) {
    const editsBefore = slack.messages(CHANNEL)[0]!.edits;
    const answer = await slack.sendBlockAction({
      userId: voter.id,
      actionId: 'paper_upvote',
      value: paperId,
      channelId: CHANNEL,
      messageTs: first.ts,
    });
    const updated = await slack.waitFor(() => {
      const card = slack.messages(CHANNEL)[0];
      return card && card.edits > editsBefore ? card : undefined;
    });
    say(
      `  ${voter.name} clicks ▲ (acked ${answer.status} in ${answer.elapsedMs} ms) → the card now shows ${upvoteLabelOf(updated) ?? '?'}`,
    );
  }
  say();
  /** Runs a slash command and prints the ephemeral answer, whether acked or sent afterwards. */
  const ask = async (text: string, userId?: string) => {
    const before = slack.ephemerals(CHANNEL).length;
    await slack.sendSlashCommand({ text, channelId: CHANNEL, ...(userId ? { userId } : {}) });
    const answer = await slack.waitFor(() => slack.ephemerals(CHANNEL)[before]);
    say(bold(`/papers ${text} answers (only you can see this):`));
    say(renderMessage(answer, { width: WIDTH }));
    say();
  };
  await ask('search speculative decoding');
  await ask('top week');
  await ask('help');

  // A keyword alert: Alice subscribes, and the next poll DMs her the recent papers that match,
  // linking to their threads in #papers (she is a member) rather than repeating the cards.
  const alice = VOTERS[0]!;
  slack.setChannelMembers(CHANNEL, [...VOTERS.map((voter) => voter.id), slack.botUserId]);
  await ask('subscribe "speculative decoding" tokeniz*', alice.id);
  await paperboy.queues.pollNow('hf');
  const alert = await slack.waitFor(
    () => slack.directMessages(alice.id).find((m) => m.metadata?.event_type === 'paper_alert'),
    { timeoutMs: 30_000 },
  );
  say(bold(`After the next poll, ${alice.name} gets a DM from Paperboy:`));
  say(renderMessage(alert, { width: WIDTH }));
  say();
  say(dim(`Peak memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB.`));

  if (exitWhenDone) {
    await stop();
    return 0;
  }
  say(
    `Paperboy keeps running (polling every 15m, Slack requests at http://127.0.0.1:${paperboy.port}/slack/events). Ctrl-C to stop.`,
  );
  return new Promise<number>(() => undefined);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    await stop();
    if (error instanceof RedisUnavailableError || error instanceof ConfigError)
      console.error(error.message);
    else
      console.error(
        'The demo stopped on an unexpected error:',
        error instanceof Error ? error.message : error,
      );
    process.exit(1);
  },
);
