import { startHarness, type Harness } from '../support/harness';
import { minimalPaper } from '../support/papers';

/**
 * `/papers top` counts calendar days in WORKSPACE_TIME_ZONE. The clock stands on Wednesday
 * 2025-03-12 in New York, three days after clocks went forward: "week" starts at local midnight
 * on Thursday 2025-03-06 (05:00 UTC, still standard time), "today" at 04:00 UTC.
 */
describe('/papers top across a daylight-saving change', () => {
  let h: Harness;
  const now = new Date('2025-03-12T15:30:00.000Z');
  const posts: Array<[id: string, postedAt: string]> = [
    ['2503.00001', '2025-03-06T04:59:00.000Z'], // 23:59 on the 5th in New York: outside the week
    ['2503.00002', '2025-03-06T05:00:00.000Z'], // 00:00 on the 6th: the week's first minute
    ['2503.00003', '2025-03-12T03:59:00.000Z'], // 23:59 on the 11th: this week, not today
    ['2503.00004', '2025-03-12T04:00:00.000Z'], // 00:00 on the 12th: today
  ];

  beforeAll(async () => {
    h = await startHarness({
      role: 'app',
      items: [],
      clock: () => now,
      env: { WORKSPACE_TIME_ZONE: 'America/New_York' },
    });
    const { store } = h.paperboy;
    await store.upsertPapers(
      posts.map(([id]) => minimalPaper(id, { title: `Paper ${id}` })),
      now,
    );
    for (const [index, [paperId, postedAt]] of posts.entries()) {
      await store.recordDelivery({
        workspaceId: h.slack.teamId,
        channelId: 'C0TZ',
        paperId,
        messageTs: `174100000${index}.000100`,
        postedAt: new Date(postedAt),
      });
    }
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function listed(window: string): Promise<string[]> {
    const before = h.slack.ephemerals('C0TZ').length;
    await h.slack.sendSlashCommand({ text: `top ${window}`, channelId: 'C0TZ' });
    const answer = await h.slack.waitFor(() => h.slack.ephemerals('C0TZ')[before]);
    return posts.map(([id]) => id).filter((id) => JSON.stringify(answer.blocks).includes(id));
  }

  it('starts the week and the day at local midnight', async () => {
    expect(await listed('week')).toEqual(['2503.00002', '2503.00003', '2503.00004']);
    expect(await listed('today')).toEqual(['2503.00004']);
    expect(await listed('all')).toEqual(posts.map(([id]) => id));
  });
});
