/**
 * The one place outside text becomes mrkdwn. Slack's control sequences (`<!channel>`, `<@U…>`,
 * `<url|label>`) all start with `<`, so escaping `&`, `<` and `>` (in that order) is enough to make
 * any text inert; nothing else is escaped.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link with an escaped label. The URL must be one we built or validated as http(s). */
export function mrkdwnLink(url: string, label: string): string {
  // `|` and `>` end the URL part of `<url|label>`; percent-encode them so the link stays whole.
  const safeUrl = url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}

/** Text a user typed arrives encoded (`&lt;`, links wrapped in `<…>`): back to what they typed. */
export function decodeSlackText(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]*)>/g, '$2')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
