import type { HomeView } from '@slack/types';
import type { AlertMode } from '../../../src/domain/alert-mode';
import { homeView, type HomeInput } from '../../../src/slack/blocks/home';
import {
  ACTION_IDS,
  BLOCK_IDS,
  ALERT_KEYWORD_REMOVE_PATTERN,
  ALERT_KEYWORD_REMOVE_PREFIX,
  alertKeywordRemoveActionId,
} from '../../../src/slack/blocks/ids';
import type { TopPaper } from '../../../src/store/store';
import { validateView, mrkdwnTexts } from '../../support/block-kit';
import { minimalPaper } from '../../support/papers';

type Obj = Record<string, unknown>;

/** Every element of every actions block and accessory, in order. */
function elementsOf(view: HomeView): Obj[] {
  return view.blocks.flatMap((block) => {
    const b = block as unknown as Obj;
    if (b['type'] === 'actions') return b['elements'] as Obj[];
    return b['accessory'] ? [b['accessory'] as Obj] : [];
  });
}

const byAction = (view: HomeView, actionId: string) =>
  elementsOf(view).find((e) => e['action_id'] === actionId);

function topPaper(i: number, title = `Top paper ${i}`): TopPaper {
  return {
    paper: minimalPaper(`2506.2000${i}`, { title }),
    teamVotes: 5 - i,
    replies: i,
    firstCard: {
      workspaceId: 'T1',
      channelId: 'C0READING',
      paperId: `2506.2000${i}`,
      messageTs: `170000000${i}.000100`,
      postedAt: new Date('2025-06-02T10:00:00Z'),
    },
  };
}

function input(overrides: Partial<HomeInput> = {}): HomeInput {
  return {
    follows: [
      { channelId: 'C0READING', feed: 'hf' },
      { channelId: 'C0ML', feed: 'hf' },
    ],
    keywords: ['tokenizer', '"speculative decoding"'],
    mode: { kind: 'instant' },
    matches: [],
    top: [],
    ...overrides,
  };
}

const LONG = (n: number) => '<&> '.repeat(Math.ceil(n / 4)).slice(0, n);

