/**
 * The producer's status on Kafka: small JSON messages on a topic of their own, `<topic>.status`, keyed by
 * producer id. A topic of its own rather than a header on the events topic, because
 * - a map-server of an earlier version reads the events topic and would count every status as an
 *   `invalid_event`; tools that count the events topic's messages would count them too;
 * - the rebuild reads 24 h of the events topic from offsets found by timestamp: statuses there would be
 *   read back by the thousand (one per producer every 2 s) only to be thrown away;
 * - a status wants a different retention: compacted by key, only the latest per producer matters, so a
 *   restarted map-server reads the status topic from its start and gets a few messages per producer.
 */
import { Compile } from 'typebox/compile';
import { ProducerStatusSchema, type ProducerStatus } from '../../browser/api';

/** A status larger than this is refused before parsing, in bytes: a real one is a few hundred. */
export const MAX_STATUS_BYTES = 16_384;

/** The status topic beside an events topic. */
export function statusTopic(eventsTopic: string): string {
  return `${eventsTopic}.status`;
}

export function encodeStatus(status: ProducerStatus): Buffer {
  return Buffer.from(JSON.stringify(status));
}

const validator = Compile(ProducerStatusSchema);

export type StatusResult = { ok: true; status: ProducerStatus } | { ok: false; error: string };

/** Parses and checks a status from another process. Never throws: anything else on the topic is a result. */
export function decodeStatus(bytes: Buffer): StatusResult {
  if (bytes.length > MAX_STATUS_BYTES) return { ok: false, error: `status of ${bytes.length} bytes is too large` };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, error: 'status is not JSON' };
  }
  if (!validator.Check(value)) {
    const [first] = validator.Errors(value);
    return { ok: false, error: first ? `status ${first.instancePath || '/'} ${first.message}` : 'invalid status' };
  }
  return { ok: true, status: value };
}
