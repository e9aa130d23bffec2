/** The Top | Rising switch. */
import type { SortName } from '../../../common/browser/api';
import { DEFAULT_SORT } from '../../../common/browser/api-constants';
import { SegmentedControl } from './segmented-control';

export function createSortSwitch(): SegmentedControl<SortName> {
  return new SegmentedControl<SortName>(
    'Sort',
    'sort-switch',
    [
      { value: 'top', label: 'Top', title: 'The most used hashtags in the window' },
      { value: 'rising', label: 'Rising', title: 'Hashtags growing fastest against their rate in the period before the window' },
    ],
    DEFAULT_SORT,
  );
}
