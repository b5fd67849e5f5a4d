import type { RespondFn } from '@slack/bolt';
import { QueueUnavailableError } from '../../queue/connection';
import { notice } from '../blocks/messages';
import type { RenderedMessage } from '../blocks/paper-card';
import type { ListenerDeps } from './deps';

const SORRY =
  'Sorry, something went wrong on my side and I could not finish that. Please try again in a moment.';

/** For a request that needs Redis (a share takes a post lock there) while Redis is away. */
export const QUEUE_UNAVAILABLE =
  'Paperboy cannot reach its queue right now; try again in a moment.';

/**
 * Runs a request's slow part after its ack and answers ephemerally through `response_url`
 * (`replace`: in place of the message a button was clicked on). Redis being away is an outage,
 * not a bug: the member is asked to try again, and a warning is logged. Any other failure is
 * logged as an error and told to the member, who would otherwise see nothing at all.
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
    if (error instanceof QueueUnavailableError) {
      deps.logger.warn('a /papers request needed Redis, which is unavailable:', error);
      reply = notice(QUEUE_UNAVAILABLE);
    } else {
      deps.logger.error('a /papers request failed after its ack:', error);
      reply = notice(SORRY);
    }
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
