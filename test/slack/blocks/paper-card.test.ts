import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { KnownBlock } from '@slack/types';
import type { Paper } from '../../../src/domain/paper';
import { ACTION_IDS, BLOCK_IDS } from '../../../src/slack/blocks/ids';
import { fit, LIMITS } from '../../../src/slack/blocks/limits';
import {
  authorLine,
  compactNumber,
  dateInWords,
  paperCard,
  type RenderedMessage,
} from '../../../src/slack/blocks/paper-card';
import { blocksTextLength, validateBlocks } from '../../support/block-kit';
import { fixturePapers } from '../../support/papers';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURE = fixturePapers();

function fixturePaper(id: string): Paper {
  const found = FIXTURE.find((p) => p.id === id);
  if (!found) throw new Error(`no fixture paper ${id}`);
  return found;
}

/** 4 authors, September 16, 2022, 0 upvotes, 0 comments, no GitHub. */
const FOUR_AUTHORS = '2209.39127';
/** 9 authors, GitHub thu-nics/R2R with 10 stars, 2 upvotes, 1 comment. */
const WITH_GITHUB = '2505.60055';

function basePaper(overrides: Partial<Paper> = {}): Paper {
  return {
    id: '2406.07550',
    title: 'An Image is Worth 32 Tokens',
    abstract: 'We tokenize images into 32 tokens. It works well.',
    authors: ['Ada Lovelace', 'Alan Turing'],
    publishedAt: new Date('2024-06-11T17:59:07.000Z'),
    ...overrides,
  };
}

interface TextObject {
  type: string;
  text: string;
}

function blockById(card: RenderedMessage, blockId: string): KnownBlock {
  const block = card.blocks.find((b) => 'block_id' in b && b.block_id === blockId);
  if (!block) throw new Error(`no block ${blockId}`);
  return block;
}

/** The mrkdwn of a section's text or of a context's first element. */
function textOf(card: RenderedMessage, blockId: string): string {
  const block = blockById(card, blockId) as { text?: TextObject; elements?: TextObject[] };
  const text = block.text?.text ?? block.elements?.[0]?.text;
  if (typeof text !== 'string') throw new Error(`block ${blockId} has no text`);
  return text;
}

interface Button {
  type: string;
  action_id: string;
  value: string;
  text: TextObject;
}

function upvoteButton(card: RenderedMessage): Button {
  const block = blockById(card, BLOCK_IDS.actions) as { elements: Button[] };
  const button = block.elements.find((e) => e.action_id === ACTION_IDS.upvote);
  if (!button) throw new Error('no upvote button');
  return button;
}

/** `<url|label>` links in a piece of mrkdwn. */
function links(mrkdwn: string): Array<{ url: string; label: string }> {
  return [...mrkdwn.matchAll(/<([^<>|]*)\|([^<>]*)>/g)].map((m) => ({
    url: m[1] ?? '',
    label: m[2] ?? '',
  }));
}

