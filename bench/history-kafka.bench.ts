/**
 * `npm run bench -- history-kafka`: how long a fresh map-server takes to take 30 days of history from Kafka
 * (issue 13). 30 days of hourly buckets and their days at `HISTORY_KAFKA_BENCH_SCALE` of 6,000 posts/s
 * (default 0.001, 6 posts/s; 1M-tag Zipf vocabulary, real cities: history-data.ts) are published to
 * `<topic>.history` as map-servers publish them (`KafkaHistoryShare.publish`, gzip), then read back
 * (`read`), each bucket written into an empty data directory as it comes (`HistoryKeeper.importer`), as a
 * map-server with an empty data directory does while it counts the live log. Prints the bytes, the times,
 * resident memory's peak, and how long the event loop (the live map's counting and answers) waited meanwhile.
 * A real broker: KAFKA_BROKERS, or a throwaway one (Java 17 and Maven). Seeded; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { HourSummary, mergeSummaries, summaryOf } from '../map-server/src/core/history/hour-summary';
import { HOUR_MS } from '../map-server/src/core/history/open-hours';
import { FileShelf } from '../map-server/src/history/bucket-shelf';
import { HistoryKeeper } from '../map-server/src/history/history-keeper';
import { KafkaHistoryShare } from '../map-server/src/history/kafka-history-share';
import { encodeShared } from '../map-server/src/history/shared-bucket';
import { startTestBroker } from '../scripts/kafka-test-broker';
import { uniqueTopic } from '../test/kafka/services';
import { FULL_RATE, HistoryData, tagKey } from './history-data';
import { gc, megabytes } from './memory';

const SCALE = Number(process.env.HISTORY_KAFKA_BENCH_SCALE ?? 0.001);
const DAYS = 30;
/** Days generated; the others reuse them under their own hours (generating 720 hours would take the run). */
const DISTINCT_DAYS = 2;
const HOURS_PER_DAY = 24;
const FIRST_HOUR = Date.UTC(2026, 0, 1) / HOUR_MS;
const hourName = (hour: number) => new Date(hour * HOUR_MS).toISOString().slice(0, 13);
const dayName = (day: number) => new Date(day * HOURS_PER_DAY * HOUR_MS).toISOString().slice(0, 10);
const quiet = {
  info: () => {},
  warn: (message: string) => console.log(`   (warn) ${message}`),
  error: (message: string) => console.log(`   (error) ${message}`),
};

const moved = (summary: HourSummary, startHour: number) =>
  new HourSummary(startHour, summary.hours, summary.regions, summary.posts, summary.rowStart, summary.ids, summary.counts, summary.byCount);

export async function benchHistoryKafka(): Promise<void> {
  const external = process.env.KAFKA_BROKERS?.trim();
  const broker = external ? null : await startTestBroker();
  const brokers = (external || broker!.brokers).split(',');
  const settings = { brokers, topic: uniqueTopic('bench-history'), clientId: 'bench-history', partitions: 1, retentionHours: 48 };
  const dir = mkdtempSync(join(tmpdir(), 'trendmap-history-kafka-bench-'));
  console.log(
    `\nhistory over Kafka: ${DAYS} days at scale ${SCALE} (${FULL_RATE * SCALE} posts/s), ${external ? brokers.join(',') : 'a throwaway broker'}`,
  );
  try {
    const data = new HistoryData();
    const generated: { hours: HourSummary[]; day: HourSummary }[] = [];
    for (let d = 0; d < DISTINCT_DAYS; d += 1) {
      const hours: HourSummary[] = [];
      for (let h = 0; h < HOURS_PER_DAY; h += 1) {
        const hour = FIRST_HOUR + d * HOURS_PER_DAY + h;
        hours.push(summaryOf(hour, 1, data.hourTallies(hour, FULL_RATE * 3_600 * SCALE)));
      }
      generated.push({ hours, day: mergeSummaries(FIRST_HOUR + d * HOURS_PER_DAY, 24, hours) });
    }

    // Published as a map-server publishes: every hour, then each day once it is over.
    const share = new KafkaHistoryShare(settings, quiet);
    let bytes = 0;
    let started = performance.now();
    for (let d = 0; d < DAYS; d += 1) {
      const day = FIRST_HOUR / HOURS_PER_DAY + d;
      const { hours, day: merged } = generated[d % DISTINCT_DAYS];
      hours.forEach((summary, h) => {
        const shared = encodeShared(moved(summary, day * HOURS_PER_DAY + h), tagKey, tagKey);
        bytes += shared.length;
        share.publish(`hours/${hourName(day * HOURS_PER_DAY + h)}`, shared);
      });
      const shared = encodeShared(moved(merged, day * HOURS_PER_DAY), tagKey, tagKey);
      bytes += shared.length;
      share.publish(`days/${dayName(day)}`, shared);
    }
    await share.close();
    const publishS = (performance.now() - started) / 1_000;
    console.log(
      `   published ${DAYS * (HOURS_PER_DAY + 1)} buckets (${(bytes / 1e6).toFixed(1)} MB before gzip) in ${publishS.toFixed(1)} s; ` +
        `${share.published} sent, ${share.failed} failed`,
    );
    generated.length = 0;

    // A fresh map-server: the topic read whole, then written into its empty data directory.
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    started = performance.now();
    const { keeper } = HistoryKeeper.open(new FileShelf(dir), { hourlyDays: DAYS, dailyDays: 365 }, quiet);
    const importing = keeper.importer();
    let writeMs = 0;
    await new KafkaHistoryShare(settings, quiet).read((key, bucket) => {
      const t = performance.now();
      importing.take(key, bucket);
      writeMs += performance.now() - t;
    });
    const taken = importing.taken();
    const importS = writeMs / 1_000;
    const loadS = (performance.now() - started) / 1_000 - importS;
    loop.disable();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(
      `   a fresh map-server took ${taken.hours} hours and ${taken.days} days, each written as it was read: reading ${loadS.toFixed(1)} s, writing ${importS.toFixed(1)} s ` +
        `(${(loadS + importS).toFixed(1)} s, while the live windows count); RSS ${megabytes(before)} -> peak ${megabytes(peak)} (+${megabytes(peak - before)})`,
    );
    const ms = (ns: number) => (ns / 1e6).toFixed(0);
    console.log(
      `   the event loop meanwhile (what live posts and answers wait): delay p50 ${ms(loop.percentile(50))} ms, p99 ${ms(loop.percentile(99))} ms, max ${ms(loop.max)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await broker?.stop();
  }
}
