import { createRedisConnection, purgeKeys, waitForRedis } from '../../src/queue/connection';
import {
  createChannelPacer,
  paceKey,
  UNPACED,
  WAKE_MARGIN_MS,
  type ChannelPacing,
} from '../../src/queue/channel-pacer';
import { TEST_REDIS_URL, uniquePrefix } from '../support/harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createChannelPacer: a GCRA bucket per channel in Redis', () => {
  const prefix = uniquePrefix();
  // Two connections: two processes, as far as Redis can tell.
  const one = createRedisConnection(TEST_REDIS_URL, 'producer');
  const two = createRedisConnection(TEST_REDIS_URL, 'producer');
  const pacing: ChannelPacing = { intervalMs: 200, burst: 3 };
  let serial = 0;
  /** A channel no other test touches. */
  const channel = () => ({ workspaceId: 'T0PACE', channelId: `C0PACE${(serial += 1)}` });

  beforeAll(async () => {
    await Promise.all([waitForRedis(one), waitForRedis(two)]);
  });

  afterAll(async () => {
    await purgeKeys(TEST_REDIS_URL, prefix);
    await Promise.all([one.quit(), two.quit()]);
  });

  /** Reserves until granted (sleeping the waits it is told), `count` times; the grant times. */
  async function post(
    pacer: ReturnType<typeof createChannelPacer>,
    target: ReturnType<typeof channel>,
    count: number,
  ): Promise<number[]> {
    const granted: number[] = [];
    while (granted.length < count) {
      const wait = await pacer.reserve(target);
      if (wait === 0) granted.push(Date.now());
      else await sleep(wait);
    }
    return granted;
  }

  it('grants a burst at once, then one slot per interval', async () => {
    const pacer = createChannelPacer(one, prefix, pacing);
    const target = channel();
    const start = Date.now();
    expect([
      await pacer.reserve(target),
      await pacer.reserve(target),
      await pacer.reserve(target),
    ]).toEqual([0, 0, 0]);
    const wait = await pacer.reserve(target);
    // Nothing taken, and the next slot is one interval after the burst.
    expect(wait).toBeGreaterThan(pacing.intervalMs - 50);
    expect(wait).toBeLessThanOrEqual(pacing.intervalMs + WAKE_MARGIN_MS);

    // The refused caller comes back when told, then keeps posting.
    await sleep(wait);
    const grants = await post(pacer, target, 3);
    const offsets = grants.map((at) => at - start);
    // Slots 4, 5, 6 at about 1, 2, 3 intervals; never two within less than an interval.
    for (const [i, offset] of offsets.entries()) {
      expect(offset).toBeGreaterThanOrEqual((i + 1) * pacing.intervalMs - 5);
      expect(offset).toBeLessThan((i + 1) * pacing.intervalMs + 120);
    }
  });

  it('tells a crowd of refused callers to come back one interval apart, not all at once', async () => {
    const pacer = createChannelPacer(one, prefix, pacing);
    const target = channel();
    const answers = await Promise.all(Array.from({ length: 8 }, () => pacer.reserve(target)));
    const granted = answers.filter((wait) => wait === 0);
    const waits = answers.filter((wait) => wait > 0).sort((a, b) => a - b);
    expect(granted).toHaveLength(pacing.burst);
    expect(waits).toHaveLength(5);
    for (const [i, wait] of waits.entries()) {
      // The k-th refused caller's turn is k intervals away (less the few ms the calls took).
      expect(wait).toBeGreaterThan((i + 1) * pacing.intervalMs - 40);
      expect(wait).toBeLessThanOrEqual((i + 1) * pacing.intervalMs + WAKE_MARGIN_MS);
    }

    // Each comes back when told and finds its slot free: no one is refused twice.
    const retried = await Promise.all(
      waits.map(async (wait) => {
        await sleep(wait);
        return pacer.reserve(target);
      }),
    );
    expect(retried).toEqual([0, 0, 0, 0, 0]);
  });

  it('shares one budget between two processes', async () => {
    const first = createChannelPacer(one, prefix, pacing);
    const second = createChannelPacer(two, prefix, pacing);
    const target = channel();
    const start = Date.now();
    const grants = (await Promise.all([post(first, target, 4), post(second, target, 4)]))
      .flat()
      .sort((a, b) => a - b);
    // Eight posts with a burst of three: the last no sooner than five intervals in.
    expect(grants.at(-1)! - start).toBeGreaterThanOrEqual(5 * pacing.intervalMs - 5);
    // Past the burst, no two grants closer than an interval (timers may fire a little early).
    const paced = grants.slice(pacing.burst - 1);
    for (let i = 1; i < paced.length; i += 1) {
      expect(paced[i]! - paced[i - 1]!).toBeGreaterThanOrEqual(pacing.intervalMs - 15);
    }
  });

  it('holds a blocked channel for the time given, and no other channel', async () => {
    const pacer = createChannelPacer(one, prefix, pacing);
    const other = createChannelPacer(two, prefix, pacing);
    const blocked = channel();
    const quiet = channel();
    expect(await pacer.reserve(blocked)).toBe(0);
    // Slack answered that post 429, Retry-After 1 s.
    await pacer.block(blocked, 1_000);
    const blockedAt = Date.now();

    // The other process sees the block too: its post waits for the end of it, and one interval
    // more, since the job that got the 429 comes back first. The quiet channel keeps its burst.
    const wait = await other.reserve(blocked);
    expect(wait).toBeGreaterThan(1_000 + pacing.intervalMs - 100);
    expect(wait).toBeLessThanOrEqual(1_000 + pacing.intervalMs + WAKE_MARGIN_MS);
    expect(await Promise.all([1, 2, 3].map(() => other.reserve(quiet)))).toEqual([0, 0, 0]);

    // Before the Retry-After, nothing; at its end, one post, then the pace again: no burst on
    // the way out of a 429.
    await sleep(500);
    expect(await pacer.reserve(blocked)).toBeGreaterThan(0);
    await sleep(1_000 - (Date.now() - blockedAt) + 5);
    expect(await pacer.reserve(blocked)).toBe(0);
    expect(await pacer.reserve(blocked)).toBeGreaterThan(0);
  });

  it('keeps every key under the prefix and its Redis Cluster hash tag', async () => {
    const pacer = createChannelPacer(one, prefix, pacing);
    const target = { workspaceId: 'T0KEYS', channelId: 'D0DM' };
    await pacer.reserve(target);
    const key = paceKey(prefix, target);
    expect(key).toBe(`${prefix}:pace:T0KEYS:D0DM`);
    expect(prefix).toMatch(/^\{[^{}]+\}$/);
    // The hash tag is the part Redis Cluster hashes: the whole prefix, braces included.
    expect(key.startsWith(prefix)).toBe(true);
    expect(await one.exists(key)).toBe(1);
    // The bucket expires once it is full again: idle channels leave nothing behind.
    const ttl = await one.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(pacing.intervalMs + 1);
  });

  it("paces nothing when 'off', and refuses a pace that makes no sense", async () => {
    expect(createChannelPacer(one, prefix, 'off')).toBe(UNPACED);
    expect(await UNPACED.reserve(channel())).toBe(0);
    expect(() => createChannelPacer(one, prefix, { intervalMs: 0, burst: 3 })).toThrow(RangeError);
    expect(() => createChannelPacer(one, prefix, { intervalMs: 1_000, burst: 0 })).toThrow(
      RangeError,
    );
  });
});
