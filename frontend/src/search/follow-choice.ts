/**
 * What choosing a search suggestion does: a hashtag enters tag mode, a country becomes the region (fitting
 * the map to it is the region's business, not the search's), a city moves the map there and shows "Trends in
 * this view". The state and the map are passed in, so the search box knows neither.
 */
import { VIEW } from '../../../common/browser/api-constants';
import type { ViewState } from '../state/url-state';
import type { Suggestion } from './suggestions';

/** The zoom a chosen city is shown at: the city and its surroundings (~40 km across on a laptop). */
export const CITY_ZOOM = 10;

export interface ChoiceTargets {
  setState: (patch: Partial<ViewState>) => void;
  /** Moves the map at once (no animation), so that "this view" is the city's when the region changes. */
  moveMap: (lat: number, lon: number, zoom: number) => void;
}

export function followChoice(choice: Suggestion, { setState, moveMap }: ChoiceTargets): void {
  switch (choice.kind) {
    case 'tag':
      setState({ tag: choice.tag });
      return;
    case 'country':
      setState({ region: choice.code });
      return;
    case 'city':
      moveMap(choice.lat, choice.lon, CITY_ZOOM);
      setState({ region: VIEW });
      return;
  }
}
