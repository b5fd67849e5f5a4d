import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type BlockAction } from '@slack/bolt';
import type { HomeView, ModalView, PlainTextElement, PlainTextOption } from '@slack/types';
import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { WebSocket } from 'ws';
import { boltAppFor } from './bolt-app';
import { silentSlackLogger } from './silent-logger';
import { SlackEmulator } from './slack-emulator';

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text });
const option = (label: string, value = label.toLowerCase()): PlainTextOption => ({
  text: plain(label),
  value,
});

/** An alerts form like the app's: keywords, a mode select, a time, an optional note. */
const alertsModal = (title = 'Keyword alerts', extra: Partial<ModalView> = {}): ModalView => ({
  type: 'modal',
  callback_id: 'alerts_modal',
  private_metadata: JSON.stringify({ channel: 'C0ML' }),
  title: plain(title),
  submit: plain('Save'),
  close: plain('Cancel'),
  blocks: [
    {
      type: 'input',
      block_id: 'keywords',
      label: plain('Keywords'),
      element: { type: 'plain_text_input', action_id: 'keywords_input' },
    },
    {
      type: 'input',
      block_id: 'mode',
      label: plain('How'),
      element: {
        type: 'static_select',
        action_id: 'mode_select',
        options: [option('Instant'), option('Daily'), option('Off')],
        initial_option: option('Instant'),
      },
    },
    {
      type: 'input',
      block_id: 'time',
      optional: true,
      label: plain('When'),
      element: { type: 'timepicker', action_id: 'time_picker' },
    },
    {
      type: 'input',
      block_id: 'note',
      optional: true,
      label: plain('Note'),
      element: { type: 'plain_text_input', action_id: 'note_input' },
    },
  ],
  ...extra,
});

/** A Home tab with a button, a select and a timepicker, like the app's alert settings. */
const home: HomeView = {
  type: 'home',
  blocks: [
    {
      type: 'section',
      block_id: 'alerts',
      text: { type: 'mrkdwn', text: '*Your keyword alerts*' },
      accessory: {
        type: 'static_select',
        action_id: 'alert_mode',
        placeholder: plain('Mode'),
        options: [option('Instant'), option('Daily'), option('Weekly'), option('Off')],
      },
    },
    {
      type: 'actions',
      block_id: 'alert_actions',
      elements: [
        { type: 'button', action_id: 'edit_keywords', value: 'edit', text: plain('Edit keywords') },
        { type: 'timepicker', action_id: 'alert_time', initial_time: '09:00' },
      ],
    },
  ],
};

let clock = Date.now();
let emulator: SlackEmulator;
let client: WebClient;

