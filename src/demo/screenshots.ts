/**
 * `npm run screenshots`: the pictures in `docs/` that the README shows, taken from the local
 * workspace page in Chromium after a little team activity on the recorded feed: a channel, a
 * thread and the App Home tab. Needs Redis (or starts one) and Debian's Chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { loadHfFixture } from '../../test/support/feed-server';
import { paperIdOf } from '../../test/support/cards';
import { loadDemoConfig } from '../config';
import { createLogger } from '../logger';
import { ensureRedis } from './local-redis';
import { launchChromium } from './web/browser';
import { PAPERS_CHANNEL_ID } from './web/directory';
import { startDemo, type RunningDemo } from './workspace';

const DOCS = path.resolve(__dirname, '..', '..', 'docs');
const VIEWPORT = { width: 1280, height: 800 };

/** Votes, a discussion and a keyword alert, so the pictures show a team at work. */
async function teamActivity({ slack, paperboy }: RunningDemo): Promise<string> {
  const cards = slack.messages(PAPERS_CHANNEL_ID).filter((m) => m.user === slack.botUserId);
  const click = (userId: string, index: number) => {
    const card = cards[cards.length - index]!;
    return slack.sendBlockAction({
      userId,
      actionId: 'paper_upvote',
      value: paperIdOf(card),
      channelId: PAPERS_CHANNEL_ID,
      messageTs: card.ts,
    });
  };
  for (const [userId, index] of [
    ['U0ALICE', 1],
    ['U0BOB', 1],
    ['U0CAROL', 1],
    ['U0BOB', 2],
    ['U0ALICE', 3],
  ] as const) {
    await click(userId, index);
  }
  const discussed = cards[cards.length - 2]!;
  for (const [userId, text] of [
    ['U0BOB', 'Has anyone tried this on our eval set? The speed-up in table 2 looks *too* good.'],
    ['U0CAROL', 'I ran their code last night: about 1.8× on our 7B model, quality unchanged.'],
    ['U0ALICE', 'Nice! Let’s discuss it in Thursday’s reading group.'],
  ] as const) {
    await slack.postAsUser({ userId, channel: PAPERS_CHANNEL_ID, text, threadTs: discussed.ts });
  }
  await slack.sendSlashCommand({
    userId: 'U0ALICE',
    channelId: PAPERS_CHANNEL_ID,
    text: 'subscribe "speculative decoding" tokeniz* author:"Elena Moreau"',
  });
  await paperboy.queues.pollNow('hf');
  await slack.waitFor(() => slack.directMessages('U0ALICE').length > 0, { timeoutMs: 30_000 });
  // The thread's 💬 count and the votes are written to the cards by the workers: let them land.
  await slack.waitFor(() =>
    JSON.stringify(
      slack.messages(PAPERS_CHANNEL_ID).find((m) => m.ts === discussed.ts)?.blocks,
    ).includes('💬 3'),
  );
  return discussed.ts;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400); // the last redraw, and fonts
  const file = path.join(DOCS, name);
  await page.screenshot({ path: file });
  process.stdout.write(`  ${path.relative(process.cwd(), file)}\n`);
}

async function main(): Promise<void> {
  const settings = loadDemoConfig();
  const logger = createLogger({ level: 'error' as never });
  const redis = await ensureRedis(settings.REDIS_URL);
  const recorded = loadHfFixture();
  const demo = await startDemo({ redisUrl: redis.url, logger, recordedPapers: recorded });
  const browser = await launchChromium().catch(async (error: unknown) => {
    await demo.stop();
    await redis.stop();
    throw error;
  });
  try {
    await demo.slack.waitFor(
      () => demo.slack.messages(PAPERS_CHANNEL_ID).length >= recorded.length,
      {
        timeoutMs: 60_000,
      },
    );
    const thread = await teamActivity(demo);
    fs.mkdirSync(DOCS, { recursive: true });
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    const base = `${demo.web.url}#member=U0ALICE&place=${PAPERS_CHANNEL_ID}`;

    await page.goto(base);
    await page.locator('#main .reply-bar').first().waitFor();
    await shoot(page, 'channel.png');

    await page.goto(`${base}&thread=${thread}`);
    await page.locator('#thread .message').nth(3).waitFor();
    await shoot(page, 'thread.png');

    await page.goto(`${demo.web.url}#member=U0ALICE&place=app:home`);
    await page.locator('#main .home[data-view-id]').waitFor();
    await shoot(page, 'app-home.png');

    await page.goto(`${demo.web.url}#member=U0ALICE&place=app:messages`);
    await page.locator('#main .message').first().waitFor();
    await shoot(page, 'alert-dm.png');
  } finally {
    await browser.close();
    await demo.stop();
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('Screenshots failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
