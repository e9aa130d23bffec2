/**
 * What an entry point checks or does before it starts anything (no port is opened and no Kafka connection
 * made until these pass): `--dry-run-rules` prints the X stream's rules and ends the run; `--source x`
 * without a bearer token or with filters that cannot be written as rules, and an archive that matches no
 * file, are usage mistakes (`ConfigError`, exit 2).
 */
import type { Config } from '../../common/node/config';
import { ConfigError } from '../../common/node/errors';
import { archiveFiles, ArchiveError, shardOf, type Archive } from './archive/archive-files';

/** What the run goes on with: the archive resolved here, so that the replay does not walk it again. */
export interface Ready {
  archive: Archive | null;
}

/** An exit code when the run ends here, or what it goes on with; throws `ConfigError` for a mistake. */
export async function preflight(config: Config): Promise<number | Ready> {
  if (config.source === 'x') return xPreflight(config);
  if (config.source === 'replay') {
    try {
      return { archive: shardOf(archiveFiles(config.file!), config.shard) };
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      throw new ConfigError(error.message, 'ARCHIVE_NOT_FOUND');
    }
  }
  return { archive: null };
}

async function xPreflight(config: Config): Promise<number | Ready> {
  // The X client is loaded only when used.
  if (config.x.dryRunRules) {
    const { dryRunRules } = await import('./sources/x-rule-sync');
    return dryRunRules(config, (line) => console.log(line));
  }
  const [{ RuleError, xRules }, { MISSING_TOKEN }] = await Promise.all([import('./sources/x-rules'), import('./sources/x-client')]);
  if (config.x.bearerToken === null) throw new ConfigError(MISSING_TOKEN, 'X_TOKEN_MISSING');
  try {
    xRules(config.x);
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    throw new ConfigError(error.message, 'X_FILTERS_INVALID');
  }
  return { archive: null };
}
