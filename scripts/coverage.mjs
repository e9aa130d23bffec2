// `npm run test:coverage [-- --min-lines=PCT] [vitest args]`: runs the test suite with coverage and reports
// it per part of the product (map-server, producer, common, frontend), the services that the end-to-end
// suites start as child processes included.
//
// Two sources, merged into one map:
// - the tests' own processes: vitest's V8 provider (vitest.config.ts `coverage`), written as JSON;
// - the children (`dist/server/*.mjs`, run by test/helpers.ts, test/kafka/services.ts and the browser suites):
//   vitest hands NODE_V8_COVERAGE to its workers' environment (TRENDMAP_CHILD_COVERAGE), so every service they
//   spawn writes raw V8 coverage on exit; c8 maps it through the bundles' source maps (esbuild's `linked`
//   maps, recorded by Node in each dump) back to the TypeScript sources. vitest cannot read such dumps.
// Line coverage is what is checked and compared: the two tools cut statements and branches differently, so
// merged statement and branch counts are a union of both cuts, while a line is covered when either saw it run.
//
// --min-lines=PCT fails the run (exit 1) when map-server's or producer's line coverage is below PCT.
// Writes coverage/index.html (per file) and coverage/coverage-final.json.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Report } = require('c8');
// istanbul's libraries come with c8 and @vitest/coverage-v8 (both depend on them).
const libCoverage = require('istanbul-lib-coverage');
const libReport = require('istanbul-lib-report');
const reports = require('istanbul-reports');

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(root, 'coverage');
const CHILDREN_RAW = join(OUT, 'children-v8');
/** The parts reported, by source folder; the threshold applies to those marked `checked`. */
const PARTS = [
  { name: 'map-server', dir: 'map-server/src/', checked: true },
  { name: 'producer', dir: 'producer/src/', checked: true },
  { name: 'common', dir: 'common/src/', checked: false },
  { name: 'frontend', dir: 'frontend/src/', checked: false },
];

const minArg = process.argv.slice(2).find((a) => a.startsWith('--min-lines='));
const minLines = minArg === undefined ? null : Number(minArg.slice('--min-lines='.length));
if (minLines !== null && !(minLines >= 0 && minLines <= 100)) {
  console.error(`coverage: --min-lines must be a percentage, got ${minArg}`);
  process.exit(2);
}
const vitestArgs = process.argv.slice(2).filter((a) => a !== minArg);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(CHILDREN_RAW, { recursive: true });
// Writable by all: test/startup-errors.test.ts runs a service as `nobody` (when the tests run as root).
chmodSync(CHILDREN_RAW, 0o777);

const started = Date.now();
const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--coverage', ...vitestArgs], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TRENDMAP_CHILD_COVERAGE: CHILDREN_RAW },
});
const testSeconds = (Date.now() - started) / 1000;

const testsJson = join(OUT, 'tests', 'coverage-final.json');
if (!existsSync(testsJson)) {
  console.error('coverage: the test run wrote no coverage; see above');
  process.exit(run.status || 1);
}
const map = libCoverage.createCoverageMap(JSON.parse(readFileSync(testsJson, 'utf8')));
// Only the bundles are read (the dumps also hold build tools a test ran); their sources are filtered below.
const children = await Report({
  include: ['dist/server/**'],
  exclude: [],
  reporter: [],
  tempDirectory: CHILDREN_RAW,
  excludeNodeModules: true,
  resolve: root,
  src: [root],
}).getCoverageMapFromAllCoverageFiles();
map.merge(children);
map.filter((file) => PARTS.some((part) => toRepoPath(file).startsWith(part.dir)) && !file.endsWith('.test.ts'));

const context = libReport.createContext({ dir: OUT, coverageMap: map, defaultSummarizer: 'nested' });
reports.create('html', {}).execute(context);
reports.create('json', {}).execute(context);

console.log(`\nCoverage (lines, the tests and the services they started; tests took ${testSeconds.toFixed(0)} s):`);
const failures = [];
for (const part of PARTS) {
  const summary = libCoverage.createCoverageSummary();
  for (const file of map.files()) if (toRepoPath(file).startsWith(part.dir)) summary.merge(map.fileCoverageFor(file).toSummary());
  const { covered, total, pct } = summary.lines;
  const floor = part.checked && minLines !== null ? `  (at least ${minLines} %)` : '';
  console.log(`  ${part.name.padEnd(11)} ${String(pct).padStart(6)} %  ${covered}/${total} lines${floor}`);
  if (floor && pct < minLines) failures.push(`${part.name} ${pct} % < ${minLines} %`);
}
console.log(`  per file: coverage/index.html`);

if (run.status !== 0) process.exit(run.status ?? 1);
if (failures.length > 0) {
  console.error(`coverage: below the floor: ${failures.join(', ')}`);
  process.exit(1);
}

function toRepoPath(file) {
  return relative(root, file).split(sep).join('/');
}
