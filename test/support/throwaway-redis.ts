import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, redisAnswers } from '../../src/demo/local-redis';
import { eventually } from './harness';

/**
 * A `redis-server` of the test's own, that it can freeze, kill and start again on the same port
 * and directory. A persistent one keeps an append-only file, so that the queues survive the
 * restart as they do on a production Redis with persistence.
 *
 * AOF rather than RDB snapshots: a killed Redis keeps only what it had written, and with
 * snapshots that is the last `--save` point (none at all with `--save ""`): the queue would come
 * back empty, or as it was minutes ago. `appendfsync always` rather than the usual `everysec`:
 * with `everysec`, Redis holds back its AOF writes for up to 2 s while a background fsync is slow
 * (a busy disk, as on a machine running tests in parallel) and answers the commands meanwhile, so
 * a kill loses writes the app was told had happened. BullMQ copes (a job whose move was lost is
 * taken back by the stalled-job check, after its 30 s lock runs out) but not within this test's
 * time; `always` loses no acknowledged write, which is the restart this test is about.
 */
export class ThrowawayRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly persistent: boolean,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts one on a free port. `persistent`: with an append-only file, so that a restart after a
   * kill brings the queues back as a production Redis with persistence would (see above);
   * otherwise it keeps nothing.
   */
  static async start(options: { persistent?: boolean } = {}): Promise<ThrowawayRedis> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-redis-'));
    const redis = new ThrowawayRedis(await freePort(), dir, options.persistent ?? false);
    await redis.restart();
    return redis;
  }

  /** Starts it (again) on its port, from its directory's AOF; a no-op while it runs. */
  async restart(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      'redis-server',
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir],
        ...['--save', ''],
        ...(this.persistent
          ? ['--appendonly', 'yes', '--appendfsync', 'always']
          : ['--appendonly', 'no']),
        ...['--maxmemory-policy', 'noeviction'],
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        return redisAnswers(this.url, 500);
      },
      `redis-server on port ${this.port}`,
      10_000,
    );
  }

  /** Freezes it (SIGSTOP): connections stay open and nothing answers, as with a hung host. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  /** Kills it outright (SIGKILL), as a crash or an OOM kill would: no shutdown save. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Kills it and removes its files. */
  async remove(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
