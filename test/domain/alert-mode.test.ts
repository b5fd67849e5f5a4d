import {
  ALERT_MODE_USAGE,
  DEFAULT_ALERT_DAY,
  DEFAULT_ALERT_MODE,
  DEFAULT_ALERT_TIME,
  WEEKDAYS,
  describeAlertMode,
  dueAlertPeriod,
  formatAlertModeCommand,
  isWeekday,
  parseAlertMode,
  parseAlertTime,
  periodStartsAt,
  weekdayName,
  type AlertMode,
  type Weekday,
} from '../../src/domain/alert-mode';

/** `/papers alerts <text>` as the command listener hands the words over. */
const parse = (text: string) => parseAlertMode(text.split(' ').filter(Boolean));

describe('parseAlertTime', () => {
  it.each([
    ['09:00', '09:00'],
    ['9:00', '09:00'],
    ['0:05', '00:05'],
    ['00:00', '00:00'],
    ['17:30', '17:30'],
    ['23:59', '23:59'],
    ['9am', '09:00'],
    ['9AM', '09:00'],
    ['9 am', '09:00'],
    ['9pm', '21:00'],
    ['9:30pm', '21:30'],
    ['9:30 p.m.', '21:30'],
    ['09am', '09:00'],
    ['12am', '00:00'],
    ['12:15am', '00:15'],
    ['12pm', '12:00'],
    ['12:45pm', '12:45'],
  ])('reads %s as %s', (text, time) => {
    expect(parseAlertTime(text)).toBe(time);
  });

  it.each(['9', '0900', '24:00', '9:60', '9:5', '13pm', '0am', '9.30', 'noon', ''])(
    'does not read %p',
    (text) => {
      expect(parseAlertTime(text)).toBeUndefined();
    },
  );
});

