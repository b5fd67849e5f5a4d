import type { WebClient } from '@slack/web-api';
import { PAPER_POSTED_EVENT } from './blocks/ids';
import type { RenderedMessage } from './blocks/paper-card';

/**
 * Posts a paper's card in a channel and returns its `ts`. The card carries `paper_posted`
 * metadata with the paper id, by which a retry after an unanswered post finds it in the channel.
 */
export async function postPaperCard(
  slack: WebClient,
  channelId: string,
  paperId: string,
  card: RenderedMessage,
): Promise<string> {
  const posted = await slack.chat.postMessage({
    channel: channelId,
    text: card.text,
    blocks: card.blocks,
    metadata: { event_type: PAPER_POSTED_EVENT, event_payload: { paper_id: paperId } },
    // The card carries its own links; Slack's previews of them would bury it.
    unfurl_links: false,
    unfurl_media: false,
  });
  if (!posted.ts) throw new Error('chat.postMessage answered ok without a message ts');
  return posted.ts;
}
