import { App, LogLevel } from '@slack/bolt';
import { silentSlackLogger } from './silent-logger';
import type { SlackEmulator } from './slack-emulator';

/** A bare Bolt app (no receiver started) whose client talks to the emulator, for its own tests. */
export function boltAppFor(emulator: SlackEmulator): App {
  return new App({
    token: emulator.token,
    signingSecret: emulator.signingSecret,
    botId: emulator.botId,
    botUserId: emulator.botUserId,
    clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } },
    logger: silentSlackLogger,
    logLevel: LogLevel.ERROR,
  });
}
