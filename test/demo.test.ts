import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

function runDemo(
  env: Record<string, string> = {},
  flags: readonly string[] = ['--exit'],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/demo/main.ts', ...flags], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run demo', () => {
  it('posts the recorded feed to the local Slack, prints the cards and a vote round-trip, and exits cleanly', async () => {
    const { code, stdout, stderr } = await runDemo();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/50 cards posted in #papers/);
    expect(stdout).toContain('card 50');
    expect(stdout).toContain('Selective Token Generation for Few-shot Natural Language Generation');
    expect(stdout).not.toContain('"type":"section"');
    expect(stdout).toContain('the card now shows ▲ 1');
    expect(stdout).toContain('the card now shows ▲ 2');
    expect(stdout).toContain('/papers follow hf');
    expect(stdout).toMatch(/\d+ papers match `speculative decoding` · 1–5/);
    expect(stdout).toContain('Top papers in the last 7 days');
    expect(stdout).toMatch(/▲ 1 team/);
    expect(stdout).toContain('After the next poll, Alice gets a DM from Paperboy:');
    expect(stdout).toMatch(/matched `"speculative decoding"`/);
    expect(stdout).toContain('💬 Discussed in #C0PAPERS');
  }, 90_000);

  it('starts a throwaway redis-server when none answers at REDIS_URL, and stops it after', async () => {
    const { code, stdout } = await runDemo({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(code).toBe(0);
    const started = /Redis\s+redis:\/\/127\.0\.0\.1:(\d+) \(started for the demo\)/.exec(stdout);
    expect(started).not.toBeNull();
    expect(stdout).toMatch(/50 cards posted in #papers/);
    const port = Number(started?.[1]);
    const stillUp = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    expect(stillUp).toBe(false);
  }, 90_000);

  it('prints where its local workspace page is, on a free port when asked for port 0', async () => {
    const { code, stdout } = await runDemo({}, ['--exit', '--port', '0']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\/ to see the workspace/);
    expect(stdout).not.toContain('127.0.0.1:0/');
  }, 90_000);

  it('refuses a flag it does not know, or a port that is not one, in one friendly line', async () => {
    for (const [flags, message] of [
      [['--exti'], 'unknown flag --exti; the demo takes --exit, --live and --port N'],
      [['--port', 'abc'], '--port needs a port number, e.g. --port 8080'],
      // Not port 0, which `Number('')` would make of it.
      [['--port', ''], '--port needs a port number, e.g. --port 8080'],
      [['--port', '0x50'], '--port needs a port number, e.g. --port 8080'],
      [['--port'], '--port needs a port number, e.g. --port 8080'],
    ] as const) {
      const { code, stdout, stderr } = await runDemo({}, flags);
      expect(code).toBe(1);
      expect(stderr).toContain(message);
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(stdout).toBe('');
    }
  }, 60_000);

  it('polls HF_API_URL with --live, and says plainly when it cannot be reached', async () => {
    // A port nothing listens on, so the test never reaches the real feed.
    const hfApiUrl = `http://127.0.0.1:${await closedPort()}/api`;
    const { code, stdout, stderr } = await runDemo({ HF_API_URL: hfApiUrl }, [
      '--exit',
      '--live',
      '--port',
      '0',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Hugging Face   ${hfApiUrl} (the live Daily Papers feed)`);
    // One line: the reason, naming the URL polled, and what happens next.
    const escaped = hfApiUrl.replace(/[.?]/g, '\\$&');
    expect(stdout).toMatch(
      new RegExp(
        `^The Hugging Face poll failed: network error from ${escaped}/daily_papers\\?\\S+: .+\\. ` +
          'Paperboy retries it, and polls again every 15m\\.$',
        'm',
      ),
    );
    expect(stdout).toContain('No cards posted in #papers yet.');
    expect(stdout).not.toContain('recorded feed');
    expect(stdout).not.toContain('card 1');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 90_000);
});
