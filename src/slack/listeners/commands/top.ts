import {
  DEFAULT_TOP_WINDOW,
  isTopWindow,
  TOP_WINDOW_LABELS,
  TOP_WINDOWS,
  topWindowStart,
} from '../../../domain/top-window';
import { quoted } from '../../../domain/text';
import { escapeMrkdwn } from '../../mrkdwn';
import { notice } from '../../blocks/messages';
import type { RenderedMessage } from '../../blocks/paper-card';
import { TOP_LIMIT, topPapersMessage } from '../../blocks/top-papers';
import type { ListenerDeps } from '../deps';
import type { CommandRequest } from './request';

/** `/papers top [today|week|month|all]`: the workspace's most valued papers in that window. */
export async function topCommand(
  deps: ListenerDeps,
  request: CommandRequest,
): Promise<RenderedMessage> {
  const asked = (request.args[0] ?? DEFAULT_TOP_WINDOW).toLowerCase();
  if (!isTopWindow(asked) || request.args.length > 1) {
    return notice(
      `I can rank papers for ${TOP_WINDOWS.map((w) => `\`${w}\``).join(', ')}, not \`${escapeMrkdwn(quoted(request.rest))}\`. For example: \`/papers top week\`.`,
    );
  }
  const since = topWindowStart(asked, deps.clock(), deps.timeZone);
  const entries = await deps.store.topPapers(request.channel.workspaceId, since, TOP_LIMIT);
  return topPapersMessage(TOP_WINDOW_LABELS[asked], entries, deps.workspaceUrl);
}
