/** Where bus adapters report what happens on their connection. Kept apart from kafkajs, which is loaded only when used. */
export interface BusLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLog: BusLog = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};
