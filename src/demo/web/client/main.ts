/**
 * The local workspace page's script: it draws the screens the server renders, and turns what the
 * member does (clicks, choices, messages, modal submissions) into requests the server passes to
 * the app as Slack would. Where the member is lives in the URL's hash, so a reload stays put.
 */

import type { Screen, WorkspaceSummary } from '../page-types';

/** Where the member is: who they are, the channel or tab, the open thread. */
interface Spot {
  member: string;
  place: string;
  thread?: string;
}

type Answer = { ok: true } | { ok: false; error: string };

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
};

const ui = {
  member: byId<HTMLSelectElement>('member'),
  sidebar: byId('sidebar'),
  main: byId('main'),
  threadPane: byId('thread-pane'),
  thread: byId('thread'),
  modal: byId('modal'),
  composer: byId<HTMLFormElement>('composer'),
  composerInput: byId<HTMLTextAreaElement>('composer-input'),
  composerHint: byId('composer-hint'),
  composerError: byId('composer-error'),
  threadComposer: byId<HTMLFormElement>('thread-composer'),
  threadComposerInput: byId<HTMLTextAreaElement>('thread-composer-input'),
  threadComposerError: byId('thread-composer-error'),
  toast: byId('toast'),
};

let here: Spot = { member: '', place: '' };
let firstPlace = '';
/** What each pane last drew, so a redraw that changes nothing touches nothing. */
const drawn: { sidebar: string; main: string; thread: string; modalKey: string | null } = {
  sidebar: '',
  main: '',
  thread: '',
  /** null: redraw the modal whatever the next screen holds. */
  modalKey: null,
};

function readLocation(fallbackMember: string): Spot {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const thread = params.get('thread');
  return {
    member: params.get('member') || fallbackMember,
    place: params.get('place') || firstPlace,
    ...(thread ? { thread } : {}),
  };
}

function go(next: Spot): void {
  const placeChanged = next.place !== here.place || next.member !== here.member;
  here = next;
  const params = new URLSearchParams({ member: here.member, place: here.place });
  if (here.thread) params.set('thread', here.thread);
  history.replaceState(null, '', `#${params.toString()}`);
  if (placeChanged) {
    drawn.main = '';
    if (here.place === 'app:home') void post('/api/home', { member: here.member });
  }
  void refresh({ scrollToEnd: placeChanged });
}

async function post(url: string, body: unknown): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as Answer;
  } catch {
    return { ok: false, error: 'The local workspace is not answering. Is `npm run demo` running?' };
  }
}

function showToast(message: string): void {
  ui.toast.textContent = message;
  ui.toast.hidden = false;
  window.setTimeout(() => (ui.toast.hidden = true), 5000);
}

const nearEnd = (element: HTMLElement) =>
  element.scrollHeight - element.scrollTop - element.clientHeight < 80;

let refreshing: Promise<void> | undefined;
let refreshAgain = false;
/** A redraw asked to end at the newest message: kept until a screen of the current spot is drawn. */
let scrollPending = false;

const query = (spot: Spot) => {
  const params = new URLSearchParams({ member: spot.member, place: spot.place });
  if (spot.thread) params.set('thread', spot.thread);
  return params.toString();
};

/**
 * Fetches and draws the member's screen; calls made meanwhile fold into one more redraw. A screen
 * fetched for a spot the member has since left is dropped, not drawn.
 */
async function refresh(options: { scrollToEnd?: boolean } = {}): Promise<void> {
  scrollPending ||= options.scrollToEnd === true;
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      const asked = query(here);
      try {
        const response = await fetch(`/api/screen?${asked}`);
        const screen = response.ok ? ((await response.json()) as Screen) : undefined;
        if (asked !== query(here)) refreshAgain = true;
        else if (screen) {
          draw(screen, scrollPending);
          scrollPending = false;
        }
      } catch {
        // The server went away (the demo stopped); the event stream will say when it is back.
      }
    } while (refreshAgain);
  })().finally(() => (refreshing = undefined));
  return refreshing;
}