beforeAll(async () => {
  // Trigger lifetimes follow this clock, so a test can age a trigger without waiting.
  emulator = await SlackEmulator.start({ now: () => new Date(clock) });
  client = new WebClient(emulator.token, {
    slackApiUrl: emulator.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentSlackLogger,
  });
});
beforeEach(() => {
  clock = Date.now();
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

/** The Slack error of a Web API call that must fail. */
async function errorOf(call: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = (await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  )) as WebAPIPlatformError;
  return error.data as unknown as Record<string, unknown>;
}

describe('with a stand-in app', () => {
  let app: http.Server;
  let received: Array<{ headers: IncomingHttpHeaders; payload: Record<string, unknown> }>;
  /** The stand-in's answer body: '' is an empty ack. */
  let answer: unknown;

  beforeAll(async () => {
    app = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const payload = form.get('payload');
        received.push({
          headers: req.headers,
          payload: (payload ? JSON.parse(payload) : Object.fromEntries(form)) as Record<
            string,
            unknown
          >,
        });
        const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
        res.writeHead(200, text ? { 'content-type': 'application/json' } : {});
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    emulator.setAppUrl(`http://127.0.0.1:${(app.address() as AddressInfo).port}`);
  });
  beforeEach(() => {
    received = [];
    answer = '';
  });
  afterAll(async () => {
    app.closeAllConnections();
    await new Promise((resolve) => app.close(resolve));
  });

  /** A trigger_id from a slash command run by `userId`. */
  async function commandTrigger(userId = 'U0ALICE'): Promise<string> {
    await emulator.sendSlashCommand({ text: 'alerts', userId });
    return received.at(-1)!.payload.trigger_id as string;
  }

  /** Opens the alerts modal for U0ALICE; its view as views.open returned it. */
  async function openAlerts() {
    const opened = await client.views.open({
      trigger_id: await commandTrigger(),
      view: alertsModal(),
    });
    return opened.view!;
  }

  describe('views.open, views.update and views.push', () => {
    it('opens a modal for the user whose interaction carried the trigger', async () => {
      const view = await openAlerts();
      expect(view).toMatchObject({
        id: expect.stringMatching(/^V0[0-9A-F]{8}$/),
        type: 'modal',
        team_id: 'T0PAPERBOY',
        app_id: 'A0PAPERBOY',
        bot_id: 'B0PAPERBOY',
        callback_id: 'alerts_modal',
        private_metadata: '{"channel":"C0ML"}',
        external_id: '',
        title: plain('Keyword alerts'),
        state: { values: {} },
        hash: expect.stringMatching(/^\d+\.\w+$/),
        previous_view_id: null,
      });
      expect(view.root_view_id).toBe(view.id);
      expect(emulator.openModals('U0ALICE')).toEqual([view]);
      expect(emulator.openModals('U0BOB')).toEqual([]);
    });

    it('takes triggers from clicks and submissions too', async () => {
      const post = await client.chat.postMessage({
        channel: 'C1',
        text: 'card',
        blocks: [
          {
            type: 'actions',
            elements: [{ type: 'button', action_id: 'go', text: plain('Go'), value: 'x' }],
          },
        ],
      });
      await emulator.sendBlockAction({
        userId: 'U0BOB',
        actionId: 'go',
        channelId: 'C1',
        messageTs: post.ts!,
      });
      const fromClick = received.at(-1)!.payload;
      expect(fromClick.actions).toMatchObject([{ type: 'button', action_id: 'go', value: 'x' }]);
      const opened = await client.views.open({
        trigger_id: fromClick.trigger_id as string,
        view: alertsModal(),
      });
      expect(emulator.openModals('U0BOB').map((v) => v.id)).toEqual([opened.view!.id]);

      answer = { response_action: 'errors', errors: { keywords: 'Say more' } };
      await emulator.sendViewSubmission({
        userId: 'U0BOB',
        viewId: opened.view!.id!,
        values: { keywords: { keywords_input: 'diffusion' } },
      });
      const pushed = await client.views.push({
        trigger_id: received.at(-1)!.payload.trigger_id as string,
        view: alertsModal('Are you sure?'),
      });
      expect(pushed.view).toMatchObject({
        root_view_id: opened.view!.id,
        previous_view_id: opened.view!.id,
      });
    });

    it('refuses unknown, exchanged and expired triggers', async () => {
      expect(
        await errorOf(client.views.open({ trigger_id: '1.2.nope', view: alertsModal() })),
      ).toMatchObject({ ok: false, error: 'invalid_trigger_id' });

      const trigger = await commandTrigger();
      await client.views.open({ trigger_id: trigger, view: alertsModal() });
      expect(
        await errorOf(client.views.open({ trigger_id: trigger, view: alertsModal() })),
      ).toMatchObject({ error: 'exchanged_trigger_id' });

      const late = await commandTrigger();
      clock += 3001;
      expect(
        await errorOf(client.views.open({ trigger_id: late, view: alertsModal() })),
      ).toMatchObject({ error: 'expired_trigger_id' });

      // Exactly 3 s old still works.
      const onTime = await commandTrigger();
      clock += 3000;
      await expect(
        client.views.open({ trigger_id: onTime, view: alertsModal() }),
      ).resolves.toMatchObject({ ok: true });
    });

    it('validates the modal, and keeps the trigger for a corrected one', async () => {
      const trigger = await commandTrigger();
      expect(
        await errorOf(
          client.views.open({
            trigger_id: trigger,
            view: alertsModal('A title of 25 characters!'),
          }),
        ),
      ).toMatchObject({
        error: 'invalid_arguments',
        errors: ['must be less than 25 characters [json-pointer:/view/title/text]'],
        response_metadata: {
          messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'],
        },
      });
      const blocks = Array.from({ length: 101 }, () => ({ type: 'divider' }));
      expect(
        await errorOf(
          client.views.open({ trigger_id: trigger, view: alertsModal('x', { blocks }) }),
        ),
      ).toMatchObject({
        error: 'invalid_arguments',
        errors: ['no more than 100 items allowed [json-pointer:/view/blocks]'],
      });
      expect(
        (await errorOf(client.views.open({ trigger_id: trigger, view: { ...home } as never })))
          .errors,
      ).toEqual(['must be modal [json-pointer:/view/type]']);
      expect(
        (
          await errorOf(
            client.views.open({
              trigger_id: trigger,
              view: alertsModal('x', { submit: undefined }),
            }),
          )
        ).errors,
      ).toEqual(['must provide submit when the view has input blocks [json-pointer:/view/submit]']);
      expect(emulator.openModals('U0ALICE')).toEqual([]);
      await expect(
        client.views.open({ trigger_id: trigger, view: alertsModal() }),
      ).resolves.toMatchObject({ ok: true });
    });

    it('updates an open modal by id or external_id, checking the hash', async () => {
      const view = await openAlerts();
      const updated = await client.views.update({
        view_id: view.id!,
        hash: view.hash!,
        view: alertsModal('Saved'),
      });
      expect(updated.view).toMatchObject({ id: view.id, title: plain('Saved') });
      expect(updated.view?.hash).not.toBe(view.hash);
      expect(emulator.openModals('U0ALICE')).toEqual([updated.view]);

      expect(
        await errorOf(
          client.views.update({ view_id: view.id!, hash: view.hash!, view: alertsModal('Stale') }),
        ),
      ).toMatchObject({ error: 'hash_conflict' });
      expect(
        await errorOf(client.views.update({ view_id: 'V0NOPE', view: alertsModal() })),
      ).toMatchObject({ error: 'not_found' });
      expect(
        (
          await errorOf(
            client.views.update({ view_id: view.id!, view: alertsModal('t'.repeat(25)) }),
          )
        ).error,
      ).toBe('invalid_arguments');

      await client.views.update({
        view_id: view.id!,
        view: alertsModal('With an id', { external_id: 'alerts-U0ALICE' }),
      });
      const byExternalId = await client.views.update({
        external_id: 'alerts-U0ALICE',
        view: alertsModal('By external id', { external_id: 'alerts-U0ALICE' }),
      });
      expect(byExternalId.view).toMatchObject({ id: view.id, title: plain('By external id') });
    });

    it('pushes up to 3 views', async () => {
      const root = await openAlerts();
      for (const title of ['Two', 'Three']) {
        await client.views.push({ trigger_id: await commandTrigger(), view: alertsModal(title) });
      }
      expect(
        await errorOf(
          client.views.push({ trigger_id: await commandTrigger(), view: alertsModal('Four') }),
        ),
      ).toMatchObject({ error: 'push_limit_reached' });
      const stack = emulator.openModals('U0ALICE');
      expect(stack.map((v) => (v.title as { text: string }).text)).toEqual([
        'Keyword alerts',
        'Two',
        'Three',
      ]);
      expect(stack.map((v) => v.root_view_id)).toEqual([root.id, root.id, root.id]);
      expect(stack.map((v) => v.previous_view_id)).toEqual([null, root.id, stack[1]!.id]);
      // Nothing to push on: a user without a modal.
      expect(
        await errorOf(
          client.views.push({ trigger_id: await commandTrigger('U0BOB'), view: alertsModal() }),
        ),
      ).toMatchObject({ error: 'not_found' });
    });
  });

  describe('view submissions', () => {
    it('sends a signed form whose state is typed from the modal elements', async () => {
      const view = await openAlerts();
      const result = await emulator.sendViewSubmission({
        userId: 'U0ALICE',
        viewId: view.id!,
        values: {
          keywords: { keywords_input: 'diffusion, "state space"' },
          time: { time_picker: '17:30' },
        },
      });
      expect(result).toMatchObject({ status: 200 });
      expect(result.responseAction).toBeUndefined();
      const { headers, payload } = received.at(-1)!;
      expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
      expect(payload).toMatchObject({
        type: 'view_submission',
        user: { id: 'U0ALICE', team_id: 'T0PAPERBOY' },
        team: { id: 'T0PAPERBOY' },
        api_app_id: 'A0PAPERBOY',
        trigger_id: expect.stringMatching(/^\d+\.\d+\.\w+$/),
        response_urls: [],
        view: {
          id: view.id,
          callback_id: 'alerts_modal',
          private_metadata: '{"channel":"C0ML"}',
          hash: view.hash,
        },
      });
      expect((payload.view as { state: unknown }).state).toEqual({
        values: {
          keywords: {
            keywords_input: { type: 'plain_text_input', value: 'diffusion, "state space"' },
          },
          // Untouched: the initial option, like Slack.
          mode: { mode_select: { type: 'static_select', selected_option: option('Instant') } },
          time: { time_picker: { type: 'timepicker', selected_time: '17:30' } },
          // Optional and empty: null.
          note: { note_input: { type: 'plain_text_input', value: null } },
        },
      });
      // An empty ack closed it.
      expect(emulator.openModals('U0ALICE')).toEqual([]);
    });

    it('sends a chosen option with its text, and refuses what the modal could not send', async () => {
      const view = await openAlerts();
      const submit = (values: Record<string, Record<string, string>>) =>
        emulator.sendViewSubmission({ userId: 'U0ALICE', viewId: view.id!, values });
      await expect(
        submit({ keywords: { keywords_input: 'x' }, mode: { mode_select: 'weekly' } }),
      ).rejects.toThrow(
        'mode_select has no option with value "weekly" (it has instant, daily, off)',
      );
      await expect(submit({ mode: { mode_select: 'daily' } })).rejects.toThrow(
        'the required input keywords/keywords_input is empty',
      );
      await expect(
        submit({ keywords: { keywords_input: 'x' }, nope: { nope: 'x' } }),
      ).rejects.toThrow('the view has no element nope/nope');
      await expect(
        submit({ keywords: { keywords_input: 'x' }, time: { time_picker: '9am' } }),
      ).rejects.toThrow('a timepicker sends HH:MM, not "9am"');
      await expect(
        emulator.sendViewSubmission({ userId: 'U0BOB', viewId: view.id!, values: {} }),
      ).rejects.toThrow(`U0BOB has no open modal with id ${view.id}`);
      expect(received).toHaveLength(1); // the command only

      await submit({ keywords: { keywords_input: 'x' }, mode: { mode_select: 'daily' } });
      expect(received.at(-1)!.payload.view).toMatchObject({
        state: { values: { mode: { mode_select: { selected_option: option('Daily') } } } },
      });
    });

    it('keeps the modal open on errors, replaces it on update, closes all on clear', async () => {
      const view = await openAlerts();
      const submit = () =>
        emulator.sendViewSubmission({
          userId: 'U0ALICE',
          viewId: view.id!,
          values: { keywords: { keywords_input: 'a' } },
        });

      answer = { response_action: 'errors', errors: { keywords: 'At least 3 letters' } };
      const refused = await submit();
      expect(refused).toMatchObject({
        responseAction: 'errors',
        errors: { keywords: 'At least 3 letters' },
      });
      expect(refused.ackError).toBeUndefined();
      expect(emulator.openModals('U0ALICE').map((v) => v.id)).toEqual([view.id]);

      answer = { response_action: 'errors', errors: { mode_select: 'Wrong key' } };
      expect((await submit()).ackError).toBe('errors name no input block of the view: mode_select');

      answer = { response_action: 'update', view: alertsModal('Saved') };
      expect(await submit()).toMatchObject({ responseAction: 'update' });
      const [updated] = emulator.openModals('U0ALICE');
      expect(updated).toMatchObject({ id: view.id, title: plain('Saved') });
      expect(updated?.hash).not.toBe(view.hash);

      answer = { response_action: 'update', view: alertsModal('t'.repeat(25)) };
      expect((await submit()).ackError).toBe('invalid_arguments');
      expect(emulator.openModals('U0ALICE')[0]?.title).toEqual(plain('Saved'));

      answer = { response_action: 'push', view: alertsModal('Confirm') };
      expect(await submit()).toMatchObject({ responseAction: 'push' });
      const stack = emulator.openModals('U0ALICE');
      expect(stack).toHaveLength(2);

      // Only the top view can be submitted.
      await expect(submit()).rejects.toThrow(`is under ${stack[1]!.id}`);
      answer = { response_action: 'clear' };
      const cleared = await emulator.sendViewSubmission({
        userId: 'U0ALICE',
        viewId: stack[1]!.id,
        values: { keywords: { keywords_input: 'abc' } },
      });
      expect(cleared.responseAction).toBe('clear');
      expect(emulator.openModals('U0ALICE')).toEqual([]);
    });

    it('closes only the submitted view on an empty ack, showing the one under it', async () => {
      const root = await openAlerts();
      const pushed = await client.views.push({
        trigger_id: await commandTrigger(),
        view: alertsModal('Details'),
      });
      await emulator.sendViewSubmission({
        userId: 'U0ALICE',
        viewId: pushed.view!.id!,
        values: { keywords: { keywords_input: 'abc' } },
      });
      expect(emulator.openModals('U0ALICE').map((v) => v.id)).toEqual([root.id]);
    });

    it('delivers a submission over Socket Mode and applies the ack payload', async () => {
      const view = await openAlerts();
      const res = await fetch(`${emulator.apiUrl}apps.connections.open`, {
        method: 'POST',
        headers: { authorization: `Bearer ${emulator.appToken}` },
      });
      const ws = new WebSocket(((await res.json()) as { url: string }).url);
      await once(ws, 'message'); // hello
      const envelopes: Array<Record<string, unknown>> = [];
      ws.on('message', (data: Buffer) => {
        const envelope = JSON.parse(data.toString()) as Record<string, unknown>;
        envelopes.push(envelope);
        const payload = { response_action: 'errors', errors: { keywords: 'Too short' } };
        ws.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload }));
      });
      try {
        const ack = await emulator.socketViewSubmission({
          userId: 'U0ALICE',
          viewId: view.id!,
          values: { keywords: { keywords_input: 'a' } },
        });
        expect(ack).toMatchObject({ responseAction: 'errors', errors: { keywords: 'Too short' } });
        expect(envelopes[0]).toMatchObject({
          type: 'interactive',
          accepts_response_payload: true,
          payload: { type: 'view_submission', view: { id: view.id } },
        });
        expect(emulator.openModals('U0ALICE')).toHaveLength(1);
      } finally {
        ws.terminate();
        await emulator.waitFor(() => emulator.socketCount() === 0);
      }
    });
  });

  describe('clicks in views', () => {
    it('sends a Home tab click with the published view, and no message, channel or response_url', async () => {
      const published = await client.views.publish({ user_id: 'U0ALICE', view: home });
      const homeView = emulator.homeView('U0ALICE')!;
      expect(homeView).toMatchObject({ id: published.view!.id, type: 'home', blocks: home.blocks });
      // Republishing keeps the id, like Slack's one Home tab per user.
      await client.views.publish({ user_id: 'U0ALICE', view: home });
      expect(emulator.homeView('U0ALICE')?.id).toBe(homeView.id);
      expect(emulator.homeView('U0ALICE')?.hash).not.toBe(homeView.hash);

      await emulator.sendBlockAction({
        userId: 'U0ALICE',
        actionId: 'edit_keywords',
        fromHome: true,
      });
      const { headers, payload } = received.at(-1)!;
      expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(payload).toMatchObject({
        type: 'block_actions',
        user: { id: 'U0ALICE' },
        container: { type: 'view', view_id: homeView.id },
        view: { id: homeView.id, type: 'home', blocks: home.blocks },
        actions: [
          {
            type: 'button',
            action_id: 'edit_keywords',
            block_id: 'alert_actions',
            value: 'edit',
            text: plain('Edit keywords'),
          },
        ],
      });
      for (const key of ['message', 'channel', 'response_url']) {
        expect(payload).not.toHaveProperty(key);
      }
      // Its trigger opens a modal.
      await expect(
        client.views.open({ trigger_id: payload.trigger_id as string, view: alertsModal() }),
      ).resolves.toMatchObject({ ok: true });
    });

    it('sends select and timepicker choices typed like Slack, with the view state', async () => {
      await client.views.publish({ user_id: 'U0ALICE', view: home });
      await emulator.sendBlockAction({
        userId: 'U0ALICE',
        actionId: 'alert_mode',
        value: 'weekly',
        fromHome: true,
      });
      expect(received.at(-1)!.payload.actions).toEqual([
        {
          type: 'static_select',
          action_id: 'alert_mode',
          block_id: 'alerts',
          selected_option: option('Weekly'),
          placeholder: plain('Mode'),
          action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
        },
      ]);
      expect(received.at(-1)!.payload.view).toMatchObject({
        state: {
          values: {
            alerts: { alert_mode: { type: 'static_select', selected_option: option('Weekly') } },
            alert_actions: { alert_time: { type: 'timepicker', selected_time: '09:00' } },
          },
        },
      });

      await emulator.sendBlockAction({
        userId: 'U0ALICE',
        actionId: 'alert_time',
        value: '18:45',
        fromHome: true,
      });
      expect(received.at(-1)!.payload.actions).toMatchObject([
        { type: 'timepicker', action_id: 'alert_time', selected_time: '18:45' },
      ]);
      await expect(
        emulator.sendBlockAction({
          userId: 'U0BOB',
          actionId: 'alert_time',
          value: '1',
          fromHome: true,
        }),
      ).rejects.toThrow('no Home tab was published for U0BOB');
      await expect(
        emulator.sendBlockAction({ userId: 'U0ALICE', actionId: 'nope', fromHome: true }),
      ).rejects.toThrow('has no element with action_id nope');
    });

    it('sends a click in an open modal with the modal as the container', async () => {
      const view = await openAlerts();
      await emulator.sendBlockAction({
        userId: 'U0ALICE',
        actionId: 'mode_select',
        value: 'off',
        viewId: view.id!,
      });
      expect(received.at(-1)!.payload).toMatchObject({
        type: 'block_actions',
        container: { type: 'view', view_id: view.id },
        view: { id: view.id, type: 'modal', callback_id: 'alerts_modal' },
        actions: [{ type: 'static_select', block_id: 'mode', selected_option: option('Off') }],
      });
      await expect(
        emulator.sendBlockAction({ userId: 'U0ALICE', actionId: 'x', viewId: 'V0NOPE' }),
      ).rejects.toThrow('U0ALICE has no open modal or Home tab with id V0NOPE');
    });
  });
});

