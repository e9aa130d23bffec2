import { afterEach, describe, expect, it } from 'vitest';
import { dropNegativeTimeoutWarnings } from './kafka-client';

describe('dropNegativeTimeoutWarnings', () => {
  const seen: string[] = [];
  const listener = (warning: Error) => seen.push(warning.name);
  afterEach(() => {
    process.off('warning', listener);
    seen.length = 0;
  });

  it('drops the negative-timer warning that kafkajs sets off on Node 23 and later, and no other', async () => {
    dropNegativeTimeoutWarnings();
    dropNegativeTimeoutWarnings(); // once is enough, and twice changes nothing
    process.on('warning', listener);
    process.emitWarning('-5 is a negative number.', 'TimeoutNegativeWarning');
    process.emitWarning('-5 is a negative number.', { type: 'TimeoutNegativeWarning' });
    // What kafkajs's request queue does when nothing is throttled; Node 23+ warns of it itself.
    setTimeout(() => undefined, -1_795_784_314_000);
    process.emitWarning('something else', 'OtherWarning');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(seen).toEqual(['OtherWarning']);
  });
});
