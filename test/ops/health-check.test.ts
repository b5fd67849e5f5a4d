import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createHealthCheck, MAX_QUEUE_BACKLOG } from '../../src/ops/health';

/** Stand-ins for the parts the check reads: what each answers is the point of these tests. */
const redisAnswering = (ping: () => Promise<string>) => ({ ping }) as unknown as Redis;
const queueWith = (name: string, waiting: number, delayed: number) =>
  ({ name, getJobCounts: async () => ({ waiting, delayed }) }) as unknown as Queue;
const healthyStore = { getPaper: async () => undefined };

describe('the health check', () => {
  it('is degraded when a queue’s waiting and delayed jobs pass MAX_QUEUE_BACKLOG', async () => {
    const check = (waiting: number, delayed: number) =>
      createHealthCheck({
        redis: redisAnswering(async () => 'PONG'),
        store: healthyStore,
        queues: [queueWith('announce', waiting, delayed), queueWith('alert', 3, 4)],
        secrets: [],
      })();
    expect(MAX_QUEUE_BACKLOG).toBe(10_000);
    expect(await check(MAX_QUEUE_BACKLOG - 1, 1)).toMatchObject({
      status: 'ok',
      checks: { queues: { ok: true, backlog: { announce: 10_000, alert: 7 } } },
    });
    expect(await check(MAX_QUEUE_BACKLOG, 1)).toMatchObject({
      status: 'degraded',
      checks: {
        redis: { ok: true },
        store: { ok: true },
        queues: { ok: false, backlog: { announce: 10_001, alert: 7 }, limit: 10_000 },
      },
    });
  });

  it('is degraded when the store fails, and says why without the secrets in the error', async () => {
    const report = await createHealthCheck({
      redis: redisAnswering(async () => 'PONG'),
      store: {
        getPaper: async () => {
          throw new Error(
            'connect to postgres://paperboy:hunter2-secret@db:5432/paperboy failed with xoxb-123-abc and s3cr3t-signing',
          );
        },
      },
      queues: [],
      secrets: ['s3cr3t-signing'],
    })();
    expect(report.status).toBe('degraded');
    expect(report.checks.store.ok).toBe(false);
    expect(report.checks.store.error).toContain('postgres://[redacted]@db:5432/paperboy');
    const text = JSON.stringify(report);
    for (const secret of ['hunter2-secret', 's3cr3t-signing', 'xoxb-123-abc'])
      expect(text).not.toContain(secret);
  });

  it('gives up on a check that does not answer, and answers within its timeout', async () => {
    const started = Date.now();
    const report = await createHealthCheck({
      redis: redisAnswering(() => new Promise<string>(() => undefined)),
      store: { getPaper: () => new Promise(() => undefined) },
      queues: [{ name: 'announce', getJobCounts: () => new Promise(() => undefined) } as never],
      secrets: [],
      timeoutMs: 100,
    })();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(report).toEqual({
      status: 'degraded',
      checks: {
        redis: { ok: false, error: 'no answer within 100 ms' },
        store: { ok: false, error: 'no answer within 100 ms' },
        queues: { ok: false, limit: MAX_QUEUE_BACKLOG, error: 'no answer within 100 ms' },
      },
    });
  });
});
