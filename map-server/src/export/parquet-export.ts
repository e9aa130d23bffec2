/**
 * The export as Apache Parquet (`/api/export?format=parquet`): the same rows as the CSV, `time` (a UTC
 * timestamp in ms, the step's start), `region`, `tag`, `count`, one row group per step, encoded by
 * hyparquet-writer (pure JavaScript, Snappy-compressed, dictionary-encoded strings: a step's region is one
 * dictionary entry, its tags are written once each). Chunks leave as each step is encoded, so memory holds one
 * step's rows and bytes, never the range; the footer (the row groups' offsets) comes last.
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';

/** A step's rows as `exportRows` gives them: `[step start ms, tag, count]`. */
export type ExportRow = [number, string, number];

/** The file's columns: every value present (no nulls to encode). */
const SCHEMA = [
  { name: 'trendmap_export', num_children: 4 },
  { name: 'time', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'REQUIRED' },
  { name: 'region', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'tag', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'count', type: 'INT32', repetition_type: 'REQUIRED' },
] as const;

/** The Parquet file of the steps' rows in `region`, as chunks: the header, each step's row group, the footer. */
export function* parquetChunks(steps: Iterable<ExportRow[]>, region: string): Generator<Uint8Array> {
  const writer = new ByteWriter();
  // What the writer holds so far, as a chunk of its own; the writer then starts its buffer again (its
  // `offset`, where the file is, goes on).
  const take = () => {
    const chunk = new Uint8Array(writer.getBuffer());
    writer.index = 0;
    return chunk;
  };
  const parquet = new ParquetWriter({ writer, schema: SCHEMA.map((element) => ({ ...element })), createdBy: 'trendmap' });
  yield take();
  for (const rows of steps) {
    if (rows.length === 0) continue;
    const time = new Date(rows[0][0]);
    // Synchronous: a ByteWriter has no `flush` to wait on, so `write` and `finish` return nothing.
    void parquet.write({
      columnData: [
        { name: 'time', data: new Array<Date>(rows.length).fill(time) },
        { name: 'region', data: new Array<string>(rows.length).fill(region) },
        { name: 'tag', data: rows.map((row) => row[1]) },
        { name: 'count', data: Int32Array.from(rows, (row) => row[2]) },
      ],
      rowGroupSize: rows.length,
    });
    yield take();
  }
  void parquet.finish();
  yield take();
}
