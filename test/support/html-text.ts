/** What a reader sees of rendered HTML: line breaks kept, tags dropped, entities decoded. */
export function visibleText(markup: string): string {
  return markup
    .replace(/<br>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
