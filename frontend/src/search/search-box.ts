/**
 * The header's search box: hashtags (`/api/tags`), countries (matched in the page, `country-names.ts`) and
 * cities (`/api/places`) as one types, in a list following the WAI-ARIA combobox pattern: the input is the
 * combobox (`aria-expanded`, `aria-controls`, `aria-activedescendant`), the list a listbox of options;
 * ArrowDown and ArrowUp move the highlight, Enter chooses it (with none, the first), Escape closes the list,
 * a click chooses. A choice is reported as a `choose` event and the box is emptied; it knows nothing of the
 * map or the URL state.
 *
 * Requests: countries are matched at once, the server is asked `DEBOUNCE_MS` after the last keystroke, an
 * older request is aborted when a newer one starts, and an answer is shown only if it is the newest query's
 * (`asked`), so a slow answer never overwrites a newer one. Every text (tags are anyone's) is set as text.
 */
import { fetchPlaces, fetchTagSuggestions } from '../api/api-client';
import { Emitter } from '../util/emitter';
import { el, formatCount } from '../util/dom';
import { countryName } from '../../../common/browser/countries';
import { countryEntries, matchCountries, type CountryEntry } from './country-names';
import { SUGGESTION_LIMITS, isTagQuery, mergeSuggestions, moveActive, serverPrefix, type Suggestion } from './suggestions';

/** Quiet time after a keystroke before the server is asked, in ms: one request per pause, not per key. */
const DEBOUNCE_MS = 150;

const KIND_NAMES: Record<Suggestion['kind'], string> = { tag: 'Hashtag', country: 'Country', city: 'City' };

interface SearchBoxEvents {
  choose: Suggestion;
}

/** What an option says: its main text and a muted detail (its kind, and a city's country or a tag's posts). */
function optionText(suggestion: Suggestion): { text: string; detail: string } {
  switch (suggestion.kind) {
    case 'tag':
      return {
        text: `#${suggestion.display}`,
        detail: `${KIND_NAMES.tag} · ${formatCount(suggestion.count)} ${suggestion.count === 1 ? 'post' : 'posts'} today`,
      };
    case 'country':
      return { text: suggestion.label, detail: KIND_NAMES.country };
    case 'city':
      return { text: suggestion.name, detail: `${KIND_NAMES.city} · ${countryName(suggestion.country) ?? suggestion.country}` };
  }
}

export class SearchBox extends Emitter<SearchBoxEvents> {
  private readonly input = el('input', 'search-input');
  private readonly list = el('ul', 'search-list');
  private suggestions: Suggestion[] = [];
  /** The highlighted option, -1 for none. */
  private active = -1;
  /** Every country with its names, built on the first keystroke (not at page load). */
  private countries: CountryEntry[] | null = null;
  /** Counts queries: an answer is shown only while its query is still the newest. */
  private asked = 0;
  /** True from a keystroke until the server's answer to it is shown. */
  private pending = false;
  /** Enter came while the answer was pending: choose the first suggestion once it is shown. */
  private chooseOnAnswer = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | null = null;

  constructor(private readonly id = 'search') {
    super();
  }

  mount(container: HTMLElement): this {
    const label = el('label', 'search-label', 'Search hashtags, countries and cities');
    label.htmlFor = `${this.id}-input`;
    Object.assign(this.input, { id: `${this.id}-input`, type: 'search', placeholder: 'Search #tags, countries, cities', autocomplete: 'off' });
    this.input.spellcheck = false;
    this.input.setAttribute('role', 'combobox');
    this.input.setAttribute('aria-autocomplete', 'list');
    this.input.setAttribute('aria-expanded', 'false');
    this.input.setAttribute('aria-controls', `${this.id}-list`);
    this.list.id = `${this.id}-list`;
    this.list.setAttribute('role', 'listbox');
    this.list.setAttribute('aria-label', 'Suggestions');
    this.list.hidden = true;
    this.input.addEventListener('input', () => this.ask(this.input.value));
    this.input.addEventListener('keydown', (event) => this.onKey(event));
    this.input.addEventListener('blur', () => this.setOpen(false));
    this.input.addEventListener('focus', () => this.setOpen(this.suggestions.length > 0));
    // Keep the focus in the input while the pointer is down on an option, so the click lands.
    this.list.addEventListener('mousedown', (event) => event.preventDefault());
    this.list.addEventListener('click', (event) => {
      const option = (event.target as Element).closest<HTMLElement>('[role="option"]');
      if (option?.dataset.index !== undefined) this.choose(Number(option.dataset.index));
    });
    container.replaceChildren(label, this.input, this.list);
    return this;
  }