describe('parseAlertMode', () => {
  it.each<[string, AlertMode]>([
    ['instant', { kind: 'instant' }],
    ['INSTANT', { kind: 'instant' }],
    ['off', { kind: 'off' }],
    ['Off', { kind: 'off' }],
    ['daily', { kind: 'daily', time: '09:00' }],
    ['daily 09:00', { kind: 'daily', time: '09:00' }],
    ['daily 9:00', { kind: 'daily', time: '09:00' }],
    ['daily 17:30', { kind: 'daily', time: '17:30' }],
    ['daily 0:00', { kind: 'daily', time: '00:00' }],
    ['daily 9am', { kind: 'daily', time: '09:00' }],
    ['daily 9pm', { kind: 'daily', time: '21:00' }],
    ['daily 9 PM', { kind: 'daily', time: '21:00' }],
    ['daily 12am', { kind: 'daily', time: '00:00' }],
    ['daily 12pm', { kind: 'daily', time: '12:00' }],
    ['daily at 7:15am', { kind: 'daily', time: '07:15' }],
    ['Daily At 9:00', { kind: 'daily', time: '09:00' }],
    ['weekly', { kind: 'weekly', day: 'mon', time: '09:00' }],
    ['weekly fri', { kind: 'weekly', day: 'fri', time: '09:00' }],
    ['weekly 17:30', { kind: 'weekly', day: 'mon', time: '17:30' }],
    ['weekly friday 17:30', { kind: 'weekly', day: 'fri', time: '17:30' }],
    ['weekly fri 17:30', { kind: 'weekly', day: 'fri', time: '17:30' }],
    ['weekly 17:30 fri', { kind: 'weekly', day: 'fri', time: '17:30' }],
    ['WEEKLY FRIDAY 5PM', { kind: 'weekly', day: 'fri', time: '17:00' }],
    ['weekly Fridays 5 pm', { kind: 'weekly', day: 'fri', time: '17:00' }],
    ['weekly on friday at 5:30pm', { kind: 'weekly', day: 'fri', time: '17:30' }],
    ['weekly mon 9:00', { kind: 'weekly', day: 'mon', time: '09:00' }],
    ['weekly monday', { kind: 'weekly', day: 'mon', time: '09:00' }],
    ['weekly tue', { kind: 'weekly', day: 'tue', time: '09:00' }],
    ['weekly tues', { kind: 'weekly', day: 'tue', time: '09:00' }],
    ['weekly tuesday', { kind: 'weekly', day: 'tue', time: '09:00' }],
    ['weekly wed', { kind: 'weekly', day: 'wed', time: '09:00' }],
    ['weekly weds', { kind: 'weekly', day: 'wed', time: '09:00' }],
    ['weekly wednesday', { kind: 'weekly', day: 'wed', time: '09:00' }],
    ['weekly thu', { kind: 'weekly', day: 'thu', time: '09:00' }],
    ['weekly thur', { kind: 'weekly', day: 'thu', time: '09:00' }],
    ['weekly thurs', { kind: 'weekly', day: 'thu', time: '09:00' }],
    ['weekly thursday', { kind: 'weekly', day: 'thu', time: '09:00' }],
    ['weekly sat', { kind: 'weekly', day: 'sat', time: '09:00' }],
    ['weekly saturday', { kind: 'weekly', day: 'sat', time: '09:00' }],
    ['weekly sun 23:59', { kind: 'weekly', day: 'sun', time: '23:59' }],
    ['weekly sunday', { kind: 'weekly', day: 'sun', time: '09:00' }],
  ])('reads "%s"', (text, mode) => {
    expect(parse(text)).toEqual(mode);
  });

  it('defaults to 09:00 and Monday', () => {
    expect(DEFAULT_ALERT_TIME).toBe('09:00');
    expect(DEFAULT_ALERT_DAY).toBe('mon');
    expect(DEFAULT_ALERT_MODE).toEqual({ kind: 'instant' });
  });

  it('takes App Home values and words with spaces in them as they come', () => {
    expect(parseAlertMode(['weekly', 'thu', '08:30'])).toEqual({
      kind: 'weekly',
      day: 'thu',
      time: '08:30',
    });
    expect(parseAlertMode(['daily', '08:30'])).toEqual({ kind: 'daily', time: '08:30' });
    expect(parseAlertMode([' weekly  fri ', '', '9 am'])).toEqual({
      kind: 'weekly',
      day: 'fri',
      time: '09:00',
    });
  });

  describe('problems', () => {
    it('lists the choices when there are no words', () => {
      const problem = `How should your keyword alerts reach you? ${ALERT_MODE_USAGE}`;
      expect(parseAlertMode([])).toEqual({ problem });
      expect(parseAlertMode(['  '])).toEqual({ problem });
      expect(ALERT_MODE_USAGE).toBe(
        'Alerts can be `instant` (a DM after each poll that finds matches), `daily 09:00` or `weekly mon 09:00` (one digest at that time in your time zone), or `off`, e.g. `/papers alerts daily 09:00`.',
      );
    });

    it('echoes a mode it does not know, as typed', () => {
      expect(parse('Hourly')).toEqual({
        problem: `I don't understand \`Hourly\`. ${ALERT_MODE_USAGE}`,
      });
      // `on` is a filler after a mode only, not a mode.
      expect(parse('on')).toEqual({ problem: `I don't understand \`on\`. ${ALERT_MODE_USAGE}` });
      // Escaping mrkdwn is the caller's job: the word comes back untouched.
      expect(parse('<!channel>')).toEqual({
        problem: `I don't understand \`<!channel>\`. ${ALERT_MODE_USAGE}`,
      });
    });

    it('takes nothing after instant or off', () => {
      expect(parse('instant 9:00')).toEqual({
        problem:
          "`/papers alerts instant` takes nothing after it, so I don't know what to do with `9:00`. For a digest at a set time, try `/papers alerts daily 09:00`.",
      });
      expect(parse('off now')).toEqual({
        problem:
          "`/papers alerts off` takes nothing after it, so I don't know what to do with `now`.",
      });
    });

    it('says what a time looks like', () => {
      const daily = (word: string) =>
        `I can't read \`${word}\` as a time. Use a time like \`09:00\`, \`17:30\` or \`9am\`, in your own time zone, e.g. \`/papers alerts daily 09:00\`.`;
      const weekly = (word: string) =>
        `I can't read \`${word}\` as a time. Use a time like \`09:00\`, \`17:30\` or \`9am\`, in your own time zone, e.g. \`/papers alerts weekly fri 17:30\`.`;
      expect(parse('daily 25:00')).toEqual({ problem: daily('25:00') });
      expect(parse('daily 9')).toEqual({ problem: daily('9') });
      expect(parse('daily soon')).toEqual({ problem: daily('soon') });
      expect(parse('daily 13 pm')).toEqual({ problem: daily('13 pm') });
      expect(parse('daily pm')).toEqual({ problem: daily('pm') });
      expect(parse('weekly fri 9')).toEqual({ problem: weekly('9') });
      expect(parse('weekly 0900 fri')).toEqual({ problem: weekly('0900') });
      expect(parse('weekly fri 13pm')).toEqual({ problem: weekly('13pm') });
    });

    it('says what a weekly day looks like', () => {
      expect(parse('weekly funday 9:00')).toEqual({
        problem:
          "I can't read `funday` as a day or a time. Weekly alerts take a day (`mon` … `sun`, or `monday` … `sunday`) and a time like `09:00`, `17:30` or `9am`, in your own time zone, e.g. `/papers alerts weekly fri 17:30`.",
      });
    });

    it('points a daily with a day to the weekly command', () => {
      expect(parse('daily mon')).toEqual({
        problem:
          "Daily alerts come every day, so I don't know what to do with `mon`. For one digest a week, try `/papers alerts weekly mon 09:00`.",
      });
      expect(parse('daily Friday 17:30')).toEqual({
        problem:
          "Daily alerts come every day, so I don't know what to do with `Friday`. For one digest a week, try `/papers alerts weekly fri 17:30`.",
      });
    });

    it('takes one time and one day', () => {
      expect(parse('daily 9:00 10pm')).toEqual({
        problem:
          'Which time, `9:00` or `10pm`? Daily alerts come once a day, e.g. `/papers alerts daily 09:00`.',
      });
      expect(parse('weekly fri 9 am 17:30')).toEqual({
        problem:
          'Which time, `9 am` or `17:30`? Weekly alerts come once a week, e.g. `/papers alerts weekly fri 17:30`.',
      });
      expect(parse('weekly mon Friday')).toEqual({
        problem:
          'Weekly alerts come on one day, and I see two: `mon` and `Friday`. For more than one a week, try `/papers alerts daily 09:00`.',
      });
    });
  });
});

