import type { PostedMessage } from './slack-emulator';

/** The paper id a posted card carries in its metadata. */
export function paperIdOf(message: PostedMessage | undefined): string {
  const id = message?.metadata?.event_payload['paper_id'];
  if (typeof id !== 'string') throw new Error('message is not a paper card');
  return id;
}

/** The upvote button's label on a card, e.g. `▲ 3`. */
export function upvoteLabelOf(message: PostedMessage | undefined): string | undefined {
  for (const block of (message?.blocks ?? []) as Array<{ type: string; elements?: unknown[] }>) {
    if (block.type !== 'actions') continue;
    for (const element of block.elements as Array<{
      action_id?: string;
      text?: { text: string };
    }>) {
      if (element.action_id === 'paper_upvote') return element.text?.text;
    }
  }
  return undefined;
}

/** What a `/papers` ack carries back to Slack. */
export interface CommandReply {
  response_type?: string;
  text?: string;
  blocks?: unknown[];
}
