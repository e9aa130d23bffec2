/**
 * What an entry point checks or does before it starts anything: `--dry-run-rules` prints the X stream's
 * rules and ends the run; an archive that matches no file is a usage mistake, reported before a server or a
 * Kafka connection is opened.
 */
import type { Config } from '../../common/src/config';
import { EXIT_USAGE } from '../../common/src/cli';
import { archiveFiles, ArchiveError, type Archive } from './archive/archive-files';

/** What the run goes on with: the archive resolved here, so that the replay does not walk it again. */
export interface Ready {
  archive: Archive | null;
}

/** An exit code when the run ends here, or what it goes on with. */
export async function preflight(config: Config): Promise<number | Ready> {
  if (config.source === 'x' && config.x.dryRunRules) {
    const { dryRunRules } = await import('./sources/x-rule-sync'); // the X client is loaded only when used
    return dryRunRules(config, (line) => console.log(line));
  }
  if (config.source === 'replay') {
    try {
      return { archive: archiveFiles(config.file!) };
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      process.stderr.write(`trendmap: ${error.message}\n`);
      return EXIT_USAGE;
    }
  }
  return { archive: null };
}
