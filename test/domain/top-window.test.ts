import { isTopWindow, topWindowStart } from '../../src/domain/top-window';

describe('topWindowStart', () => {
  const now = new Date('2025-03-12T15:30:00.000Z');

  it('starts each window at local midnight, today included in the count of days', () => {
    expect(topWindowStart('today', now, 'UTC')).toEqual(new Date('2025-03-12T00:00:00.000Z'));
    expect(topWindowStart('week', now, 'UTC')).toEqual(new Date('2025-03-06T00:00:00.000Z'));
    expect(topWindowStart('month', now, 'UTC')).toEqual(new Date('2025-02-11T00:00:00.000Z'));
    expect(topWindowStart('all', now, 'UTC')).toBeUndefined();
  });

  it('counts calendar days in the workspace time zone across a daylight-saving change', () => {
    // Clocks in New York went forward on 2025-03-09: the week began at 00:00 EST (05:00 UTC).
    const week = topWindowStart('week', now, 'America/New_York');
    expect(week).toEqual(new Date('2025-03-06T05:00:00.000Z'));
    const today = topWindowStart('today', now, 'America/New_York');
    expect(today).toEqual(new Date('2025-03-12T04:00:00.000Z'));
    // So the week is 7 days less the hour the clocks skipped, not 7 × 24 hours.
    expect(((today?.getTime() ?? 0) - (week?.getTime() ?? 0)) / 3_600_000).toBe(6 * 24 - 1);
  });

  it('uses the local date, which may not be the UTC date', () => {
    const lateEvening = new Date('2025-03-13T02:00:00.000Z'); // 22:00 on the 12th in New York
    expect(topWindowStart('today', lateEvening, 'America/New_York')).toEqual(
      new Date('2025-03-12T04:00:00.000Z'),
    );
    expect(topWindowStart('today', lateEvening, 'Asia/Tokyo')).toEqual(
      new Date('2025-03-12T15:00:00.000Z'),
    );
  });

  it('knows its windows', () => {
    expect(['today', 'week', 'month', 'all'].every(isTopWindow)).toBe(true);
    expect(isTopWindow('year')).toBe(false);
  });
});
