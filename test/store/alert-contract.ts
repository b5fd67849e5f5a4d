import type { MemberRef, Store } from '../../src/store/store';
import { minimalPaper } from '../support/papers';
import type { OpenedStore } from './store-contract';

const T0 = Date.parse('2025-06-02T10:00:00.000Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

const ADA: MemberRef = { workspaceId: 'T1', userId: 'U_ADA' };
const BOB: MemberRef = { workspaceId: 'T1', userId: 'U_BOB' };
/** The same user id in another workspace is another member. */
const ADA_ELSEWHERE: MemberRef = { workspaceId: 'T2', userId: 'U_ADA' };

/** What every adapter must do for keyword alerts (see `AlertStore`). */
export function describeAlertStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Alert store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      await store.upsertPapers(
        ['2506.00001', '2506.00002', '2506.00003'].map((id) => minimalPaper(id)),
        at(0),
      );
    });
    afterEach(async () => {
      await cleanup();
    });

    const match = (member: MemberRef, paperId: string, keywords = ['tokenizer']) => ({
      ...member,
      paperId,
      keywords,
    });

    describe('keywords', () => {
      it('adds keywords in order, reports the ones already there, and keeps members apart', async () => {
        expect(
          await store.addKeywords(ADA, ['tokenizer', '"speculative decoding"'], 50, at(1)),
        ).toEqual({
          added: ['tokenizer', '"speculative decoding"'],
          already: [],
          overLimit: [],
        });
        expect(await store.addKeywords(ADA, ['mamba', 'tokenizer', 'mamba'], 50, at(2))).toEqual({
          added: ['mamba'],
          already: ['tokenizer'],
          overLimit: [],
        });
        expect(await store.keywordsOf(ADA)).toEqual([
          'tokenizer',
          '"speculative decoding"',
          'mamba',
        ]);
        expect(await store.keywordsOf(BOB)).toEqual([]);
        expect(await store.keywordsOf(ADA_ELSEWHERE)).toEqual([]);
      });

      it('refuses keywords past the limit, counting what the member has', async () => {
        await store.addKeywords(ADA, ['a1', 'a2'], 3, at(1));
        expect(await store.addKeywords(ADA, ['a2', 'a3', 'a4', 'a5'], 3, at(2))).toEqual({
          added: ['a3'],
          already: ['a2'],
          overLimit: ['a4', 'a5'],
        });
        expect(await store.keywordsOf(ADA)).toEqual(['a1', 'a2', 'a3']);
      });

      it('holds the limit when two additions race', async () => {
        await Promise.all([
          store.addKeywords(ADA, ['a1', 'a2', 'a3'], 4, at(1)),
          store.addKeywords(ADA, ['b1', 'b2', 'b3'], 4, at(1)),
        ]);
        expect(await store.keywordsOf(ADA)).toHaveLength(4);
      });

      it('removes keywords and says which the member had; a removed keyword can come back last', async () => {
        await store.addKeywords(ADA, ['tokenizer', 'mamba', 'diffu*'], 50, at(1));
        expect(await store.removeKeywords(ADA, ['mamba', 'nope'])).toEqual(['mamba']);
        expect(await store.removeKeywords(BOB, ['tokenizer'])).toEqual([]);
        await store.addKeywords(ADA, ['mamba'], 50, at(2));
        expect(await store.keywordsOf(ADA)).toEqual(['tokenizer', 'diffu*', 'mamba']);
      });
    });

    describe('settings', () => {
      it('defaults to instant alerts with no known time zone', async () => {
        expect(await store.alertSettings(ADA)).toEqual({ mode: { kind: 'instant' } });
      });

      it('stores every mode, and keeps a known time zone when none is given', async () => {
        await store.setAlertSettings(ADA, {
          mode: { kind: 'weekly', day: 'fri', time: '17:30' },
          timeZone: 'America/New_York',
        });
        expect(await store.alertSettings(ADA)).toEqual({
          mode: { kind: 'weekly', day: 'fri', time: '17:30' },
          timeZone: 'America/New_York',
        });
        await store.setAlertSettings(ADA, { mode: { kind: 'daily', time: '09:00' } });
        expect(await store.alertSettings(ADA)).toEqual({
          mode: { kind: 'daily', time: '09:00' },
          timeZone: 'America/New_York',
        });
        expect(await store.alertSettings(BOB)).toEqual({ mode: { kind: 'instant' } });
      });

      it('drops the unsent matches of a member who turns alerts off', async () => {
        await store.recordAlertMatches([match(ADA, '2506.00001'), match(BOB, '2506.00001')], at(1));
        await store.setAlertSettings(ADA, { mode: { kind: 'off' } });
        const pending = await store.membersWithPendingAlerts();
        expect(pending.map((m) => m.userId)).toEqual([BOB.userId]);
      });
    });

    describe('changes for the keyword index', () => {
      it('gives every member at first, then only those changed since, with their whole lists', async () => {
        await store.addKeywords(ADA, ['tokenizer', 'mamba'], 50, at(1));
        await store.addKeywords(BOB, ['diffu*'], 50, at(1));
        const all = await store.subscribersChangedSince(0);
        expect(all.subscribers).toEqual([
          { ...ADA, keywords: ['tokenizer', 'mamba'], mode: { kind: 'instant' } },
          { ...BOB, keywords: ['diffu*'], mode: { kind: 'instant' } },
        ]);
        expect(await store.subscribersChangedSince(all.revision)).toEqual({
          revision: all.revision,
          subscribers: [],
        });

        await store.removeKeywords(ADA, ['tokenizer', 'mamba']);
        await store.setAlertSettings(BOB, { mode: { kind: 'off' } });
        const later = await store.subscribersChangedSince(all.revision);
        expect(later.revision).toBeGreaterThan(all.revision);
        expect(later.subscribers).toEqual([
          { ...ADA, keywords: [], mode: { kind: 'instant' } },
          { ...BOB, keywords: ['diffu*'], mode: { kind: 'off' } },
        ]);
      });

      it('does not count a change that changed nothing', async () => {
        await store.addKeywords(ADA, ['tokenizer'], 50, at(1));
        const { revision } = await store.subscribersChangedSince(0);
        await store.addKeywords(ADA, ['tokenizer'], 50, at(2));
        await store.removeKeywords(ADA, ['mamba']);
        expect((await store.subscribersChangedSince(revision)).subscribers).toEqual([]);
      });
    });

    describe('matches and runs', () => {
      it('records a (member, paper) match once, whatever repeats it', async () => {
        const first = await store.recordAlertMatches(
          [match(ADA, '2506.00001'), match(ADA, '2506.00002'), match(BOB, '2506.00001')],
          at(1),
        );
        expect(first).toHaveLength(3);
        const again = await store.recordAlertMatches(
          [match(ADA, '2506.00001', ['mamba']), match(ADA, '2506.00003')],
          at(2),
        );
        expect(again).toEqual([{ ...ADA, paperId: '2506.00003' }]);
        const recent = await store.recentAlertMatches(ADA, at(0));
        expect(recent.map((m) => [m.paperId, m.keywords])).toEqual([
          ['2506.00003', ['tokenizer']],
          ['2506.00001', ['tokenizer']],
          ['2506.00002', ['tokenizer']],
        ]);
        expect(await store.recentAlertMatches(ADA, at(2))).toHaveLength(1);
      });

      it('lists members with unsent matches, their settings and their oldest match', async () => {
        await store.setAlertSettings(BOB, {
          mode: { kind: 'daily', time: '08:00' },
          timeZone: 'Asia/Tokyo',
        });
        await store.recordAlertMatches([match(ADA, '2506.00001')], at(1));
        await store.recordAlertMatches([match(ADA, '2506.00002'), match(BOB, '2506.00002')], at(5));
        expect(await store.membersWithPendingAlerts()).toEqual([
          { ...ADA, mode: { kind: 'instant' }, oldest: at(1) },
          { ...BOB, mode: { kind: 'daily', time: '08:00' }, timeZone: 'Asia/Tokyo', oldest: at(5) },
        ]);
      });

      it('takes every unsent match into one run, which is posted once', async () => {
        await store.recordAlertMatches([match(ADA, '2506.00002'), match(ADA, '2506.00001')], at(1));
        const run = await store.startAlertRun(ADA, 'poll-1', at(2));
        expect(run).toMatchObject({ key: 'poll-1', fresh: true, startedAt: at(2) });
        expect(run?.posted).toBeUndefined();
        expect(run?.matches.map((m) => m.paperId)).toEqual(['2506.00001', '2506.00002']);
        expect(await store.membersWithPendingAlerts()).toEqual([]);

        // Started and not posted: whoever asks next gets it back, not fresh (it may have landed).
        const resumed = await store.startAlertRun(ADA, 'poll-2', at(3));
        expect(resumed).toMatchObject({ key: 'poll-1', fresh: false });
        expect(resumed?.matches).toHaveLength(2);

        await store.finishAlertRun(ADA, 'poll-1', { channelId: 'D_ADA', messageTs: '1.000100' });
        expect(await store.startAlertRun(ADA, 'poll-1', at(4))).toMatchObject({
          key: 'poll-1',
          fresh: false,
          posted: { channelId: 'D_ADA', messageTs: '1.000100' },
        });
        // Nothing left to send.
        expect(await store.startAlertRun(ADA, 'poll-2', at(4))).toBeUndefined();
        expect(await store.alertRun(ADA, 'poll-1')).toMatchObject({
          posted: { channelId: 'D_ADA', messageTs: '1.000100' },
        });
        expect(await store.alertRun(ADA, 'poll-9')).toBeUndefined();
      });

      it('a later match goes into the next run, never back into a posted one', async () => {
        await store.recordAlertMatches([match(ADA, '2506.00001')], at(1));
        await store.startAlertRun(ADA, 'poll-1', at(2));
        await store.finishAlertRun(ADA, 'poll-1', { channelId: 'D_ADA', messageTs: '1.000100' });
        await store.recordAlertMatches([match(ADA, '2506.00001'), match(ADA, '2506.00002')], at(3));
        const next = await store.startAlertRun(ADA, 'poll-2', at(4));
        expect(next?.matches.map((m) => m.paperId)).toEqual(['2506.00002']);
      });

      it('takes only matches before a cutoff (a digest lists what came before its hour)', async () => {
        await store.recordAlertMatches([match(ADA, '2506.00001')], at(1));
        await store.recordAlertMatches([match(ADA, '2506.00002')], at(10));
        const run = await store.startAlertRun(ADA, 'daily-2025-06-02', at(11), at(5));
        expect(run?.matches.map((m) => m.paperId)).toEqual(['2506.00001']);
        expect((await store.membersWithPendingAlerts())[0]?.oldest).toEqual(at(10));
        expect(await store.startAlertRun(BOB, 'daily-2025-06-02', at(11), at(5))).toBeUndefined();
      });

      it('keeps members apart: runs of one never take another member’s matches', async () => {
        await store.recordAlertMatches(
          [match(ADA, '2506.00001'), match(ADA_ELSEWHERE, '2506.00001')],
          at(1),
        );
        const run = await store.startAlertRun(ADA, 'poll-1', at(2));
        expect(run?.matches).toHaveLength(1);
        expect((await store.membersWithPendingAlerts()).map((m) => m.workspaceId)).toEqual(['T2']);
      });
    });
  });
}
