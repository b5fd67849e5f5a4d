import { canonicalArxivId } from './arxiv-id';

/**
 * How people name a paper: a bare arXiv id (`2406.07550`, `2406.07550v2`, `arXiv:2406.07550`,
 * `hep-th/9901001`) or a link to it on arXiv or Hugging Face. Listing pages (HF's
 * `/papers/date/…`, `/papers/trending`) name no paper.
 */
const ARXIV_HOSTS = new Set(['arxiv.org', 'www.arxiv.org', 'export.arxiv.org']);
const HF_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co', 'www.hf.co']);
/** arXiv page kinds whose path is `/{kind}/{id}`; the id may end in `.pdf` or continue with `/…` (HTML figures). */
const ARXIV_PAGES = new Set(['abs', 'pdf', 'html']);

/** The canonical id of the paper a URL points to, or undefined if it points to none. */
export function paperIdFromUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.hostname.toLowerCase();
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponentSafely);
  const [kind = '', ...rest] = segments;
  if (ARXIV_HOSTS.has(host) && ARXIV_PAGES.has(kind)) {
    // Old-style ids have a slash of their own (`hep-th/9901001`): try the two-segment form first.
    const candidates = [rest.slice(0, 2).join('/'), rest[0] ?? ''];
    for (const candidate of candidates) {
      const id = canonicalArxivId(kind === 'pdf' ? candidate.replace(/\.pdf$/i, '') : candidate);
      if (id) return id;
    }
    return undefined;
  }
  if (HF_HOSTS.has(host) && kind === 'papers' && rest.length === 1) {
    return canonicalArxivId(rest[0] ?? '');
  }
  return undefined;
}

function decodeURIComponentSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The canonical id a user's text names, when the whole text is one id or one paper link. */
export function paperIdFromReference(text: string): string | undefined {
  const value = text.trim();
  if (/^https?:\/\//i.test(value)) return paperIdFromUrl(value);
  // `arxiv.org/abs/…` typed without its scheme is still a link.
  if (/^(?:www\.|export\.)?(?:arxiv\.org|huggingface\.co|hf\.co)\//i.test(value)) {
    return paperIdFromUrl(`https://${value}`);
  }
  return canonicalArxivId(value.replace(/^arxiv:\s*/i, ''));
}
