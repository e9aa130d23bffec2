// `npm run test:coverage [-- --min-lines=PCT] [vitest args]`: runs the test suite with coverage and reports
// it per part of the product (map-server, producer, common, frontend), the services that the end-to-end
// suites start as child processes included.
//
// Two sources, merged into one map:
// - the tests' own processes: vitest's V8 provider (vitest.config.ts `coverage`), written as JSON;
// - the children (`dist/server/*.mjs`, run by test/helpers.ts, test/kafka/services.ts and the browser suites):
//   on a run with --coverage, vitest.config.ts hands NODE_V8_COVERAGE to its workers' environment, so every
//   service they spawn writes raw V8 coverage on exit (coverage/children-v8); c8 maps it through the bundles' source maps (esbuild's `linked`
//   maps, recorded by Node in each dump) back to the TypeScript sources. vitest cannot read such dumps.
// The two tools cut code into statements differently, so vitest's cut is kept (its lines are lines of code;
// c8 counts every source line, comments too) and a statement the tests did not run counts as run when a child
// ran its first line. Functions and branches are the tests' processes' only. Line coverage is what is checked.
//
// --min-lines=PCT fails the run (exit 1) when map-server's or producer's line coverage is below PCT.
// --report-only reports the last run again without running the tests (CI runs `npm test -- --coverage`, then
// this with --report-only).
// Writes coverage/index.html (per file) and coverage/coverage-final.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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
  { name: 'common', dir: 'common/', checked: false },
  { name: 'frontend', dir: 'frontend/src/', checked: false },
  { name: 'app', dir: 'app/', checked: false },
];

const args = process.argv.slice(2);
const minArg = args.find((a) => a.startsWith('--min-lines='));
const minLines = minArg === undefined ? null : Number(minArg.slice('--min-lines='.length));
if (minLines !== null && !(minLines >= 0 && minLines <= 100)) {
  console.error(`coverage: --min-lines must be a percentage, got ${minArg}`);
  process.exit(2);
}
const reportOnly = args.includes('--report-only');
const vitestArgs = args.filter((a) => a !== minArg && a !== '--report-only');

let status = 0;
if (!reportOnly) {
  rmSync(OUT, { recursive: true, force: true });
  const started = Date.now();
  const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--coverage', ...vitestArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  status = run.status ?? 1;
  console.log(`coverage: the tests took ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const testsJson = join(OUT, 'tests', 'coverage-final.json');
if (!existsSync(testsJson)) {
  console.error('coverage: the test run wrote no coverage; see above');
  process.exit(status || 1);
}
const map = libCoverage.createCoverageMap(JSON.parse(readFileSync(testsJson, 'utf8')));
// Only the bundles are read (the dumps also hold build tools a test ran); their sources are matched below.
const children = await Report({
  include: ['dist/server/**'],
  exclude: [],
  reporter: [],
  tempDirectory: CHILDREN_RAW,
  excludeNodeModules: true,
  resolve: root,
  src: [root],
}).getCoverageMapFromAllCoverageFiles();
map.filter((file) => PARTS.some((part) => toRepoPath(file).startsWith(part.dir)) && !file.endsWith('.test.ts'));
for (const file of map.files()) {
  if (!children.files().includes(file)) continue;
  const ranByChildren = children.fileCoverageFor(file).getLineCoverage();
  const { s: hits, statementMap } = map.fileCoverageFor(file).data;
  for (const id of Object.keys(hits)) {
    const line = statementMap[id].start.line;
    if (hits[id] === 0 && ranByChildren[line] > 0) hits[id] = ranByChildren[line];
  }
}

const context = libReport.createContext({ dir: OUT, coverageMap: map, defaultSummarizer: 'nested' });
reports.create('html', {}).execute(context);
reports.create('json', {}).execute(context);

console.log('\nCoverage (lines of code run by the tests or by the services they started):');
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

if (status !== 0) process.exit(status);
if (failures.length > 0) {
  console.error(`coverage: below the floor: ${failures.join(', ')}`);
  process.exit(1);
}

function toRepoPath(file) {
  return relative(root, file).split(sep).join('/');
}
