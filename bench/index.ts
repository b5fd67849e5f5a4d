/**
 * `npm run bench`: figures measured in one run on this machine, printed as a table. Not a test:
 * nothing here asserts a speed.
 */
import { measurePipeline } from './pipeline';

async function main(): Promise<void> {
  console.log('Pipeline: HF fixture (50 papers) → poll → announce → cards in the Slack emulator');
  console.log('channels  cards  poll start → last card  cards/s');
  for (const channels of [1, 10]) {
    const figures = await measurePipeline(channels);
    console.log(
      `${String(figures.channels).padStart(8)}  ${String(figures.cards).padStart(5)}  ${`${figures.pollToLastCardMs} ms`.padStart(22)}  ${String(figures.cardsPerSecond).padStart(7)}`,
    );
  }
  console.log(
    `peak memory (max RSS of this process): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
