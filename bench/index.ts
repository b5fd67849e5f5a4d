/**
 * `npm run bench`: figures measured in one run on this machine, printed as a table. Not a test:
 * nothing here asserts a speed.
 */
import { measureAlerts } from './alerts';
import { measureDelivery } from './delivery';
import { measurePage } from './page';
import { DEFAULT_CHANNEL_PACING } from '../src/queue/channel-pacer';
import { measurePipeline } from './pipeline';
import { RANKED_MATCHES_MAX } from '../src/store/ranking';
import { createTestDatabase } from '../test/support/postgres';
import { openStore } from '../src/store';
import { measureSearch, measureStore, type StoreFigures } from './search';

/** `npm run bench -- search` runs one section; no argument runs them all. */
const SECTIONS: Record<string, () => Promise<void>> = {
  pipeline,
  delivery,
  search,
  alerts,
  page,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown section ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}`,
    );
  }
  for (const name of asked.length > 0 ? asked : Object.keys(SECTIONS)) await SECTIONS[name]?.();
  console.log(
    `peak memory (max RSS of this process): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function page(): Promise<void> {
  const clicks = 30;
  console.log("\nThe local workspace page in Chromium (npm run demo's page, recorded day)");
  const f = await measurePage(clicks);
  const at = (share: number) => f.clickToCountMs[Math.min(clicks - 1, Math.floor(share * clicks))]!;
  console.log(`poll asked → first card drawn: ${ms(f.pollToFirstCardMs)}`);
  console.log(`poll asked → all ${f.papers} cards drawn: ${ms(f.pollToLastCardMs)}`);
  console.log(
    `▲ click → new count drawn (${clicks} clicks): p50 ${ms(at(0.5))}, max ${ms(f.clickToCountMs.at(-1)!)}`,
  );
}

async function search(): Promise<void> {
  const papers = 200_000;
  console.log(
    `\nSearch: ${papers.toLocaleString('en-US')} generated papers (fixture vocabulary), SQLite FTS5`,
  );
  const f = await measureSearch(papers, 1_000, 30);
  console.log(
    `ingest: ${f.ingestMs} ms (${Math.round(f.papers / (f.ingestMs / 1000)).toLocaleString('en-US')} papers/s)`,
  );
  console.log('                      queries      p50      p99');
  console.log(
    `Store.search (FTS5) ${String(f.queries).padStart(9)} ${ms(f.p50Ms).padStart(8)} ${ms(f.p99Ms).padStart(8)}`,
  );
  console.log(
    `naive LIKE scan     ${String(f.naiveQueries).padStart(9)} ${ms(f.naiveP50Ms).padStart(8)} ${ms(f.naiveP99Ms).padStart(8)}`,
  );
  console.log(
    `FTS5 is ${Math.round(f.naiveP50Ms / f.p50Ms)}× faster at p50, ${Math.round(f.naiveP99Ms / f.p99Ms)}× at p99; ${f.capped} of ${f.queries} queries matched more than the ${RANKED_MATCHES_MAX.toLocaleString('en-US')} papers ranked`,
  );

  // The same corpus and queries on PostgreSQL, in a throwaway database of TEST_DATABASE_URL's server.
  const database = await createTestDatabase();
  const store = await openStore(database.url);
  try {
    console.log(`\nThe same on PostgreSQL (${database.name}, weighted tsvector, GIN)`);
    const { queryList: _queries, ...pg } = await measureStore(store, papers, 1_000);
    console.log('                 ingest (papers/s)  queries      p50      p99');
    const row = (name: string, figures: StoreFigures) =>
      `${name.padEnd(16)} ${`${figures.ingestMs} ms (${Math.round(figures.papers / (figures.ingestMs / 1000)).toLocaleString('en-US')})`.padStart(18)} ${String(figures.queries).padStart(8)} ${ms(figures.p50Ms).padStart(8)} ${ms(figures.p99Ms).padStart(8)}`;
    console.log(row('SQLite (FTS5)', f));
    console.log(row('PostgreSQL', pg));
  } finally {
    await store.close();
    await database.drop();
  }
}

