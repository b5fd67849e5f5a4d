import type { Paper } from '../../../src/domain/paper';
import { parseSearchQuery } from '../../../src/domain/search-query';
import { sharedPaperCard } from '../../../src/slack/blocks/paper-card';
import { compactResult, searchResultsMessage } from '../../../src/slack/blocks/search-results';
import { topPapersMessage } from '../../../src/slack/blocks/top-papers';
import type { TopPaper } from '../../../src/store/store';
import { validateBlocks, mrkdwnTexts } from '../../support/block-kit';
import { minimalPaper } from '../../support/papers';

/** Feed text that would ping a channel, link somewhere or break the markup if not escaped. */
const HOSTILE: Paper = minimalPaper('2506.00001', {
  title: 'Attention <!channel> & <https://evil.example|click> *bold*',
  authors: ['<@U0BOSS>', 'Eve & <!here>'],
  abstract: 'We show <!everyone> that a > b & c < d.',
});

/** Every `<` left in the mrkdwn opens a control sequence we wrote: a link of ours, a channel or a user. */
function assertInert(message: unknown): void {
  const texts = mrkdwnTexts(message);
  const top = (message as { text?: unknown }).text;
  if (typeof top === 'string') texts.push(top);
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) {
    for (const [, inside = ''] of text.matchAll(/<([^>]*)>/g)) {
      expect(inside).toMatch(
        /^(https:\/\/(arxiv\.org|huggingface\.co|paperboy\.slack\.com)\/|#C|@U0ALICE$)/,
      );
    }
  }
}

describe('search results and the top list escape what feeds send', () => {
  it('a compact result', () => {
    const blocks = compactResult({
      paper: HOSTILE,
      teamVotes: 1,
      snippet: [
        { text: 'We show <!everyone> that ', match: false },
        { text: 'a > b', match: true },
      ],
    });
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    const json = JSON.stringify(blocks);
    assertInert(blocks);
    expect(json).toContain('Attention &lt;!channel&gt; &amp;');
    expect(json).toContain('&lt;@U0BOSS&gt;');
    expect(json).toContain('*a &gt; b*');
  });

  it('a page of results with the query echoed', () => {
    const parsed = parseSearchQuery('attention', { now: new Date(), timeZone: 'UTC' });
    if (!parsed.ok) throw new Error('parse');
    const message = searchResultsMessage({
      queryText: '<!channel> attention',
      query: parsed.query,
      hits: [{ paper: HOSTILE, teamVotes: 0, snippet: [] }],
      total: 1,
      offset: 0,
    });
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    assertInert(message);
  });

  it('the top list', () => {
    const entry: TopPaper = {
      paper: HOSTILE,
      teamVotes: 2,
      replies: 1,
      firstCard: {
        workspaceId: 'T1',
        channelId: 'C0READING',
        paperId: HOSTILE.id,
        messageTs: '1700000000.000100',
        postedAt: new Date(),
      },
    };
    const message = topPapersMessage('this week', [entry], 'https://paperboy.slack.com/');
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    const json = JSON.stringify(message);
    assertInert(message);
    expect(json).toContain(
      '<https://paperboy.slack.com/archives/C0READING/p1700000000000100|thread> in <#C0READING>',
    );
  });

  it('a shared card whose comment is long and full of characters that escaping lengthens', () => {
    const message = sharedPaperCard(
      HOSTILE,
      { teamVotes: 0 },
      { userId: 'U0ALICE', comment: '<&>'.repeat(2000) },
    );
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    assertInert(message);
    const note = JSON.stringify(message.blocks[0]);
    expect(note).toMatch(/(&lt;|&amp;|&gt;)…"/);
    expect(note).not.toMatch(/&[a-z]{0,3}…/);
  });
});
