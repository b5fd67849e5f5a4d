import type { HealthReport } from '../../src/ops/health';
import { QUEUE_NAMES } from '../../src/queue/names';
import { eventually, startHarness, type Harness } from '../support/harness';
import { ThrowawayRedis } from '../support/throwaway-redis';

async function getHealth(h: Harness): Promise<{ status: number; body: HealthReport; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${h.opsUrl}/healthz`);
  const body = (await response.json()) as HealthReport;
  return { status: response.status, body, ms: Date.now() - started };
}

describe('GET /healthz', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('answers 200 with every check ok, the latencies and each queue’s backlog', async () => {
    const response = await fetch(`${h.opsUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await response.text();
    const body = JSON.parse(text) as HealthReport;
    expect(body.status).toBe('ok');
    expect(body.checks.redis).toMatchObject({ ok: true, latencyMs: expect.any(Number) });
    expect(body.checks.store).toMatchObject({ ok: true, latencyMs: expect.any(Number) });
    expect(body.checks.queues.ok).toBe(true);
    expect(body.checks.queues.limit).toBe(10_000);
    expect(Object.keys(body.checks.queues.backlog ?? {}).sort()).toEqual(
      Object.values(QUEUE_NAMES).sort(),
    );
    for (const count of Object.values(body.checks.queues.backlog ?? {})) {
      expect(count).toBeGreaterThanOrEqual(0);
    }
    // No secret in the report, whatever it says.
    expect(text).not.toContain(h.slack.token);
    expect(text).not.toContain(h.slack.signingSecret);
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await fetch(`${h.opsUrl}/healthz`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('answers 405 to other methods on /healthz and /metrics, and 404 to unknown paths', async () => {
    for (const path of ['/healthz', '/metrics']) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const response = await fetch(`${h.opsUrl}${path}`, { method });
        expect({ path, method, status: response.status }).toEqual({ path, method, status: 405 });
        expect(response.headers.get('allow')).toBe('GET, HEAD');
      }
    }
    for (const path of ['/', '/health', '/healthz/x', '/metricsx', '/slack/events', '/admin']) {
      const response = await fetch(`${h.opsUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });
});

describe('GET /healthz when Redis goes away and comes back', () => {
  let redis: ThrowawayRedis;
  let h: Harness;

  beforeAll(async () => {
    redis = await ThrowawayRedis.start();
    h = await startHarness({ env: { REDIS_URL: redis.url } });
  });

  afterAll(async () => {
    redis?.thaw();
    // Redis must be up for the harness to clean its keys; the harness stops first either way.
    if (redis) await redis.restart().catch(() => undefined);
    await h?.stop();
    await redis?.remove();
  });

  it('is degraded with the redis check failing while Redis is down, and healthy again after', async () => {
    expect((await getHealth(h)).status).toBe(200);

    await redis.kill();
    let down: Awaited<ReturnType<typeof getHealth>> | undefined;
    await eventually(
      async () => {
        down = await getHealth(h);
        return down.status === 503;
      },
      '/healthz to answer 503',
      5_000,
    );
    expect(down?.body.status).toBe('degraded');
    expect(down?.body.checks.redis.ok).toBe(false);
    expect(down?.body.checks.redis.error).toEqual(expect.any(String));
    expect(down?.body.checks.queues.ok).toBe(false);
    // The store does not depend on Redis.
    expect(down?.body.checks.store.ok).toBe(true);
    // Never a hang: each check gives up after a second.
    expect(down?.ms).toBeLessThan(2_000);
    // Still down a moment later, and still answering fast.
    const again = await getHealth(h);
    expect(again.status).toBe(503);
    expect(again.ms).toBeLessThan(2_000);

    await redis.restart();
    await eventually(
      async () => (await getHealth(h)).status === 200,
      '/healthz to answer 200',
      10_000,
    );
    const up = await getHealth(h);
    expect(up.body).toMatchObject({
      status: 'ok',
      checks: { redis: { ok: true }, store: { ok: true }, queues: { ok: true } },
    });
  }, 30_000);

  it('answers 503 within about a second while Redis hangs, instead of hanging with it', async () => {
    expect((await getHealth(h)).status).toBe(200);
    redis.freeze();
    try {
      const frozen = await getHealth(h);
      expect(frozen.status).toBe(503);
      expect(frozen.body.checks.redis).toEqual({ ok: false, error: 'no answer within 1000 ms' });
      expect(frozen.body.checks.store.ok).toBe(true);
      expect(frozen.ms).toBeGreaterThanOrEqual(900);
      expect(frozen.ms).toBeLessThan(2_500);
    } finally {
      redis.thaw();
    }
    await eventually(
      async () => (await getHealth(h)).status === 200,
      '/healthz to answer 200',
      10_000,
    );
  }, 30_000);
});
