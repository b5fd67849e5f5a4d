/**
 * Per-channel pacing of Slack posts, shared by every process through Redis.
 *
 * Slack takes about one `chat.postMessage` per second per channel (short bursts tolerated) and
 * answers 429 past that. BullMQ's open-source limiter only paces a whole queue, so each channel
 * gets its own bucket here: a GCRA (a token bucket kept as one "theoretical arrival time") in a
 * Redis hash at `${prefix}:pace:${workspace}:${channel}`. The prefix carries the `{paperboy}` hash
 * tag, so on Redis Cluster the key lives in the queues' slot.
 *
 * - **One Lua script, Redis's clock.** Every decision is one script reading Redis `TIME`: all
 *   processes share one clock and no two posts can both see the same free slot. `reserve` answers
 *   0 when the slot is taken for the caller (post now), or how long to wait, taking nothing.
 * - **A busy channel never holds a worker.** The job that is told to wait moves itself to delayed
 *   for that long (`moveToDelayed` + `DelayedError`: no attempt used) and the worker takes the next
 *   job, most likely another channel's.
 * - **No thundering herd.** The bucket also keeps the latest wake-up time it handed out: a refused
 *   caller is told to come back one interval after the previous refused caller, not when the next
 *   slot frees. Fifty jobs of one channel refused at once wake one per interval, in order, each
 *   finding its slot free, instead of fifty waking together and forty-nine going back to sleep.
 *   A wake-up is a hint, not a reservation: a job that does not come back leaves a gap, no more.
 * - **A 429 holds its channel only.** `block` records "no post before now + Retry-After" in the
 *   channel's bucket, so the channel's other jobs wait without each asking Slack; other channels'
 *   buckets are untouched. After the block, the channel restarts at one post per interval, without
 *   a burst.
 *
 * The key expires once its state equals a full bucket, so idle channels cost nothing.
 */
import type { Redis } from 'ioredis';
import type { ChannelRef } from '../store/store';

/** The pace of one channel's posts: at most `burst` at once, then one per `intervalMs`. */
export interface ChannelPacing {
  /** Milliseconds between posts, sustained. */
  intervalMs: number;
  /** Posts a channel idle for `burst × intervalMs` may send at once (an integer ≥ 1). */
  burst: number;
}

/**
 * Slack's "about one message per second per channel", with 5% headroom: posts paced at exactly
 * 1 s reach Slack a few milliseconds apart more or less than they left, and half of them would
 * arrive early. A burst of 3, as Slack tolerates short bursts.
 */
export const DEFAULT_CHANNEL_PACING: ChannelPacing = { intervalMs: 1_050, burst: 3 };

/**
 * How much later than its turn a refused caller is told to come back. Worker hosts' clocks differ
 * by a few milliseconds, and a job that woke before its turn would be sent to the back of the line.
 */
export const WAKE_MARGIN_MS = 20;

export interface ChannelPacer {
  /**
   * Asks for a slot to post in `channel` now. 0: the slot is taken, post at once. Otherwise the
   * milliseconds to wait before asking again; nothing was taken.
   */
  reserve(channel: ChannelRef): Promise<number>;
  /** Slack answered 429: no slot in `channel` for `ms` from now (its `Retry-After`). */
  block(channel: ChannelRef, ms: number): Promise<void>;
}

/** Paces nothing: for `channelPacing: 'off'` and processors built bare. */
export const UNPACED: ChannelPacer = {
  reserve: async () => 0,
  block: async () => undefined,
};

/**
 * KEYS[1]: the channel's bucket. ARGV: 'reserve' | 'block', intervalMs, burst, blockMs.
 * Fields: `tat`, the theoretical arrival time (ms) of the next post at the sustained pace;
 * `wake`, the latest wake-up time handed to a refused caller. A slot is free when
 * `tat - (burst - 1) × interval <= now`.
 */
const PACE_SCRIPT = `
local interval = tonumber(ARGV[2])
local tolerance = (tonumber(ARGV[3]) - 1) * interval
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tat', 'wake')
local tat = math.max(tonumber(state[1]) or 0, now)
local wake = tonumber(state[2]) or 0
local wait = 0
if ARGV[1] == 'block' then
  local blockedUntil = now + tonumber(ARGV[4])
  tat = math.max(tat, blockedUntil + tolerance)
  wake = math.max(wake, blockedUntil)
else
  local freeAt = tat - tolerance
  if freeAt <= now then
    tat = tat + interval
  else
    if wake >= freeAt then freeAt = wake + interval end
    wake = freeAt
    wait = freeAt - now
  end
end
redis.call('HSET', KEYS[1], 'tat', tat, 'wake', wake)
redis.call('PEXPIRE', KEYS[1], math.max(tat, wake) - now + 1)
return wait
`;

const COMMAND = 'paperboyChannelPace';

type PaceCommand = (
  key: string,
  op: 'reserve' | 'block',
  intervalMs: number,
  burst: number,
  blockMs: number,
) => Promise<number>;

/** The Redis key of a channel's bucket. */
export function paceKey(prefix: string, channel: ChannelRef): string {
  return `${prefix}:pace:${channel.workspaceId}:${channel.channelId}`;
}

/**
 * A pacer on `redis` (a producer connection: a job that cannot reach Redis fails and is retried,
 * rather than posting unpaced), or {@link UNPACED} for `'off'`.
 */
export function createChannelPacer(
  redis: Redis,
  prefix: string,
  pacing: ChannelPacing | 'off',
): ChannelPacer {
  if (pacing === 'off') return UNPACED;
  const { intervalMs, burst } = pacing;
  if (!(intervalMs > 0) || !Number.isInteger(burst) || burst < 1) {
    throw new RangeError(
      `channel pacing needs intervalMs > 0 and an integer burst ≥ 1, not ${JSON.stringify(pacing)}`,
    );
  }
  // EVALSHA, with the script sent again only when Redis has forgotten it.
  redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: PACE_SCRIPT });
  const pace = (redis as unknown as Record<typeof COMMAND, PaceCommand>)[COMMAND].bind(redis);
  return {
    async reserve(channel) {
      const wait = Number(await pace(paceKey(prefix, channel), 'reserve', intervalMs, burst, 0));
      return wait > 0 ? wait + WAKE_MARGIN_MS : 0;
    },
    async block(channel, ms) {
      await pace(paceKey(prefix, channel), 'block', intervalMs, burst, Math.max(0, Math.ceil(ms)));
    },
  };
}
