import type { BlockAction } from '@slack/bolt';

/** The workspace a click came from: `team` on most payloads, the user's team on some (Enterprise Grid). */
export function workspaceOf(body: BlockAction): string | undefined {
  return body.team?.id ?? body.user.team_id;
}
