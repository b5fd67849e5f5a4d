import type { Environment } from '../config';
import { FeedError, fetchJson, fetchText } from '../feeds/http';
import { errorMessage, fail, networkCause, pass, warn, type CheckResult } from './check';
import { isCheckResult, needing } from './settings';

interface Feed {
  label: string;
  setting: 'HF_API_URL' | 'ARXIV_API_URL';
  normally: string;
  /** The one small request: a path under the base URL. */
  probe: string;
  /** Whether a 2xx answer's body is what this API sends, not some other server's page. */
  looksRight(url: string, timeoutMs: number): Promise<boolean>;
  what: string;
}

const FEEDS: readonly Feed[] = [
  {
    label: 'HF feed',
    setting: 'HF_API_URL',
    normally: 'https://huggingface.co/api',
    probe: '/daily_papers?limit=1',
    what: 'the Hugging Face API',
    looksRight: async (url, timeoutMs) =>
      Array.isArray(await fetchJson(url, { timeoutMs, retries: 0 })),
  },
  {
    label: 'arXiv feed',
    setting: 'ARXIV_API_URL',
    normally: 'https://export.arxiv.org/api',
    // One paper by id: the smallest question the arXiv API answers.
    probe: '/query?id_list=2406.07550&max_results=1',
    what: 'the arXiv API',
    looksRight: async (url, timeoutMs) =>
      /<feed[\s>]/.test((await fetchText(url, { timeoutMs, retries: 0 })).text),
  },
];

/** One small request to each feed's API, without retries, with a short timeout. */
export function checkFeeds(env: Environment, timeoutMs: number): Promise<CheckResult[]> {
  return Promise.all(FEEDS.map((feed) => checkFeed(feed, env, timeoutMs)));
}

async function checkFeed(feed: Feed, env: Environment, timeoutMs: number): Promise<CheckResult> {
  const settings = needing(env, [feed.setting], feed.label);
  if (isCheckResult(settings)) return settings;
  const base = settings[feed.setting];
  const check = `check ${feed.setting} (normally ${feed.normally})`;
  try {
    if (await feed.looksRight(`${base}${feed.probe}`, timeoutMs)) {
      return pass(feed.label, `${base} answers`);
    }
    return fail(feed.label, `${base} answers, but not like ${feed.what}; ${check}`);
  } catch (error) {
    if (!(error instanceof FeedError)) return fail(feed.label, `${errorMessage(error)}; ${check}`);
    switch (error.kind) {
      case 'network':
        return fail(
          feed.label,
          `cannot reach ${base} (${networkCause(error)}); no network, or a firewall or proxy in the way? Or ${check}`,
        );
      case 'timeout':
        return fail(
          feed.label,
          `${error.message}; a slow network, or a firewall or proxy that drops the requests?`,
        );
      case 'http':
        if (error.status === 429) {
          return warn(
            feed.label,
            `${base} answers but is rate-limiting us (HTTP 429); polls wait and retry by themselves`,
          );
        }
        if (error.status !== undefined && error.status >= 500) {
          return fail(
            feed.label,
            `${error.message}; the service is having trouble: polls retry by themselves, run the doctor again later`,
          );
        }
        return fail(feed.label, `${error.message}; ${check}`);
      default:
        return fail(
          feed.label,
          `${base} answers, but not like ${feed.what} (${error.message}); ${check}`,
        );
    }
  }
}
