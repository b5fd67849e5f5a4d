import type { KnownBlock } from '@slack/types';
import type { Paper } from '../../../src/domain/paper';
import { ACTION_IDS, BLOCK_IDS } from '../../../src/slack/blocks/ids';
import { paperCard } from '../../../src/slack/blocks/paper-card';
import { discussedLine, paperUnfurl } from '../../../src/slack/blocks/unfurl';
import { blocksTextLength, validateBlocks } from '../../support/block-kit';
import { minimalPaper } from '../../support/papers';

const WORKSPACE = 'https://paperboy-test.slack.com/';
const DISCUSSED = { channelId: 'C0PAPERS', messageTs: '1700000000.000100', replies: 5 };

function contextOf(blocks: KnownBlock[], blockId: string): string | undefined {
  const block = blocks.find((b) => 'block_id' in b && b.block_id === blockId) as
    { elements: Array<{ text: string }> } | undefined;
  return block?.elements[0]?.text;
}

/** A paper with every field at its worst: huge, hostile, full of mrkdwn. */
function hostilePaper(): Paper {
  const evil = '<!channel> <@U0BOSS> *bold* _it_ ~s~ `c` & <https://evil.example|click> ';
  return minimalPaper('2406.07550', {
    title: evil.repeat(40),
    abstract: evil.repeat(400),
    aiSummary: evil.repeat(100),
    authors: Array.from({ length: 2000 }, (_, i) => `${evil}${i}`),
    githubRepo: `https://github.com/a/b?x=${'>|<'.repeat(100)}`,
    projectPage: 'javascript:alert(1)',
    hfUpvotes: 1234,
    hfComments: 5,
  });
}

describe('paperUnfurl', () => {
  it('is the paper card, with the upvote button keyed by the canonical id', () => {
    const paper = minimalPaper('hep-th/9901001');
    const blocks = paperUnfurl(paper, { teamVotes: 2 }, WORKSPACE);
    expect(blocks).toEqual(paperCard(paper, { teamVotes: 2 }).blocks);
    const button = blocks
      .flatMap((b) => ('elements' in b ? (b.elements as unknown[]) : []))
      .find((e) => (e as { action_id?: string }).action_id === ACTION_IDS.upvote);
    expect(button).toMatchObject({ value: 'hep-th/9901001', text: { text: '▲ 2' } });
    expect(contextOf(blocks, BLOCK_IDS.discussed)).toBeUndefined();
  });

  it('says where the team discussed the paper, linked to the thread', () => {
    const blocks = paperUnfurl(
      minimalPaper('2406.07550'),
      { teamVotes: 7, discussed: DISCUSSED },
      WORKSPACE,
    );
    expect(contextOf(blocks, BLOCK_IDS.discussed)).toBe(
      '💬 Discussed in <#C0PAPERS>  ·  <https://paperboy-test.slack.com/archives/C0PAPERS/p1700000000000100|5 replies>  ·  ▲ 7',
    );
    expect(blocks.at(-1)).toMatchObject({ type: 'context', block_id: BLOCK_IDS.discussed });
  });

  it('words the counts, and links nothing without a workspace URL', () => {
    expect(discussedLine({ ...DISCUSSED, replies: 1 }, 1, undefined)).toBe(
      '💬 Discussed in <#C0PAPERS>  ·  1 reply  ·  ▲ 1',
    );
    expect(discussedLine({ ...DISCUSSED, replies: 0 }, 0, undefined)).toBe(
      '💬 Discussed in <#C0PAPERS>  ·  no replies yet  ·  ▲ 0',
    );
    // Ids that are not Slack ids make no mention and no link.
    expect(
      discussedLine({ channelId: '<!channel>', messageTs: 'x', replies: 2 }, 0, WORKSPACE),
    ).toBe('💬 Discussed in a channel  ·  2 replies  ·  ▲ 0');
  });

  it('stays inside Block Kit limits and inert whatever the feed sends', () => {
    const blocks = paperUnfurl(
      hostilePaper(),
      { teamVotes: 1_000_000, discussed: { ...DISCUSSED, replies: 99_999 } },
      WORKSPACE,
    );
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(blocksTextLength(blocks)).toBeLessThanOrEqual(12_000);
    const raw = JSON.stringify(blocks);
    expect(raw).not.toMatch(/<!channel>|<@U0BOSS>|<https:\/\/evil|javascript:/);
  });
});
