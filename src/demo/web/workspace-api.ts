/**
 * What the local workspace page can ask for and do, as one member: see their screen, send a
 * message or `/papers …`, click, choose, submit or close a modal, open the Home tab. Each request
 * is checked the way Slack's client would check it, then carried out through the Slack emulator,
 * which signs what reaches the app.
 */
import { z } from 'zod';
import type {
  AppResponse,
  BlockActionInput,
  SlackEmulator,
} from '../../../test/support/slack-emulator';
import { escapeMrkdwn } from '../../slack/mrkdwn';
import { directMessageChannel, type WorkspaceDirectory, type WorkspaceMember } from './directory';
import type { Screen, WorkspaceSummary } from './page-types';
import { conversationOf, parsePlace, renderScreen, threadParent, type Place } from './screen';

/** A request the page cannot carry out, answered with a sentence for the member (HTTP 400). */
export class PageError extends Error {}

/** What a route answers when it carried the request out. */
export interface Done {
  ok: true;
}

export interface WorkspaceApi {
  workspace(): WorkspaceSummary;
  screen(query: URLSearchParams): Screen;
  message(body: unknown): Promise<Done>;
  action(body: unknown): Promise<Done>;
  submit(body: unknown): Promise<Done>;
  close(body: unknown): Promise<Done>;
  openHome(body: unknown): Promise<Done>;
}

const memberField = z.string().min(1).max(32);
const tsField = z.string().regex(/^\d{1,12}\.\d{1,8}$/);
const viewIdField = z.string().min(1).max(64);

const messageBody = z.object({
  member: memberField,
  place: z.string().min(1).max(64),
  threadTs: tsField.optional(),
  text: z.string().max(40_000),
});

const actionBody = z.object({
  member: memberField,
  target: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('message'),
      channel: z.string().min(1).max(32),
      ts: tsField,
      ephemeral: z.boolean(),
    }),
    z.object({ kind: z.literal('home') }),
    z.object({ kind: z.literal('modal'), viewId: viewIdField }),
  ]),
  actionId: z.string().min(1).max(255),
  blockId: z.string().max(255).optional(),
  value: z.string().max(2_000).optional(),
});

const submitBody = z.object({
  member: memberField,
  viewId: viewIdField,
  values: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))),
});

const closeBody = z.object({ member: memberField, viewId: viewIdField });
const homeBody = z.object({ member: memberField });

/** Slack's own words when an app's Messages tab is read-only, as Paperboy's manifest sets it. */
const READ_ONLY_MESSAGES = 'Sending messages to this app has been turned off.';

