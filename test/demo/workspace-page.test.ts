/**
 * The local workspace page in a real browser (Debian's Chromium, driven by Playwright): what a
 * member sees and does there reaches the real app and workers as Slack would send it.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../src/demo/web/browser';
import { startDemo, type RunningDemo } from '../../src/demo/workspace';
import { loadHfFixture, utcDay } from '../support/feed-server';
import { captureLogger, TEST_REDIS_URL } from '../support/harness';

interface HfItem {
  paper: { id: string; title: string; summary: string };
}

const RECORDED = loadHfFixture() as HfItem[];
const FIRST = RECORDED[0]!;
const SECOND = RECORDED[1]!;
/**
 * A paper Alice's keyword matches. It is in the first poll, so its card is in #papers before
 * her alert (from a later poll) links to its thread.
 */
const TOKENIZERS = RECORDED.find((item) => /tokenizer/i.test(item.paper.title))!;
const HOSTILE_TITLE =
  'Attention <script>window.__pwned = 1</script> & <img src=x onerror="window.__pwned = 2">';
/** A paper whose title and abstract try to run script in the page and ping the channel. */
const HOSTILE: HfItem = {
  ...RECORDED[2]!,
  paper: {
    ...RECORDED[2]!.paper,
    title: HOSTILE_TITLE,
    summary: '<!channel> "><svg onload="window.__pwned = 3"> *bold* <javascript:alert(1)|click>',
  },
};

/** The block of a paper card that holds its title. */
const TITLE = '[data-block-id="paper_title"]';

jest.setTimeout(60_000);

