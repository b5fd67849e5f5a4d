import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { ChannelPacer } from '../src/queue/channel-pacer';
import { PERMANENT_SLACK_ERRORS, platformErrorCode, retryAfterSeconds } from '../src/slack/client';
import type { ChannelRef } from '../src/store/store';

/**
 * Thrown when a channel's pace has no slot for a post yet (see `channelTurn`): not a failure, the
 * job is due again in `waitMs`.
 */
export class ChannelBusyError extends Error {
  override readonly name = 'ChannelBusyError';

  constructor(
    readonly channel: ChannelRef,
    readonly waitMs: number,
  ) {
    super(`${channel.channelId} has no free slot for ${waitMs} ms; will post then`);
  }
}

/**
 * Runs a job's Slack work and turns Slack's failures into BullMQ's terms: a 429, or a channel
 * whose pace has no slot yet ({@link ChannelBusyError}), moves the job back for `Retry-After` (or
 * the pacer's wait) without using up an attempt, and the worker takes another job meanwhile; an
 * error no retry can fix (`channel_not_found`, `not_in_channel`, …) fails it at once; anything
 * else is retried with backoff. Shared by every job that talks to Slack. The channel's own share
 * of a 429 (holding its other posts back) is `channelTurn`'s: only a post's 429 is the channel's.
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
    const waitMs =
      error instanceof ChannelBusyError
        ? error.waitMs
        : retryAfter !== undefined
          ? retryAfter * 1000
          : undefined;
    // Without a token (a processor run by hand) there is no queue to go back to: the error stands.
    if (waitMs !== undefined && token) {
      await job.moveToDelayed(Date.now() + waitMs, token);
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

/** One attempt's turn to post in a channel: see {@link channelTurn}. */
export interface ChannelTurn {
  /**
   * Takes the channel's slot for this attempt, once (later calls do nothing); throws
   * {@link ChannelBusyError} when the channel has none free yet. Take it before anything that a
   * retry would have to undo or repeat (marking a post as started, searching the channel).
   */
  take(): Promise<void>;
  /**
   * Posts in the slot (taking it first if need be). A 429 holds the whole channel back for its
   * `Retry-After`, in every process, and is rethrown for `withSlackFailures` to delay this job.
   */
  post<T>(send: () => Promise<T>): Promise<T>;
}

/**
 * A turn in `channel`'s pace for one attempt of a job. Call it inside `withSlackFailures`, which
 * turns a busy channel into a delay of the job.
 */
export function channelTurn(pacer: ChannelPacer, channel: ChannelRef): ChannelTurn {
  let taken = false;
  const take = async () => {
    if (taken) return;
    const waitMs = await pacer.reserve(channel);
    if (waitMs > 0) throw new ChannelBusyError(channel, waitMs);
    taken = true;
  };
  return {
    take,
    async post(send) {
      await take();
      try {
        return await send();
      } catch (error) {
        const retryAfter = retryAfterSeconds(error);
        if (retryAfter !== undefined) await pacer.block(channel, retryAfter * 1000);
        throw error;
      }
    },
  };
}
