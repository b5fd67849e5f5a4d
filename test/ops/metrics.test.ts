import * as announce from '../../jobs/announce';
import { QUEUE_NAMES } from '../../src/queue/names';
import { QUEUE_STATES } from '../../src/ops/metrics';
import { startHarness, waitForDrained, waitForJob, type Harness } from '../support/harness';
import {
  parsePrometheusText,
  samplesOf,
  sumOf,
  valueOf,
  type MetricFamily,
} from '../support/prometheus';

const FIXTURE_SIZE = 50;

async function scrape(h: Harness): Promise<Map<string, MetricFamily>> {
  const response = await fetch(`${h.opsUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

describe('GET /metrics', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: ['C0READING'] });
    await h.slack.waitFor(() => h.slack.messages('C0READING').length >= FIXTURE_SIZE, {
      timeoutMs: 20_000,
    });
    await waitForDrained(h.paperboy.queues.announce);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('counts the poll, the papers it stored and the cards posted, as they happened', async () => {
    const metrics = await scrape(h);
    expect(metrics.get('paperboy_polls_total')).toMatchObject({ type: 'counter' });
    expect(valueOf(metrics, 'paperboy_polls_total', { source: 'hf', outcome: 'ok' })).toBe(1);
    expect(valueOf(metrics, 'paperboy_polls_total', { source: 'hf', outcome: 'failed' })).toBe(
      undefined,
    );
    expect(valueOf(metrics, 'paperboy_papers_ingested_total', { source: 'hf', kind: 'new' })).toBe(
      FIXTURE_SIZE,
    );
    expect(
      valueOf(metrics, 'paperboy_papers_ingested_total', { source: 'hf', kind: 'refreshed' }),
    ).toBe(0);
    expect(valueOf(metrics, 'paperboy_slack_posts_total', { kind: 'announcement' })).toBe(
      h.slack.messages('C0READING').length,
    );
    expect(valueOf(metrics, 'paperboy_slack_posts_total', { kind: 'announcement' })).toBe(
      FIXTURE_SIZE,
    );
    expect(sumOf(metrics, 'paperboy_slack_rate_limited_total')).toBe(0);
  });

  it('times the jobs in a histogram per queue and outcome', async () => {
    const metrics = await scrape(h);
    expect(metrics.get('paperboy_job_duration_seconds')).toMatchObject({ type: 'histogram' });
    const count = (queue: string, outcome = 'completed') =>
      valueOf(metrics, 'paperboy_job_duration_seconds_count', { queue, outcome }) ?? 0;
    expect(count(QUEUE_NAMES.pollFeed)).toBeGreaterThanOrEqual(1);
    expect(count(QUEUE_NAMES.announce)).toBeGreaterThanOrEqual(FIXTURE_SIZE);
    expect(
      valueOf(metrics, 'paperboy_job_duration_seconds_sum', {
        queue: QUEUE_NAMES.announce,
        outcome: 'completed',
      }),
    ).toBeGreaterThan(0);
  });

  it('reports every queue’s depth by state, read on the scrape', async () => {
    const metrics = await scrape(h);
    expect(metrics.get('paperboy_queue_jobs')).toMatchObject({ type: 'gauge' });
    for (const queue of Object.values(QUEUE_NAMES)) {
      for (const state of QUEUE_STATES) {
        expect({
          queue,
          state,
          value: valueOf(metrics, 'paperboy_queue_jobs', { queue, state }),
        }).toEqual({ queue, state, value: expect.any(Number) });
      }
    }
    expect(
      valueOf(metrics, 'paperboy_queue_jobs', { queue: QUEUE_NAMES.announce, state: 'completed' }),
    ).toBe(FIXTURE_SIZE);
    expect(
      valueOf(metrics, 'paperboy_queue_jobs', { queue: QUEUE_NAMES.announce, state: 'waiting' }),
    ).toBe(0);
  });

  it('counts Slack’s 429s by method, and the run they delayed', async () => {
    const before = await scrape(h);
    const delayedBefore =
      valueOf(before, 'paperboy_job_duration_seconds_count', {
        queue: QUEUE_NAMES.announce,
        outcome: 'delayed',
      }) ?? 0;
    const [paperId] = h.slack
      .messages('C0READING')
      .map((m) => String(m.metadata?.event_payload['paper_id']));
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const data = { workspaceId: h.slack.teamId, channelId: 'C0RATE', paperId: paperId! };
    await h.paperboy.queues.enqueueAnnouncements([data]);
    expect(await waitForJob(h.paperboy.queues.announce, announce.jobId(data))).toMatchObject({
      source: 'posted',
    });

    const after = await scrape(h);
    expect(
      valueOf(after, 'paperboy_slack_rate_limited_total', { method: 'chat.postMessage' }),
    ).toBe(1);
    expect(
      valueOf(after, 'paperboy_job_duration_seconds_count', {
        queue: QUEUE_NAMES.announce,
        outcome: 'delayed',
      }),
    ).toBe(delayedBefore + 1);
    // Posted once, after the wait.
    expect(valueOf(after, 'paperboy_slack_posts_total', { kind: 'announcement' })).toBe(
      FIXTURE_SIZE + 1,
    );
  });

  it('serves Node’s process metrics under the same prefix, and only paperboy_ metrics', async () => {
    const metrics = await scrape(h);
    expect(metrics.get('paperboy_process_cpu_user_seconds_total')).toMatchObject({
      type: 'counter',
    });
    expect(metrics.get('paperboy_nodejs_heap_size_used_bytes')).toMatchObject({ type: 'gauge' });
    expect(metrics.get('paperboy_nodejs_eventloop_lag_seconds')).toBeDefined();
    for (const family of metrics.values()) {
      expect(family.name).toMatch(/^paperboy_/);
      expect(family.help).toEqual(expect.any(String));
    }
  });
});

describe('GET /metrics of the app and worker processes, several in one test process', () => {
  let app: Harness;
  let worker: Harness;

  beforeAll(async () => {
    [app, worker] = await Promise.all([
      startHarness({ role: 'app', channels: [], items: [] }),
      startHarness({ role: 'worker', channels: [], items: [] }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([app?.stop(), worker?.stop()]);
  });

  it('serves each process its own registry, and health, whatever the role', async () => {
    expect(app.opsUrl).not.toBe(worker.opsUrl);
    const appMetrics = await scrape(app);
    // The app runs no jobs: nothing polled or timed in its registry, whatever the worker did.
    await waitForJob(worker.paperboy.queues.pollFeed, await worker.paperboy.queues.pollNow('hf'));
    expect(samplesOf(appMetrics, 'paperboy_polls_total')).toEqual([]);
    expect(samplesOf(appMetrics, 'paperboy_job_duration_seconds_count')).toEqual([]);
    expect(samplesOf(appMetrics, 'paperboy_queue_jobs').length).toBeGreaterThan(0);

    const workerMetrics = await scrape(worker);
    expect(
      valueOf(workerMetrics, 'paperboy_polls_total', { source: 'hf', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(workerMetrics, 'paperboy_papers_ingested_total', { source: 'hf', kind: 'new' }),
    ).toBe(0);

    for (const h of [app, worker]) {
      const response = await fetch(`${h.opsUrl}/healthz`);
      expect(response.status).toBe(200);
    }
  });
});