describe('the local workspace page, in Chromium', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  const { logger } = captureLogger();

  beforeAll(async () => {
    // Today's feed starts empty, so the page is open before the first card arrives.
    [demo, browser] = await Promise.all([
      startDemo({ redisUrl: TEST_REDIS_URL, logger, recordedPapers: [] }),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${demo.web.url}#member=U0ALICE&place=C0PAPERS`);
    await page.getByText('No messages yet.').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const card = (title: string) => page.locator('#main .message', { hasText: title });
  /** A card's title, as the member reads it. */
  const titleOf = (message: Locator) => message.locator(TITLE).innerText();

  /** Types into a message box and sends it with Enter, as a member would. */
  async function send(box: 'composer-input' | 'thread-composer-input', text: string) {
    await page.locator(`#${box}`).fill(text);
    await page.locator(`#${box}`).press('Enter');
  }

  /** The card's upvote button once it reads exactly `label`. */
  const upvoteReading = (title: string, label: string) =>
    card(title).locator('[data-action-id="paper_upvote"]', { hasText: new RegExp(`^${label}$`) });

  it('shows a card arriving in #papers after a poll, without a reload', async () => {
    await page.evaluate('window.__sameDocument = true');
    demo.feed!.setDaily(utcDay(), [FIRST, SECOND, HOSTILE, TOKENIZERS]);
    await demo.paperboy.queues.pollNow('hf');
    await card(FIRST.paper.title).waitFor();
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect(await titleOf(card(FIRST.paper.title))).toBe(FIRST.paper.title);
    await upvoteReading(FIRST.paper.title, '▲ 0').waitFor();
    await card(SECOND.paper.title).waitFor();
  });

  it('sends a click on ▲ to the app, and the card shows the new count', async () => {
    await upvoteReading(FIRST.paper.title, '▲ 0').click();
    await upvoteReading(FIRST.paper.title, '▲ 1').waitFor();
    const votes = demo.slack.calls('chat.update').length;
    expect(votes).toBeGreaterThan(0);
  });

  it('answers `/papers help` typed in the message box, as a message only Alice sees', async () => {
    await send('composer-input', '/papers help');
    const answer = page.locator('#main .message.ephemeral', { hasText: '/papers search' });
    await answer.waitFor();
    expect(await answer.innerText()).toContain('Only visible to you');
    expect(demo.slack.ephemerals('C0PAPERS', 'U0ALICE').length).toBe(1);
  });

  it('says so when a command is not one Slack knows, without bothering the app', async () => {
    const before = demo.slack.calls().length;
    await send('composer-input', '/paper help');
    await page.getByText('/paper is not a valid command').waitFor();
    expect(demo.slack.calls().length).toBe(before);
  });

  it('opens a card’s thread beside the channel; a reply there shows in the card’s 💬 count', async () => {
    const first = card(FIRST.paper.title);
    await first.hover();
    await first.locator('[data-open-thread]').click();
    const thread = page.locator('#thread-pane');
    await thread.locator(TITLE, { hasText: FIRST.paper.title }).waitFor();
    await send('thread-composer-input', 'The ablation in section 4 is *convincing*');
    await thread
      .locator('.message', { hasText: 'The ablation in section 4 is convincing' })
      .waitFor();
    expect(await thread.locator('.message b', { hasText: 'convincing' }).count()).toBe(1);
    await first.getByText('💬 1 reply in the thread').waitFor();
    await first.locator('.reply-bar', { hasText: '1 reply' }).waitFor();
    await thread.locator('[data-close-thread]').click();
    await thread.waitFor({ state: 'hidden' });
  });

  it('unfurls a pasted arXiv link into the paper’s card', async () => {
    await send('composer-input', `Worth a look: https://arxiv.org/abs/${SECOND.paper.id}`);
    const message = page.locator('#main .message', { hasText: 'Worth a look' });
    await message.locator('a', { hasText: `https://arxiv.org/abs/${SECOND.paper.id}` }).waitFor();
    await message.locator('.unfurls', { hasText: SECOND.paper.title }).waitFor();
  });

  it('shows each member their own App Home, and Alice’s keyword alert under her DMs', async () => {
    await send('composer-input', '/papers subscribe tokenizer');
    await page.locator('#main .message.ephemeral', { hasText: 'Subscribed to' }).waitFor();

    await page.locator('#sidebar [data-place="app:home"]').click();
    const home = page.locator('#main .home');
    await home.getByText('tokenizer').first().waitFor();

    await page.locator('#member').selectOption('U0BOB');
    await page.locator('#main .home').waitFor();
    await page.waitForURL(/member=U0BOB/);
    await home.getByText('Top this week').first().waitFor();
    expect(await home.getByText('tokenizer', { exact: true }).count()).toBe(0);
    expect(demo.slack.homeView('U0BOB')).toBeDefined();

    // The next poll finds a paper matching Alice's keyword and DMs her; the sidebar shows it unread.
    await demo.paperboy.queues.pollNow('hf');
    await page.locator('#member').selectOption('U0ALICE');
    const dm = page.locator('#sidebar [data-place="app:messages"]');
    await dm.locator('.badge', { hasText: '1' }).waitFor({ timeout: 15_000 });
    await dm.click();
    await page.locator('#main .message', { hasText: TOKENIZERS.paper.title }).waitFor();
    await dm.locator('.badge').waitFor({ state: 'detached' });
  });

  it('opens the Add keywords modal from App Home: errors show inline, a good keyword is added', async () => {
    await page.locator('#sidebar [data-place="app:home"]').click();
    const home = page.locator('#main .home');
    await home.locator('button', { hasText: 'Add keywords' }).click();
    const modal = page.locator('#modal .modal');
    await modal.locator('h2', { hasText: 'Add keywords' }).waitFor();

    // An empty required input is marked by the page before anything is sent, as Slack's client
    // does (the app's own errors are worded otherwise).
    await modal.locator('[data-modal-submit]').click();
    await modal.locator('.bk-error', { hasText: 'Please fill out this field.' }).waitFor();

    await modal.locator('input[data-action-id]').fill('x');
    await modal.locator('[data-modal-submit]').click();
    await modal.locator('.bk-error', { hasText: 'too short' }).waitFor();
    // Like Slack, the modal keeps what was typed when it shows the errors.
    expect(await modal.locator('input[data-action-id]').inputValue()).toBe('x');
    expect(await modal.locator('.bk-error').innerText()).toMatch(/2/);

    await modal.locator('input[data-action-id]').fill('diffu*');
    await modal.locator('[data-modal-submit]').click();
    await modal.waitFor({ state: 'detached' });
    await home.locator('button', { hasText: 'diffu*' }).waitFor();

    await home.locator('button', { hasText: 'Add keywords' }).click();
    await modal.waitFor();
    await modal.locator('button[data-modal-close]', { hasText: 'Cancel' }).click();
    await modal.waitFor({ state: 'detached' });
    expect(demo.slack.openModals('U0ALICE')).toHaveLength(0);
  });

  it('sends a choice in App Home’s alert mode menu as it is made', async () => {
    const home = page.locator('#main .home');
    await home.locator('select[data-action-id="alert_mode"]').selectOption('daily');
    await home.locator('input[type="time"][data-action-id]').waitFor();
    await home.getByText(/Daily/).first().waitFor();
  });

  it('opens a thread link from Alice’s alert DM right here, in the thread', async () => {
    await page.locator('#sidebar [data-place="app:messages"]').click();
    const link = page.locator('#main a', { hasText: 'open the thread' }).first();
    await link.click();
    await page.waitForURL(/place=C0PAPERS&thread=/);
    await page.locator('#thread-pane .message').first().waitFor();
    expect(page.context().pages()).toHaveLength(1);
  });

  it('opens #papers from a channel mention in App Home', async () => {
    await page.locator('#sidebar [data-place="app:home"]').click();
    await page.locator('#main .home .mention[data-place="C0PAPERS"]').first().click();
    await page.waitForURL(/place=C0PAPERS/);
    await page.locator('#main .conversation-header', { hasText: 'papers' }).waitFor();
  });

  it('shows a paper whose title holds <script> and <img onerror> as text, running nothing', async () => {
    await page.locator('#sidebar [data-place="C0PAPERS"]').click();
    const hostile = card(HOSTILE_TITLE);
    await hostile.waitFor();
    expect(await titleOf(hostile)).toBe(HOSTILE_TITLE);
    // The page's CSP would stop inline handlers anyway: the DOM checks below are what show the
    // text was escaped; this one shows nothing ran.
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('#main script, #main svg, #main img[src="x"]').count()).toBe(0);
    expect(await page.locator('#main [onerror], #main [onload]').count()).toBe(0);
    expect(await page.locator('#main a[href^="javascript"]').count()).toBe(0);
    // `<!channel>` from a feed is escaped by the app: it shows as text, not as a mention.
    expect(await page.locator('#main .mention.broadcast').count()).toBe(0);
  });
});
