/**
 * A whole local Paperboy workspace: the feeds (recorded and served locally, or the live ones), the
 * Slack emulator, the real app and workers against it, and the web page that shows it all as a
 * small Slack. `npm run demo` and the browser tests start it the same way.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FeedServer, loadHfFixture, utcDay } from '../../test/support/feed-server';
import { SlackEmulator } from '../../test/support/slack-emulator';
import { loadConfig } from '../config';
import type { Logger } from '../logger';
import { startPaperboy, type RunningPaperboy } from '../paperboy';
import { purgeKeys } from '../queue/connection';
import { demoDirectory, PAPERS_CHANNEL_ID } from './web/directory';
import { startWorkspaceServer, type WorkspaceServer } from './web/server';

export interface DemoOptions {
  redisUrl: string;
  logger: Logger;
  /**
   * `recorded` (default): a recorded day of Hugging Face Daily Papers, served locally. `live`: the
   * Hugging Face API at `liveHfApiUrl`.
   */
  feeds?: 'recorded' | 'live';
  /** With live feeds, the Hugging Face API base (`HF_API_URL`); default the real one. */
  liveHfApiUrl?: string;
  /** The recorded feed's papers for today; default the recorded day. */
  recordedPapers?: unknown[];
  /** The page's port; default 0 (any free one). */
  webPort?: number;
  /** When `webPort` is taken, take any free port instead of failing. */
  anyPortIfTaken?: boolean;
  /** The Hugging Face poll's interval; default 15m. */
  pollEvery?: string;
}

export interface RunningDemo {
  slack: SlackEmulator;
  /** The local feed server; absent with live feeds. */
  feed?: FeedServer;
  paperboy: RunningPaperboy;
  web: WorkspaceServer;
  databaseFile: string;
  /** Stops everything it started, in reverse order, and removes its database and Redis keys. */
  stop(): Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((error: unknown) => options.logger.warn('demo: error while stopping', error));
    }
  };
  try {
    const live = options.feeds === 'live';
    const feed = live
      ? undefined
      : await FeedServer.start({
          dailyByDate: { [utcDay()]: options.recordedPapers ?? loadHfFixture() },
        });
    if (feed) cleanups.push(() => feed.close());

    // The app listens on every interface: fresh credentials, so that nobody who knows the
    // emulator's default test secret can sign requests to it.
    const slack = await SlackEmulator.start({
      token: `xoxb-demo-${randomBytes(16).toString('hex')}`,
      signingSecret: randomBytes(32).toString('hex'),
    });
    cleanups.push(() => slack.close());
    const directory = demoDirectory(slack.botUserId);
    // Alerts link to a paper's thread only for members of its channel: everyone is in #papers.
    slack.setChannelMembers(PAPERS_CHANNEL_ID, [
      ...directory.members.map((m) => m.id),
      slack.botUserId,
    ]);

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-demo-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const databaseFile = path.join(dataDir, 'paperboy.db');

    const web = await startWorkspaceServer({
      slack,
      directory,
      logger: options.logger,
      port: options.webPort ?? 0,
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' && options.anyPortIfTaken) {
        return startWorkspaceServer({ slack, directory, logger: options.logger, port: 0 });
      }
      throw error;
    });
    cleanups.push(() => web.close());

    const config = loadConfig({
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: options.redisUrl,
      DATABASE_URL: databaseFile,
      ...(feed
        ? { HF_API_URL: feed.hfApiUrl, ARXIV_API_URL: feed.arxivApiUrl }
        : { HF_API_URL: options.liveHfApiUrl }),
      ANNOUNCE_CHANNELS: PAPERS_CHANNEL_ID,
      POLL_EVERY: options.pollEvery ?? '15m',
    });
    const queuePrefix = `{paperboy-demo-${randomUUID().slice(0, 8)}}`;
    cleanups.push(() => purgeKeys(options.redisUrl, queuePrefix));
    const paperboy = await startPaperboy({
      // The demo's ports are its own business: no operations endpoints taking 9090.
      config: { ...config, PORT: 0, OPS_PORT: 'off' },
      role: 'all',
      logger: options.logger,
      queuePrefix,
      // A recorded feed is served locally: Hugging Face's limits are not at stake.
      ...(live ? {} : { hfMinIntervalMs: 0 }),
      // Nor Slack's: the local emulator limits no channel, and fifty cards would take a minute
      // at one per second.
      channelPacing: 'off',
      // Only the emulator on this machine sends it requests.
      httpHost: '127.0.0.1',
    });
    cleanups.push(() => paperboy.stop(10_000));
    slack.setAppUrl(`http://127.0.0.1:${paperboy.port}`);

    return { slack, ...(feed ? { feed } : {}), paperboy, web, databaseFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
