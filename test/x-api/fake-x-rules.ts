/**
 * The stand-in's rule validation, after the X API's: a rule's value is at most 1,024 characters, needs at
 * least one standalone operator (`has:`, `is:`, `lang:` and negations only narrow other clauses), and must
 * not duplicate an existing rule. Errors come in the API's shape: value, title, type and details.
 */

/** The Pro limit on a rule's length, in characters. */
export const FAKE_MAX_RULE_LENGTH = 1_024;

const INVALID_RULES = 'https://api.twitter.com/2/problems/invalid-rules';

/** Operators that cannot stand alone, as whole clauses. */
const CONJUNCTION_ONLY = /^(?:has|is|lang|sample):\S+$/i;

export interface RuleProblem {
  value: string;
  id?: string;
  title: string;
  type: string;
  details?: string[];
}

/** The error for one rule of an `add` request, or null when it is valid. */
export function validateRule(rule: { value?: unknown; tag?: unknown }, existing: { id: string; value: string }[]): RuleProblem | null {
  if (typeof rule.value !== 'string' || rule.value.trim() === '') {
    const echoed = rule.value === undefined || rule.value === null ? '' : typeof rule.value === 'string' ? rule.value : JSON.stringify(rule.value);
    return { value: echoed, title: 'UnprocessableEntity', type: INVALID_RULES, details: ['Rule value must not be empty'] };
  }
  const value = rule.value;
  if (value.length > FAKE_MAX_RULE_LENGTH) {
    return {
      value,
      title: 'UnprocessableEntity',
      type: INVALID_RULES,
      details: [`Rule length is ${value.length}, exceeding the maximum of ${FAKE_MAX_RULE_LENGTH} characters`],
    };
  }
  if (!hasStandaloneClause(value)) {
    return {
      value,
      title: 'UnprocessableEntity',
      type: INVALID_RULES,
      details: ['Rules must contain at least one positive, non-stand-alone clause (at position 1)'],
    };
  }
  const duplicate = existing.find((other) => other.value === value);
  if (duplicate) return { value, id: duplicate.id, title: 'DuplicateRule', type: 'https://api.twitter.com/2/problems/duplicate-rules' };
  return null;
}

/** True when some positive clause is a standalone operator (a keyword, #tag, "phrase", place_country:, bounding_box:...). */
function hasStandaloneClause(value: string): boolean {
  const clauses = value
    .replace(/"(?:[^"\\]|\\.)*"/g, ' PHRASE ')
    .replace(/bounding_box:\[[^\]]*\]/gi, ' BOX ')
    .replace(/[()]/g, ' ')
    .split(/\s+/)
    .filter((clause) => clause !== '' && clause !== 'OR');
  return clauses.some((clause) => !clause.startsWith('-') && !CONJUNCTION_ONLY.test(clause));
}
