import type { KnownBlock, ModalView } from '@slack/types';
import type { AlertMode } from '../../../src/domain/alert-mode';
import {
  ALERT_PAPERS_SHOWN,
  alertMessage,
  alertMoreModal,
  keywordsMessage,
  keywordsModal,
  type AlertedPaper,
} from '../../../src/slack/blocks/alerts';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS } from '../../../src/slack/blocks/ids';
import { helpMessage } from '../../../src/slack/blocks/messages';
import {
  blocksTextLength,
  validateBlocks,
  validateView,
  mrkdwnTexts,
} from '../../support/block-kit';
import { minimalPaper } from '../../support/papers';

/** Every `<…>` in the mrkdwn is one we wrote: a link to arXiv / HF / a thread, or a channel. */
function assertInert(message: { text?: string; blocks: unknown }): void {
  const texts = mrkdwnTexts(message.blocks);
  if (message.text !== undefined) texts.push(message.text);
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) {
    expect(text).not.toContain('<!');
    expect(text).not.toContain('<@');
    for (const [, inside = ''] of text.matchAll(/<([^>]*)>/g)) {
      expect(inside).toMatch(/^(https:\/\/(arxiv\.org|huggingface\.co|team\.slack\.com)\/|#C)/);
    }
  }
}

/** Long and full of characters escaping lengthens: the worst a feed can send. */
const LONG = (n: number) => '<&> '.repeat(Math.ceil(n / 4)).slice(0, n);

function worstPaper(i: number): AlertedPaper {
  return {
    paper: minimalPaper(`2506.${String(10000 + i)}`, {
      title: LONG(600),
      abstract: LONG(5000),
      authors: Array.from({ length: 4 }, () => LONG(300)),
      hfUpvotes: 1234,
    }),
    keywords: Array.from({ length: 50 }, () => LONG(100)),
    teamVotes: 7,
  };
}

function alerted(i: number, overrides: Partial<AlertedPaper> = {}): AlertedPaper {
  return {
    paper: minimalPaper(`2506.${String(10000 + i)}`, { title: `Paper number ${i}` }),
    keywords: ['tokenizer'],
    teamVotes: 0,
    ...overrides,
  };
}

const HOSTILE: AlertedPaper = {
  paper: minimalPaper('2506.00001', {
    title: 'Attention <!channel> & <https://evil.example|click>',
    authors: ['<@U0BOSS>', 'Eve & <!here>'],
    abstract: 'We show <!everyone> that a > b.',
  }),
  keywords: ['<@U123>', '"speculative decoding"', 'with `backticks`'],
  teamVotes: 2,
};

describe('alertMessage: one DM with the papers that matched', () => {
  it('says how many matched, shows each compactly, and escapes feed text and keywords', () => {
    const message = alertMessage({
      papers: [HOSTILE, alerted(1, { paper: minimalPaper('2506.00002', { hfUpvotes: 12 }) })],
      runKey: 'run-1',
    });
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    assertInert(message);
    expect(message.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: '📬 2 new papers match your keywords' },
    });
    expect(message.text).toContain('📬 2 new papers match your keywords');
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('<https://arxiv.org/abs/2506.00001|Attention &lt;!channel&gt; &amp;');
    expect(json).toContain('matched `&lt;@U123&gt;`, `\\"speculative decoding\\"`');
    expect(json).toContain("`with 'backticks'`");
    expect(json).toContain('▲ 2 team');
    expect(json).toContain('▲ 12 on HF');
    expect(json).toContain('We show &lt;!everyone&gt; that a &gt; b.');
    // Zero votes are left out.
    expect(json).not.toContain('▲ 0');
    // Two papers: no "more" line.
    expect(json).not.toContain(ACTION_IDS.alertMore);
  });

  it('headlines a digest and a single paper', () => {
    expect(alertMessage({ papers: [alerted(1)], runKey: 'r' }).text).toMatch(
      /^📬 1 new paper matches your keywords/,
    );
    const daily = alertMessage({ papers: [alerted(1), alerted(2)], runKey: 'r', digest: 'daily' });
    expect(daily.text).toMatch(/^📬 Your daily digest: 2 papers matched your keywords/);
    const weekly = alertMessage({ papers: [alerted(1)], runKey: 'r', digest: 'weekly' });
    expect(weekly.text).toMatch(/^📬 Your weekly digest: 1 paper matched your keywords/);
  });

  it('links to the discussion instead of the abstract when the paper was posted already', () => {
    const message = alertMessage({
      papers: [
        alerted(1, {
          discussion: {
            channelId: 'C0READING',
            permalink: 'https://team.slack.com/archives/C0READING/p1700000000000100',
            replyCount: 3,
          },
        }),
        alerted(2, { discussion: { channelId: 'C0ML', replyCount: 1 } }),
      ],
      runKey: 'r',
    });
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    assertInert(message);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain(
      '💬 Discussed in <#C0READING>  ·  <https://team.slack.com/archives/C0READING/p1700000000000100|open the thread> (3 replies)',
    );
    expect(json).toContain('💬 Discussed in <#C0ML> (1 reply)');
    expect(json).not.toContain('The abstract of');
  });

  it('does not link a permalink that is not https', () => {
    const message = alertMessage({
      papers: [alerted(1, { discussion: { channelId: 'C0X', permalink: 'javascript:alert(1)' } })],
      runKey: 'r',
    });
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('💬 Discussed in <#C0X>');
    expect(json).not.toContain('javascript');
  });

  it.each([11, 60])(
    'shows %i papers as 10 cards and "…and N more" with a button carrying the run key',
    (count) => {
      const papers = Array.from({ length: count }, (_, i) => alerted(i));
      const message = alertMessage({ papers, runKey: 'T1:U1:2025-06-02T09' });
      expect(validateBlocks(message.blocks, 'message')).toEqual([]);
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      const json = JSON.stringify(message.blocks);
      expect(json).toContain('Paper number 9');
      expect(json).not.toContain('Paper number 10');
      const more = message.blocks.find(
        (b) => 'block_id' in b && b.block_id === BLOCK_IDS.alertMore,
      ) as KnownBlock & { text: { text: string }; accessory: Record<string, unknown> };
      expect(more.text.text).toBe(
        `…and ${count - ALERT_PAPERS_SHOWN} more ${count - ALERT_PAPERS_SHOWN === 1 ? 'paper' : 'papers'}.`,
      );
      expect(more.accessory).toMatchObject({
        type: 'button',
        action_id: ACTION_IDS.alertMore,
        value: 'T1:U1:2025-06-02T09',
        text: { text: `See all ${count}` },
      });
    },
  );

  it('stays inside 50 blocks and 12,000 characters with the longest, most escaped text', () => {
    const papers = Array.from({ length: 60 }, (_, i) => worstPaper(i));
    const message = alertMessage({ papers, runKey: 'r' });
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    expect(blocksTextLength(message.blocks)).toBeLessThanOrEqual(12000);
    expect(message.text.length).toBeLessThanOrEqual(3000);
    assertInert(message);
    // Cuts never leave half an entity behind.
    expect(JSON.stringify(message)).not.toMatch(/&[a-z]{0,3}…/);
    // All ten cards still fit.
    expect(message.blocks.filter((b) => b.type === 'section')).toHaveLength(ALERT_PAPERS_SHOWN + 1);
    // The keyword list is cut with a count, not dropped.
    expect(JSON.stringify(message.blocks)).toMatch(/ and \d+ more/);
  });

  it('leaves the button out when the run key cannot be a button value', () => {
    const papers = Array.from({ length: 12 }, (_, i) => alerted(i));
    const message = alertMessage({ papers, runKey: '' });
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('…and 2 more papers.');
    const more = message.blocks[message.blocks.length - 1];
    expect(more).toMatchObject({ block_id: BLOCK_IDS.alertMore });
    expect(more).not.toHaveProperty('accessory');
  });
});

