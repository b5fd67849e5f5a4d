/**
 * `npm run demo`: Paperboy's main job end to end with no Slack workspace and no internet. The
 * recorded Hugging Face feed is served over local HTTP, the real app and workers run against the
 * built-in Slack emulator, every card is printed here as it is posted, followed by a vote
 * round-trip, a few `/papers` answers and a keyword alert, and a local web page shows the whole
 * workspace as a small Slack you can click.
 *
 * Flags: `--exit` stops after the walkthrough instead of running until Ctrl-C; `--live` polls the
 * Hugging Face API at `HF_API_URL` (default the real feed, which needs the network) instead of the
 * recorded day; `--port N` serves the page on N (default 3000, or any free port when 3000 is
 * taken).
 */
import { LogLevel } from '@slack/bolt';
import { loadHfFixture } from '../../test/support/feed-server';
import { renderMessage } from '../../test/support/render-text';
import { type PostedMessage } from '../../test/support/slack-emulator';
import { upvoteLabelOf } from '../../test/support/cards';
import { ConfigError, loadDemoConfig } from '../config';
import { createLogger } from '../logger';
import { ensureRedis, RedisUnavailableError } from './local-redis';
import { PAPERS_CHANNEL_ID } from './web/directory';
import { startDemo, type RunningDemo } from './workspace';

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

/**
 * Resolves with what `probe` finds, asking every 50 ms for up to a minute; then fails, saying that
 * `what` (e.g. `the first poll`) did not finish.
 */
async function settle<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`${what} did not finish within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A flag the demo does not take: said in one line, with what it does take. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The demo's flags; a wrong one is a friendly error, not a surprise. */
function parseFlags(argv: readonly string[]): { exit: boolean; live: boolean; port?: number } {
  const flags: { exit: boolean; live: boolean; port?: number } = { exit: false, live: false };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '--exit') flags.exit = true;
    else if (flag === '--live') flags.live = true;
    else if (flag === '--port') {
      const value = argv[(i += 1)] ?? '';
      // Digits only: `Number('')` and `Number(' ')` are 0 (any port), `Number('0x50')` is 80.
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) {
        throw new UsageError('--port needs a port number, e.g. --port 8080');
      }
      flags.port = Number(value);
    } else {
      throw new UsageError(`unknown flag ${flag}; the demo takes --exit, --live and --port N`);
    }
  }
  return flags;
}

async function main(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv);
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

  let posted = 0;
  let lastPostAt = 0;
  const recorded = flags.live ? undefined : loadHfFixture();
  const demo = await startDemo({
    redisUrl: redis.url,
    logger,
    ...(recorded
      ? { feeds: 'recorded', recordedPapers: recorded }
      : { feeds: 'live', liveHfApiUrl: settings.HF_API_URL }),
    webPort: flags.port ?? 3000,
    anyPortIfTaken: flags.port === undefined,
  });
  cleanups.push(() => demo.stop());
  const { slack, feed, paperboy } = demo;
  // Cards posted before this line ran are printed first, so none is missed or printed twice.
  const printNewCards = () => {
    const cards = slack
      .messages(PAPERS_CHANNEL_ID)
      .filter((m) => m.user === slack.botUserId && m.threadTs === undefined);
    for (const card of cards.slice(posted)) {
      printCard(card, (posted += 1));
      lastPostAt = Date.now();
    }
  };

  say(bold('Paperboy demo'));
  say(
    `  Redis          ${redis.url} (${redis.origin === 'started' ? 'started for the demo' : 'already running'})`,
  );
  say(
    feed
      ? `  Hugging Face   ${feed.hfApiUrl} (the recorded feed: ${recorded?.length ?? 0} papers)`
      : `  Hugging Face   ${settings.HF_API_URL} (the live Daily Papers feed)`,
  );
  say(`  Slack          ${slack.apiUrl} (local emulator; channel #papers is ${PAPERS_CHANNEL_ID})`);
  say(`  Database       ${demo.databaseFile}`);
  say(bold(`  Open ${demo.web.url} to see the workspace as a small Slack you can click.`));
  say();
  printNewCards();
  slack.on('message', printNewCards);

  // The Hugging Face poll, not the arXiv one (which finds no followed category and ends at once),
  // and then every card it queued.
  // A failed attempt counts as an answer: a live feed that cannot be reached is said so at once.
  const poll = await settle('the first poll', async () =>
    (await paperboy.queues.pollFeed.getJobs(['completed', 'failed', 'delayed'])).find(
      (job) => job.data.feed === 'hf' && (job.finishedOn !== undefined || job.failedReason),
    ),
  );
  if (poll.failedReason) {
    say(
      bold(
        `The Hugging Face poll failed: ${poll.failedReason}. Paperboy retries it, and polls again every 15m.`,
      ),
    );
    say();
  }
  await settle("the first poll's cards", async () => {
    const left = await paperboy.queues.announce.getJobCountByTypes('waiting', 'active', 'delayed');
    return left === 0;
  });
  const pollStartedAt = poll.processedOn ?? lastPostAt;
  say(
    bold(
      posted === 0
        ? 'No cards posted in #papers yet.'
        : `${posted} cards posted in #papers, ${lastPostAt - pollStartedAt} ms from the poll's start to the last card.`,
    ),
  );
  say();
  if (recorded && posted > 0) await walkthrough(demo);
  say(dim(`Peak memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB.`));

  if (flags.exit) {
    await stop();
    return 0;
  }
  say(
    bold(
      `Paperboy keeps running: open ${demo.web.url} to click around as Alice, Bob or Carol (polling every 15m). Ctrl-C to stop.`,
    ),
  );
  return new Promise<number>(() => undefined);
}

