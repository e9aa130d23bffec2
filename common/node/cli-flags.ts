/**
 * The command line's flags, read strictly: an unknown flag, a missing value or a stray argument is a
 * mistake, said in our words, and a flag given with a source it does not apply to is refused rather than
 * silently ignored. `config.ts` turns the values into the configuration.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from './errors';
import type { SourceName } from './config';

const OPTIONS = {
  source: { type: 'string' },
  file: { type: 'string' },
  speed: { type: 'string' },
  shard: { type: 'string' },
  'normalise-thread': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  rate: { type: 'string' },
  seed: { type: 'string' },
  history: { type: 'string' },
  countries: { type: 'string' },
  track: { type: 'string' },
  lang: { type: 'string' },
  bbox: { type: 'string' },
  'bearer-token-file': { type: 'string' },
  'dry-run-rules': { type: 'boolean' },
  'data-dir': { type: 'string' },
  'memory-budget': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type FlagName = keyof typeof OPTIONS;
export type Flags = { [name in FlagName]?: (typeof OPTIONS)[name]['type'] extends 'string' ? string : boolean };

/**
 * The options of the state the map-server holds: they apply to every source, are the only ones the
 * map-server service takes (besides --help), and the producer service, which holds no state, refuses them.
 */
export const STATE_FLAGS = ['data-dir', 'memory-budget'] as const satisfies readonly FlagName[];

type StateFlag = (typeof STATE_FLAGS)[number];

/** Whether `name` is one of `STATE_FLAGS`. */
export function isStateFlag(name: string): name is StateFlag {
  return (STATE_FLAGS as readonly string[]).includes(name);
}

/** The sources each source option applies to; --source, --help and the `STATE_FLAGS` apply to all. */
const APPLIES_TO: Record<Exclude<FlagName, 'source' | 'help' | StateFlag>, readonly SourceName[]> = {
  file: ['replay'],
  speed: ['replay'],
  shard: ['replay'],
  'normalise-thread': ['replay'],
  from: ['replay'],
  to: ['replay'],
  rate: ['synthetic'],
  seed: ['synthetic'],
  history: ['synthetic'],
  countries: ['x'],
  track: ['x'],
  lang: ['x'],
  bbox: ['x'],
  'bearer-token-file': ['x'],
  'dry-run-rules': ['x'],
};

const VALUE_FLAGS = new Set(
  Object.entries(OPTIONS)
    .filter(([, o]) => o.type === 'string')
    .map(([name]) => `--${name}`),
);

export function readFlags(argv: string[]): Flags {
  let flags: Flags;
  try {
    flags = parseArgs({ args: joinNegativeValues(argv), strict: true, allowPositionals: false, options: OPTIONS }).values;
  } catch (error) {
    throw new ConfigError(usageMessage(error as Error & { code?: string }));
  }
  const empty = Object.entries(flags).find(([, value]) => value === '');
  if (empty !== undefined) throw new ConfigError(`--${empty[0]} needs a value (see --help)`);
  return flags;
}

/** Refuses the first flag, in the order given, that does not apply to `source`. */
export function checkSourceOptions(flags: Flags, source: SourceName): void {
  for (const name of Object.keys(flags) as FlagName[]) {
    if (name === 'source' || name === 'help' || isStateFlag(name)) continue;
    const sources = APPLIES_TO[name];
    if (!sources.includes(source)) {
      const which = flags.source === undefined ? `${source}, the default` : source;
      throw new ConfigError(`--${name} is only used with --source ${sources.join(' or ')}, not with ${which}`);
    }
  }
}

/**
 * `--rate -5` as `--rate=-5`: parseArgs would take `-5` for an option and call the value ambiguous, where
 * the person meant a (negative) number, which is then refused with the flag's own range.
 */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const next = argv[i + 1];
    if (VALUE_FLAGS.has(argv[i]) && next !== undefined && /^-[0-9.]/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i += 1;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

/** parseArgs's complaint in our words, naming the flag. */
function usageMessage(error: Error & { code?: string }): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag} (see --help)`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(error.message)) return `${flag} takes no value (see --help)`;
    if (/ambiguous/.test(error.message)) return `${flag} needs a value (see --help; a value that starts with '-' is written ${flag}=-value)`;
    return `${flag} needs a value (see --help)`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']*)'/.exec(error.message)?.[1] ?? '';
    return `unexpected argument "${argument}": every option is named, such as --source replay (see --help)`;
  }
  return `${error.message.split('\n')[0]} (see --help)`;
}
