import { CHANNEL_MEMBERS_TTL_MS, createChannelMembers } from '../../src/slack/channel-members';
import { createSlackClient } from '../../src/slack/client';
import { captureLogger } from '../support/harness';
import { SlackEmulator } from '../support/slack-emulator';

describe('channel members, from conversations.members, remembered for a while', () => {
  let slack: SlackEmulator;
  let now = Date.parse('2026-03-07T12:00:00Z');
  const { logger, lines } = captureLogger();

  beforeAll(async () => {
    slack = await SlackEmulator.start();
  });
  afterAll(async () => {
    await slack.close();
  });

  const members = () =>
    createChannelMembers({
      slack: createSlackClient({
        token: slack.token,
        apiUrl: slack.apiUrl,
        logger,
        role: 'worker',
      }),
      clock: () => new Date(now),
      logger,
    });

  it('reads every page of a big channel', async () => {
    const everyone = Array.from({ length: 2_500 }, (_, i) => `U${String(i).padStart(5, '0')}`);
    slack.setChannelMembers('C0BIG', everyone);
    const big = members();
    expect(await big.includes('C0BIG', 'U02499')).toBe(true);
    expect(await big.includes('C0BIG', 'U99999')).toBe(false);
    expect(slack.calls('conversations.members')).toHaveLength(3);
  });

  it('asks Slack again only once the list is older than its time to live', async () => {
    slack.setChannelMembers('C0SMALL', ['U0ADA']);
    const small = members();
    const before = slack.calls('conversations.members').length;
    expect(await small.includes('C0SMALL', 'U0ADA')).toBe(true);
    slack.setChannelMembers('C0SMALL', ['U0BOB']);
    expect(await small.includes('C0SMALL', 'U0BOB')).toBe(false);
    now += CHANNEL_MEMBERS_TTL_MS + 1;
    expect(await small.includes('C0SMALL', 'U0BOB')).toBe(true);
    expect(slack.calls('conversations.members').length - before).toBe(2);
  });

  it('answers no, with a warning, when Slack will not say, and asks again next time', async () => {
    const unknown = members();
    expect(await unknown.includes('C0NOWHERE', 'U0ADA')).toBe(false);
    expect(lines.join('\n')).toContain('could not read the members of C0NOWHERE');
    slack.setChannelMembers('C0NOWHERE', ['U0ADA']);
    expect(await unknown.includes('C0NOWHERE', 'U0ADA')).toBe(true);
  });
});