/**
 * The recorded day's walkthrough: votes on the first card, a few `/papers` answers, and Alice's
 * keyword alert after the next poll.
 */
async function walkthrough({ slack, paperboy }: RunningDemo): Promise<void> {
  const first = slack.messages(PAPERS_CHANNEL_ID)[0]!;
  const paperId = String(first.metadata?.event_payload['paper_id']);
  say(bold(`Votes on card 1 (${paperId}):`));
  const clicks = [VOTERS[0]!, VOTERS[1]!, VOTERS[0]!];
  for (const voter of clicks) {
    const editsBefore = slack.messages(PAPERS_CHANNEL_ID)[0]!.edits;
    const answer = await slack.sendBlockAction({
      userId: voter.id,
      actionId: 'paper_upvote',
      value: paperId,
      channelId: PAPERS_CHANNEL_ID,
      messageTs: first.ts,
    });
    const updated = await slack.waitFor(() => {
      const card = slack.messages(PAPERS_CHANNEL_ID)[0];
      return card && card.edits > editsBefore ? card : undefined;
    });
    say(
      `  ${voter.name} clicks ▲ (acked ${answer.status} in ${answer.elapsedMs} ms) → the card now shows ${upvoteLabelOf(updated) ?? '?'}`,
    );
  }
  say();
  /** Runs a slash command and prints the ephemeral answer, whether acked or sent afterwards. */
  const ask = async (text: string, userId?: string) => {
    const before = slack.ephemerals(PAPERS_CHANNEL_ID).length;
    await slack.sendSlashCommand({
      text,
      channelId: PAPERS_CHANNEL_ID,
      ...(userId ? { userId } : {}),
    });
    const answer = await slack.waitFor(() => slack.ephemerals(PAPERS_CHANNEL_ID)[before]);
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
  await ask('subscribe "speculative decoding" tokeniz*', alice.id);
  await paperboy.queues.pollNow('hf');
  const alert = await slack.waitFor(
    () => slack.directMessages(alice.id).find((m) => m.metadata?.event_type === 'paper_alert'),
    { timeoutMs: 30_000 },
  );
  say(bold(`After the next poll, ${alice.name} gets a DM from Paperboy:`));
  say(renderMessage(alert, { width: WIDTH }));
  say();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    await stop();
    if (error instanceof UsageError) console.error(`npm run demo: ${error.message}`);
    else if (error instanceof RedisUnavailableError || error instanceof ConfigError)
      console.error(error.message);
    else
      console.error(
        'The demo stopped on an unexpected error:',
        error instanceof Error ? error.message : error,
      );
    process.exit(1);
  },
);
