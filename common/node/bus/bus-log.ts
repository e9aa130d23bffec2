/**
 * Where bus adapters and sources report what happens on their connection: the process's logger
 * (`busLog` in log.ts), or a test's capture. Kept apart from kafkajs, which is loaded only when used.
 */
export interface BusLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
