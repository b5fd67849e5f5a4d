/**
 * What one member sees of the local workspace, as HTML: the sidebar, the open channel, DM or Home
 * tab, an open thread and their top modal. Pure: it reads the Slack emulator's state and renders
 * it; every piece of outside text goes through `blocks-html` or `escapeHtml`.
 */
import { format } from 'date-fns';
import type {
  EphemeralMessage,
  PostedMessage,
  SlackView,
} from '../../../test/support/slack-emulator';
import {
  attachmentsToHtml,
  blocksToHtml,
  textObjectToHtml,
  type RenderContext,
} from './blocks-html';
import {
  directMessageChannel,
  type WorkspaceChannel,
  type WorkspaceDirectory,
  type WorkspaceMember,
} from './directory';
import { escapeHtml } from './html';
import { mrkdwnToHtml } from './mrkdwn-html';
import type { Screen } from './page-types';

export type { Screen };

/** The parts of the Slack emulator's state a screen is drawn from. */
export interface SlackState {
  messages(channel?: string): PostedMessage[];
  ephemerals(channel?: string, user?: string): EphemeralMessage[];
  homeView(userId: string): SlackView | undefined;
  openModals(userId: string): SlackView[];
  unfurlsOf(channel: string, ts: string): Record<string, unknown>;
}

/** Where a member is: a channel, or the app's Home or Messages tab. */
export type Place =
  { kind: 'channel'; channel: WorkspaceChannel } | { kind: 'app'; tab: 'home' | 'messages' };

/** A place as the page names it (`C0PAPERS`, `app:home`, `app:messages`); undefined when unknown. */
export function parsePlace(name: string, directory: WorkspaceDirectory): Place | undefined {
  if (name === 'app:home') return { kind: 'app', tab: 'home' };
  if (name === 'app:messages') return { kind: 'app', tab: 'messages' };
  const channel = directory.channels.find((c) => c.id === name);
  return channel ? { kind: 'channel', channel } : undefined;
}

/** The conversation a place shows messages of; none for the Home tab. */
export function conversationOf(place: Place, memberId: string): string | undefined {
  if (place.kind === 'channel') return place.channel.id;
  return place.tab === 'messages' ? directMessageChannel(memberId) : undefined;
}

/**
 * The top-level message a thread hangs from: the message itself, or the parent of a reply (a reply
 * in a thread goes to the thread, as in Slack). Undefined when it is not in the conversation.
 */
export function threadParent(
  messages: readonly PostedMessage[],
  ts: string,
): PostedMessage | undefined {
  const message = messages.find((m) => m.ts === ts);
  if (!message?.threadTs || message.threadTs === message.ts) return message;
  return messages.find((m) => m.ts === message.threadTs);
}

export interface ScreenInput {
  state: SlackState;
  directory: WorkspaceDirectory;
  member: WorkspaceMember;
  place: Place;
  /** The open thread's parent `ts`, in the place's conversation. */
  threadTs?: string;
  /** Messages in a conversation the member has not seen yet. */
  unread(conversation: string): number;
  /** The errors the app answered the submission of this modal, as shown, with: by input block. */
  modalErrors(view: SlackView): Record<string, string> | undefined;
}

/** A message or an ephemeral one, as a conversation shows it. */
interface Shown {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  user?: string;
  botId?: string;
  ephemeral: boolean;
}

const byTs = (a: { ts: string }, b: { ts: string }) => Number(a.ts) - Number(b.ts);
const timeOf = (ts: string) => format(new Date(Number(ts) * 1000), 'HH:mm');

export function renderScreen(input: ScreenInput): Screen {
  const { directory, member, place, state } = input;
  const ctx: RenderContext = { names: namesIn(directory) };
  const conversation = conversationOf(place, member.id);
  const modal = state.openModals(member.id).at(-1);
  const errors = modal ? input.modalErrors(modal) : undefined;
  const thread =
    conversation && input.threadTs
      ? threadParent(state.messages(conversation), input.threadTs)
      : undefined;
  return {
    title:
      place.kind === 'channel'
        ? `#${place.channel.name} · ${directory.teamName}`
        : `${directory.app.name} · ${directory.teamName}`,
    sidebar: sidebarHtml(input),
    main:
      place.kind === 'app' && place.tab === 'home'
        ? appHeader(directory, 'home') + homeHtml(state.homeView(member.id), ctx)
        : (place.kind === 'channel'
            ? channelHeader(place.channel)
            : appHeader(directory, 'messages')) +
          conversationHtml(input, conversation!, ctx) +
          (place.kind === 'app'
            ? '<p class="read-only">Sending messages to this app has been turned off.</p>'
            : ''),
    thread: thread ? threadHtml(input, thread, ctx) : '',
    modal: modal ? modalHtml(modal, { ...ctx, ...(errors ? { errors } : {}) }) : '',
    modalKey: modal ? `${modal.id}:${modal.hash}:${JSON.stringify(errors ?? {})}` : '',
    // The app's Messages tab is read-only (manifest.yml): Slack shows no message box there.
    composer: place.kind === 'channel' ? `Message #${place.channel.name}` : null,
  };
}

