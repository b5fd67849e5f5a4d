import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { loadConfig, type Role } from '../../src/config';
import type { Clock } from '../../src/domain/clock';
import { createLogger, type Logger } from '../../src/logger';
import { startPaperboy, type RunningPaperboy } from '../../src/paperboy';
import type { ChannelPacing } from '../../src/queue/channel-pacer';
import { purgeKeys } from '../../src/queue/connection';
import type { WorkerTuning } from '../../src/queue/workers';
import { FeedServer, loadHfFixture, utcDay } from './feed-server';

export { utcDay };
import { SlackEmulator, type SlackEmulatorOptions } from './slack-emulator';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A SQLite file of its own for one test file, removed by the returned cleanup. */
export function tempDatabase(): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-test-'));
  return {
    file: path.join(dir, 'paperboy.db'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A BullMQ prefix no other test file uses (braces: a Redis Cluster hash tag, as in production). */
export function uniquePrefix(): string {
  return `{paperboy-test-${randomUUID().slice(0, 8)}}`;
}

/** A logger that keeps its lines for assertions (and prints them when PAPERBOY_TEST_LOGS is set). */
export function captureLogger(secrets: string[] = []): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    secrets,
    level: 'info' as never,
    sink: (_level, line) => {
      lines.push(line);
      if (process.env.PAPERBOY_TEST_LOGS) console.log(line);
    },
  });
  return { logger, lines };
}

/** Polls an async condition until it holds; rejects with `what` after `timeoutMs`. */
export async function eventually(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Polls a job until it has finished; resolves with its return value, rejects with its failure. */
export async function waitForJob(
  queue: Queue,
  id: string | undefined,
  timeoutMs = 15_000,
): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = id === undefined ? undefined : await queue.getJobState(id);
    if (state === 'completed' || state === 'failed') {
      // Read after the state: a job object fetched earlier may predate its outcome.
      const job = await queue.getJob(id!);
      if (state === 'failed') throw new Error(`job ${id} failed: ${job?.failedReason}`);
      return job?.returnvalue;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${id} of ${queue.name} did not finish within ${timeoutMs} ms`);
}

/** Waits until no job of the queue is waiting, active or delayed. */
export async function waitForDrained(queue: Queue, timeoutMs = 15_000): Promise<void> {
  await eventually(
    async () => {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((count) => count === 0);
    },
    `queue ${queue.name} to drain`,
    timeoutMs,
  );
}

export interface HarnessOptions {
  channels?: string[];
  role?: Role;
  /** HF items served for today (default: the 50-paper fixture). */
  items?: unknown[];
  clock?: Clock;
  /** Settings over the harness's own (REDIS_URL included: the harness cleans up there). */
  env?: Record<string, string>;
  /** Per-channel pacing of posts; default `'off'`: the emulator limits nothing unless told. */
  channelPacing?: ChannelPacing | 'off';
  /** Options of the Slack emulator (`channelRateLimit`, say). */
  emulator?: SlackEmulatorOptions;
  /** How soon a job orphaned by a lost connection or process is taken back; BullMQ's by default. */
  workerTuning?: WorkerTuning;
}

export interface Harness {
  slack: SlackEmulator;
  feed: FeedServer;
  paperboy: RunningPaperboy;
  logs: string[];
  prefix: string;
  /** `http://127.0.0.1:<port>` of the operations endpoints, unless OPS_PORT is off. */
  opsUrl?: string;
  stop(): Promise<void>;
}

/**
 * The whole app against real parts: a real Redis (own key prefix), a real SQLite file, the Slack
 * emulator and the fixture feed over HTTP. Every test file starts its own and stops it in afterAll.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const slack = await SlackEmulator.start(options.emulator);
  const feed = await FeedServer.start({
    dailyByDate: { [utcDay()]: options.items ?? loadHfFixture() },
  });
  const db = tempDatabase();
  const prefix = uniquePrefix();
  const { logger, lines } = captureLogger([slack.token, slack.signingSecret]);
  const redisUrl = options.env?.REDIS_URL ?? TEST_REDIS_URL;
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redisUrl,
    DATABASE_URL: db.file,
    HF_API_URL: feed.hfApiUrl,
    ARXIV_API_URL: feed.arxivApiUrl,
    ANNOUNCE_CHANNELS: (options.channels ?? ['C0READING']).join(','),
    ...options.env,
  });
  // Port 0 asks the OS for a free port: parallel test files never collide. OPS_PORT too, unless
  // the test sets it (`off`, say).
  const paperboy = await startPaperboy({
    config: { ...config, PORT: 0, OPS_PORT: options.env?.OPS_PORT ? config.OPS_PORT : 0 },
    role: options.role ?? 'all',
    logger,
    clock: options.clock,
    queuePrefix: prefix,
    feedFetch: { timeoutMs: 1_000, retries: 2, baseDelayMs: 10 },
    // arXiv asks for 3 s between calls; the local feed server does not.
    arxivMinIntervalMs: 10,
    // Nor does it count Hugging Face's calls: no shared pace for it.
    hfMinIntervalMs: 0,
    channelPacing: options.channelPacing ?? 'off',
    ...(options.workerTuning ? { workerTuning: options.workerTuning } : {}),
  });
  if (paperboy.port) slack.setAppUrl(`http://127.0.0.1:${paperboy.port}`);
  return {
    slack,
    feed,
    paperboy,
    logs: lines,
    prefix,
    ...(paperboy.opsPort !== undefined ? { opsUrl: `http://127.0.0.1:${paperboy.opsPort}` } : {}),
    async stop() {
      await paperboy.stop(5_000);
      await Promise.all([slack.close(), feed.close()]);
      await purgeKeys(redisUrl, prefix);
      db.remove();
    },
  };
}
