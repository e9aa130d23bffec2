import { describe, expect, it } from 'vitest';
import { rateLimitWait } from './x-backoff';
import { describeFailure, scrub } from './x-client';
import { Secret } from '../../../common/node/config';

describe('rateLimitWait', () => {
  it('waits until the reset, at least the minimum and at most the maximum', () => {
    const now = 1_700_000_000_000;
    expect(rateLimitWait(null, now, 60_000, 900_000)).toBe(60_000);
    expect(rateLimitWait(now / 1_000 + 120, now, 60_000, 900_000)).toBe(120_000);
    expect(rateLimitWait(now / 1_000 + 5, now, 60_000, 900_000)).toBe(60_000);
    expect(rateLimitWait(now / 1_000 + 86_400, now, 60_000, 900_000)).toBe(900_000);
  });
});

describe('scrub', () => {
  it('removes the token and any bearer credential', () => {
    expect(scrub('authorization: Bearer abc.def-123 failed; token abc.def-123', 'abc.def-123')).toBe(
      'authorization: Bearer [redacted] failed; token [redacted]',
    );
    expect(describeFailure(new Error('socket hang up near s3cr3t'), new Secret('s3cr3t')).message).toBe('socket hang up near [redacted]');
  });

  it('removes a credential it was not told of, and leaves prose about bearer tokens readable', () => {
    const unknown = 'AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F';
    expect(scrub(`GET /2/tweets: Authorization: Bearer ${unknown} rejected`, null)).toBe('GET /2/tweets: Authorization: Bearer [redacted] rejected');
    expect(scrub('the X source needs a bearer token: set X_BEARER_TOKEN', null)).toBe('the X source needs a bearer token: set X_BEARER_TOKEN');
  });
});
