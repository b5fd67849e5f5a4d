import type { Paper } from '../../src/domain/paper';
import type { Delivery } from '../../src/store/store';
import { validateBlocks } from '../support/block-kit';
import { paperIdOf, upvoteLabelOf } from '../support/cards';
import { eventually, startHarness, type Harness } from '../support/harness';
import { fixturePapers, minimalPaper } from '../support/papers';
import type { EphemeralMessage } from '../support/slack-emulator';

describe('/papers share, Share to channel, result pages and /papers top', () => {
  let h: Harness;
  const fixture = fixturePapers();
  const [first, second] = fixture as [Paper, Paper];

  beforeAll(async () => {
    h = await startHarness({ role: 'app', items: [] });
    await h.paperboy.store.upsertPapers(fixture, new Date());
  });

  afterAll(async () => {
    await h?.stop();
  });

  const workspaceId = () => h.slack.teamId;

  /** Runs `/papers <text>` as `userId`; resolves once the app has answered something new, or not. */
  async function papers(text: string, channelId: string, userId = 'U0ALICE') {
    const before = h.slack.ephemerals(channelId, userId).length;
    const ack = await h.slack.sendSlashCommand({ text, channelId, userId });
    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(3000);
    return {
      /** The ephemeral answer that follows the ack. */
      answer: () =>
        h.slack.waitFor(() => h.slack.ephemerals(channelId, userId)[before] as EphemeralMessage),
    };
  }

  /** A share's ledger entry, once written: the app records it just after the card is posted. */
  async function recordedDelivery(channelId: string, paperId: string) {
    let delivery: Delivery | undefined;
    await eventually(async () => {
      delivery = await h.paperboy.store.findDelivery(
        { workspaceId: workspaceId(), channelId },
        paperId,
      );
      return delivery !== undefined;
    }, `the share of ${paperId} in ${channelId} recorded`);
    return delivery;
  }

  const cardsIn = (channelId: string) =>
    h.slack.messages(channelId).filter((m) => m.metadata?.event_type === 'paper_posted');

  describe('/papers share', () => {
    it('posts the full card with the sharer’s comment above it, escaped, and records it', async () => {
      await papers(
        `share https://arxiv.org/abs/${first.id}v3 Read this &lt;!channel&gt; *now*`,
        'C0SHARE',
      );
      const [card] = await h.slack.waitFor(
        () => cardsIn('C0SHARE').length === 1 && cardsIn('C0SHARE'),
      );
      expect(paperIdOf(card)).toBe(first.id);
      expect(validateBlocks(card?.blocks, 'message')).toEqual([]);
      const note = JSON.stringify(card?.blocks?.[0]);
      expect(note).toContain('<@U0ALICE> shared a paper: Read this &lt;!channel&gt; *now*');
      expect(JSON.stringify(card)).not.toContain('<!channel>');
      expect(upvoteLabelOf(card)).toBe('▲ 0');

      const ledger = await recordedDelivery('C0SHARE', first.id);
      expect(ledger).toMatchObject({
        messageTs: card?.ts,
        sharedBy: 'U0ALICE',
        comment: 'Read this <!channel> *now*',
      });
    });

    it('keeps the note when a vote refreshes the card', async () => {
      const card = cardsIn('C0SHARE')[0];
      await h.slack.sendBlockAction({
        userId: 'U0BOB',
        actionId: 'paper_upvote',
        value: first.id,
        channelId: 'C0SHARE',
        messageTs: card?.ts ?? '',
      });
      const updated = await h.slack.waitFor(() => {
        const now = cardsIn('C0SHARE')[0];
        return upvoteLabelOf(now) === '▲ 1' && now;
      });
      expect(JSON.stringify(updated.blocks?.[0])).toContain('<@U0ALICE> shared a paper: Read this');
    });

    it('does not post a paper twice in a channel, and links to the card it has', async () => {
      const run = await papers(`share ${first.id}`, 'C0SHARE', 'U0BOB');
      const answer = await run.answer();
      expect(answer.text).toContain('already in this channel');
      expect(answer.text).toMatch(/https:\/\/paperboy-test\.slack\.com\/archives\/C0SHARE\/p\d+/);
      expect(cardsIn('C0SHARE')).toHaveLength(1);
    });

    it('fetches a paper the store lacks before sharing it', async () => {
      h.feed.setPaper('2510.00011', {
        id: '2510.00011',
        title: 'Shared before it was featured',
        summary: 'Abstract.',
        authors: [{ name: 'Ada Lovelace' }],
        publishedAt: '2025-10-01T17:59:00.000Z',
        upvotes: 3,
      });
      await papers('share 2510.00011', 'C0FETCH');
      const [card] = await h.slack.waitFor(
        () => cardsIn('C0FETCH').length === 1 && cardsIn('C0FETCH'),
      );
      expect(paperIdOf(card)).toBe('2510.00011');
      expect(JSON.stringify(card?.blocks?.[0])).toContain('<@U0ALICE> shared a paper.');
    });

    it('explains a missing or unreadable reference, and an unknown paper', async () => {
      expect((await (await papers('share', 'C0BAD')).answer()).text).toContain(
        'Tell me which paper to share',
      );
      expect((await (await papers('share &lt;!here&gt;', 'C0BAD')).answer()).text).toMatch(
        /`&lt;!here&gt;` is not an arXiv id/,
      );
      expect((await (await papers('share 2510.99998', 'C0BAD')).answer()).text).toContain(
        'Neither Hugging Face nor arXiv knows',
      );
      expect(cardsIn('C0BAD')).toEqual([]);
    });

    it('posts once when two members share the same paper at the same moment', async () => {
      const paper = fixture[5] as Paper;
      // Slack takes its time answering the first post, so the second share arrives mid-post.
      h.slack.failNext('chat.postMessage', { delayMs: 300, times: 1, status: 200 });
      const share = (userId: string) =>
        h.slack.sendSlashCommand({ text: `share ${paper.id}`, channelId: 'C0RACE', userId });
      const acks = await Promise.all([share('U0ALICE'), share('U0BOB')]);
      expect(acks.map((ack) => ack.status)).toEqual([200, 200]);
      await h.slack.waitFor(() => cardsIn('C0RACE').length === 1);
      const told = await h.slack.waitFor(() => {
        const notes = h.slack.ephemerals('C0RACE');
        return notes.length > 0 && notes;
      });
      expect(told[0]?.text).toMatch(
        /being posted in this channel right now|already in this channel/,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(cardsIn('C0RACE')).toHaveLength(1);
    });

    it('tells the member what to do when Slack refuses the post', async () => {
      h.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
      const answer = await (await papers(`share ${second.id}`, 'C0OUTSIDE')).answer();
      expect(answer.text).toContain('/invite @Paperboy');
      expect(
        await h.paperboy.store.findDelivery(
          { workspaceId: workspaceId(), channelId: 'C0OUTSIDE' },
          second.id,
        ),
      ).toBeUndefined();
    });
  });

  describe('search results', () => {
    it('pages with Next and Previous in place, and shares a result to the channel', async () => {
      const run = await papers('search language', 'C0PAGES');
      const results = await run.answer();
      const ids = (message: EphemeralMessage | undefined) =>
        ((message?.blocks ?? []) as Array<{ accessory?: { value?: string } }>).flatMap((b) =>
          b.accessory?.value ? [b.accessory.value] : [],
        );
      const button = (message: EphemeralMessage | undefined, actionId: string) =>
        (
          (message?.blocks ?? []) as Array<{
            type: string;
            elements?: Array<{ action_id: string; value: string }>;
          }>
        )
          .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
          .find((e) => e.action_id === actionId);
      const page1 = ids(results);
      expect(page1).toHaveLength(5);

      const click = async (actionId: string, value: string) => {
        const current = h.slack.ephemerals('C0PAGES', 'U0ALICE').find((e) => e.ts === results.ts);
        await h.slack.sendBlockAction({
          userId: 'U0ALICE',
          actionId,
          value,
          channelId: 'C0PAGES',
          messageTs: results.ts,
          ephemeral: true,
        });
        return h.slack.waitFor(() => {
          const now = h.slack.ephemerals('C0PAGES', 'U0ALICE').find((e) => e.ts === results.ts);
          return now && now.edits > (current?.edits ?? 0) && now;
        });
      };

      const next = button(results, 'search_next');
      const page2 = await click('search_next', next?.value ?? '');
      expect(page2.text).toContain('· 6–10');
      expect(ids(page2)).toHaveLength(5);
      expect(ids(page2).some((id) => page1.includes(id))).toBe(false);

      const previous = button(page2, 'search_previous');
      const back = await click('search_previous', previous?.value ?? '');
      expect(ids(back)).toEqual(page1);

      const chosen = page1[2] ?? '';
      await h.slack.sendBlockAction({
        userId: 'U0ALICE',
        actionId: 'paper_share',
        value: chosen,
        channelId: 'C0PAGES',
        messageTs: results.ts,
        ephemeral: true,
      });
      const [card] = await h.slack.waitFor(
        () => cardsIn('C0PAGES').length === 1 && cardsIn('C0PAGES'),
      );
      expect(paperIdOf(card)).toBe(chosen);
      expect(await recordedDelivery('C0PAGES', chosen)).toMatchObject({ sharedBy: 'U0ALICE' });
    });
  });

  describe('/papers top', () => {
    it('ranks the papers posted here by team votes, then replies, then HF upvotes, linking threads', async () => {
      const channel = { workspaceId: workspaceId(), channelId: 'C0TOP' };
      const now = new Date();
      const [voted, discussed, popular] = ['2509.00001', '2509.00002', '2509.00003'].map((id, i) =>
        minimalPaper(id, { title: `Top paper ${i}`, hfUpvotes: [1, 2, 900][i] }),
      ) as [Paper, Paper, Paper];
      await h.paperboy.store.upsertPapers([voted, discussed, popular], now);
      for (const [index, paper] of [voted, discussed, popular].entries()) {
        await h.paperboy.store.recordDelivery({
          ...channel,
          paperId: paper.id,
          messageTs: `170000000${index}.000100`,
          postedAt: now,
        });
      }
      await h.paperboy.store.toggleVote(channel.workspaceId, voted.id, 'U0ALICE', now);
      await h.paperboy.store.countThreadReplies(channel, '1700000001.000100', 4);
      const answer = await (await papers('top', 'C0TOP')).answer();
      expect(validateBlocks(answer.blocks, 'message')).toEqual([]);
      expect(answer.text).toMatch(/^Top papers in the last 7 days/);
      const text = JSON.stringify(answer.blocks);
      const order = [voted, discussed, popular].map((p) => text.indexOf(`papers/${p.id}|`));
      expect(order.every((position) => position > 0)).toBe(true);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(text).toContain(
        'https://paperboy-test.slack.com/archives/C0TOP/p1700000001000100|thread> in <#C0TOP>',
      );
      expect(text).toContain('💬 4 replies');
    });

    it('explains an unknown window and an empty one', async () => {
      expect((await (await papers('top year', 'C0TOP')).answer()).text).toMatch(
        /`today`, `week`, `month`, `all`, not `year`/,
      );
      const old = { workspaceId: workspaceId(), channelId: 'C0OLD' };
      await h.paperboy.store.recordDelivery({
        ...old,
        paperId: fixture[10]?.id ?? '',
        messageTs: '1600000000.000100',
        postedAt: new Date('2020-01-01'),
      });
      const today = await (await papers('top today', 'C0OLD', 'U0CAROL')).answer();
      expect(today.text).not.toContain(fixture[10]?.title ?? '-');
      const all = await (await papers('top all', 'C0OLD', 'U0CAROL')).answer();
      expect(JSON.stringify(all.blocks)).toContain(`papers/${fixture[10]?.id}|`);
    });
  });
});