describe('alertMoreModal: every matched paper', () => {
  it('lists a few papers, escaped, with a short title', () => {
    const view = alertMoreModal([HOSTILE, alerted(1)]);
    expect(validateView(view)).toEqual([]);
    expect(view.title.text).toBe('Matched papers');
    expect(view.callback_id).toBe(CALLBACK_IDS.alertMoreModal);
    assertInert({ blocks: view.blocks });
    expect(JSON.stringify(view.blocks)).toContain('Paper number 1');
  });

  it('stays within 100 blocks with 200 papers and says how many more', () => {
    const view = alertMoreModal(Array.from({ length: 200 }, (_, i) => worstPaper(i)));
    expect(validateView(view)).toEqual([]);
    expect(view.blocks).toHaveLength(100);
    expect(JSON.stringify(view.blocks[99])).toContain('…and 102 more papers');
    expect(JSON.stringify(view.blocks[99])).toContain('App Home');
    assertInert({ blocks: view.blocks });
  });

  it('shows 99 papers whole without a "more" line', () => {
    const view = alertMoreModal(Array.from({ length: 99 }, (_, i) => alerted(i)));
    expect(validateView(view)).toEqual([]);
    expect(view.blocks).toHaveLength(100);
    expect(JSON.stringify(view.blocks)).not.toContain('more paper');
  });
});

