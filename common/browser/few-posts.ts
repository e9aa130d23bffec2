/**
 * The one "few posts" rule: below `FEW_POSTS` posts a share is not shown as if it meant something (1 post of
 * 2 is 50 %, and the next post can halve it), and counts are shown instead. The panel's totals and trend
 * list, the tag section's countries and tag mode's shading and scale all ask here.
 */
import { FEW_POSTS } from './api-constants';

/** Whether `posts` (a region's, a view's, or a country's in tag mode) are too few for a share to be shown. */
export function fewPosts(posts: number): boolean {
  return posts < FEW_POSTS;
}
