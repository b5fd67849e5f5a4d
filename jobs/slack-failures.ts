import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { PERMANENT_SLACK_ERRORS, platformErrorCode, retryAfterSeconds } from '../src/slack/client';

/**
 * Runs a job's Slack work and turns Slack's failures into BullMQ's terms: a 429 moves the job
 * back for `Retry-After` without using up an attempt; an error no retry can fix
 * (`channel_not_found`, `not_in_channel`, …) fails it at once; anything else is retried with
 * backoff. Shared by every job that talks to Slack.
 */
export async function withSlackFailures<T>(
  job: Job<{ channelId: string } | { userId: string }>,
  token: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const retryAfter = retryAfterSeconds(error);
    if (retryAfter !== undefined && token) {
      await job.moveToDelayed(Date.now() + retryAfter * 1000, token);
      throw new DelayedError();
    }
    const code = platformErrorCode(error);
    const reason = code && PERMANENT_SLACK_ERRORS[code];
    if (reason) {
      const to =
        'channelId' in job.data ? `channel ${job.data.channelId}` : `user ${job.data.userId}`;
      throw new UnrecoverableError(`${code}: ${reason} (${to})`);
    }
    throw error;
  }
}
