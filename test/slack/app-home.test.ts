import { validateView } from '../support/block-kit';
import { startHarness, type Harness } from '../support/harness';

describe('App Home: what Paperboy does, who follows what, and the commands', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: ['C0READING', 'C0ML'], items: [] });
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function openHome(userId: string) {
    const before = h.slack.views(userId).length;
    const answer = await h.slack.sendEvent({
      type: 'app_home_opened',
      user: userId,
      tab: 'home',
      channel: 'D0HOME',
    });
    expect(answer.status).toBe(200);
    const views = await h.slack.waitFor(
      () => h.slack.views(userId).length > before && h.slack.views(userId),
    );
    return views[views.length - 1]!.view;
  }

  it('publishes a valid Home tab listing the channels that follow each feed', async () => {
    const view = await openHome('U0ALICE');
    expect(view['type']).toBe('home');
    expect(validateView(view)).toEqual([]);
    const text = JSON.stringify(view['blocks']);
    expect(text).toContain('*Hugging Face Daily Papers* → <#C0ML>, <#C0READING>');
    expect(text).toContain('/papers follow hf');
  });

  it('shows the change after a channel unfollows, the next time it is opened', async () => {
    await h.slack.sendSlashCommand({ text: 'unfollow hf', channelId: 'C0ML' });
    const text = JSON.stringify((await openHome('U0ALICE'))['blocks']);
    expect(text).toContain('→ <#C0READING>');
    expect(text).not.toContain('C0ML');
  });

  it('says how to start when no channel follows anything', async () => {
    await h.slack.sendSlashCommand({ text: 'unfollow hf', channelId: 'C0READING' });
    const text = JSON.stringify((await openHome('U0BOB'))['blocks']);
    expect(text).toContain('No channel follows a feed yet');
  });
});
