/**
 * The container of a map control that holds several things (the region buttons, the choropleth legend): a
 * labelled group for screen readers, whose clicks and scrolls stay on it.
 */
import * as L from 'leaflet';

/** A `div` of class `className`, `role="group"` named `label`, that the map underneath does not hear. */
export function controlGroup(className: string, label: string): HTMLElement {
  const group = L.DomUtil.create('div', className);
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', label);
  // Clicks and scrolls on a control must not select the sea or zoom the map underneath.
  L.DomEvent.disableClickPropagation(group);
  L.DomEvent.disableScrollPropagation(group);
  return group;
}