describe('formatAlertModeCommand', () => {
  const modes: AlertMode[] = [
    { kind: 'instant' },
    { kind: 'off' },
    { kind: 'daily', time: '09:00' },
    { kind: 'daily', time: '00:00' },
    { kind: 'daily', time: '23:59' },
    ...WEEKDAYS.map((day): AlertMode => ({ kind: 'weekly', day, time: '17:30' })),
  ];

  it('writes the words a member would type', () => {
    expect(formatAlertModeCommand({ kind: 'instant' })).toBe('instant');
    expect(formatAlertModeCommand({ kind: 'daily', time: '09:00' })).toBe('daily 09:00');
    expect(formatAlertModeCommand({ kind: 'weekly', day: 'mon', time: '09:00' })).toBe(
      'weekly mon 09:00',
    );
    expect(formatAlertModeCommand({ kind: 'off' })).toBe('off');
  });

  it.each(modes)('reads back to the same mode: %j', (mode) => {
    expect(parse(formatAlertModeCommand(mode))).toEqual(mode);
  });
});

describe('describeAlertMode', () => {
  it('says the mode in a sentence, with the time zone when known', () => {
    expect(describeAlertMode({ kind: 'instant' }, 'Europe/Berlin')).toBe(
      'Instant: a DM after each poll that finds matches',
    );
    expect(describeAlertMode({ kind: 'daily', time: '09:00' }, 'Europe/Berlin')).toBe(
      'Daily at 09:00 (Europe/Berlin)',
    );
    expect(
      describeAlertMode({ kind: 'weekly', day: 'mon', time: '09:00' }, 'America/New_York'),
    ).toBe('Weekly on Mondays at 09:00 (America/New_York)');
    expect(describeAlertMode({ kind: 'off' }, 'Europe/Berlin')).toBe('Off');
    expect(describeAlertMode({ kind: 'daily', time: '17:30' })).toBe('Daily at 17:30');
    expect(describeAlertMode({ kind: 'weekly', day: 'wed', time: '08:00' })).toBe(
      'Weekly on Wednesdays at 08:00',
    );
  });
});

describe('weekdays', () => {
  it('knows a weekday value', () => {
    expect(WEEKDAYS.every(isWeekday)).toBe(true);
    expect(isWeekday('monday')).toBe(false);
    expect(isWeekday('Mon')).toBe(false);
    expect(isWeekday(1)).toBe(false);
    expect(isWeekday(undefined)).toBe(false);
  });

  it('names each day', () => {
    expect(WEEKDAYS.map(weekdayName)).toEqual([
      'Monday',
      'Tuesday',
      'Wednesday',
      'Thursday',
      'Friday',
      'Saturday',
      'Sunday',
    ]);
  });
});

