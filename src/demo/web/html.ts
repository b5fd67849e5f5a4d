/**
 * The two helpers every piece of the demo page's HTML goes through: text and attribute values are
 * escaped, and only URLs a reader can safely follow become links or image sources.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes `& < > " '`, so the text is inert both between tags and inside a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The URL, unchanged, when it is an absolute `http:`, `https:` or `mailto:` URL; otherwise
 * undefined (`javascript:`, `data:`, relative paths, garbage). The raw text must start with the
 * scheme as well as parse to it: browsers drop leading spaces and inner tabs before reading the
 * scheme, so `" javascript:…"` or `"java\tscript:…"` must not slip past a looser check.
 */
export function safeUrl(url: string): string | undefined {
  if (!/^(?:https?|mailto):/i.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return SAFE_PROTOCOLS.has(parsed.protocol) ? url : undefined;
}
