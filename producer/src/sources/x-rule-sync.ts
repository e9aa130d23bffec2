/**
 * Makes the stream's rules on the X API match this configuration: adds what is missing, deletes what is
 * stale, leaves the rest. Only rules whose tag starts with RULE_TAG_PREFIX are ever deleted: other apps
 * (and people) sharing the project keep theirs. Errors the API reports are passed on as it worded them.
 */
import type { TwitterApiv2 } from 'twitter-api-v2';
import type { Config } from '../../../common/node/config';
import { createXClient, describeFailure, errorText, TOKEN_SOURCES, XFatalError } from './x-client';
import { RULE_TAG_PREFIX, RuleError, xRules, type StreamRule } from './x-rules';

export interface RuleSyncResult {
  added: StreamRule[];
  /** Ids of this app's rules that were deleted. */
  deleted: string[];
  kept: number;
}

/** The API refused a rule change; `message` holds its own words (title, detail, rule value). */
export class RuleSyncError extends XFatalError {}

/** Shape of the rule endpoints' answers that this module reads. */
interface RulesAnswer {
  data?: { id: string; value: string; tag?: string }[];
  errors?: unknown[];
  meta?: { summary?: Record<string, number> };
}

/**
 * Syncs the rules. Deletes first, so that slots are free for the additions. Throws RuleSyncError when the
 * API reports an error in its answer; errors of the requests themselves (HTTP 4xx/5xx, network) propagate
 * as twitter-api-v2 threw them, for the caller to classify.
 */
export async function syncRules(client: TwitterApiv2, desired: StreamRule[]): Promise<RuleSyncResult> {
  const existing = ((await client.streamRules()) as RulesAnswer).data ?? [];
  const wanted = new Set(desired.map((rule) => rule.value));
  const present = new Set(existing.map((rule) => rule.value));
  const stale = existing.filter((rule) => rule.tag?.startsWith(RULE_TAG_PREFIX) && !wanted.has(rule.value));
  // A rule with the same value (even someone else's) already feeds the stream: the API refuses duplicates.
  const missing = desired.filter((rule) => !present.has(rule.value));

  if (stale.length > 0) {
    const answer = (await client.updateStreamRules({ delete: { ids: stale.map((rule) => rule.id) } })) as RulesAnswer;
    throwOnErrors(answer, 'deleting stale stream rules');
  }
  if (missing.length > 0) {
    const answer = (await client.updateStreamRules({ add: missing })) as RulesAnswer;
    throwOnErrors(answer, 'adding stream rules');
  }
  return { added: missing, deleted: stale.map((rule) => rule.id), kept: desired.length - missing.length };
}

/** Validates rules with `dry_run=true`: nothing changes on the account. Returns the API's answer. */
export async function validateRules(client: TwitterApiv2, rules: StreamRule[]): Promise<{ ok: boolean; lines: string[] }> {
  const answer = (await client.updateStreamRules({ add: rules }, { dry_run: true })) as RulesAnswer;
  const summary = answer.meta?.summary ?? {};
  const errors = answer.errors ?? [];
  const lines = [
    `API verdict (dry run): ${
      Object.entries(summary)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'no summary'
    }`,
  ];
  lines.push(...errors.map((e) => `  error: ${errorText(e)}`));
  const refused = (summary.invalid ?? 0) + (summary.not_created ?? 0);
  return { ok: errors.length === 0 && refused === 0, lines };
}

function throwOnErrors(answer: RulesAnswer, doing: string): void {
  const errors = answer.errors ?? [];
  if (errors.length > 0) throw new RuleSyncError(`X API refused ${doing}: ${errors.map(errorText).join('; ')}`);
}

/**
 * `--dry-run-rules`: prints the rules this configuration would sync and, when a token is set, the API's
 * verdict on them (a dry run changes nothing). Returns the exit code: 0 when the rules are valid (or could
 * not be checked for lack of a token), 1 when they are not or the API could not be asked.
 */
export async function dryRunRules(config: Config, out: (line: string) => void): Promise<number> {
  let rules: StreamRule[];
  try {
    rules = xRules(config.x);
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    out(`invalid filters: ${error.message}`);
    return 1;
  }
  out(`${rules.length} stream rule${rules.length === 1 ? '' : 's'}:`);
  for (const rule of rules) out(`  [${rule.tag}] (${rule.value.length} chars) ${rule.value}`);
  if (config.x.bearerToken === null) {
    out(`not validated with the API: no bearer token (set ${TOKEN_SOURCES} to check them with dry_run=true)`);
    return 0;
  }
  try {
    const verdict = await validateRules(createXClient(config.x), rules);
    verdict.lines.forEach((line) => out(line));
    return verdict.ok ? 0 : 1;
  } catch (error) {
    out(`could not validate the rules with ${config.x.baseUrl}: ${describeFailure(error, config.x.bearerToken).message}`);
    return 1;
  }
}
