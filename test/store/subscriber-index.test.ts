import { SubscriberIndex } from '../../src/store/subscriber-index';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { captureLogger, tempDatabase } from '../support/harness';
import { minimalPaper } from '../support/papers';

describe('SubscriberIndex: every member’s keywords, kept in step with the store', () => {
  const db = tempDatabase();
  let store: SqliteStore;
  const ADA = { workspaceId: 'T1', userId: 'U_ADA' };
  const BOB = { workspaceId: 'T1', userId: 'U_BOB' };
  const at = new Date('2026-03-07T12:00:00Z');
  const tokenizers = minimalPaper('2601.00001', { title: 'Better Tokenizers for Code' });
  const mamba = minimalPaper('2601.00002', { title: 'Mamba at Scale', abstract: 'A survey.' });

  beforeAll(() => {
    store = SqliteStore.open(db.file);
  });
  afterAll(async () => {
    await store.close();
    db.remove();
  });

  it('matches members’ keywords, with which keywords matched and how each wants alerts', async () => {
    await store.addKeywords(ADA, ['tokenizer', 'mamba'], 50, at);
    await store.addKeywords(BOB, ['mamba', '-survey'], 50, at);
    await store.setAlertSettings(BOB, { mode: { kind: 'daily', time: '09:00' } });
    const index = new SubscriberIndex(store, captureLogger().logger);
    expect(await index.match([tokenizers, mamba])).toEqual([
      { ...ADA, paperId: tokenizers.id, keywords: ['tokenizer'], instant: true },
      { ...ADA, paperId: mamba.id, keywords: ['mamba'], instant: true },
    ]);
  });

  it('follows changes made through another connection (another process) since it last looked', async () => {
    const index = new SubscriberIndex(store, captureLogger().logger);
    await index.match([]);
    const other = SqliteStore.open(db.file);
    await other.removeKeywords(ADA, ['tokenizer']);
    await other.removeKeywords(BOB, ['-survey']);
    await other.close();
    expect(await index.match([tokenizers, mamba])).toEqual([
      { ...ADA, paperId: mamba.id, keywords: ['mamba'], instant: true },
      { ...BOB, paperId: mamba.id, keywords: ['mamba'], instant: false },
    ]);
  });

  it('leaves out members who turned alerts off, and takes them back when they turn them on', async () => {
    const index = new SubscriberIndex(store, captureLogger().logger);
    await store.setAlertSettings(ADA, { mode: { kind: 'off' } });
    expect((await index.match([mamba])).map((hit) => hit.userId)).toEqual([BOB.userId]);
    await store.setAlertSettings(ADA, { mode: { kind: 'instant' } });
    expect((await index.match([mamba])).map((hit) => hit.userId).sort()).toEqual([
      ADA.userId,
      BOB.userId,
    ]);
  });

  it('skips, with a warning, a stored keyword the parser no longer accepts', async () => {
    const { logger, lines } = captureLogger();
    await store.addKeywords(ADA, ['x'], 50, at);
    const index = new SubscriberIndex(store, logger);
    expect((await index.match([mamba])).map((hit) => hit.userId).sort()).toEqual([
      ADA.userId,
      BOB.userId,
    ]);
    expect(lines.join('\n')).toContain('skipping the keyword "x" of T1/U_ADA');
  });

  it('recovers from a failed read of the changes: the next match catches up', async () => {
    let failNext = true;
    const flaky = {
      subscribersChangedSince: async (revision: number) => {
        if (failNext) {
          failNext = false;
          throw new Error('the database is away');
        }
        return store.subscribersChangedSince(revision);
      },
    };
    const index = new SubscriberIndex(flaky, captureLogger().logger);
    await expect(index.match([mamba])).rejects.toThrow('the database is away');
    expect((await index.match([mamba])).map((hit) => hit.userId)).toContain(BOB.userId);
  });
});
