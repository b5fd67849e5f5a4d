import { paperIdFromReference } from '../../../domain/paper-ref';
import { LookupUnavailableError } from '../../../feeds/lookup';
import { escapeMrkdwn } from '../../mrkdwn';
import { notice } from '../../blocks/messages';
import type { RenderedMessage } from '../../blocks/paper-card';
import { unknownPaper, unreachable } from '../../search';
import { shareOutcomeReply, sharePaper } from '../../share';
import type { ListenerDeps } from '../deps';
import type { CommandRequest } from './request';

const USAGE =
  '`/papers share &lt;arXiv id or link&gt; [comment]`, e.g. `/papers share 2406.07550 Worth a read for the ablations`';

/**
 * `/papers share <arXiv id or URL> [comment]`: posts the paper's full card here with the
 * sharer's comment above it. The card itself is the answer; only problems are told ephemerally.
 */
export async function shareCommand(
  deps: ListenerDeps,
  request: CommandRequest,
): Promise<RenderedMessage | undefined> {
  const [reference = ''] = request.args;
  if (!reference) return notice(`Tell me which paper to share: ${USAGE}.`);
  const paperId = paperIdFromReference(reference);
  if (!paperId) {
    return notice(
      `\`${escapeMrkdwn(reference.replace(/`/g, "'"))}\` is not an arXiv id or a paper link. ${USAGE}.`,
    );
  }
  let found;
  try {
    found = await deps.lookup.find(paperId);
  } catch (error) {
    if (!(error instanceof LookupUnavailableError)) throw error;
    return notice(unreachable(paperId));
  }
  if (!found) return notice(unknownPaper(paperId));
  const comment = request.rest.slice(request.rest.indexOf(reference) + reference.length).trim();
  const outcome = await sharePaper(deps, {
    channel: request.channel,
    paper: found.paper,
    userId: request.userId,
    ...(comment ? { comment } : {}),
  });
  return shareOutcomeReply(outcome, deps.workspaceUrl);
}
