import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Store } from '../store/store';
import { withTimeout } from './timeout';

/**
 * A queue holding more than this many jobs waiting or delayed makes the process `degraded`:
 * at Slack's pace of about one message per second per channel, 10,000 announcements are hours of
 * posting, far past what one poll queues (a few hundred papers times the channels that follow).
 * A backlog this deep means the workers are stopped, stuck, or far behind.
 */
export const MAX_QUEUE_BACKLOG = 10_000;

/** How long each check may take before it counts as failed: a health probe must never hang. */
export const HEALTH_CHECK_TIMEOUT_MS = 1_000;

/** The paper id the store check looks up: any id does, this one says who asked. */
const PROBE_PAPER_ID = 'healthz';

export interface CheckResult {
  ok: boolean;
  latencyMs?: number;
  /** Why the check failed, in a few words; never a secret (see {@link createHealthCheck}). */
  error?: string;
}

export interface QueuesCheck {
  ok: boolean;
  /** Jobs waiting or delayed, per queue name. Absent when Redis could not tell. */
  backlog?: Record<string, number>;
  /** The backlog above which a queue is not ok: {@link MAX_QUEUE_BACKLOG}. */
  limit: number;
  error?: string;
}

/** `GET /healthz`'s body. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: { redis: CheckResult; store: CheckResult; queues: QueuesCheck };
}

export interface HealthCheckOptions {
  /** The connection the process's queues produce on: the one whose health matters here. */
  redis: Redis;
  store: Pick<Store, 'getPaper'>;
  queues: readonly Queue[];
  /** Values that must never appear in the report (tokens, passwords): replaced if an error has them. */
  secrets: readonly string[];
  timeoutMs?: number;
  maxBacklog?: number;
}

/**
 * Builds the health check: Redis answers PING, the store answers a read, and no queue's backlog
 * is over the limit. The checks run side by side, each bounded by `timeoutMs`, so the whole check
 * answers within about that time whatever is down.
 */
export function createHealthCheck(options: HealthCheckOptions): () => Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? HEALTH_CHECK_TIMEOUT_MS;
  const limit = options.maxBacklog ?? MAX_QUEUE_BACKLOG;
  const describe = (error: unknown) => describeError(error, options.secrets);

  async function timed(work: () => Promise<unknown>): Promise<CheckResult> {
    const startedAt = performance.now();
    try {
      await withTimeout(work(), timeoutMs);
      return { ok: true, latencyMs: Math.round((performance.now() - startedAt) * 10) / 10 };
    } catch (error) {
      return { ok: false, error: describe(error) };
    }
  }

  async function checkQueues(): Promise<QueuesCheck> {
    try {
      const counts = await withTimeout(
        Promise.all(
          options.queues.map(async (queue) => {
            const { waiting = 0, delayed = 0 } = await queue.getJobCounts('waiting', 'delayed');
            return [queue.name, waiting + delayed] as const;
          }),
        ),
        timeoutMs,
      );
      const backlog = Object.fromEntries(counts);
      return { ok: counts.every(([, count]) => count <= limit), backlog, limit };
    } catch (error) {
      return { ok: false, limit, error: describe(error) };
    }
  }

  return async () => {
    const [redis, store, queues] = await Promise.all([
      timed(async () => {
        const answer = await options.redis.ping();
        if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
      }),
      timed(() => options.store.getPaper(PROBE_PAPER_ID)),
      checkQueues(),
    ]);
    const ok = redis.ok && store.ok && queues.ok;
    return { status: ok ? 'ok' : 'degraded', checks: { redis, store, queues } };
  };
}

/**
 * An error in a few words an operator can act on, with any secret cut out: a connection string's
 * password, a token. Messages only, never stacks.
 */
function describeError(error: unknown, secrets: readonly string[]): string {
  let text = error instanceof Error ? error.message : String(error);
  // A URL's user:password@ part, wherever a driver put it in its message.
  text = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1[redacted]@');
  // Slack tokens of every kind, whether or not they are this process's own.
  text = text.replace(/\b(xox[abposr]|xapp)-[A-Za-z0-9-]+/g, '[redacted]');
  for (const secret of secrets) {
    if (secret.length >= 4) text = text.split(secret).join('[redacted]');
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
