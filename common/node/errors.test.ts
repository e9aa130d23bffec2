import { describe, expect, it } from 'vitest';
import { EXIT_FAILURE, listenError } from './errors';

const failure = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe('listenError', () => {
  it('says what a failed listen means, naming PORT or HOST, with exit code 1', () => {
    expect(listenError(failure('EADDRINUSE'), 3000, '127.0.0.1')).toMatchObject({
      code: 'PORT_IN_USE',
      exitCode: EXIT_FAILURE,
      message: 'port 3000 on 127.0.0.1 is already in use: stop what is listening there, or set PORT to another port (PORT=0 picks a free one)',
    });
    // Ports below 1024 need privileges (the tests may run as root, where this cannot be provoked).
    expect(listenError(failure('EACCES'), 80, '0.0.0.0')).toMatchObject({
      code: 'PORT_NOT_PERMITTED',
      exitCode: EXIT_FAILURE,
      message: expect.stringMatching(/^port 80 on 0\.0\.0\.0 needs privileges .*: set PORT to 1024 or above/),
    });
    expect(listenError(failure('EADDRNOTAVAIL'), 3000, '10.9.9.9')).toMatchObject({
      code: 'HOST_NOT_AVAILABLE',
      message: expect.stringMatching(/^HOST 10\.9\.9\.9 is not an address of this machine \(EADDRNOTAVAIL\): set HOST to/),
    });
    expect(listenError(failure('ENOTFOUND'), 3000, 'nosuch.invalid')).toMatchObject({
      code: 'HOST_NOT_AVAILABLE',
      message: expect.stringMatching(/^HOST nosuch\.invalid does not resolve to an address \(ENOTFOUND\): set HOST to/),
    });
  });

  it('leaves anything else to be reported as the bug it is', () => {
    expect(listenError(failure('EINVAL'), 3000, '127.0.0.1')).toBeNull();
    expect(listenError(new TypeError('x is not a function'), 3000, '127.0.0.1')).toBeNull();
    expect(listenError(undefined, 3000, '127.0.0.1')).toBeNull();
  });
});
