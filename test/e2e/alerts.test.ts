import type { Queue } from 'bullmq';
import { matchKeywordsNaively } from '../../src/domain/keyword-index';
import { parseKeyword, type Keyword } from '../../src/domain/keywords';
import type { Paper } from '../../src/domain/paper';
import { validateBlocks, validateView } from '../support/block-kit';
import { loadHfFixture } from '../support/feed-server';
import { sendJobId } from '../../jobs/alert';
import { eventually, startHarness, utcDay, waitForJob, type Harness } from '../support/harness';
import { fixturePapers } from '../support/papers';
import type { PostedMessage } from '../support/slack-emulator';

const ADA = 'U0ADA';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const CHANNEL = 'C0READING';

const keyword = (text: string): Keyword => {
  const parsed = parseKeyword(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
};

/** The fixture papers a member's keywords match, by the plain per-keyword scan. */
const matching = (papers: readonly Paper[], keywords: readonly string[]): string[] =>
  papers
    .filter((paper) => matchKeywordsNaively(keywords.map(keyword), paper).length > 0)
    .map((paper) => paper.id);

/** The paper ids an alert DM (or modal) links to, in order. */
const linkedIds = (blocks: unknown): string[] =>
  [...JSON.stringify(blocks).matchAll(/arxiv\.org\/abs\/([\w./-]+?)\|/g)].map((m) => m[1]!);

/**
 * Keyword alerts through the whole app: `/papers subscribe`, a poll, the alert job, the DM in the
 * Slack emulator, and the App Home controls. The clock is the test's: Saturday 7 March 2026, the
 * day before the clocks go forward in New York.
 */
describe('keyword alerts', () => {
  let h: Harness;
  let now = new Date('2026-03-07T12:00:00Z');
  const items = loadHfFixture() as unknown[];
  const papers = fixturePapers();
  const firstHalf = papers.slice(0, 25);
  /** Papers none of the test's keywords match: matches recorded by hand use these. */
  const spare = papers.filter(
    (p) =>
      matching([p], ['tokenizer', '"speculative decoding"', 'mamba', '"language models"'])
        .length === 0,
  );

  beforeAll(async () => {
    h = await startHarness({ channels: [CHANNEL], items: [], clock: () => now });
    h.slack.setChannelMembers(CHANNEL, [ADA, h.slack.botUserId]);
    h.slack.setUserTimeZone(CAROL, 'America/New_York');
  });

  afterAll(async () => {
    await h?.stop();
  });

  const alertQueue = (): Queue => h.paperboy.queues.alert;

  /** Waits for every queued job of a queue (the scheduler's next tick waits delayed: not those). */
  async function settle(queue: Queue): Promise<void> {
    for (let round = 0; round < 3; round += 1) {
      for (const job of await queue.getJobs(['wait', 'active', 'prioritized'])) {
        await waitForJob(queue, job.id).catch(() => undefined);
      }
    }
  }

  async function poll(served: unknown[]): Promise<void> {
    h.feed.setDaily(utcDay(now), served);
    const job = await h.paperboy.queues.pollFeed.add('poll-feed', { feed: 'hf' });
    await waitForJob(h.paperboy.queues.pollFeed, job.id);
    await settle(alertQueue());
    await settle(h.paperboy.queues.announce);
  }

  async function tick(): Promise<void> {
    const job = await alertQueue().add('alert', { kind: 'tick' });
    await waitForJob(alertQueue(), job.id);
    await settle(alertQueue());
  }

  async function command(userId: string, text: string) {
    const answered = h.slack.responseUrlPosts().length;
    const answer = await h.slack.sendSlashCommand({ text, userId, channelId: CHANNEL });
    expect(answer.status).toBe(200);
    if (answer.body.trim() !== '') {
      const reply = answer.json as { text?: string; blocks?: unknown[] };
      expect(validateBlocks(reply.blocks ?? [], 'message')).toEqual([]);
      return `${reply.text ?? ''}\n${JSON.stringify(reply.blocks ?? [])}`;
    }
    // Answered after the ack, through response_url.
    const posted = await h.slack.waitFor(() => h.slack.responseUrlPosts()[answered]?.body);
    return JSON.stringify(posted);
  }

  const dms = (userId: string): PostedMessage[] =>
    h.slack.directMessages(userId).filter((m) => m.metadata?.event_type === 'paper_alert');

  async function openHome(userId: string) {
    const before = h.slack.views(userId).length;
    await h.slack.sendEvent({ type: 'app_home_opened', user: userId, tab: 'home', channel: 'D0' });
    await h.slack.waitFor(() => h.slack.views(userId).length > before);
    return h.slack.homeView(userId)!;
  }

  describe('subscribing', () => {
    it('names the limits when a keyword is too short or too long', async () => {
      const answer = await command('U0LIMIT', `subscribe x ${'y'.repeat(101)}`);
      expect(answer).toContain('2 to 100 characters');
      expect(
        await h.paperboy.store.keywordsOf({ workspaceId: h.slack.teamId, userId: 'U0LIMIT' }),
      ).toEqual([]);
    });

    it('stops at 50 keywords and says so', async () => {
      const words = Array.from({ length: 48 }, (_, i) => `word${i}`);
      await command('U0LIMIT', `subscribe ${words.join(' ')}`);
      const answer = await command('U0LIMIT', 'subscribe alpha beta gamma delta');
      expect(answer).toContain('Subscribed to `alpha`, `beta`');
      expect(answer).toContain('Not added: `gamma`, `delta`');
      expect(answer).toContain('at most 50 keywords');
      const member = { workspaceId: h.slack.teamId, userId: 'U0LIMIT' };
      expect(await h.paperboy.store.keywordsOf(member)).toHaveLength(50);
    });

    it('keeps App Home within Slack’s limits with 50 keywords', async () => {
      const view = await openHome('U0LIMIT');
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      expect(validateView(view)).toEqual([]);
      expect(JSON.stringify(view.blocks)).toContain('word47');
    });

    it('echoes nothing that could ping: a keyword like a mention is escaped', async () => {
      const answer = await command('U0DAVE', 'subscribe <!channel> <@U0ADA> ok');
      expect(answer).not.toMatch(/<!channel>|<@U0ADA>/);
      const member = { workspaceId: h.slack.teamId, userId: 'U0DAVE' };
      expect(await h.paperboy.store.keywordsOf(member)).toEqual(['channel', 'u0ada', 'ok']);
      await command('U0DAVE', 'unsubscribe all');
    });

    it('unsubscribes from some keywords, says which it did not have, and from all', async () => {
      const member = { workspaceId: h.slack.teamId, userId: 'U0DAVE' };
      await command('U0DAVE', 'subscribe tokenizers "Graph Neural" diffu*');
      const some = await command('U0DAVE', 'unsubscribe tokenizer nothere');
      // One keyword, whatever the plural: this removes the `tokenizers` subscribed above.
      expect(some).toContain('Unsubscribed from `tokenizers`');
      expect(some).toContain('You were not subscribed to `nothere`');
      expect(await h.paperboy.store.keywordsOf(member)).toEqual(['"graph neural"', 'diffu*']);
      expect(await command('U0DAVE', 'subscribe Graph-Neural')).toContain('You already had');
      const all = await command('U0DAVE', 'unsubscribe all');
      expect(all).toContain('`\\"graph neural\\"`');
      expect(await h.paperboy.store.keywordsOf(member)).toEqual([]);
      expect(await command('U0DAVE', 'unsubscribe all')).toContain('no keywords');
    });

    it('answers a mode it does not know with what it accepts', async () => {
      const answer = await command('U0DAVE', 'alerts hourly');
      expect(answer).toContain('hourly');
      expect(answer).toContain('weekly');
      const member = { workspaceId: h.slack.teamId, userId: 'U0DAVE' };
      expect(await h.paperboy.store.alertSettings(member)).toEqual({ mode: { kind: 'instant' } });
    });

    it('sets a daily digest in the member’s own time zone', async () => {
      const answer = await command(CAROL, 'alerts daily 09:00');
      expect(answer).toContain('Daily at 09:00 (America/New_York)');
      await command(CAROL, 'subscribe "language models"');
    });

    it('lists a member’s keywords and their alert mode', async () => {
      await command(ADA, 'subscribe tokenizer "Speculative Decoding"');
      await command(BOB, 'subscribe mamba');
      const list = await command(ADA, 'list');
      expect(list).toContain('`tokenizer`');
      expect(list).toContain('`\\"speculative decoding\\"`');
      expect(list).toContain('Instant');
    });
  });

  describe('instant alerts', () => {
    const adaKeywords = ['tokenizer', '"speculative decoding"'];

    it('posts the cards, and DMs nobody whose keywords matched nothing or who wants a digest', async () => {
      await poll(items.slice(0, 25));
      expect(h.slack.messages(CHANNEL).length).toBe(25);
      expect(dms('U0LIMIT')).toEqual([]);
      expect(dms(CAROL)).toEqual([]);
    });

    it('sends each member one DM per poll listing the new papers that matched', async () => {
      const expected = matching(firstHalf, adaKeywords);
      expect(expected.length).toBeGreaterThan(0);
      expect(dms(ADA)).toHaveLength(1);
      const [dm] = dms(ADA) as [PostedMessage];
      expect(validateBlocks(dm.blocks, 'message')).toEqual([]);
      const shown = linkedIds(dm.blocks);
      expect(new Set(shown).size).toBe(Math.min(expected.length, 10));
      for (const id of shown) expect(expected).toContain(id);
      expect(JSON.stringify(dm.blocks)).toContain('`tokenizer`');
      expect(dms(BOB)).toHaveLength(1);
      expect(linkedIds(dms(BOB)[0]!.blocks).sort()).toEqual(matching(firstHalf, ['mamba']).sort());
    });

    it('never alerts the same paper twice: a second poll of the same papers sends nothing', async () => {
      await poll(items.slice(0, 25));
      expect(dms(ADA)).toHaveLength(1);
      expect(dms(BOB)).toHaveLength(1);
    });

    it('links to the thread where the paper was already posted, in a channel the member is in', async () => {
      // The channel stops following: the second half's papers are not posted anywhere.
      await command(ADA, 'unfollow hf');
      await poll(items);
      const expected = matching(papers.slice(25), adaKeywords);
      expect(dms(ADA)).toHaveLength(2);
      const dm = dms(ADA)[1]!;
      for (const id of linkedIds(dm.blocks)) expect(expected).toContain(id);
      // Earlier papers matched by a keyword added now are discussed in #reading: Ada is a member.
      await command(ADA, 'subscribe mamba');
      await poll(items);
      const linked = dms(ADA)[2]!;
      const text = JSON.stringify(linked.blocks);
      expect(text).toContain(`<#${CHANNEL}>`);
      expect(text).toContain(`/archives/${CHANNEL}/p`);
      // Bob is not in #reading: his alerts show the papers themselves.
      expect(JSON.stringify(dms(BOB).map((m) => m.blocks))).not.toContain('/archives/');
    });

    it('sends one DM when two polls record the same matches and both queue a send', async () => {
      const member = { workspaceId: h.slack.teamId, userId: ADA };
      const id = spare[0]!.id;
      await h.paperboy.store.recordAlertMatches(
        [{ ...member, paperId: id, keywords: ['x1'] }],
        now,
      );
      await h.paperboy.store.recordAlertMatches(
        [{ ...member, paperId: id, keywords: ['x2'] }],
        now,
      );
      const before = dms(ADA).length;
      await h.paperboy.queues.enqueueAlerts([
        { kind: 'send', ...member, runKey: 'overlap-a' },
        { kind: 'send', ...member, runKey: 'overlap-b' },
      ]);
      await settle(alertQueue());
      expect(dms(ADA)).toHaveLength(before + 1);
      // And a retry of either job (same run key) posts nothing more.
      await h.paperboy.queues.alert.add('alert', { kind: 'send', ...member, runKey: 'overlap-a' });
      await settle(alertQueue());
      expect(dms(ADA)).toHaveLength(before + 1);
    });

    it('posts once when the DM landed but the answer was lost (found again by its metadata)', async () => {
      // The emulator stamps messages with the real clock; the search for a lost DM looks around
      // the run's start: here both clocks agree.
      const testNow = now;
      now = new Date();
      const member = { workspaceId: h.slack.teamId, userId: ADA };
      await h.paperboy.store.recordAlertMatches(
        [{ ...member, paperId: spare[1]!.id, keywords: ['lost'] }],
        now,
      );
      h.slack.failNext('chat.postMessage', { dropResponse: true });
      const before = dms(ADA).length;
      const send = { kind: 'send' as const, ...member, runKey: 'dropped' };
      await h.paperboy.queues.enqueueAlerts([send]);
      // The first attempt's answer is lost; the retry (after its backoff) finds the DM and records it.
      await eventually(
        async () => (await alertQueue().getJobState(sendJobId(send))) === 'completed',
        'the alert job to complete after its retry',
        20_000,
      );
      expect(dms(ADA)).toHaveLength(before + 1);
      const run = await h.paperboy.store.alertRun(member, 'dropped');
      expect(run?.posted?.messageTs).toBe(dms(ADA).at(-1)!.ts);
      now = testNow;
    }, 30_000);
  });

  describe('digests', () => {
    it('holds matches until 09:00 local time, then sends one DM', async () => {
      const member = { workspaceId: h.slack.teamId, userId: CAROL };
      const pending = await h.paperboy.store.membersWithPendingAlerts();
      expect(pending.map((m) => m.userId)).toContain(CAROL);
      expect(dms(CAROL)).toEqual([]);
      now = new Date('2026-03-07T13:59:00Z'); // 08:59 EST
      await tick();
      expect(dms(CAROL)).toEqual([]);
      now = new Date('2026-03-07T14:00:00Z'); // 09:00 EST
      await tick();
      expect(dms(CAROL)).toHaveLength(1);
      const digest = dms(CAROL)[0]!;
      expect(JSON.stringify(digest.blocks)).toContain('daily digest');
      // Ranked by HF upvotes, then team votes.
      const shown = linkedIds(digest.blocks);
      const upvotes = shown.map((id) => papers.find((p) => p.id === id)?.hfUpvotes ?? 0);
      expect(upvotes).toEqual([...upvotes].sort((a, b) => b - a));
      await tick();
      expect(dms(CAROL)).toHaveLength(1);
      expect(await h.paperboy.store.recentAlertMatches(member, new Date(0))).not.toHaveLength(0);
    });

    it('shows ten papers, and every one of them behind "see all"', async () => {
      const digest = dms(CAROL)[0]!;
      const all = (await h.paperboy.store.alertRun(
        { workspaceId: h.slack.teamId, userId: CAROL },
        'daily-2026-03-07',
      ))!.matches.map((m) => m.paperId);
      expect(all.length).toBeGreaterThan(10);
      expect(linkedIds(digest.blocks)).toHaveLength(10);
      expect(JSON.stringify(digest.blocks)).toContain(`and ${all.length - 10} more`);
      await h.slack.sendBlockAction({
        userId: CAROL,
        actionId: 'alert_more',
        channelId: digest.channel,
        messageTs: digest.ts,
      });
      const [modal] = await h.slack.waitFor(() => {
        const open = h.slack.openModals(CAROL);
        return open.length > 0 && open;
      });
      expect(linkedIds(modal!.blocks).sort()).toEqual([...all].sort());
    });

    it('keeps a match made after the hour for the next day, which starts at 09:00 EDT after the clocks change', async () => {
      const member = { workspaceId: h.slack.teamId, userId: CAROL };
      now = new Date('2026-03-07T15:00:00Z');
      await h.paperboy.store.recordAlertMatches(
        [{ ...member, paperId: spare[2]!.id, keywords: ['later'] }],
        now,
      );
      now = new Date('2026-03-07T15:01:00Z');
      await tick();
      expect(dms(CAROL)).toHaveLength(1);
      now = new Date('2026-03-08T12:59:00Z'); // 08:59 EDT, Sunday
      await tick();
      expect(dms(CAROL)).toHaveLength(1);
      now = new Date('2026-03-08T13:00:00Z'); // 09:00 EDT
      await tick();
      expect(dms(CAROL)).toHaveLength(2);
      expect(linkedIds(dms(CAROL)[1]!.blocks)).toEqual([spare[2]!.id]);
    });
  });

  describe('App Home', () => {
    it('shows my keywords, my alert mode and my matches this week', async () => {
      const view = await openHome(ADA);
      expect(validateView(view)).toEqual([]);
      const text = JSON.stringify(view.blocks);
      expect(text).toContain('tokenizer');
      expect(text).toContain('alert_mode');
      const member = { workspaceId: h.slack.teamId, userId: ADA };
      const [newest] = await h.paperboy.store.recentAlertMatches(member, new Date(0));
      expect(text).toContain(newest!.paperId);
    });

    it('removes a keyword with its button and shows the change', async () => {
      const view = await openHome(ADA);
      const before = h.slack.views(ADA).length;
      await h.slack.sendBlockAction({
        userId: ADA,
        fromHome: true,
        actionId: 'alert_keyword_remove_0',
        value: 'tokenizer',
      });
      await h.slack.waitFor(() => h.slack.views(ADA).length > before);
      const member = { workspaceId: h.slack.teamId, userId: ADA };
      expect(await h.paperboy.store.keywordsOf(member)).not.toContain('tokenizer');
      expect(JSON.stringify(h.slack.homeView(ADA)!.blocks)).not.toContain('✕ tokenizer');
      expect(view.id).toBeDefined();
    });

    it('adds keywords from the modal, and keeps the modal open with the reason on bad input', async () => {
      await openHome(ADA);
      await h.slack.sendBlockAction({
        userId: ADA,
        fromHome: true,
        actionId: 'alert_keywords_add',
      });
      const [modal] = await h.slack.waitFor(() => {
        const open = h.slack.openModals(ADA);
        return open.length > 0 && open;
      });
      const bad = await h.slack.sendViewSubmission({
        userId: ADA,
        viewId: modal!.id,
        values: { alert_keywords_input: { alert_keywords_value: 'x' } },
      });
      expect(JSON.stringify(bad.json)).toContain('2 to 100 characters');
      expect(h.slack.openModals(ADA)).toHaveLength(1);
      const before = h.slack.views(ADA).length;
      const good = await h.slack.sendViewSubmission({
        userId: ADA,
        viewId: modal!.id,
        values: { alert_keywords_input: { alert_keywords_value: 'diffu* author:"Ada Lovelace"' } },
      });
      expect(good.status).toBe(200);
      expect(h.slack.openModals(ADA)).toEqual([]);
      await h.slack.waitFor(() => h.slack.views(ADA).length > before);
      const member = { workspaceId: h.slack.teamId, userId: ADA };
      expect(await h.paperboy.store.keywordsOf(member)).toEqual(
        expect.arrayContaining(['diffu*', 'author:"ada lovelace"']),
      );
    });

    it('switches to a weekly digest from the mode select', async () => {
      await openHome(BOB);
      h.slack.setUserTimeZone(BOB, 'Asia/Tokyo');
      const before = h.slack.views(BOB).length;
      await h.slack.sendBlockAction({
        userId: BOB,
        fromHome: true,
        actionId: 'alert_mode',
        value: 'weekly',
      });
      await h.slack.waitFor(() => h.slack.views(BOB).length > before);
      const member = { workspaceId: h.slack.teamId, userId: BOB };
      expect(await h.paperboy.store.alertSettings(member)).toEqual({
        mode: { kind: 'weekly', day: 'mon', time: '09:00' },
        timeZone: 'Asia/Tokyo',
      });
      expect(JSON.stringify(h.slack.homeView(BOB)!.blocks)).toContain('Asia/Tokyo');
    });
  });
});