function namesIn(directory: WorkspaceDirectory): RenderContext['names'] {
  return {
    user: (id) =>
      id === directory.app.userId
        ? directory.app.name
        : directory.members.find((m) => m.id === id)?.name,
    channel: (id) => directory.channels.find((c) => c.id === id)?.name,
  };
}

function sidebarHtml({ directory, member, place, unread }: ScreenInput): string {
  const item = (name: string, label: string, active: boolean, count: number) =>
    `<li><button type="button" class="place${active ? ' active' : ''}${count > 0 ? ' unread' : ''}" data-place="${escapeHtml(name)}">${label}${
      count > 0 ? `<span class="badge">${count}</span>` : ''
    }</button></li>`;
  const channels = directory.channels
    .map((c) =>
      item(
        c.id,
        `<span class="sigil">#</span>${escapeHtml(c.name)}`,
        place.kind === 'channel' && place.channel.id === c.id,
        unread(c.id),
      ),
    )
    .join('');
  const app = escapeHtml(directory.app.name);
  const dm = item(
    'app:messages',
    `<span class="sigil app-icon">📰</span>${app}`,
    place.kind === 'app' && place.tab === 'messages',
    unread(directMessageChannel(member.id)),
  );
  const home = item(
    'app:home',
    `<span class="sigil app-icon">📰</span>${app} <span class="tab-name">Home</span>`,
    place.kind === 'app' && place.tab === 'home',
    0,
  );
  return `<div class="team-name">${escapeHtml(directory.teamName)}</div>
<nav><h3>Channels</h3><ul>${channels}</ul>
<h3>Direct messages</h3><ul>${dm}</ul>
<h3>Apps</h3><ul>${home}</ul></nav>`;
}

function channelHeader(channel: WorkspaceChannel): string {
  return `<header class="conversation-header"><h1><span class="sigil">#</span>${escapeHtml(channel.name)}</h1><p class="topic">${escapeHtml(channel.topic)}</p></header>`;
}

function appHeader(directory: WorkspaceDirectory, tab: 'home' | 'messages'): string {
  const tabButton = (name: 'home' | 'messages', label: string) =>
    `<button type="button" class="app-tab${tab === name ? ' active' : ''}" data-place="app:${name}">${label}</button>`;
  return `<header class="conversation-header"><h1><span class="sigil app-icon">📰</span>${escapeHtml(directory.app.name)}<span class="app-badge">APP</span></h1><div class="app-tabs">${tabButton('home', 'Home')}${tabButton('messages', 'Messages')}</div></header>`;
}

/** The conversation's top-level messages and the member's ephemerals in it, oldest first. */
function conversationHtml(input: ScreenInput, conversation: string, ctx: RenderContext): string {
  const { state, member } = input;
  const messages = state.messages(conversation);
  const shown: Shown[] = [
    ...messages
      .filter((m) => !m.threadTs || m.threadTs === m.ts)
      .map((m) => ({ ...m, ephemeral: false })),
    ...state.ephemerals(conversation, member.id).map((e) => ({ ...e, ephemeral: true })),
  ].sort(byTs);
  if (shown.length === 0) {
    return '<section class="messages"><p class="empty">No messages yet.</p></section>';
  }
  const body = shown
    .map((m) => {
      const replies = m.ephemeral
        ? []
        : messages.filter((r) => r.threadTs === m.ts && r.ts !== m.ts);
      return messageHtml(input, m, ctx, { replies, inThread: false });
    })
    .join('');
  return `<section class="messages">${body}</section>`;
}