/** Asserts the card is valid Block Kit for a message and within the total text limit. */
function expectValid(card: RenderedMessage): void {
  expect(validateBlocks(card.blocks, 'message')).toEqual([]);
  expect(blocksTextLength(card.blocks)).toBeLessThanOrEqual(LIMITS.messageText);
  expect(card.text.length).toBeGreaterThan(0);
  expect(card.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
}

describe('paperCard', () => {
  describe('a fixture paper', () => {
    it('is valid Block Kit for every paper in the fixture', () => {
      expect(FIXTURE).toHaveLength(50);
      for (const paper of FIXTURE) expectValid(paperCard(paper, { teamVotes: 3 }));
    });

    it('links the title to the paper’s Hugging Face page', () => {
      const paper = fixturePaper(FOUR_AUTHORS);
      const card = paperCard(paper, { teamVotes: 0 });
      expect(textOf(card, BLOCK_IDS.title)).toBe(
        '*<https://huggingface.co/papers/2209.39127|Selective Token Generation for Few-shot Natural Language Generation>*',
      );
      expect(card.text).toContain('Selective Token Generation for Few-shot');
    });

    it('lists all authors when there are at most four', () => {
      const meta = textOf(paperCard(fixturePaper(FOUR_AUTHORS), { teamVotes: 0 }), BLOCK_IDS.meta);
      expect(meta).toContain('Clara Park, Maya Petrova, Clara Haddad, Elena Moreau');
      expect(meta).not.toContain('et al.');
    });

    it('lists three authors then "et al." when there are more than four', () => {
      const paper = fixturePaper(WITH_GITHUB);
      expect(paper.authors.length).toBeGreaterThan(4);
      const meta = textOf(paperCard(paper, { teamVotes: 0 }), BLOCK_IDS.meta);
      expect(meta).toContain(`${paper.authors.slice(0, 3).join(', ')} et al.`);
      expect(meta).not.toContain(paper.authors[3] as string);
    });

    it('shows the publication date in words', () => {
      const meta = textOf(paperCard(fixturePaper(FOUR_AUTHORS), { teamVotes: 0 }), BLOCK_IDS.meta);
      expect(meta).toContain('September 16, 2022');
    });

    it('shows the Hugging Face upvotes and comments', () => {
      const meta = textOf(paperCard(fixturePaper(WITH_GITHUB), { teamVotes: 0 }), BLOCK_IDS.meta);
      expect(meta).toContain('▲ 2 on HF');
      expect(meta).toContain('💬 1 comment');
      expect(meta).not.toContain('1 comments');

      const zero = textOf(paperCard(fixturePaper(FOUR_AUTHORS), { teamVotes: 0 }), BLOCK_IDS.meta);
      expect(zero).toContain('▲ 0 on HF');
      expect(zero).toContain('💬 0 comments');

      const none = textOf(paperCard(basePaper(), { teamVotes: 0 }), BLOCK_IDS.meta);
      expect(none).not.toContain('on HF');
      expect(none).not.toContain('💬');
    });

    it('links arXiv, the PDF, Hugging Face and GitHub with its stars', () => {
      const card = paperCard(fixturePaper(WITH_GITHUB), { teamVotes: 0 });
      expect(links(textOf(card, BLOCK_IDS.links))).toEqual([
        { url: 'https://arxiv.org/abs/2505.60055', label: 'arXiv' },
        { url: 'https://arxiv.org/pdf/2505.60055', label: 'PDF' },
        { url: 'https://huggingface.co/papers/2505.60055', label: 'Hugging Face' },
        { url: 'https://github.com/thu-nics/R2R', label: 'GitHub ★ 10' },
      ]);
    });

    it('links the project page, and shows large star counts compactly', () => {
      const card = paperCard(
        basePaper({
          githubRepo: 'https://github.com/example/repo',
          githubStars: 1234,
          projectPage: 'https://example.org/project',
        }),
        { teamVotes: 0 },
      );
      const found = links(textOf(card, BLOCK_IDS.links));
      expect(found).toContainEqual({
        url: 'https://github.com/example/repo',
        label: 'GitHub ★ 1.2k',
      });
      expect(found).toContainEqual({ url: 'https://example.org/project', label: 'Project page' });
    });

    it('leaves out GitHub and project links the paper does not have, or that are not http(s)', () => {
      const plain = links(textOf(paperCard(basePaper(), { teamVotes: 0 }), BLOCK_IDS.links));
      expect(plain.map((l) => l.label)).toEqual(['arXiv', 'PDF', 'Hugging Face']);

      const odd = paperCard(basePaper({ projectPage: 'javascript:alert(1)' }), { teamVotes: 0 });
      expect(JSON.stringify(odd)).not.toContain('javascript:');
    });

    it('has the upvote button: paper_upvote, the paper id as value, ▲ and the team count', () => {
      const card = paperCard(fixturePaper(WITH_GITHUB), { teamVotes: 7 });
      const button = upvoteButton(card);
      expect(button).toMatchObject({
        type: 'button',
        action_id: 'paper_upvote',
        value: '2505.60055',
        text: { type: 'plain_text', text: '▲ 7' },
      });
      expect(upvoteButton(paperCard(fixturePaper(WITH_GITHUB), { teamVotes: 0 })).text.text).toBe(
        '▲ 0',
      );
      expect(
        upvoteButton(paperCard(basePaper({ id: 'hep-th/9901001' }), { teamVotes: 1 })).value,
      ).toBe('hep-th/9901001');
    });

    it('matches the snapshot', () => {
      expect(paperCard(fixturePaper(WITH_GITHUB), { teamVotes: 3 })).toMatchSnapshot();
    });
  });

  describe('dates are UTC calendar days, whatever the local time zone', () => {
    /**
     * Renders the meta line of a card in a child process running in `zone` (jest's sandboxed
     * `process.env` cannot change this process's zone), with the local day of the month for
     * comparison.
     */
    function renderInZone(zone: string, iso: string): { localDay: number; meta: string } {
      const code = [
        "import { paperCard } from './src/slack/blocks/paper-card';",
        `const publishedAt = new Date(${JSON.stringify(iso)});`,
        "const card = paperCard({ id: '2406.07550', title: 'T', abstract: 'A.', authors: ['A'], publishedAt }, { teamVotes: 0 });",
        "const meta = card.blocks.find((b) => 'block_id' in b && b.block_id === 'paper_meta');",
        'console.log(JSON.stringify({ localDay: publishedAt.getDate(), meta: JSON.stringify(meta) }));',
      ].join('\n');
      const child = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['-e', code], {
        cwd: ROOT,
        env: { ...process.env, TZ: zone },
        encoding: 'utf8',
        timeout: 20_000,
      });
      if (child.status !== 0) throw new Error(`tsx failed: ${child.stderr}`);
      return JSON.parse(child.stdout) as { localDay: number; meta: string };
    }

    it('shows a paper published at 23:30 UTC on its UTC day (in a zone already on the next day)', () => {
      const { localDay, meta } = renderInZone('Pacific/Kiritimati', '2024-03-01T23:30:00.000Z');
      // The local calendar day really is another one (UTC+14), so the test means something.
      expect(localDay).toBe(2);
      expect(meta).toContain('March 1, 2024');
      expect(meta).not.toContain('March 2');
    });

    it('shows a paper published at 00:30 UTC on its UTC day (in a zone still on the previous day)', () => {
      const { localDay, meta } = renderInZone('America/Los_Angeles', '2024-03-01T00:30:00.000Z');
      expect(localDay).toBe(29);
      expect(meta).toContain('March 1, 2024');
      expect(meta).not.toContain('February');
    });

    it('formats in-process dates as UTC days too', () => {
      expect(dateInWords(new Date('2024-03-01T23:30:00.000Z'))).toBe('March 1, 2024');
      expect(dateInWords(new Date('2024-03-01T00:00:00.000Z'))).toBe('March 1, 2024');
    });
  });

  describe('hostile and oversized input', () => {
    const HOSTILE = '<!channel> <@U123> & <http://evil.example|click>';

    it('cannot ping, mention or link from a title', () => {
      const card = paperCard(basePaper({ title: HOSTILE }), { teamVotes: 0 });
      const serialized = JSON.stringify(card);
      for (const needle of ['<!channel>', '<@U123>', '<http://evil']) {
        expect(serialized).not.toContain(needle);
        expect(card.text).not.toContain(needle);
      }
      const title = textOf(card, BLOCK_IDS.title);
      expect(title).toContain('&amp;');
      expect(title).toContain('&lt;!channel&gt;');
      expect(card.text).toContain('&amp;');
      expect(card.text).toContain('&lt;');
      // The title stays one link, to the paper.
      expect(links(title)).toHaveLength(1);
      expect(links(title)[0]?.url).toBe('https://huggingface.co/papers/2406.07550');
      expectValid(card);
    });

    it('cannot ping from authors, abstract or summary either', () => {
      for (const overrides of [
        { authors: [HOSTILE, '<!here>'] },
        { abstract: `${HOSTILE}. More text.` },
        { aiSummary: `${HOSTILE}. More text.` },
      ]) {
        const card = paperCard(basePaper(overrides), { teamVotes: 0 });
        const serialized = JSON.stringify(card);
        for (const needle of ['<!channel>', '<!here>', '<@U123>', '<http://evil']) {
          expect(serialized).not.toContain(needle);
        }
        expect(serialized).toContain('&amp;');
        expect(serialized).toContain('&lt;');
        expectValid(card);
      }
    });

    it('cuts a 20,000-character abstract at a sentence end, within every limit', () => {
      const sentences: string[] = [];
      for (let i = 0; sentences.join(' ').length < 20_000; i += 1) {
        sentences.push(`Sentence number ${i} says something about tokenizers.`);
      }
      const abstract = sentences.join(' ').slice(0, 20_000);
      expect(abstract).toHaveLength(20_000);
      const card = paperCard(basePaper({ abstract }), { teamVotes: 0 });
      const teaser = textOf(card, BLOCK_IDS.abstract);
      expect(teaser.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(teaser.length).toBeGreaterThan(100);
      expect(teaser.endsWith('tokenizers.')).toBe(true);
      expect(abstract.startsWith(teaser)).toBe(true);
      expect(blocksTextLength(card.blocks)).toBeLessThanOrEqual(12_000);
      expectValid(card);
    });

    it('keeps a 20,000-character abstract full of characters to escape within limits', () => {
      const abstract = 'R&D <b> & more. '.repeat(1250);
      expect(abstract).toHaveLength(20_000);
      const card = paperCard(basePaper({ abstract }), { teamVotes: 0 });
      const teaser = textOf(card, BLOCK_IDS.abstract);
      expect(teaser.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(teaser).not.toMatch(/&[a-z]{0,3}(?![a-z;])/);
      expectValid(card);
    });

    it('cuts a 500-character title and keeps its link whole', () => {
      const title = Array.from({ length: 100 }, (_, i) => `w${String(i).padStart(3, '0')}`).join(
        ' ',
      );
      expect(title).toHaveLength(499);
      const card = paperCard(basePaper({ title: `${title}x` }), { teamVotes: 0 });
      const text = textOf(card, BLOCK_IDS.title);
      expect(text).toMatch(/^\*<https:\/\/huggingface\.co\/papers\/2406\.07550\|[^<>|]+>\*$/);
      expect(text.length).toBeLessThan(500);
      expect(text).toContain('…');
      expectValid(card);
    });

    it('shows three of 400 authors', () => {
      const authors = Array.from({ length: 400 }, (_, i) => `Author Number${i}`);
      const card = paperCard(basePaper({ authors }), { teamVotes: 0 });
      const meta = textOf(card, BLOCK_IDS.meta);
      expect(meta).toContain('Author Number0, Author Number1, Author Number2 et al.');
      expect(meta).not.toContain('Number3');
      expect(card.text).not.toContain('Number3');
      expectValid(card);
    });

    it('keeps absurdly long author names within limits, and the date and counters in view', () => {
      const authors = ['&'.repeat(3000), 'B'.repeat(3000), 'C'.repeat(3000), 'D', 'E'];
      const card = paperCard(basePaper({ authors, hfUpvotes: 5, hfComments: 2 }), {
        teamVotes: 0,
      });
      const meta = textOf(card, BLOCK_IDS.meta);
      expect(meta).toContain('June 11, 2024');
      expect(meta).toContain('▲ 5 on HF');
      expect(meta).toContain('💬 2 comments');
      expect(meta).not.toMatch(/&(?!(amp|lt|gt);)/);
      expectValid(card);
    });

    it('prefers the AI summary to the abstract', () => {
      const card = paperCard(
        basePaper({ abstract: 'The long abstract.', aiSummary: 'The short summary.' }),
        { teamVotes: 0 },
      );
      const teaser = textOf(card, BLOCK_IDS.abstract);
      expect(teaser).toContain('The short summary.');
      expect(teaser).not.toContain('The long abstract.');
    });

    it('shows a placeholder when there is no abstract', () => {
      const card = paperCard(basePaper({ abstract: '' }), { teamVotes: 0 });
      expect(textOf(card, BLOCK_IDS.abstract)).toBe('_No abstract available._');
      expectValid(card);
    });

    it('shows a placeholder for missing authors', () => {
      const card = paperCard(basePaper({ authors: [] }), { teamVotes: 0 });
      expect(textOf(card, BLOCK_IDS.meta)).toContain('Unknown authors');
      expectValid(card);
    });

    it('keeps a GitHub link whole when its URL contains | or >', () => {
      for (const githubRepo of [
        'https://github.com/evil/repo|<!channel>',
        'https://github.com/evil/repo>x|y',
      ]) {
        const card = paperCard(basePaper({ githubRepo, githubStars: 5 }), { teamVotes: 0 });
        const line = textOf(card, BLOCK_IDS.links);
        const found = links(line);
        expect(found.map((l) => l.label)).toEqual(['arXiv', 'PDF', 'Hugging Face', 'GitHub ★ 5']);
        const github = found[3]?.url ?? '';
        expect(github.startsWith('https://github.com/evil/repo')).toBe(true);
        expect(github).not.toMatch(/[|<>]/);
        // Nothing outside the four links but the separators.
        expect(line.replace(/<[^<>]*>/g, '').replace(/ {2}· {2}/g, '')).toBe('');
        expect(JSON.stringify(card)).not.toContain('<!channel>');
        expectValid(card);
      }
    });

    it('stays valid with a very long project page URL', () => {
      const projectPage = `https://example.org/${'p'.repeat(2_900)}`;
      const card = paperCard(basePaper({ projectPage }), { teamVotes: 0 });
      expectValid(card);
    });
  });
});

describe('compactNumber', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1k'],
    [1234, '1.2k'],
    [1250, '1.3k'],
    [9_999, '10k'],
    [12_345, '12k'],
    [999_499, '999k'],
    [1_000_000, '1M'],
    [2_500_000, '2.5M'],
  ])('%d → %s', (value, expected) => {
    expect(compactNumber(value)).toBe(expected);
  });

  it('rounds just under a million up to 1M, not 1000k', () => {
    expect(compactNumber(999_999)).toBe('1M');
  });
});

