/** The server build (scripts/build-server.mjs): what a rebuild leaves in its directory. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../scripts/build-server.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('buildServer', () => {
  it("removes an earlier build's chunks and maps, keeps what it wrote and anything else, and the bundles run", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trendmap-build-'));
    dirs.push(dir);
    const out = join(dir, 'out');
    // Two entries sharing a module: the build splits it into a chunk named by its content.
    writeFileSync(join(dir, 'shared.ts'), "export const word: string = 'one';\n");
    writeFileSync(join(dir, 'a.ts'), "import { word } from './shared';\nconsole.log(`a ${word}`);\n");
    writeFileSync(join(dir, 'b.ts'), "import { word } from './shared';\nconsole.log(`b ${word}`);\n");
    const entryPoints = { a: join(dir, 'a.ts'), b: join(dir, 'b.ts') };
    const chunks = () => readdirSync(out).filter((name) => name.startsWith('chunk-'));

    await buildServer({ entryPoints, outdir: out });
    const first = chunks();
    expect(first.filter((name) => name.endsWith('.mjs'))).toHaveLength(1);
    writeFileSync(join(out, 'notes.txt'), 'not a bundle\n');

    writeFileSync(join(dir, 'shared.ts'), "export const word: string = 'two';\n");
    await buildServer({ entryPoints, outdir: out });
    const second = chunks();
    expect(second).toHaveLength(first.length);
    for (const name of first) expect(second).not.toContain(name);
    expect(readdirSync(out).sort()).toEqual(['a.mjs', 'a.mjs.map', 'b.mjs', 'b.mjs.map', ...second, 'notes.txt'].sort());
    expect(execFileSync(process.execPath, [join(out, 'a.mjs')], { encoding: 'utf8' })).toBe('a two\n');
  });
});
