/**
 * What an entry point checks or does before it starts anything: `--dry-run-rules` prints the X stream's
 * rules and ends the run; an archive that matches no file is a usage mistake, reported before a server or a
 * Kafka connection is opened.
 */
import type { Config } from '../../common/src/config';
import { EXIT_USAGE } from '../../common/src/cli';
import { archiveFiles, ArchiveError } from './archive/archive-files';

/** An exit code when the run ends here, or null to go on. */
export async function preflight(config: Config): Promise<number | null> {
  if (config.source === 'x' && config.x.dryRunRules) {
    const { dryRunRules } = await import('./sources/x-rule-sync'); // the X client is loaded only when used
    return dryRunRules(config, (line) => console.log(line));
  }
  if (config.source === 'replay') {
    try {
      archiveFiles(config.file!);
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      process.stderr.write(`trendmap: ${error.message}\n`);
      return EXIT_USAGE;
    }
  }
  return null;
}