describe('a real Bolt app', () => {
  let bolt: App;
  let clicks: BlockAction[];

  beforeAll(async () => {
    bolt = boltAppFor(emulator);
    bolt.action<BlockAction>('edit_keywords', async ({ ack, body, client: web }) => {
      await ack();
      clicks.push(body);
      await web.views.open({ trigger_id: body.trigger_id, view: alertsModal() });
    });
    bolt.action<BlockAction>('alert_mode', async ({ ack, body }) => {
      await ack();
      clicks.push(body);
    });
    bolt.view('alerts_modal', async ({ ack, view }) => {
      const keywords = view.state.values.keywords?.keywords_input?.value ?? '';
      if (keywords.length < 3) {
        await ack({ response_action: 'errors', errors: { keywords: 'At least 3 letters' } });
      } else if (keywords === 'more') {
        await ack({ response_action: 'update', view: alertsModal('Almost there') });
      } else {
        await ack();
      }
    });
    const server = (await bolt.start(0)) as http.Server;
    emulator.setAppUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  beforeEach(() => {
    clicks = [];
  });
  afterAll(async () => {
    await bolt.stop();
  });

  it('routes Home tab clicks with app.action, opens a modal, and takes its submissions', async () => {
    await client.views.publish({ user_id: 'U0ALICE', view: home });
    const click = await emulator.sendBlockAction({
      userId: 'U0ALICE',
      actionId: 'edit_keywords',
      fromHome: true,
    });
    expect(click.status).toBe(200);
    const [modal] = await emulator.waitFor(
      () => emulator.openModals('U0ALICE').length > 0 && emulator.openModals('U0ALICE'),
    );
    expect(clicks[0]).toMatchObject({
      container: { type: 'view', view_id: emulator.homeView('U0ALICE')!.id },
      view: { type: 'home' },
    });
    expect(emulator.calls('views.open').map((c) => c.response.ok)).toEqual([true]);

    const submit = (keywords: string) =>
      emulator.sendViewSubmission({
        userId: 'U0ALICE',
        viewId: modal!.id,
        values: { keywords: { keywords_input: keywords } },
      });
    expect(await submit('ai')).toMatchObject({
      status: 200,
      responseAction: 'errors',
      errors: { keywords: 'At least 3 letters' },
    });
    expect(await submit('more')).toMatchObject({ responseAction: 'update' });
    expect(emulator.openModals('U0ALICE')[0]?.title).toEqual(plain('Almost there'));
    expect(await submit('diffusion')).toMatchObject({ status: 200, body: '' });
    expect(emulator.openModals('U0ALICE')).toEqual([]);
  });

  it('routes a select choice on the Home tab with its selected option', async () => {
    await client.views.publish({ user_id: 'U0BOB', view: home });
    await emulator.sendBlockAction({
      userId: 'U0BOB',
      actionId: 'alert_mode',
      value: 'daily',
      fromHome: true,
    });
    await emulator.waitFor(() => clicks.length > 0);
    expect(clicks[0]?.actions[0]).toMatchObject({
      type: 'static_select',
      action_id: 'alert_mode',
      selected_option: { value: 'daily' },
    });
  });
});