  /** Shows the countries for `query` at once, and asks the server for hashtags and cities after a pause. */
  private ask(query: string): void {
    this.asked += 1;
    const asked = this.asked;
    this.cancel();
    this.chooseOnAnswer = false;
    if (query.trim().replace(/^[#＃]/u, '') === '') {
      this.pending = false;
      this.show([]);
      return;
    }
    this.countries ??= countryEntries(undefined, navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
    const countries = isTagQuery(query) ? [] : matchCountries(this.countries, query, SUGGESTION_LIMITS.country);
    this.pending = true;
    this.show(mergeSuggestions(query, countries, [], []));
    this.timer = setTimeout(() => void this.fetchRest(query, countries, asked), DEBOUNCE_MS);
  }

  /** Asks for the hashtags and cities of `query` and shows them with `countries`, if `asked` is still the newest query. */
  private async fetchRest(query: string, countries: CountryEntry[], asked: number): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    const tagOnly = isTagQuery(query);
    // Null for a query longer than any name: then only the countries, if any, are shown.
    const prefix = serverPrefix(query);
    const [tags, places] = await Promise.all([
      prefix === null ? [] : fetchTagSuggestions(prefix, SUGGESTION_LIMITS.tag, controller.signal).catch(failed('hashtags')),
      tagOnly || prefix === null ? [] : fetchPlaces(prefix, SUGGESTION_LIMITS.city, controller.signal).catch(failed('cities')),
    ]);
    if (asked !== this.asked || controller.signal.aborted) return;
    this.controller = null;
    this.pending = false;
    this.show(mergeSuggestions(query, countries, places, tags));
    if (this.chooseOnAnswer && this.suggestions.length > 0) this.choose(0);
  }

  /** Stops the pause before a request and the request in flight. */
  private cancel(): void {
    clearTimeout(this.timer);
    this.controller?.abort();
    this.controller = null;
  }

  private onKey(event: KeyboardEvent): void {
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        if (this.suggestions.length === 0) return;
        event.preventDefault();
        this.setOpen(true);
        this.highlight(moveActive(this.active, this.suggestions.length, event.key));
        return;
      case 'Enter':
        event.preventDefault();
        if (this.active >= 0) this.choose(this.active);
        else if (this.pending) this.chooseOnAnswer = true;
        else if (this.suggestions.length > 0) this.choose(0);
        return;
      case 'Escape':
        if (this.list.hidden) return; // the search input's own Escape empties it
        event.preventDefault();
        this.setOpen(false);
        return;
    }
  }

  /** Reports suggestion `index` and empties the box. */
  private choose(index: number): void {
    const suggestion = this.suggestions[index];
    if (suggestion === undefined) return;
    this.asked += 1; // an answer still on its way is for a query that is gone
    this.cancel();
    this.pending = false;
    this.chooseOnAnswer = false;
    this.input.value = '';
    this.show([]);
    this.emit('choose', suggestion);
  }

  /** Replaces the options (none highlighted) and opens the list when there are any. */
  private show(suggestions: Suggestion[]): void {
    this.suggestions = suggestions;
    this.active = -1;
    this.list.replaceChildren(
      ...suggestions.map((suggestion, index) => {
        const { text, detail } = optionText(suggestion);
        const option = el('li', 'search-option');
        option.id = `${this.id}-option-${index}`;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        option.dataset.index = String(index);
        option.dataset.kind = suggestion.kind;
        option.append(el('span', 'search-option-text', text), el('span', 'search-option-detail', detail));
        return option;
      }),
    );
    this.input.removeAttribute('aria-activedescendant');
    this.setOpen(suggestions.length > 0 && document.activeElement === this.input);
  }

  private highlight(index: number): void {
    this.active = index;
    for (const option of this.list.children) option.setAttribute('aria-selected', String(option.id === `${this.id}-option-${index}`));
    const option = this.list.children[index];
    if (option === undefined) {
      this.input.removeAttribute('aria-activedescendant');
      return;
    }
    this.input.setAttribute('aria-activedescendant', option.id);
    option.scrollIntoView({ block: 'nearest' });
  }

  private setOpen(open: boolean): void {
    if (!open) this.highlight(-1);
    this.list.hidden = !open;
    this.input.setAttribute('aria-expanded', String(open));
  }
}

/** A failed request's stand-in: nothing (an abort is expected; anything else is worth a warning). */
function failed(what: string): (error: unknown) => [] {
  return (error) => {
    if (!(error instanceof DOMException && error.name === 'AbortError')) console.warn(`trendmap: search could not fetch ${what}`, error);
    return [];
  };
}