function draw(screen: Screen, scrollToEnd: boolean): void {
  document.title = screen.title;
  if (screen.sidebar !== drawn.sidebar) ui.sidebar.innerHTML = drawn.sidebar = screen.sidebar;
  if (screen.main !== drawn.main) {
    const stick = scrollToEnd || nearEnd(ui.main);
    const top = ui.main.scrollTop;
    ui.main.innerHTML = drawn.main = screen.main;
    // Conversations open at their newest message, the Home tab at its top, like Slack.
    const home = here.place === 'app:home';
    ui.main.scrollTop = home ? (scrollToEnd ? 0 : top) : stick ? ui.main.scrollHeight : top;
  }
  ui.threadPane.hidden = screen.thread === '';
  if (screen.thread !== drawn.thread) {
    const stick = nearEnd(ui.thread) || drawn.thread === '';
    ui.thread.innerHTML = drawn.thread = screen.thread;
    if (stick) ui.thread.scrollTop = ui.thread.scrollHeight;
  }
  // Only a new or changed modal is redrawn: a redraw would wipe what the member is typing.
  if (screen.modalKey !== drawn.modalKey) {
    const typed = typedInto(ui.modal, screen.modalKey);
    ui.modal.innerHTML = screen.modal;
    drawn.modalKey = screen.modalKey;
    restoreTyped(ui.modal, typed);
    ui.modal.querySelector<HTMLElement>('input, textarea, select')?.focus();
  }
  ui.composer.hidden = screen.composer === null;
  if (screen.composer !== null) ui.composerInput.placeholder = screen.composer;
}

const FIELDS =
  '[data-input-block] input[data-action-id], [data-input-block] textarea, [data-input-block] select';
const fieldKey = (field: HTMLElement) => `${field.dataset.blockId} ${field.dataset.actionId}`;

/**
 * What the member typed into the modal on screen, when the next one is the same view (shown again
 * with errors, or updated by the app): Slack keeps what was typed in inputs whose block and action
 * ids stay the same.
 */
function typedInto(container: HTMLElement, nextKey: string): Map<string, string> {
  const viewId = container.querySelector<HTMLElement>('.modal')?.dataset.viewId;
  const typed = new Map<string, string>();
  if (!viewId || !nextKey.startsWith(`${viewId}:`)) return typed;
  for (const field of container.querySelectorAll<HTMLInputElement>(FIELDS)) {
    if (field.type !== 'radio' && field.type !== 'checkbox')
      typed.set(fieldKey(field), field.value);
  }
  return typed;
}

function restoreTyped(container: HTMLElement, typed: Map<string, string>): void {
  for (const field of container.querySelectorAll<HTMLInputElement>(FIELDS)) {
    const value = typed.get(fieldKey(field));
    if (value !== undefined) field.value = value;
  }
}

/** Where a click or choice happened, as the server names it for the emulator. */
function targetOf(element: Element): Record<string, unknown> | undefined {
  const modal = element.closest<HTMLElement>('.modal');
  if (modal?.dataset.viewId) return { kind: 'modal', viewId: modal.dataset.viewId };
  if (element.closest('.home')) return { kind: 'home' };
  const message = element.closest<HTMLElement>('.message');
  if (message?.dataset.channel && message.dataset.ts) {
    return {
      kind: 'message',
      channel: message.dataset.channel,
      ts: message.dataset.ts,
      ephemeral: message.dataset.ephemeral === 'true',
    };
  }
  return undefined;
}

async function sendAction(element: HTMLElement, value: string | undefined): Promise<void> {
  const target = targetOf(element);
  if (!target || !element.dataset.actionId) return;
  const answer = await post('/api/action', {
    member: here.member,
    target,
    actionId: element.dataset.actionId,
    ...(element.dataset.blockId ? { blockId: element.dataset.blockId } : {}),
    ...(value !== undefined ? { value } : {}),
  });
  if (!answer.ok) showToast(answer.error);
  await refresh();
}

