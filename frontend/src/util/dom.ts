/**
 * DOM and formatting helpers. Every string that reaches the page goes through `textContent` (here in `el`,
 * or directly at the call site): post and tag content is data, never markup.
 */

/** Creates an element with an optional class and text content. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Replaces an element's children with a single text node; cheaper than rebuilding and always inert. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

// One formatter each: building an Intl.NumberFormat per call is slow when the list refreshes every 2 s.
const integerFormat = new Intl.NumberFormat('en');
const compactFormat = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const rateFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** "1,234,567": every digit, for labels and tooltips that spell a count out. */
export function formatInteger(value: number): string {
  return integerFormat.format(value);
}

/** "1,234"; counts past a million read better as "1.2M" in a 320 px panel. */
export function formatCount(value: number): string {
  return value >= 1_000_000 ? compactFormat.format(value) : integerFormat.format(value);
}

/** Posts per second with one decimal below 100 ("4.2"), whole numbers above ("1,250"). */
export function formatRate(value: number): string {
  return value >= 100 ? integerFormat.format(Math.round(value)) : rateFormat.format(value);
}

/** A clock time ("14:05:09") in the reader's time zone, for the "as of" hint. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
