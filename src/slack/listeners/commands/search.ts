import type { RenderedMessage } from '../../blocks/paper-card';
import { searchPapers } from '../../search';
import type { ListenerDeps } from '../deps';
import type { CommandRequest } from './request';

/** `/papers search <query>`: the first page of results, or the paper a bare id or link names. */
export function searchCommand(
  deps: ListenerDeps,
  request: CommandRequest,
): Promise<RenderedMessage> {
  return searchPapers(deps, request.channel.workspaceId, request.rest);
}
