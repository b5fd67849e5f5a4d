import { launchChromium } from '../src/demo/web/browser';
import { startDemo } from '../src/demo/workspace';
import { loadHfFixture, utcDay } from '../test/support/feed-server';
import { captureLogger, TEST_REDIS_URL } from '../test/support/harness';

export interface PageFigures {
  papers: number;
  /** From asking for a poll to the first card drawn on the open page. */
  pollToFirstCardMs: number;
  /** The same, to the last card. */
  pollToLastCardMs: number;
  /** ▲ clicks in Chromium until the card on the page shows the new count, sorted. */
  clickToCountMs: number[];
}

/**
 * The local workspace page as a member sees it, in Chromium: the recorded day arriving on an open
 * page, then `clicks` clicks on ▲ (the same member toggling their vote) until the page redraws the
 * card. Everything between is real: the app, workers, Redis, SQLite, the emulator, Server-Sent
 * Events and the page's redraw.
 */
export async function measurePage(clicks: number): Promise<PageFigures> {
  const { logger } = captureLogger();
  const demo = await startDemo({ redisUrl: TEST_REDIS_URL, logger, recordedPapers: [] });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${demo.web.url}#member=U0ALICE&place=C0PAPERS`);
    await page.getByText('No messages yet.').waitFor();

    const papers = loadHfFixture();
    demo.feed!.setDaily(utcDay(), papers);
    const asked = performance.now();
    await demo.paperboy.queues.pollNow('hf');
    const cards = page.locator('#main .message');
    await cards.first().waitFor();
    const pollToFirstCardMs = performance.now() - asked;
    await cards.nth(papers.length - 1).waitFor({ timeout: 60_000 });
    const pollToLastCardMs = performance.now() - asked;

    const upvote = cards.last().locator('[data-action-id="paper_upvote"]');
    const clickToCountMs: number[] = [];
    for (let i = 0; i < clicks; i += 1) {
      const shown = await upvote.innerText();
      const next = shown === '▲ 0' ? '▲ 1' : '▲ 0';
      const started = performance.now();
      await upvote.click();
      await cards
        .last()
        .locator('[data-action-id="paper_upvote"]', { hasText: new RegExp(`^${next}$`) })
        .waitFor();
      clickToCountMs.push(performance.now() - started);
    }
    return {
      papers: papers.length,
      pollToFirstCardMs,
      pollToLastCardMs,
      clickToCountMs: clickToCountMs.sort((a, b) => a - b),
    };
  } finally {
    await browser.close();
    await demo.stop();
  }
}