describe('dueAlertPeriod', () => {
  const NY = 'America/New_York';
  const LA = 'America/Los_Angeles';
  const BERLIN = 'Europe/Berlin';
  const TOKYO = 'Asia/Tokyo';
  const SYDNEY = 'Australia/Sydney';
  const daily = (time: string): AlertMode => ({ kind: 'daily', time });
  const weekly = (day: Weekday, time: string): AlertMode => ({
    kind: 'weekly',
    day,
    time,
  });
  const at = (iso: string) => new Date(iso);

  /** Every distinct period over [from, to) at one-minute steps: what a per-minute tick would see. */
  function periodsBetween(from: string, to: string, mode: AlertMode, zone: string): string[] {
    const seen = new Set<string>();
    for (let t = Date.parse(from); t < Date.parse(to); t += 60_000) {
      const period = dueAlertPeriod(new Date(t), mode, zone);
      if (period !== undefined) seen.add(period);
    }
    return [...seen];
  }

  it('is never due for instant or off', () => {
    for (const mode of [{ kind: 'instant' }, { kind: 'off' }] as const) {
      expect(dueAlertPeriod(at('2026-06-01T13:00:00Z'), mode, NY)).toBeUndefined();
      expect(periodsBetween('2026-06-01T04:00:00Z', '2026-06-08T04:00:00Z', mode, NY)).toEqual([]);
    }
  });

  it('is due from the local time until local midnight, for the local day', () => {
    // 1 June 2026, New York on EDT (UTC-4): 09:00 is 13:00 UTC, midnight is 04:00 UTC.
    expect(dueAlertPeriod(at('2026-06-01T12:59:00Z'), daily('09:00'), NY)).toBeUndefined();
    expect(dueAlertPeriod(at('2026-06-01T13:00:00Z'), daily('09:00'), NY)).toBe('2026-06-01');
    // 23:59 in New York is the next day in UTC: the local day counts.
    expect(dueAlertPeriod(at('2026-06-02T03:59:00Z'), daily('09:00'), NY)).toBe('2026-06-01');
    expect(dueAlertPeriod(at('2026-06-02T04:00:00Z'), daily('09:00'), NY)).toBeUndefined();
  });

  it('makes 00:00 due at local midnight and 23:59 due for the last minute', () => {
    expect(dueAlertPeriod(at('2026-06-02T03:59:00Z'), daily('00:00'), NY)).toBe('2026-06-01');
    expect(dueAlertPeriod(at('2026-06-02T04:00:00Z'), daily('00:00'), NY)).toBe('2026-06-02');
    expect(dueAlertPeriod(at('2026-06-02T03:58:59Z'), daily('23:59'), NY)).toBeUndefined();
    expect(dueAlertPeriod(at('2026-06-02T03:59:00Z'), daily('23:59'), NY)).toBe('2026-06-01');
    expect(dueAlertPeriod(at('2026-06-02T04:00:00Z'), daily('23:59'), NY)).toBeUndefined();
  });

  it("reads the clock in the member's own time zone", () => {
    // 12:00 UTC on 1 June: 21:00 in Tokyo (UTC+9) but only 08:00 in New York.
    const noonUtc = at('2026-06-01T12:00:00Z');
    expect(dueAlertPeriod(noonUtc, daily('09:00'), TOKYO)).toBe('2026-06-01');
    expect(dueAlertPeriod(noonUtc, daily('09:00'), NY)).toBeUndefined();
    // 01:00 UTC on 1 June: Tokyo's 1 June is due; New York, at 21:00 on 31 May, has its 31 May.
    expect(dueAlertPeriod(at('2026-06-01T01:00:00Z'), daily('09:00'), TOKYO)).toBe('2026-06-01');
    expect(dueAlertPeriod(at('2026-06-01T01:00:00Z'), daily('09:00'), NY)).toBe('2026-05-31');
  });

  it("reads the weekday in the member's own time zone", () => {
    // 00:00 UTC on Monday 1 June 2026: 10:00 on Monday in Sydney (AEST, UTC+10), 17:00 on
    // Sunday 31 May in Los Angeles (PDT, UTC-7).
    const instant = at('2026-06-01T00:00:00Z');
    expect(dueAlertPeriod(instant, weekly('mon', '09:00'), SYDNEY)).toBe('2026-06-01');
    expect(dueAlertPeriod(instant, weekly('mon', '09:00'), LA)).toBeUndefined();
    expect(dueAlertPeriod(instant, weekly('sun', '09:00'), LA)).toBe('2026-05-31');
    expect(dueAlertPeriod(instant, weekly('sun', '09:00'), SYDNEY)).toBeUndefined();
  });

  it('makes a weekly digest due on the chosen day only', () => {
    // Friday 5 June 2026 in Berlin (CEST, UTC+2): 17:30 is 15:30 UTC.
    const fri = weekly('fri', '17:30');
    expect(dueAlertPeriod(at('2026-06-04T15:30:00Z'), fri, BERLIN)).toBeUndefined(); // Thursday
    expect(dueAlertPeriod(at('2026-06-05T15:29:00Z'), fri, BERLIN)).toBeUndefined();
    expect(dueAlertPeriod(at('2026-06-05T15:30:00Z'), fri, BERLIN)).toBe('2026-06-05');
    expect(dueAlertPeriod(at('2026-06-05T21:59:00Z'), fri, BERLIN)).toBe('2026-06-05');
    expect(dueAlertPeriod(at('2026-06-05T22:00:00Z'), fri, BERLIN)).toBeUndefined(); // Saturday
    expect(dueAlertPeriod(at('2026-06-12T15:30:00Z'), fri, BERLIN)).toBe('2026-06-12');
    // Ticking every minute for two weeks gives the two Fridays and nothing else.
    expect(periodsBetween('2026-05-31T22:00:00Z', '2026-06-14T22:00:00Z', fri, BERLIN)).toEqual([
      '2026-06-05',
      '2026-06-12',
    ]);
  });

  it('turns the week at local midnight', () => {
    // Monday 1 June 2026 starts at 15:00 UTC on 31 May in Tokyo.
    expect(dueAlertPeriod(at('2026-05-31T14:59:00Z'), weekly('mon', '00:00'), TOKYO)).toBe(
      undefined,
    );
    expect(dueAlertPeriod(at('2026-05-31T15:00:00Z'), weekly('mon', '00:00'), TOKYO)).toBe(
      '2026-06-01',
    );
    expect(dueAlertPeriod(at('2026-05-31T14:59:00Z'), weekly('sun', '23:30'), TOKYO)).toBe(
      '2026-05-31',
    );
    expect(dueAlertPeriod(at('2026-05-31T15:00:00Z'), weekly('sun', '23:30'), TOKYO)).toBe(
      undefined,
    );
  });

  describe('on daylight-saving days', () => {
    it('follows New York onto summer time (8 March 2026)', () => {
      // 02:00 EST jumped to 03:00 EDT at 07:00 UTC. 02:30 never happened: due from 03:00.
      expect(dueAlertPeriod(at('2026-03-08T06:59:00Z'), daily('02:30'), NY)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-03-08T07:00:00Z'), daily('02:30'), NY)).toBe('2026-03-08');
      expect(dueAlertPeriod(at('2026-03-08T07:00:00Z'), weekly('sun', '02:30'), NY)).toBe(
        '2026-03-08',
      );
      // 09:00 is 13:00 UTC that day; the day before, on EST, it was 14:00 UTC.
      expect(dueAlertPeriod(at('2026-03-08T12:59:00Z'), daily('09:00'), NY)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-03-08T13:00:00Z'), daily('09:00'), NY)).toBe('2026-03-08');
      expect(dueAlertPeriod(at('2026-03-07T13:59:00Z'), daily('09:00'), NY)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-03-07T14:00:00Z'), daily('09:00'), NY)).toBe('2026-03-07');
      // The 23-hour day, minute by minute: one period.
      expect(
        periodsBetween('2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', daily('02:30'), NY),
      ).toEqual(['2026-03-08']);
    });

    it('follows New York back to standard time (1 November 2026)', () => {
      // 02:00 EDT went back to 01:00 EST at 06:00 UTC: 01:30 came at 05:30 and again at 06:30.
      expect(dueAlertPeriod(at('2026-11-01T05:29:00Z'), daily('01:30'), NY)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-11-01T05:30:00Z'), daily('01:30'), NY)).toBe('2026-11-01');
      // Between the two 01:30s the clock reads 01:00–01:29 again; the period is the same after.
      expect(dueAlertPeriod(at('2026-11-01T06:00:00Z'), daily('01:30'), NY)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-11-01T06:30:00Z'), daily('01:30'), NY)).toBe('2026-11-01');
      // The 25-hour day, minute by minute: one period, not two.
      expect(
        periodsBetween('2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', daily('01:30'), NY),
      ).toEqual(['2026-11-01']);
      expect(
        periodsBetween('2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', weekly('sun', '01:30'), NY),
      ).toEqual(['2026-11-01']);
      // 09:00 is 14:00 UTC from that day on.
      expect(dueAlertPeriod(at('2026-11-01T13:59:00Z'), daily('09:00'), NY)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-11-01T14:00:00Z'), daily('09:00'), NY)).toBe('2026-11-01');
      expect(dueAlertPeriod(at('2026-10-31T13:00:00Z'), daily('09:00'), NY)).toBe('2026-10-31');
    });

    it('follows Berlin onto summer time (29 March 2026)', () => {
      // 02:00 CET jumped to 03:00 CEST at 01:00 UTC.
      expect(dueAlertPeriod(at('2026-03-29T00:59:00Z'), daily('02:30'), BERLIN)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-03-29T01:00:00Z'), daily('02:30'), BERLIN)).toBe('2026-03-29');
      expect(dueAlertPeriod(at('2026-03-29T01:00:00Z'), weekly('sun', '02:30'), BERLIN)).toBe(
        '2026-03-29',
      );
      // 09:00 is 07:00 UTC that day; the day before, on CET, it was 08:00 UTC.
      expect(dueAlertPeriod(at('2026-03-29T06:59:00Z'), daily('09:00'), BERLIN)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-03-29T07:00:00Z'), daily('09:00'), BERLIN)).toBe('2026-03-29');
      expect(dueAlertPeriod(at('2026-03-28T07:59:00Z'), daily('09:00'), BERLIN)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-03-28T08:00:00Z'), daily('09:00'), BERLIN)).toBe('2026-03-28');
      expect(
        periodsBetween('2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', daily('02:30'), BERLIN),
      ).toEqual(['2026-03-29']);
    });

    it('follows Berlin back to standard time (25 October 2026)', () => {
      // 03:00 CEST went back to 02:00 CET at 01:00 UTC: 02:30 came at 00:30 and again at 01:30.
      expect(dueAlertPeriod(at('2026-10-25T00:29:00Z'), daily('02:30'), BERLIN)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-10-25T00:30:00Z'), daily('02:30'), BERLIN)).toBe('2026-10-25');
      expect(dueAlertPeriod(at('2026-10-25T01:30:00Z'), daily('02:30'), BERLIN)).toBe('2026-10-25');
      expect(
        periodsBetween('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', daily('02:30'), BERLIN),
      ).toEqual(['2026-10-25']);
      expect(
        periodsBetween(
          '2026-10-24T22:00:00Z',
          '2026-10-25T23:00:00Z',
          weekly('sun', '02:30'),
          BERLIN,
        ),
      ).toEqual(['2026-10-25']);
      // 09:00 is 08:00 UTC from that day on; the day before, on CEST, it was 07:00 UTC.
      expect(dueAlertPeriod(at('2026-10-25T07:59:00Z'), daily('09:00'), BERLIN)).toBeUndefined();
      expect(dueAlertPeriod(at('2026-10-25T08:00:00Z'), daily('09:00'), BERLIN)).toBe('2026-10-25');
      expect(dueAlertPeriod(at('2026-10-24T07:00:00Z'), daily('09:00'), BERLIN)).toBe('2026-10-24');
    });
  });
});

describe('periodStartsAt: when a digest period’s hour came', () => {
  it('is the local time on the local date, in the member’s zone', () => {
    expect(periodStartsAt('2026-11-28', '09:00', 'Asia/Tokyo').toISOString()).toBe(
      '2026-11-28T00:00:00.000Z',
    );
    expect(periodStartsAt('2026-11-28', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-11-28T14:00:00.000Z',
    );
  });

  it('follows the clocks across a daylight-saving change', () => {
    expect(periodStartsAt('2026-03-07', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-03-07T14:00:00.000Z',
    );
    expect(periodStartsAt('2026-03-08', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-03-08T13:00:00.000Z',
    );
  });

  it('gives the instant the clocks jumped to for a time they skip', () => {
    // 02:30 does not exist in New York on 8 March 2026: 02:00 EST jumps to 03:00 EDT.
    expect(periodStartsAt('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  it('agrees with dueAlertPeriod: the period is due from that instant on', () => {
    const mode = { kind: 'daily' as const, time: '09:00' };
    const startsAt = periodStartsAt('2026-03-08', '09:00', 'Europe/Berlin');
    expect(dueAlertPeriod(new Date(startsAt.getTime() - 60_000), mode, 'Europe/Berlin')).toBe(
      undefined,
    );
    expect(dueAlertPeriod(startsAt, mode, 'Europe/Berlin')).toBe('2026-03-08');
  });
});