export function createWorkspaceApi(
  slack: SlackEmulator,
  directory: WorkspaceDirectory,
): WorkspaceApi {
  const reads = new ReadMarkers();
  /** The errors the app answered a modal's submission with, by `id:hash` of the view shown. */
  const modalErrors = new Map<string, Record<string, string>>();

  const memberOf = (id: string): WorkspaceMember => {
    const member = directory.members.find((m) => m.id === id);
    if (!member) throw new PageError(`There is no member ${id} in this workspace.`);
    return member;
  };
  const placeOf = (name: string): Place => {
    const place = parsePlace(name, directory);
    if (!place) throw new PageError(`There is no channel or tab called ${name} here.`);
    return place;
  };

  /** Where a click on a message may come from: a channel here, or the member's own DM. */
  function clickedMessage(
    member: WorkspaceMember,
    target: { channel: string; ts: string; ephemeral: boolean },
  ): Pick<BlockActionInput, 'channelId' | 'messageTs' | 'ephemeral'> {
    const visible =
      directory.channels.some((c) => c.id === target.channel) ||
      target.channel === directMessageChannel(member.id);
    const exists = target.ephemeral
      ? slack.ephemerals(target.channel, member.id).some((e) => e.ts === target.ts)
      : slack.messages(target.channel).some((m) => m.ts === target.ts);
    if (!visible || !exists) throw new PageError('That message is no longer there.');
    return {
      channelId: target.channel,
      messageTs: target.ts,
      ...(target.ephemeral ? { ephemeral: true } : {}),
    };
  }

  /** Runs `/papers …` like Slack: unknown commands never reach the app, nor commands in threads. */
  async function slashCommand(
    member: WorkspaceMember,
    channelId: string,
    text: string,
    inThread: boolean,
  ): Promise<Done> {
    const command = text.split(/\s/, 1)[0] ?? '';
    if (command !== '/papers') {
      throw new PageError(
        `${command} is not a valid command. In Slack, all messages that start with "/" are interpreted as commands.`,
      );
    }
    if (inThread) throw new PageError(`${command} is not supported in threads. Sorry!`);
    const answer = await slack.sendSlashCommand({
      userId: member.id,
      channelId,
      command,
      // Slack sends the rest as typed, with `&`, `<` and `>` escaped.
      text: escapeMrkdwn(text.slice(command.length).trim()),
    });
    if (answer.status !== 200) {
      throw new PageError(
        `/papers failed with the error "dispatch_failed" (HTTP ${answer.status}).`,
      );
    }
    if (answer.ackError) {
      throw new PageError(`/papers failed: Slack refused the app's answer (${answer.ackError}).`);
    }
    return { ok: true };
  }

  return {
    workspace: () => ({
      teamName: directory.teamName,
      members: directory.members,
      firstPlace: directory.channels[0]?.id ?? 'app:home',
    }),

    screen(query) {
      const member = memberOf(query.get('member') ?? '');
      const place = placeOf(query.get('place') ?? '');
      const conversation = conversationOf(place, member.id);
      if (conversation) reads.markRead(member.id, conversation, slack.messages(conversation));
      const threadTs = query.get('thread') ?? undefined;
      return renderScreen({
        state: slack,
        directory,
        member,
        place,
        ...(threadTs ? { threadTs } : {}),
        unread: (c) => reads.unread(member.id, c, slack.messages(c)),
        modalErrors: (view) => modalErrors.get(`${view.id}:${view.hash}`),
      });
    },

    async message(body) {
      const input = messageBody.parse(body);
      const member = memberOf(input.member);
      const place = placeOf(input.place);
      const conversation = conversationOf(place, member.id);
      if (!conversation) throw new PageError('Messages cannot be sent from the Home tab.');
      if (place.kind === 'app') throw new PageError(READ_ONLY_MESSAGES);
      const text = input.text.trim();
      if (text === '') throw new PageError('Type a message first.');
      const thread = input.threadTs
        ? threadParent(slack.messages(conversation), input.threadTs)
        : undefined;
      if (input.threadTs && !thread) throw new PageError('That thread is no longer there.');
      if (text.startsWith('/'))
        return slashCommand(member, conversation, text, thread !== undefined);
      // What the app answers to a member's message is its own business: Slack shows the message.
      await slack.postAsUser({
        userId: member.id,
        channel: conversation,
        text,
        ...(thread ? { threadTs: thread.ts } : {}),
      });
      return { ok: true };
    },

    async action(body) {
      const input = actionBody.parse(body);
      const member = memberOf(input.member);
      const { target } = input;
      const where: Partial<BlockActionInput> =
        target.kind === 'message'
          ? clickedMessage(member, target)
          : target.kind === 'home'
            ? { fromHome: true }
            : { viewId: target.viewId };
      const answer = await slack.sendBlockAction({
        userId: member.id,
        actionId: input.actionId,
        ...(input.blockId ? { blockId: input.blockId } : {}),
        ...(input.value !== undefined ? { value: input.value } : {}),
        ...where,
      });
      return answered(answer, 'That button');
    },

    async submit(body) {
      const input = submitBody.parse(body);
      const member = memberOf(input.member);
      const outcome = await slack.sendViewSubmission({
        userId: member.id,
        viewId: input.viewId,
        values: input.values,
      });
      // The errors belong to the view as it is now: a later update of it shows none, like Slack.
      const shown = slack.openModals(member.id).find((view) => view.id === input.viewId);
      if (shown && outcome.errors) modalErrors.set(`${shown.id}:${shown.hash}`, outcome.errors);
      if (outcome.ackError) {
        throw new PageError(`Slack refused the app's answer (${outcome.ackError}).`);
      }
      return answered(outcome, 'The form');
    },

    async close(body) {
      const input = closeBody.parse(body);
      await slack.closeModal(memberOf(input.member).id, input.viewId);
      return { ok: true };
    },

    async openHome(body) {
      const member = memberOf(homeBody.parse(body).member);
      return answered(await slack.openHome(member.id), 'The Home tab');
    },
  };
}

function answered(answer: AppResponse, what: string): Done {
  if (answer.status === 200) return { ok: true };
  throw new PageError(`${what} did not work: the app answered HTTP ${answer.status}.`);
}

/**
 * What each member has seen of each conversation: the newest top-level message's `ts` when they
 * last looked. Messages after it, other than their own, are unread.
 */
class ReadMarkers {
  private readonly seen = new Map<string, string>();

  markRead(member: string, conversation: string, messages: ReadonlyArray<{ ts: string }>): void {
    const newest = messages.at(-1)?.ts;
    if (newest) this.seen.set(`${member} ${conversation}`, newest);
  }

  unread(
    member: string,
    conversation: string,
    messages: ReadonlyArray<{ ts: string; user?: string; threadTs?: string }>,
  ): number {
    const seen = Number(this.seen.get(`${member} ${conversation}`) ?? 0);
    return messages.filter(
      (m) => Number(m.ts) > seen && m.user !== member && (!m.threadTs || m.threadTs === m.ts),
    ).length;
  }
}
