import { App, SocketModeReceiver } from '@slack/bolt';
import type { Server } from 'node:http';
import type { Logger } from '../logger';
import { CLIENT_OPTIONS } from './client';
import type { SlackIdentity } from './identity';
import * as actions from './listeners/actions';
import * as commands from './listeners/commands';
import * as events from './listeners/events';
import * as views from './listeners/views';
import type { ListenerDeps } from './listeners/deps';

export interface SlackAppOptions {
  botToken: string;
  /** HTTP mode: verifies every request's signature. */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  apiUrl: string;
  port: number;
  /** The interface the HTTP receiver listens on; default all of them. */
  host?: string;
  identity: SlackIdentity;
  logger: Logger;
  listeners: ListenerDeps;
}

export interface RunningSlackApp {
  app: App;
  /** The port the HTTP receiver listens on (undefined in Socket Mode). */
  port?: number;
  stop(): Promise<void>;
}

/**
 * The Bolt app: HTTP receiver at `POST /slack/events` (signature-verified; stale or forged
 * requests get 401), or Socket Mode when an app token is given. Listeners are registered per
 * surface; errors they let through reach the one `app.error` handler.
 */
export async function startSlackApp(options: SlackAppOptions): Promise<RunningSlackApp> {
  const { logger } = options;
  const socketMode = options.appToken !== undefined;
  const app = new App({
    token: options.botToken,
    ...(options.appToken !== undefined
      ? {
          // A receiver of our own: Bolt would hand the Socket Mode client the listeners' quick-retry
          // client options, and a reconnect that gives up after three tries leaves the app offline.
          // The socket client keeps its own patient reconnects; only the API URL is ours.
          receiver: new SocketModeReceiver({
            appToken: options.appToken,
            logger,
            logLevel: logger.getLevel(),
            installerOptions: { clientOptions: { slackApiUrl: options.apiUrl } },
          }),
        }
      : { signingSecret: options.signingSecret ?? '' }),
    logger,
    logLevel: logger.getLevel(),
    // Known from auth.test at boot: Bolt need not call it again.
    botId: options.identity.botId,
    botUserId: options.identity.botUserId,
    clientOptions: { ...CLIENT_OPTIONS.app, slackApiUrl: options.apiUrl },
  });
  commands.register(app, options.listeners);
  actions.register(app, options.listeners);
  events.register(app, options.listeners, options.identity.botUserId);
  views.register(app, options.listeners);
  app.error(async (error) => {
    logger.error('unhandled error in a Slack listener:', error.original ?? error);
  });

  if (socketMode) {
    await app.start();
    logger.info('connected to Slack in Socket Mode');
    return { app, stop: () => app.stop().then(() => undefined) };
  }
  const server = (await app.start(
    options.host === undefined ? options.port : { port: options.port, host: options.host },
  )) as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  logger.info(`listening for Slack on http://${options.host ?? 'localhost'}:${port}/slack/events`);
  return { app, port, stop: () => app.stop().then(() => undefined) };
}