async function alerts(): Promise<void> {
  const [members, perMember, papers] = [10_000, 10, 1_000];
  for (const topical of [false, true]) {
    console.log(
      `\nAlerts: ${members.toLocaleString('en-US')} members × ${perMember} keywords against ${papers.toLocaleString('en-US')} generated papers, keywords drawn from ${topical ? 'topical words and phrases (in ≤ 2% of papers)' : 'the whole fixture vocabulary'}`,
    );
    const f = measureAlerts(members, perMember, papers, { topical });
    const count = (value: number) => value.toLocaleString('en-US');
    const { terms, prefix, exclusion, author } = f.kinds;
    console.log(
      `keywords: ${count(f.subscriptions)} (${count(terms)} words and phrases, ${count(prefix)} prefixes, ${count(exclusion)} exclusions, ${count(author)} authors)`,
    );
    console.log(
      `build: parse ${ms(f.parseMs)}, index ${ms(f.buildMs)}; heap used after building ${Math.round(f.heapUsedMb)} MB, of which the index ${Math.round(f.indexHeapMb)} MB; max RSS so far ${Math.round(f.maxRssMb)} MB`,
    );
    const perPaper = f.matchMs / f.papers;
    console.log(
      `index: ${count(f.papers)} papers in ${ms(f.matchMs)} (${perPaper.toFixed(2)} ms/paper); ${count(f.matchedPairs)} member×paper matches (${count(Math.round(f.matchedPairs / f.papers))} members/paper), ${count(f.matchedKeywords)} keyword matches`,
    );
    // The naive scans are too slow for every paper: measured on the first ones, scaled linearly.
    const scale = f.papers / f.naivePapers;
    const naive = (label: string, value: number) =>
      console.log(
        `  ${label.padEnd(26)} ${ms(value).padStart(10)} (${(value / f.naivePapers).toFixed(1)} ms/paper) → ~${Math.round((value * scale) / 1000)} s for ${count(f.papers)}, ${Math.round(value / f.naivePapers / perPaper)}× the index`,
      );
    console.log(
      `naive scan over every member, on the first ${f.naivePapers} papers, scaled ×${scale}:`,
    );
    naive('tokenizing per member:', f.naiveMs);
    naive('papers tokenized once:', f.naivePreparedMs);
    console.log(
      `  ${'index, same papers:'.padEnd(26)} ${ms(f.indexOnNaiveMs).padStart(10)} (${(f.indexOnNaiveMs / f.naivePapers).toFixed(1)} ms/paper)`,
    );
    console.log(
      `same matches: ${f.disagreements === 0 ? 'yes' : `NO, ${count(f.disagreements)} member×paper pairs differ`}, ${count(f.naivePairs)} member×paper matches on those ${f.naivePapers} papers`,
    );
  }
}

async function pipeline(): Promise<void> {
  console.log('Pipeline: HF fixture (50 papers) → poll → announce → cards in the Slack emulator');
  console.log('channels  cards  poll start → last card  cards/s');
  for (const channels of [1, 10]) {
    const figures = await measurePipeline(channels);
    console.log(
      `${String(figures.channels).padStart(8)}  ${String(figures.cards).padStart(5)}  ${`${figures.pollToLastCardMs} ms`.padStart(22)}  ${String(figures.cardsPerSecond).padStart(7)}`,
    );
  }
}

async function delivery(): Promise<void> {
  const [channels, papers] = [100, 20];
  console.log(
    `\nDelivery under Slack's limit: ${papers} papers to each of ${channels} channels (${(channels * papers).toLocaleString('en-US')} cards), the emulator allowing 1 message per second per channel (bursts of 3)`,
  );
  const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;
  for (const pacing of [DEFAULT_CHANNEL_PACING, 'off'] as const) {
    const f = await measureDelivery(channels, papers, pacing);
    const ratio = (floor: number) => (f.pollToLastCardMs / floor).toFixed(2);
    console.log(
      pacing === 'off'
        ? 'pacing off (for comparison):'
        : `default pacing (${pacing.intervalMs} ms, burst ${pacing.burst}):`,
    );
    console.log(`  poll start → last card: ${seconds(f.pollToLastCardMs)}`);
    console.log(
      `  minimum Slack allows: ${seconds(f.minimumMs)} = (${f.papersPerChannel} − burst ${f.limit.burst}) / ${f.limit.perSecond} per s, channels in parallel; ratio ${ratio(f.minimumMs)}`,
    );
    if (f.pacedMinimumMs !== undefined) {
      console.log(
        `  minimum at the pacer's own interval: ${seconds(f.pacedMinimumMs)}; ratio ${ratio(f.pacedMinimumMs)}`,
      );
    }
    console.log(
      `  429s from the emulator: ${f.rateLimited}; duplicates: ${f.duplicates}; lost: ${f.lost}; announce runs: ${f.runs.completed} completed, ${f.runs.delayed} delayed, ${f.runs.failed} failed`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
