import type { ChannelRef } from '../../../store/store';

/** A `/papers` subcommand as its handler gets it. */
export interface CommandRequest {
  channel: ChannelRef;
  userId: string;
  /** The words after the subcommand. */
  args: string[];
  /** Everything after the subcommand as typed (decoded), spacing kept. */
  rest: string;
}
