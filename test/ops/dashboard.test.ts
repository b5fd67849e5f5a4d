import { QUEUE_NAMES } from '../../src/queue/names';
import { startHarness, type Harness } from '../support/harness';

const PASSWORD = 'correct horse battery staple';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the queue dashboard at /admin/queues, with ADMIN_PASSWORD set', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: [], items: [], env: { ADMIN_PASSWORD: PASSWORD } });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it.each([
    ['no credentials', undefined],
    ['a wrong password', basic('admin', 'correct horse battery stapler')],
    ['the password of another user', basic('root', PASSWORD)],
    ['an empty password', basic('admin', '')],
    ['not Basic', `Bearer ${PASSWORD}`],
    ['garbage', 'Basic !!!'],
  ])('answers 401 with a Basic challenge to %s', async (_what, authorization) => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const response = await fetch(`${h.opsUrl}${path}`, {
        headers: authorization ? { authorization } : {},
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
      expect(await response.text()).not.toContain(PASSWORD);
    }
  });

  it('serves Bull Board’s page to admin with the password', async () => {
    const response = await fetch(`${h.opsUrl}/admin/queues`, {
      headers: { authorization: basic('admin', PASSWORD) },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/<html/i);
  });

  it('lists every queue in its API', async () => {
    const response = await fetch(`${h.opsUrl}/admin/queues/api/queues`, {
      headers: { authorization: basic('admin', PASSWORD) },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(
      Object.values(QUEUE_NAMES).sort(),
    );
  });

  it('refuses a write from another site’s page, and takes one from its own', async () => {
    const pause = (origin?: string) =>
      fetch(`${h.opsUrl}/admin/queues/api/queues/${QUEUE_NAMES.digest}/pause`, {
        method: 'PUT',
        headers: {
          authorization: basic('admin', PASSWORD),
          ...(origin ? { origin } : {}),
        },
      });
    expect((await pause('https://evil.example')).status).toBe(403);
    expect(await h.paperboy.queues.digest.isPaused()).toBe(false);
    expect((await pause(h.opsUrl)).status).toBe(200);
    expect(await h.paperboy.queues.digest.isPaused()).toBe(true);
    await h.paperboy.queues.digest.resume();
  });

  it('never shows the password in the health report or the log', async () => {
    const response = await fetch(`${h.opsUrl}/healthz`);
    expect(await response.text()).not.toContain(PASSWORD);
    expect(h.logs.join('\n')).not.toContain(PASSWORD);
    expect(h.logs.some((line) => line.includes('queue dashboard at /admin/queues'))).toBe(true);
  });
});

describe('the queue dashboard without ADMIN_PASSWORD', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ role: 'worker', channels: [], items: [] });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('is not served: 404 with or without credentials, and the log says it is off', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const tries: Array<Record<string, string>> = [
        {},
        { authorization: basic('admin', PASSWORD) },
      ];
      for (const headers of tries) {
        const response = await fetch(`${h.opsUrl}${path}`, { headers });
        expect(response.status).toBe(404);
        expect(response.headers.get('www-authenticate')).toBeNull();
      }
    }
    expect(
      h.logs.some((line) => line.includes('the queue dashboard is off (set ADMIN_PASSWORD')),
    ).toBe(true);
  });
});
