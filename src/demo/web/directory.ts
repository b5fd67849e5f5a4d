/** Who and what the local workspace holds: its members, its channels and the app. */

export interface WorkspaceMember {
  id: string;
  name: string;
  /** Shown beside the name in the member menu. */
  title: string;
}

export interface WorkspaceChannel {
  id: string;
  name: string;
  topic: string;
}

export interface WorkspaceDirectory {
  teamName: string;
  app: { userId: string; name: string };
  members: readonly WorkspaceMember[];
  channels: readonly WorkspaceChannel[];
}

/** #papers: the channel that follows the Hugging Face feed from the start, and opens first. */
export const PAPERS_CHANNEL_ID = 'C0PAPERS';

/** The demo's workspace: three researchers, the channel Paperboy posts to, and a quiet one. */
export function demoDirectory(appUserId: string): WorkspaceDirectory {
  return {
    teamName: 'Paperboy Lab',
    app: { userId: appUserId, name: 'Paperboy' },
    members: [
      { id: 'U0ALICE', name: 'Alice', title: 'PhD student, NLP' },
      { id: 'U0BOB', name: 'Bob', title: 'Postdoc, vision' },
      { id: 'U0CAROL', name: 'Carol', title: 'Research engineer' },
    ],
    channels: [
      {
        id: PAPERS_CHANNEL_ID,
        name: 'papers',
        topic: "New papers from Hugging Face's Daily Papers",
      },
      { id: 'C0GENERAL', name: 'general', topic: 'Lab announcements and chatter' },
    ],
  };
}

/** The DM between the app and a member, as the emulator names it. */
export const directMessageChannel = (memberId: string): string => `D${memberId}`;
