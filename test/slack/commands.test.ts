import type { CommandReply } from '../support/cards';
import { startHarness, type Harness } from '../support/harness';

describe('/papers: help, follow and unfollow', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: [], items: [] });
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function papers(
    text: string,
    channelId = 'C0NEW',
  ): Promise<CommandReply & { all: string }> {
    const answer = await h.slack.sendSlashCommand({ text, channelId });
    expect(answer.status).toBe(200);
    expect(answer.elapsedMs).toBeLessThan(3000);
    const reply = answer.json as CommandReply;
    expect(reply.response_type).toBe('ephemeral');
    return { ...reply, all: `${reply.text ?? ''} ${JSON.stringify(reply.blocks ?? [])}` };
  }

  const follows = (channelId: string) =>
    h.paperboy.store.followedFeeds({ workspaceId: h.slack.teamId, channelId });

  it('lists every subcommand with an example', async () => {
    const reply = await papers('help');
    for (const usage of [
      '/papers search',
      '/papers share',
      '/papers top',
      '/papers follow',
      '/papers unfollow',
      '/papers help',
    ])
      expect(reply.all).toContain(usage);
    for (const example of [
      '/papers search speculative decoding',
      '/papers share 2406.07550',
      '/papers top week',
      '/papers follow hf',
    ])
      expect(reply.all).toContain(example);
    // Placeholders such as <query> would read as links in mrkdwn: they arrive escaped.
    expect(reply.all).toContain('/papers search &lt;query&gt;');
    expect(reply.all).not.toContain('<query>');
  });

  it('answers an empty command and an unknown subcommand with the help', async () => {
    expect((await papers('')).all).toContain('/papers follow');
    const unknown = await papers('frobnicate now');
    expect(unknown.all).toContain("I don't know `/papers frobnicate`");
    expect(unknown.all).toContain('/papers unfollow');
  });

  it('follows and unfollows the HF feed in the channel it is run in', async () => {
    expect((await papers('follow hf', 'C0FOLLOW')).all).toContain(
      'now follows *Hugging Face Daily Papers*',
    );
    expect(await follows('C0FOLLOW')).toEqual(['hf']);
    expect((await papers('follow', 'C0FOLLOW')).all).toContain(
      'This channel follows *Hugging Face Daily Papers*',
    );
    expect((await papers('FOLLOW HF', 'C0FOLLOW')).all).toContain('already follows');
    expect((await papers('unfollow hf', 'C0FOLLOW')).all).toContain('no longer follows');
    expect(await follows('C0FOLLOW')).toEqual([]);
    expect((await papers('unfollow hf', 'C0FOLLOW')).all).toContain('does not follow');
  });

  it('explains an unknown feed, and follows nothing', async () => {
    expect((await papers('follow rss', 'C0BAD')).all).toContain("I don't understand `rss`");
    expect((await papers('follow arxiv:cs.XX1', 'C0BAD')).all).toContain(
      '`cs.XX1` is not an arXiv category',
    );
    expect((await papers('follow hf min-upvotes:lots', 'C0BAD')).all).toContain(
      '`min-upvotes:` takes a whole number',
    );
    expect((await papers('unfollow rss', 'C0BAD')).all).toContain("I don't know the feed `rss`");
    expect(await follows('C0BAD')).toEqual([]);
  });

  it('follows arXiv categories and HF with filters, lists them, updates and unfollows one', async () => {
    const channel = 'C0FILTERS';
    const added = await papers(
      'follow arxiv:cs.CL,cs.LG keywords:"speculative decoding",mamba',
      channel,
    );
    expect(added.all).toContain('now follows *arXiv cs.CL*');
    expect(added.all).toContain('*arXiv cs.LG*');
    expect(await follows(channel)).toEqual(['arxiv:cs.CL', 'arxiv:cs.LG']);

    const digest = await papers(
      'follow hf min-upvotes:10 -keywords:survey digest:daily@9:30 top:5',
      channel,
    );
    expect(digest.all).toContain(
      "a digest of the day's top 5 papers is posted here daily at 09:30",
    );
    const listed = await papers('follow', channel);
    expect(listed.all).toContain('*arXiv cs.CL* (`keywords:\\"speculative decoding\\",mamba`)');
    expect(listed.all).toContain(
      '*Hugging Face Daily Papers* (`-keywords:survey min-upvotes:10 digest:daily@09:30 top:5`)',
    );

    expect((await papers('follow hf min-upvotes:20', channel)).all).toContain(
      'Updated: this channel now follows *Hugging Face Daily Papers* (`min-upvotes:20`)',
    );
    expect((await papers('follow hf min-upvotes:20', channel)).all).toContain('already follows');
    expect((await papers('unfollow arxiv:cs.CL', channel)).all).toContain(
      'no longer follows *arXiv cs.CL*',
    );
    expect(await follows(channel)).toEqual(['arxiv:cs.LG', 'hf']);
    expect((await papers('unfollow arxiv:cs.LG,cs.CL', channel)).all).toContain(
      'no longer follows *arXiv cs.LG*. Cards already posted keep working.\nThis channel does not follow *arXiv cs.CL*',
    );
    expect((await papers('follow arxiv:cs.LG', channel)).all).toContain('now follows');
    // With nothing after it, unfollow means hf.
    expect((await papers('unfollow', channel)).all).toContain(
      'no longer follows *Hugging Face Daily Papers*',
    );
    expect(await follows(channel)).toEqual(['arxiv:cs.LG']);
    expect((await papers('follow arxiv:cs.CL min-upvotes:3', channel)).all).toContain(
      'works with `hf` only',
    );
  });

  it('declines to follow from a direct message', async () => {
    const reply = await papers('follow hf', 'D0ALICE');
    expect(reply.all).toContain('Feeds are followed by channels');
    expect(await follows('D0ALICE')).toEqual([]);
  });

  it('echoes a hostile feed name escaped, never as a mention', async () => {
    for (const text of ['follow &lt;!channel&gt;', 'unfollow <@U123|bob>', 'follow <!here>']) {
      const reply = await papers(text, 'C0HOSTILE');
      expect(reply.all).toMatch(/I don't (know the feed|understand)/);
      expect(reply.all).not.toMatch(/<!channel>|<!here>|<@U123/);
    }
    expect(await follows('C0HOSTILE')).toEqual([]);
  });

  it('echoes hostile input escaped, never as a mention', async () => {
    const reply = await papers('<!channel> &lt;@U123&gt;');
    expect(reply.all).not.toContain('<!channel>');
    expect(reply.all).not.toContain('<@U123>');
    expect(reply.all).toContain('&lt;!channel&gt;');
  });
});
