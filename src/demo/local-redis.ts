import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

export interface LocalRedis {
  url: string;
  /** Where it came from, for the demo's narrative. */
  origin: 'existing' | 'started';
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * Whether a Redis answers PING at `url` within `timeoutMs`. Only a PONG counts: a Redis still
 * loading its data answers LOADING errors until it is ready.
 */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    if (redis.status !== 'end') redis.disconnect();
  }
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Redis for the demo: the one at `url` when it answers, else a throwaway `redis-server` on a free
 * port (nothing saved to disk), else a one-line explanation of how to get one.
 */
export async function ensureRedis(url: string): Promise<LocalRedis> {
  if (await redisAnswers(url)) return { url, origin: 'existing', stop: async () => undefined };
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const started = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    const deadline = Date.now() + 5000;
    const probe = async () => {
      if (child.exitCode !== null) return resolve(false);
      if (await redisAnswers(`redis://127.0.0.1:${port}`)) return resolve(true);
      if (Date.now() > deadline) return resolve(false);
      setTimeout(() => void probe(), 100);
    };
    void probe();
  });
  if (!started) {
    child.kill();
    throw new RedisUnavailableError(
      `No Redis answers at ${url} and redis-server could not be started: install Redis (apt install redis-server, brew install redis) or set REDIS_URL.`,
    );
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    origin: 'started',
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
