import type { RespondFn } from '@slack/bolt';
import { notice } from '../blocks/messages';
import type { RenderedMessage } from '../blocks/paper-card';
import type { ListenerDeps } from './deps';

const SORRY =
  'Sorry, something went wrong on my side and I could not finish that. Please try again in a moment.';

/**
 * Runs a request's slow part after its ack and answers ephemerally through `response_url`
 * (`replace`: in place of the message a button was clicked on). An unexpected failure is logged
 * and told to the member, who would otherwise see nothing at all.
 */
export async function answerAfterAck(
  deps: Pick<ListenerDeps, 'logger'>,
  respond: RespondFn,
  work: () => Promise<RenderedMessage | undefined>,
  options: { replace?: boolean } = {},
): Promise<void> {
  let reply: RenderedMessage | undefined;
  try {
    reply = await work();
  } catch (error) {
    deps.logger.error('a /papers request failed after its ack:', error);
    reply = notice(SORRY);
  }
  if (!reply) return;
  try {
    await respond({
      response_type: 'ephemeral',
      replace_original: options.replace ?? false,
      text: reply.text,
      blocks: reply.blocks,
    });
  } catch (error) {
    // Slack refused the answer (a limit we missed): say so in plain text rather than nothing.
    deps.logger.error('Slack refused an answer to a /papers request:', error);
    await respond({ response_type: 'ephemeral', replace_original: false, text: SORRY });
  }
}