function threadHtml(input: ScreenInput, parent: PostedMessage, ctx: RenderContext): string {
  const replies = input.state
    .messages(parent.channel)
    .filter((m) => m.threadTs === parent.ts && m.ts !== parent.ts);
  const where =
    input.place.kind === 'channel' ? `#${input.place.channel.name}` : input.directory.app.name;
  const count = `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`;
  return `<header class="thread-header"><h2>Thread <span class="thread-where">${escapeHtml(where)}</span></h2><button type="button" class="close" data-close-thread aria-label="Close thread">×</button></header>
<section class="messages thread-messages">${messageHtml(input, { ...parent, ephemeral: false }, ctx, { replies: [], inThread: true })}
<div class="reply-count">${count}</div>
${replies.map((r) => messageHtml(input, { ...r, ephemeral: false }, ctx, { replies: [], inThread: true })).join('')}</section>`;
}

function messageHtml(
  { directory, state }: ScreenInput,
  message: Shown,
  ctx: RenderContext,
  { replies, inThread }: { replies: PostedMessage[]; inThread: boolean },
): string {
  // Ephemeral messages always come from the app, whoever they are shown to.
  const fromApp =
    message.ephemeral || message.botId !== undefined || message.user === directory.app.userId;
  const author = fromApp
    ? directory.app.name
    : (directory.members.find((m) => m.id === message.user)?.name ?? message.user ?? 'Someone');
  const avatar = fromApp
    ? '<div class="avatar app-avatar">📰</div>'
    : `<div class="avatar member-avatar" data-initial="${escapeHtml(author.slice(0, 1))}">${escapeHtml(author.slice(0, 1))}</div>`;
  const content =
    message.blocks && message.blocks.length > 0
      ? blocksToHtml(message.blocks, ctx)
      : `<div class="message-text">${mrkdwnToHtml(message.text ?? '', ctx.names)}</div>`;
  const unfurls = message.ephemeral
    ? ''
    : attachmentsToHtml(Object.values(state.unfurlsOf(message.channel, message.ts)), ctx);
  const replyBar =
    replies.length > 0
      ? `<button type="button" class="reply-bar" data-open-thread="${escapeHtml(message.ts)}">${replies.length} ${
          replies.length === 1 ? 'reply' : 'replies'
        }</button><span class="reply-last">Last reply ${timeOf(replies.at(-1)!.ts)}</span>`
      : '';
  const actions =
    message.ephemeral || inThread
      ? ''
      : `<div class="message-actions"><button type="button" class="message-action" data-open-thread="${escapeHtml(message.ts)}" title="Reply in thread">💬 Reply</button></div>`;
  const attributes = `data-channel="${escapeHtml(message.channel)}" data-ts="${escapeHtml(message.ts)}"${
    message.ephemeral ? ' data-ephemeral="true"' : ''
  }`;
  return `<article class="message${message.ephemeral ? ' ephemeral' : ''}" ${attributes}>${avatar}<div class="message-body">
<div class="message-meta"><span class="author">${escapeHtml(author)}</span>${fromApp ? '<span class="app-badge">APP</span>' : ''}<time>${timeOf(message.ts)}</time></div>
${content}${unfurls ? `<div class="unfurls">${unfurls}</div>` : ''}${
    message.ephemeral ? '<div class="ephemeral-note">👁 Only visible to you</div>' : ''
  }${replyBar ? `<div class="replies">${replyBar}</div>` : ''}</div>${actions}</article>`;
}

function homeHtml(view: SlackView | undefined, ctx: RenderContext): string {
  if (!view)
    return '<section class="home"><p class="empty">Opening Paperboy’s Home tab…</p></section>';
  return `<section class="home" data-view-id="${escapeHtml(view.id)}">${blocksToHtml(view.blocks, ctx)}</section>`;
}

function modalHtml(view: SlackView, ctx: RenderContext): string {
  const close = textObjectToHtml(view.close, ctx) || 'Cancel';
  const submit = view.submit ? textObjectToHtml(view.submit, ctx) : '';
  return `<div class="modal-backdrop"><form class="modal" data-view-id="${escapeHtml(view.id)}" novalidate>
<header class="modal-header"><h2>${textObjectToHtml(view.title, ctx)}</h2><button type="button" class="close" data-modal-close aria-label="Close">×</button></header>
<div class="modal-body">${blocksToHtml(view.blocks, ctx)}</div>
<footer class="modal-footer"><button type="button" class="bk-button" data-modal-close>${close}</button>${
    submit
      ? `<button type="submit" class="bk-button bk-primary" data-modal-submit>${submit}</button>`
      : ''
  }</footer></form></div>`;
}
