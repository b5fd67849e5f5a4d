import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { StartupError } from '../errors';
import type { Logger } from '../logger';
import { DASHBOARD_USER, isAuthorized, isDashboardPath, type RequestHandler } from './dashboard';
import type { HealthReport } from './health';

export interface OpsServerOptions {
  /** 0 asks the OS for a free port (tests). */
  port: number;
  /** Interface to listen on; default: every interface, so that Prometheus can scrape it. */
  host?: string;
  health: () => Promise<HealthReport>;
  registry: Registry;
  /** The queue dashboard and its password; absent: `/admin/queues` is 404. */
  dashboard?: { handler: RequestHandler; password: string };
  logger: Logger;
}

export interface RunningOpsServer {
  /** The port bound (the OS's choice when asked for 0). */
  port: number;
  /** Stops listening and drops open connections (a scraper's keep-alive one too). */
  close(): Promise<void>;
}

const ALLOWED_METHODS = 'GET, HEAD';

/**
 * The operations endpoints, on a plain Node HTTP server of their own (not the Slack receiver's:
 * a worker process has none, and these must not be reachable at the Slack request URL):
 * - `GET /healthz`: the health report as JSON, 200 when `ok`, 503 when `degraded`;
 * - `GET /metrics`: Prometheus text format;
 * - `/admin/queues…`: the queue dashboard, behind HTTP Basic auth, when one is given.
 * Anything else is 404; another method than GET (or HEAD) on the first two is 405.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<RunningOpsServer> {
  const { logger, dashboard } = options;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://ops.invalid');
    if (isDashboardPath(pathname) && dashboard) {
      if (!isAuthorized(req.headers.authorization, dashboard.password)) {
        res.setHeader('WWW-Authenticate', 'Basic realm="Paperboy queues", charset="UTF-8"');
        return send(res, 401, 'text/plain; charset=utf-8', `Log in as ${DASHBOARD_USER}.\n`);
      }
      if (isCrossSiteWrite(req)) {
        return send(res, 403, 'text/plain; charset=utf-8', 'Cross-site requests are refused\n');
      }
      return dashboard.handler(req, res);
    }
    if (pathname !== '/healthz' && pathname !== '/metrics') {
      return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', ALLOWED_METHODS);
      return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n');
    }
    if (pathname === '/healthz') {
      const report = await options.health();
      const status = report.status === 'ok' ? 200 : 503;
      return send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(report)}\n`);
    }
    const body = await options.registry.metrics();
    return send(res, 200, options.registry.contentType, body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error(`${req.method} ${req.url} failed:`, error);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error\n');
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? 'the port is in use (set OPS_PORT to another port, or to off)'
          : error.message;
      reject(
        new StartupError(
          `cannot serve the operations endpoints on port ${options.port}: ${reason}`,
        ),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  server.on('error', (error) => logger.error('operations server:', error));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A browser remembers Basic credentials and sends them with any request to the dashboard, a
 * cross-site form's POST included: a write whose `Origin` is not this server is refused.
 */
function isCrossSiteWrite(req: http.IncomingMessage): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
