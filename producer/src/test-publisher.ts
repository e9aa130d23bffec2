/** For tests of the pipeline with a publisher of their own: the status half of a bus, which drops every status. */
import type { EventPublisher } from '../../common/node/bus/bus';

export const NO_STATUS: Pick<EventPublisher, 'publishStatus' | 'statusEveryMs'> = {
  publishStatus: async () => {},
  statusEveryMs: 60_000,
};
