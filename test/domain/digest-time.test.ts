import { dueDigestDay } from '../../src/domain/digest-time';

describe('dueDigestDay', () => {
  const NY = 'America/New_York';

  it('is due from the local time on, for the local day', () => {
    expect(dueDigestDay(new Date('2025-06-02T12:59:00Z'), '09:00', NY)).toBeUndefined();
    expect(dueDigestDay(new Date('2025-06-02T13:00:00Z'), '09:00', NY)).toBe('2025-06-02');
    // 23:30 in New York is already the next day in UTC: the local day counts.
    expect(dueDigestDay(new Date('2025-06-03T03:30:00Z'), '09:00', NY)).toBe('2025-06-02');
  });

  it('follows the clocks across a daylight-saving change', () => {
    // 9 March 2025: New York moved from UTC-5 to UTC-4. 09:00 is 13:00 UTC that day, not 14:00.
    expect(dueDigestDay(new Date('2025-03-09T12:59:00Z'), '09:00', NY)).toBeUndefined();
    expect(dueDigestDay(new Date('2025-03-09T13:00:00Z'), '09:00', NY)).toBe('2025-03-09');
    // The day before, still standard time: 09:00 was 14:00 UTC.
    expect(dueDigestDay(new Date('2025-03-08T13:30:00Z'), '09:00', NY)).toBeUndefined();
    expect(dueDigestDay(new Date('2025-03-08T14:00:00Z'), '09:00', NY)).toBe('2025-03-08');
  });

  it('makes a time the clocks skip due once they pass it', () => {
    // 02:30 did not exist on 9 March 2025 in New York: 02:00 became 03:00 (07:00 UTC).
    expect(dueDigestDay(new Date('2025-03-09T06:59:00Z'), '02:30', NY)).toBeUndefined();
    expect(dueDigestDay(new Date('2025-03-09T07:00:00Z'), '02:30', NY)).toBe('2025-03-09');
  });
});