describe('homeView: one member’s App Home', () => {
  it('is valid and keeps the intro, the follows and the commands', () => {
    const view = homeView(input());
    expect(validateView(view)).toEqual([]);
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('*Hugging Face Daily Papers* → <#C0READING>, <#C0ML>');
    for (const heading of [
      'Your keywords',
      'Alerts',
      'Matched you this week',
      'Top this week in this workspace',
      'Following',
      'Commands',
    ])
      expect(json).toContain(`"text":"${heading}"`);
    // The commands are one compact section, placeholders escaped.
    const commands = mrkdwnTexts(view.blocks).filter((t) => t.includes('/papers search'));
    expect(commands).toHaveLength(1);
    expect(commands[0]).toContain('/papers search &lt;query&gt;');
    expect(commands[0]).toContain('/papers subscribe &lt;keywords&gt;');
    expect(commands[0]).toContain('/papers follow hf');
    expect(commands[0]).toContain('/papers help');
  });

  it('shows each keyword as a remove button with a unique, routable action id', () => {
    const view = homeView(input({ keywords: ['tokenizer', '"speculative decoding"', '<@U123>'] }));
    expect(validateView(view)).toEqual([]);
    const removes = elementsOf(view).filter((e) =>
      ALERT_KEYWORD_REMOVE_PATTERN.test(String(e['action_id'])),
    );
    expect(removes.map((e) => [e['action_id'], e['value'], (e['text'] as Obj)['text']])).toEqual([
      ['alert_keyword_remove_0', 'tokenizer', '✕ tokenizer'],
      ['alert_keyword_remove_1', '"speculative decoding"', '✕ "speculative decoding"'],
      ['alert_keyword_remove_2', '<@U123>', '✕ <@U123>'],
    ]);
    expect(alertKeywordRemoveActionId(7)).toBe(`${ALERT_KEYWORD_REMOVE_PREFIX}7`);
    expect(ALERT_KEYWORD_REMOVE_PATTERN.test('alert_keyword_remove_')).toBe(false);
    expect(byAction(view, ACTION_IDS.alertKeywordsAdd)).toMatchObject({ type: 'button' });
    expect(JSON.stringify(view.blocks)).toContain('3 keywords of 50');
  });

  it('explains keywords with an example when there are none', () => {
    const view = homeView(input({ keywords: [] }));
    expect(validateView(view)).toEqual([]);
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('You have no keywords yet');
    expect(json).toContain('tokenizer \\"speculative decoding\\" diffu* -survey');
    expect(byAction(view, ACTION_IDS.alertKeywordsAdd)).toBeDefined();
    expect(json).toContain('Papers that match your keywords will show here.');
    expect(json).toContain('Nothing was posted in this workspace this week yet.');
  });

  it.each<[AlertMode, string, boolean, boolean]>([
    [{ kind: 'instant' }, 'instant', false, false],
    [{ kind: 'daily', time: '07:30' }, 'daily', true, false],
    [{ kind: 'weekly', day: 'fri', time: '17:30' }, 'weekly', true, true],
    [{ kind: 'off' }, 'off', false, false],
  ])('shows the %j mode selected, with the controls that apply', (mode, value, time, day) => {
    const view = homeView(input({ mode, timeZone: 'Europe/Berlin' }));
    expect(validateView(view)).toEqual([]);
    const select = byAction(view, ACTION_IDS.alertMode) as {
      options: Obj[];
      initial_option: { value: string };
    };
    expect(select.options.map((o) => o['value'])).toEqual(['instant', 'daily', 'weekly', 'off']);
    expect(select.initial_option.value).toBe(value);
    expect(select.options).toContainEqual(select.initial_option);
    const picker = byAction(view, ACTION_IDS.alertTime);
    expect(picker !== undefined).toBe(time);
    if (picker && 'time' in mode) expect(picker['initial_time']).toBe(mode.time);
    const weekday = byAction(view, ACTION_IDS.alertDay) as
      { initial_option: { value: string } } | undefined;
    expect(weekday !== undefined).toBe(day);
    if (weekday) expect(weekday.initial_option.value).toBe('fri');
    // The three controls share one actions block.
    const controls = view.blocks.filter((b) => {
      const elements = (b as unknown as Obj)['elements'];
      return (
        b.type === 'actions' &&
        Array.isArray(elements) &&
        (elements as Obj[]).some((e) => e['action_id'] === ACTION_IDS.alertMode)
      );
    });
    expect(controls).toHaveLength(1);
    expect(JSON.stringify(controls[0])).toContain(BLOCK_IDS.alertControls);
    if (mode.kind === 'daily')
      expect(JSON.stringify(view.blocks)).toContain('Daily at 07:30 (Europe/Berlin)');
  });

  it('lists at most 10 matches with their keywords, then how many more, escaped', () => {
    const matches = Array.from({ length: 12 }, (_, i) => ({
      paper: minimalPaper(`2506.3000${i}`, { title: i === 0 ? 'Hello <!channel>' : `Match ${i}` }),
      keywords: ['<@U123>', 'tokenizer'],
    }));
    const view = homeView(input({ matches }));
    expect(validateView(view)).toEqual([]);
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('<https://arxiv.org/abs/2506.30000|Hello &lt;!channel&gt;>');
    expect(json).toContain('matched `&lt;@U123&gt;`, `tokenizer`');
    expect(json).toContain('Match 9');
    expect(json).not.toContain('Match 10');
    expect(json).toContain('…and 2 more papers.');
    for (const text of mrkdwnTexts(view.blocks)) {
      expect(text).not.toContain('<!');
      expect(text).not.toContain('<@');
    }
  });

  it('shows the top 5 with team votes, replies and a link to the first card’s thread', () => {
    const top = Array.from({ length: 7 }, (_, i) => topPaper(i));
    top[0] = topPaper(0, 'Top <!here> paper');
    const view = homeView(input({ top, workspaceUrl: 'https://team.slack.com/' }));
    expect(validateView(view)).toEqual([]);
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('Top &lt;!here&gt; paper');
    expect(json).toContain(
      '▲ 4 team  ·  💬 1 reply  ·  <https://team.slack.com/archives/C0READING/p1700000001000100|thread> in <#C0READING>',
    );
    expect(json).toContain('Top paper 4');
    expect(json).not.toContain('Top paper 5');
  });

  it('names the channel without a link when the workspace URL is unknown', () => {
    const view = homeView(input({ top: [topPaper(1)] }));
    expect(JSON.stringify(view.blocks)).toContain('💬 1 reply  ·  in <#C0READING>');
  });

  it('stays within 100 blocks and every limit at the most it can show', () => {
    const keywords = Array.from({ length: 50 }, (_, i) => `${i}${LONG(99)}`.slice(0, 100));
    const matches = Array.from({ length: 50 }, (_, i) => ({
      paper: minimalPaper(`2506.4${String(i).padStart(4, '0')}`, { title: LONG(600) }),
      keywords,
    }));
    const top = Array.from({ length: 5 }, (_, i) => topPaper(i, LONG(600)));
    const follows = Array.from({ length: 40 }, (_, i) => ({
      channelId: `C0${String(i).padStart(8, '0')}`,
      feed: 'hf' as const,
    }));
    const view = homeView(
      input({
        keywords,
        matches,
        top,
        follows,
        mode: { kind: 'weekly', day: 'mon', time: '09:00' },
        timeZone: 'America/Argentina/ComodRivadavia',
        workspaceUrl: 'https://team.slack.com',
      }),
    );
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const removes = elementsOf(view).filter((e) =>
      ALERT_KEYWORD_REMOVE_PATTERN.test(String(e['action_id'])),
    );
    expect(removes).toHaveLength(50);
    expect(new Set(removes.map((e) => e['action_id'])).size).toBe(50);
    expect(removes.map((e) => e['value'])).toEqual(keywords);
    expect(JSON.stringify(view.blocks)).toContain('Remove one to add another.');
    expect(JSON.stringify(view.blocks)).toContain('…and 40 more papers.');
    // Cuts in mrkdwn never leave half an entity (plain text is not escaped, so not checked).
    for (const text of mrkdwnTexts(view.blocks)) expect(text).not.toMatch(/&[a-z]{0,3}…/);
  });
});