describe('authorLine', () => {
  it.each([
    [[], 'Unknown authors'],
    [['A'], 'A'],
    [['A', 'B'], 'A, B'],
    [['A', 'B', 'C', 'D'], 'A, B, C, D'],
    [['A', 'B', 'C', 'D', 'E'], 'A, B, C et al.'],
  ])('%j → %s', (authors, expected) => {
    expect(authorLine(authors)).toBe(expected);
  });
});

describe('fit', () => {
  it('leaves text within the limit alone', () => {
    expect(fit('a &amp; b', 9)).toBe('a &amp; b');
  });

  it('cuts to the limit with an ellipsis', () => {
    const cut = fit('abcdefghij', 5);
    expect(cut).toBe('abcd…');
  });

  it('never leaves a partial entity such as &am', () => {
    const text = 'x&amp;&lt;&gt;'.repeat(10);
    for (let max = 2; max < text.length; max += 1) {
      const cut = fit(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.endsWith('…')).toBe(true);
      // Every `&` left starts a whole entity.
      expect(cut).not.toMatch(/&(?!(amp|lt|gt);)/);
    }
    expect(fit('ab &amp; cd', 7)).toBe('ab …');
  });

  it('does not split an emoji', () => {
    expect(fit('a😀😀😀😀', 4)).toBe('a😀…');
    const cut = fit('ab😀😀😀😀', 4);
    expect(cut).toBe('ab…');
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
