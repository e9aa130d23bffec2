import { describe, expect, it } from 'vitest';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { parquetChunks, type ExportRow } from './parquet-export';

const T = Date.UTC(2026, 10, 20, 18);
const HOUR_MS = 3_600_000;

/** The chunks joined into the file they make. */
function fileOf(chunks: Iterable<Uint8Array>): ArrayBuffer {
  const all = Buffer.concat([...chunks]);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
}

describe('parquet export', () => {
  it('writes every row, a row group a step with rows, a chunk as each step is encoded', async () => {
    const steps: ExportRow[][] = [
      [
        [T, 'ワールドカップ', 9],
        [T, 'café,"quoted"', 2],
      ],
      [],
      [[T + HOUR_MS, 'derby', 120]],
    ];
    const chunks = [...parquetChunks(steps, 'JP')];
    // The header, two row groups, the footer.
    expect(chunks.length).toBe(4);
    expect(new TextDecoder().decode(chunks[0])).toBe('PAR1');
    const file = fileOf(chunks);
    expect(parquetMetadata(file).row_groups.map((group) => Number(group.num_rows))).toEqual([2, 1]);
    const rows = await parquetReadObjects({ file, utf8: true });
    expect(rows).toEqual([
      { time: new Date(T), region: 'JP', tag: 'ワールドカップ', count: 9 },
      { time: new Date(T), region: 'JP', tag: 'café,"quoted"', count: 2 },
      { time: new Date(T + HOUR_MS), region: 'JP', tag: 'derby', count: 120 },
    ]);
  });

  it('writes a file with its columns and no rows for a range with none', async () => {
    const file = fileOf(parquetChunks([[], []], 'world'));
    const metadata = parquetMetadata(file);
    expect(Number(metadata.num_rows)).toBe(0);
    expect(metadata.schema.map((element) => element.name)).toEqual(['trendmap_export', 'time', 'region', 'tag', 'count']);
    expect(await parquetReadObjects({ file })).toEqual([]);
  });
});
