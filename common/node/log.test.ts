import { describe, expect, it } from 'vitest';
import { createLogger, prettyMessage } from './log';

/** A logger writing into an array, one entry per write. */
function capture(format: 'json' | 'pretty', level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ logFormat: format, logLevel: level }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes JSON that parses line by line', () => {
    const { logger, lines } = capture('json');
    logger.info('trendmap is live at http://localhost:3000');
    logger.warn({ key: 'FR', error: 'message is not JSON' }, 'skipped a message that breaks the event contract');
    const parsed = lines
      .join('')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(parsed).toMatchObject([
      { level: 30, msg: 'trendmap is live at http://localhost:3000' },
      { level: 40, msg: 'skipped a message that breaks the event contract', key: 'FR', error: 'message is not JSON' },
    ]);
  });

  it('writes pretty lines with no JSON braces, one line per entry, at the level asked for', () => {
    const { logger, lines } = capture('pretty', 'warn');
    logger.info('not shown');
    logger.warn('kafka: cannot reach a broker at 127.0.0.1:9 (Connection error: connect ECONNREFUSED 127.0.0.1:9)');
    logger.warn({ key: 'FR', read: 40, skipped: { duplicate: 2 } }, 'skipped a message');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\] WARN: kafka: cannot reach a broker at 127\.0\.0\.1:9 \(Connection error: connect ECONNREFUSED 127\.0\.0\.1:9\)\n$/,
    );
    expect(lines[1]).toMatch(/WARN: skipped a message key=FR read=40 skipped\.duplicate=2\n$/);
    for (const line of lines) expect(line).not.toMatch(/[{}]/);
  });
});

describe('prettyMessage', () => {
  it('quotes values with spaces and escapes control characters, so a line stays one line', () => {
    expect(prettyMessage({ msg: 'bad\nline', error: 'not JSON', tags: ['a b', 'c'] })).toBe('bad\\nline error="not JSON" tags="a b",c');
    expect(prettyMessage({ msg: 'x', key: '\u001b[31mred' })).toBe('x key=\\u001b[31mred');
  });

  it('puts the stack of a logged error below the line: a bug keeps its trace', () => {
    const err = { type: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at f (file.ts:1:1)' };
    expect(prettyMessage({ msg: 'boom', err })).toBe('boom\n    TypeError: boom\n        at f (file.ts:1:1)');
  });
});
