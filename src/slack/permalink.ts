/**
 * A link to a message, in the form Slack's own permalinks take:
 * `https://{workspace}.slack.com/archives/{channel}/p{ts without the dot}`. The workspace URL is
 * the one `auth.test` names; without it, undefined (callers fall back to a channel mention).
 */
export function messagePermalink(
  workspaceUrl: string | undefined,
  channelId: string,
  messageTs: string,
): string | undefined {
  if (!workspaceUrl || !/^https:\/\//.test(workspaceUrl)) return undefined;
  if (!/^[A-Z0-9]+$/.test(channelId) || !/^\d+\.\d+$/.test(messageTs)) return undefined;
  const base = workspaceUrl.endsWith('/') ? workspaceUrl : `${workspaceUrl}/`;
  return `${base}archives/${channelId}/p${messageTs.replace('.', '')}`;
}

/** `<#C123>`: Slack shows the channel's name, linked, to members who can see it. */
export function channelMention(channelId: string): string {
  return /^[CGD][A-Z0-9]+$/.test(channelId) ? `<#${channelId}>` : 'a channel';
}

/** `<@U123>`, when the id is a user id; anything else is not made into a mention. */
export function userMention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : 'Someone';
}
