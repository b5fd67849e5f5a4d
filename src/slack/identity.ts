import { StartupError } from '../errors';
import type { Logger } from '../logger';
import { createSlackClient, platformErrorCode } from './client';

/** Who the bot token is: the workspace, and the bot's own ids (which Bolt needs). */
export interface SlackIdentity {
  teamId: string;
  botId: string;
  botUserId: string;
  /** `https://{workspace}.slack.com/`, the base of message permalinks, when Slack names it. */
  url?: string;
}

/** Asks Slack (`auth.test`) who the token is. */
export async function identify(
  token: string,
  apiUrl: string,
  logger: Logger,
): Promise<SlackIdentity> {
  const client = createSlackClient({ token, apiUrl, logger, role: 'app' });
  try {
    const auth = await client.auth.test();
    if (!auth.team_id || !auth.bot_id || !auth.user_id) {
      throw new Error('auth.test did not name a bot');
    }
    return {
      teamId: auth.team_id,
      botId: auth.bot_id,
      botUserId: auth.user_id,
      ...(auth.url ? { url: auth.url } : {}),
    };
  } catch (error) {
    const code = platformErrorCode(error);
    throw new StartupError(
      code
        ? `Slack rejected SLACK_BOT_TOKEN (${code}); copy the Bot User OAuth Token again from OAuth & Permissions`
        : `cannot reach Slack at ${apiUrl} (${(error as Error).message}); check SLACK_API_URL and the network`,
    );
  }
}
