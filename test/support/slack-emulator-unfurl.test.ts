import { WebClient } from '@slack/web-api';
import { silentSlackLogger } from './silent-logger';
import { SlackEmulator } from './slack-emulator';

const URL_A = 'https://arxiv.org/abs/2401.00001';
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

let emulator: SlackEmulator;

/** A raw form-encoded call, for argument combinations the typed client refuses to build. */
async function api(args: Record<string, unknown>) {
  const body = new URLSearchParams(
    Object.entries(args).map(([k, v]): [string, string] => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  ).toString();
  const res = await fetch(`${emulator.apiUrl}chat.unfurl`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${emulator.token}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body,
  });
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  emulator = await SlackEmulator.start();
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

describe('chat.unfurl in the Slack emulator', () => {
  it('attaches to a posted message by channel and ts, or to a draft by unfurl_id and source', async () => {
    const client = new WebClient(emulator.token, {
      slackApiUrl: emulator.apiUrl,
      retryConfig: { retries: 0 },
      logger: silentSlackLogger,
    });
    const unfurls = { [URL_A]: { blocks: [section('A paper')] } };
    await client.chat.unfurl({ channel: 'C1', ts: '1700000000.000100', unfurls });
    await client.chat.unfurl({ unfurl_id: 'Uxxxx-1234', source: 'composer', unfurls });
    expect(emulator.unfurls()).toEqual([
      { channel: 'C1', ts: '1700000000.000100', unfurls },
      { unfurlId: 'Uxxxx-1234', source: 'composer', unfurls },
    ]);
  });

  it('refuses a call without a target, or with half of one', async () => {
    const unfurls = { [URL_A]: { blocks: [section('A paper')] } };
    expect(await api({ unfurls })).toMatchObject({ ok: false, error: 'missing_channel' });
    expect(await api({ channel: 'C1', unfurls })).toMatchObject({ error: 'missing_ts' });
    expect(await api({ unfurl_id: 'Uxxxx-1234', unfurls })).toMatchObject({
      error: 'invalid_arguments',
    });
    expect(await api({ unfurl_id: 'Uxxxx-1234', source: 'somewhere', unfurls })).toMatchObject({
      error: 'invalid_arguments',
    });
    expect(emulator.unfurls()).toEqual([]);
  });

  it('refuses unfurls that are missing, not a map of objects, or break Block Kit limits', async () => {
    const target = { channel: 'C1', ts: '1700000000.000100' };
    expect(await api(target)).toMatchObject({ error: 'missing_unfurls' });
    expect(await api({ ...target, unfurls: '[not json' })).toMatchObject({
      error: 'invalid_unfurls_format',
    });
    expect(await api({ ...target, unfurls: { [URL_A]: 'a card' } })).toMatchObject({
      error: 'invalid_unfurls_format',
    });
    const tooLong = await api({
      ...target,
      unfurls: { [URL_A]: { blocks: [section('x'.repeat(3001))] } },
    });
    expect(tooLong).toMatchObject({ error: 'invalid_blocks' });
    expect(String((tooLong.errors as string[])[0])).toContain('must be less than 3001 characters');
    const tooMuch = Array.from({ length: 5 }, () => section('y'.repeat(2900)));
    expect(await api({ ...target, unfurls: { [URL_A]: { blocks: tooMuch } } })).toMatchObject({
      error: 'msg_blocks_too_long',
    });
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`paper ${i}`));
    expect(await api({ ...target, unfurls: { [URL_A]: { blocks: tooMany } } })).toMatchObject({
      error: 'invalid_blocks',
    });
    expect(emulator.unfurls()).toEqual([]);
  });
});