/** A modal's inputs as Slack's client submits them: `{[block_id]: {[action_id]: value}}`. */
function modalValues(form: HTMLElement): Record<string, Record<string, string | string[]>> {
  const values: Record<string, Record<string, string | string[]>> = {};
  for (const block of form.querySelectorAll<HTMLElement>('[data-input-block]')) {
    const blockId = block.dataset.blockId;
    const input = block.querySelector<HTMLElement>('[data-action-id]');
    const actionId = input?.dataset.actionId;
    if (!blockId || !input || !actionId) continue;
    const value = inputValue(input);
    if (value !== undefined) (values[blockId] ??= {})[actionId] = value;
  }
  return values;
}

function inputValue(input: HTMLElement): string | string[] | undefined {
  if (input instanceof HTMLSelectElement) {
    const chosen = [...input.selectedOptions].filter((o) => !o.disabled).map((o) => o.value);
    return input.multiple ? chosen : chosen[0];
  }
  if (input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement) {
    return input.value === '' ? undefined : input.value;
  }
  const checked = [...input.querySelectorAll<HTMLInputElement>('input:checked')].map(
    (box) => box.value,
  );
  return input.querySelector('input[type="radio"]') ? checked[0] : checked;
}

/**
 * Marks the required inputs left empty, as Slack's client does before it submits anything; true
 * when there are some.
 */
function markMissing(form: HTMLElement, values: Record<string, Record<string, unknown>>): boolean {
  let missing = false;
  for (const block of form.querySelectorAll<HTMLElement>('[data-input-block]')) {
    const blockId = block.dataset.blockId ?? '';
    const given = Object.values(values[blockId] ?? {}).some((v) =>
      Array.isArray(v) ? v.length > 0 : v !== '',
    );
    if (given || block.querySelector('.bk-optional')) continue;
    missing = true;
    block.classList.add('bk-has-error');
    block.querySelector('.bk-error')?.remove();
    const error = document.createElement('div');
    error.className = 'bk-error';
    error.setAttribute('role', 'alert');
    error.textContent = 'Please fill out this field.';
    const hint = block.querySelector('.bk-hint');
    if (hint) hint.before(error);
    else block.append(error);
  }
  return missing;
}

async function sendMessage(
  input: HTMLTextAreaElement,
  error: HTMLElement,
  thread: string | undefined,
): Promise<void> {
  const text = input.value;
  if (text.trim() === '') return;
  input.disabled = true;
  const answer = await post('/api/message', {
    member: here.member,
    place: here.place,
    text,
    ...(thread ? { threadTs: thread } : {}),
  });
  input.disabled = false;
  error.hidden = answer.ok;
  if (answer.ok) {
    input.value = '';
    ui.composerHint.hidden = true;
  } else {
    error.textContent = answer.error;
  }
  input.focus();
  await refresh({ scrollToEnd: true });
}

/**
 * The channel message a Slack permalink (`…/archives/C…/p1700000000123456`) points to, when the
 * channel is one of this workspace's: such links open here, in the message's thread.
 */
function messageLinkedBy(href: string): { place: string; thread: string } | undefined {
  const match = /\/archives\/([A-Z0-9]+)\/p(\d+)(\d{6})$/.exec(new URL(href).pathname);
  if (!match || !document.querySelector(`#sidebar [data-place="${match[1]}"]`)) return undefined;
  return { place: match[1]!, thread: `${match[2]}.${match[3]}` };
}

