/**
 * A reader's choice kept in local storage (the theme, the density layer), `auto` when none is kept. Storage
 * may be refused (privacy settings, a sandboxed frame): a choice then holds for this page only, and reading
 * one gives `auto`.
 */

/** The choice kept under `key` if it is one of `kept`, else `auto`. */
export function readChoice<C extends string>(key: string, kept: readonly C[]): C | 'auto' {
  try {
    const value = localStorage.getItem(key);
    return kept.find((choice) => choice === value) ?? 'auto';
  } catch {
    return 'auto';
  }
}

/** Keeps `choice` under `key`; `auto` is kept as no choice. */
export function storeChoice(key: string, choice: string): void {
  try {
    if (choice === 'auto') localStorage.removeItem(key);
    else localStorage.setItem(key, choice);
  } catch {
    // Not kept: the choice holds for this page only.
  }
}
