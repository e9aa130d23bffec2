import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDirs } from '../../../test/helpers';
import { readStateFile, STATE_FILE, STATE_FORMAT, writeStateFile, type StateHeader } from './state-file';

const tempDir = tempDirs('state');

const header: StateHeader = {
  savedAtMs: 1_700_000_000_000,
  run: 'a live source on the in-process bus',
  positions: { '0': '42', '1': '7' },
  node: 'v24.0.0',
};

describe('the state file', () => {
  it('keeps the previous save when the disk takes only part of a new one', async () => {
    const dir = tempDir();
    await writeStateFile(dir, header, Buffer.alloc(1_000, 7));
    // A file-size limit of 100 KB (ulimit -f counts 1 KB blocks) stands for a full disk: a write past it is cut short.
    const script = `import { writeStateFile } from ${JSON.stringify(new URL('./state-file.ts', import.meta.url).pathname)};
      await writeStateFile(${JSON.stringify(dir)}, ${JSON.stringify(header)}, Buffer.alloc(300_000, 9)).then(() => console.log('saved'), (e) => console.log('failed: ' + e.message));`;
    const run = spawnSync('bash', ['-c', `ulimit -f 100; exec "${process.execPath}" --import tsx --input-type=module -e "$SCRIPT"`], {
      env: { ...process.env, SCRIPT: script },
      encoding: 'utf8',
    });
    expect(run.stdout.trim(), run.stderr).toMatch(/^failed: /);
    expect(readStateFile(dir)).toEqual({ header, payload: Buffer.alloc(1_000, 7) });
  });

  it('reads back what was written, header and payload, and leaves no temporary file', async () => {
    const dir = tempDir();
    const payload = Buffer.from([1, 2, 3, 250, 0, 10, 13]);
    await writeStateFile(dir, header, payload);
    expect(readStateFile(dir)).toEqual({ header, payload });
    expect(existsSync(join(dir, `${STATE_FILE}.tmp`))).toBe(false);
    expect(readFileSync(join(dir, STATE_FILE), 'latin1')).toMatch(new RegExp(`^trendmap-state ${STATE_FORMAT}\n`));
  });

  it('is absent in a directory that never saved', () => {
    expect(readStateFile(tempDir())).toBeNull();
  });

  it('replaces the previous save as a whole', async () => {
    const dir = tempDir();
    await writeStateFile(dir, header, Buffer.alloc(1_000, 7));
    await writeStateFile(dir, { ...header, savedAtMs: header.savedAtMs + 60_000 }, Buffer.from('short'));
    expect(readStateFile(dir)).toEqual({ header: { ...header, savedAtMs: header.savedAtMs + 60_000 }, payload: Buffer.from('short') });
  });

  it('refuses a file of another format by its number, before reading anything else', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, STATE_FILE), `trendmap-state ${STATE_FORMAT + 1}\nanything at all`);
    expect(() => readStateFile(dir)).toThrow(
      expect.objectContaining({
        code: 'STATE_UNREADABLE',
        message: expect.stringMatching(`saved in state format ${STATE_FORMAT + 1}; this trendmap reads format ${STATE_FORMAT}`),
      }),
    );
  });

  it('refuses a damaged file, whatever part of it is damaged', async () => {
    const dir = tempDir();
    await writeStateFile(dir, header, Buffer.alloc(64, 1));
    const good = readFileSync(join(dir, STATE_FILE));
    const variants: [string, Buffer][] = [
      ['not a trendmap state file', Buffer.from('{"some":"json"}\n')],
      ['header is cut short', good.subarray(0, good.indexOf(0x0a) + 5)],
      ['holds 63 bytes of state where its header says 64', good.subarray(0, good.length - 1)],
      ['checksum does not match', Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([2])])],
      ['header is not JSON', Buffer.concat([Buffer.from(`trendmap-state ${STATE_FORMAT}\n{oops\n`), Buffer.alloc(64, 1)])],
      // A digit of the header changed: the JSON still parses, the checksum covers it too.
      ['checksum does not match', Buffer.from(good.toString('latin1').replace('"42"', '"43"'), 'latin1')],
      ["header's savedAtMs is missing or of the wrong type", Buffer.from(`trendmap-state ${STATE_FORMAT}\nnull\n`)],
      ["header's positions[0] is missing or of the wrong type", Buffer.from(good.toString('latin1').replace('"42"', '42'), 'latin1')],
    ];
    for (const [why, bytes] of variants) {
      writeFileSync(join(dir, STATE_FILE), bytes);
      expect(() => readStateFile(dir), why).toThrow(expect.objectContaining({ code: 'STATE_UNREADABLE', message: expect.stringContaining(why) }));
    }
  });
});