function wire(): void {
  document.addEventListener('click', (event) => {
    const element = event.target instanceof Element ? event.target : null;
    if (!element) return;
    const permalink = element.closest<HTMLAnchorElement>('a[href]');
    const linked = permalink ? messageLinkedBy(permalink.href) : undefined;
    if (linked) {
      event.preventDefault();
      return go({ member: here.member, ...linked });
    }
    const place = element.closest<HTMLElement>('[data-place]');
    if (place?.dataset.place) return go({ member: here.member, place: place.dataset.place });
    const open = element.closest<HTMLElement>('[data-open-thread]');
    if (open?.dataset.openThread) return go({ ...here, thread: open.dataset.openThread });
    if (element.closest('[data-close-thread]')) {
      return go({ member: here.member, place: here.place });
    }
    const close = element.closest<HTMLElement>('[data-modal-close]');
    const modal = close?.closest<HTMLElement>('.modal');
    if (modal?.dataset.viewId) {
      void post('/api/close', { member: here.member, viewId: modal.dataset.viewId }).then(() =>
        refresh(),
      );
      return;
    }
    const button = element.closest<HTMLButtonElement>('button[data-action-id]');
    if (button) {
      if (button.dataset.url) window.open(button.dataset.url, '_blank', 'noopener,noreferrer');
      void sendAction(button, button.dataset.value || undefined);
    }
  });

  // Choices outside modal inputs (a select or time picker in an actions block or accessory) are
  // sent as they are made, like Slack does; inside input blocks they wait for the submit.
  document.addEventListener('change', (event) => {
    const element = event.target instanceof HTMLElement ? event.target : null;
    if (!element || element === ui.member || element.closest('[data-input-block]')) return;
    const control = element.closest<HTMLElement>('[data-action-id]');
    if (!control) return;
    const value =
      element instanceof HTMLSelectElement || element instanceof HTMLInputElement
        ? element.value
        : undefined;
    // A picker cleared to nothing is no choice: Slack sends nothing for it.
    if (value === '') return;
    void sendAction(control, value);
  });

  document.addEventListener('submit', (event) => {
    const form = event.target instanceof HTMLFormElement ? event.target : null;
    if (!form) return;
    event.preventDefault();
    if (form === ui.composer) {
      void sendMessage(ui.composerInput, ui.composerError, undefined);
    } else if (form === ui.threadComposer) {
      void sendMessage(ui.threadComposerInput, ui.threadComposerError, here.thread);
    } else if (form.classList.contains('modal') && form.dataset.viewId) {
      const viewId = form.dataset.viewId;
      const values = modalValues(form);
      if (markMissing(form, values)) return;
      void post('/api/submit', { member: here.member, viewId, values }).then(async (answer) => {
        if (!answer.ok) showToast(answer.error);
        drawn.modalKey = null;
        await refresh();
      });
    }
  });

  // Enter sends, Shift+Enter makes a new line, as in Slack.
  for (const [input, form] of [
    [ui.composerInput, ui.composer],
    [ui.threadComposerInput, ui.threadComposer],
  ] as const) {
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  ui.composerInput.addEventListener('input', () => {
    ui.composerHint.hidden = !ui.composerInput.value.startsWith('/');
  });

  ui.member.addEventListener('change', () => go({ member: ui.member.value, place: here.place }));
  // A link or an edited address naming another member, place or thread.
  window.addEventListener('hashchange', () => {
    const next = readLocation(here.member);
    if (![...ui.member.options].some((o) => o.value === next.member)) next.member = here.member;
    ui.member.value = next.member;
    go(next);
  });

  const events = new EventSource('/api/events');
  events.addEventListener('change', () => void refresh());
  events.addEventListener('open', () => void refresh());
}

async function start(): Promise<void> {
  const workspace = (await (await fetch('/api/workspace')).json()) as WorkspaceSummary;
  for (const member of workspace.members) {
    const option = document.createElement('option');
    option.value = member.id;
    option.textContent = `${member.name} (${member.title})`;
    ui.member.append(option);
  }
  firstPlace = workspace.firstPlace;
  const first = workspace.members[0]?.id ?? '';
  here = readLocation(first);
  if (!workspace.members.some((m) => m.id === here.member)) here.member = first;
  ui.member.value = here.member;
  wire();
  const initial = here;
  here = { member: '', place: '' };
  go(initial);
}

void start();
