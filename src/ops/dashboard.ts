import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Queue } from 'bullmq';

/** Where the queue dashboard is served. */
export const DASHBOARD_PATH = '/admin/queues';

/** The dashboard's one user; its password is ADMIN_PASSWORD. */
export const DASHBOARD_USER = 'admin';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Whether a request path is the dashboard's (`/admin/queues`, `/admin/queues/…`). */
export function isDashboardPath(pathname: string): boolean {
  return pathname === DASHBOARD_PATH || pathname.startsWith(`${DASHBOARD_PATH}/`);
}

/**
 * Bull Board over every queue, as a plain request handler (an express app) for the ops server to
 * hand `/admin/queues*` requests to. Authentication is the caller's job: it happens before any
 * request reaches this. Express and Bull Board are loaded here, only by processes that serve it.
 */
export async function createDashboard(queues: readonly Queue[]): Promise<RequestHandler> {
  const [{ default: express }, { createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] =
    await Promise.all([
      import('express'),
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
  const serverAdapter = new ExpressAdapter().setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Paperboy' } },
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(DASHBOARD_PATH, serverAdapter.getRouter());
  return app;
}

/**
 * Whether an `Authorization` header carries HTTP Basic credentials for {@link DASHBOARD_USER}
 * with `password`. Both parts are always compared, as SHA-256 digests in constant time, so the
 * answer's timing says nothing about how much of a guess was right, nor about the length.
 */
export function isAuthorized(header: string | undefined, password: string): boolean {
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = sameSecret(decoded.slice(0, colon), DASHBOARD_USER);
  const passwordOk = sameSecret(decoded.slice(colon + 1), password);
  return userOk && passwordOk;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