describe('keywordsModal', () => {
  it('is one single-line input with the example and the rules', () => {
    const view: ModalView = keywordsModal();
    expect(validateView(view)).toEqual([]);
    expect(view).toMatchObject({
      callback_id: 'alert_keywords_modal',
      submit: { text: 'Add' },
      close: { text: 'Cancel' },
    });
    expect(view.blocks).toHaveLength(1);
    expect(view.blocks[0]).toMatchObject({
      type: 'input',
      block_id: BLOCK_IDS.alertKeywordsInput,
      element: {
        type: 'plain_text_input',
        action_id: ACTION_IDS.alertKeywordsInput,
        multiline: false,
        placeholder: { text: 'tokenizer "speculative decoding" diffu* -survey author:"Name"' },
      },
    });
    const hint = JSON.stringify((view.blocks[0] as { hint: unknown }).hint);
    for (const rule of ['quotes', 'word*', '-word', 'author:\\"Name\\"', '50', '2–100'])
      expect(hint).toContain(rule);
  });
});

describe('keywordsMessage: /papers list', () => {
  const daily: AlertMode = { kind: 'daily', time: '09:00' };

  it('lists the keywords escaped, the count out of 50, the mode and how to change things', () => {
    const message = keywordsMessage(
      ['tokenizer', '"speculative decoding"', '<@U123>', 'author:"yann lecun"'],
      daily,
      'Europe/Berlin',
    );
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    assertInert(message);
    const json = JSON.stringify(message);
    expect(json).toContain('4 of 50');
    expect(json).toContain('`tokenizer`');
    expect(json).toContain('`&lt;@U123&gt;`');
    expect(json).toContain('Daily at 09:00 (Europe/Berlin)');
    expect(json).toContain('/papers unsubscribe');
    expect(json).toContain('/papers alerts');
  });

  it('explains how to subscribe when there are none', () => {
    const message = keywordsMessage([], { kind: 'instant' });
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    assertInert(message);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('no keywords yet');
    expect(json).toContain('/papers subscribe tokenizer');
    expect(json).toContain('Instant');
  });

  it('stays inside every limit with 50 long keywords full of escapes', () => {
    const message = keywordsMessage(
      Array.from({ length: 50 }, () => LONG(100)),
      { kind: 'weekly', day: 'mon', time: '09:00' },
      'America/New_York',
    );
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    expect(blocksTextLength(message.blocks)).toBeLessThanOrEqual(12000);
    expect(message.text.length).toBeLessThanOrEqual(3000);
    assertInert(message);
  });
});

describe('the help lists the alert commands', () => {
  it('with examples, inside one section', () => {
    const message = helpMessage();
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    const json = JSON.stringify(message.blocks);
    for (const usage of [
      '/papers subscribe &lt;keywords&gt;',
      '/papers unsubscribe &lt;keyword&gt;',
      '/papers list',
      '/papers alerts instant|daily 09:00|weekly mon 09:00|off',
      '/papers subscribe tokenizer \\"speculative decoding\\" diffu* -survey',
      '/papers alerts weekly mon 09:00',
      '/papers follow hf',
    ])
      expect(json).toContain(usage);
  });
});
