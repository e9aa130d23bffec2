/**
 * A trend's recent minutes as a tiny SVG line (posts per slot, oldest left). SVG rather than canvas: each
 * row's line is two attribute updates per refresh, scales crisply, and needs no redraw loop. Built with
 * createElementNS and attributes only, no markup strings.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Size of the drawing in CSS pixels; the line keeps a pixel of headroom so peaks are not clipped. */
export const SPARK_SIZE = { width: 56, height: 16, pad: 1.5 } as const;

/**
 * The polyline points for `values` in a `width` × `height` box: x spread evenly, y scaled so the largest
 * value touches the top (zero at the bottom). Empty for fewer than two values.
 */
export function sparklinePoints(values: readonly number[], width: number, height: number, pad = 0): string {
  if (values.length < 2) return '';
  const max = Math.max(1, ...values);
  const step = (width - 2 * pad) / (values.length - 1);
  const usable = height - 2 * pad;
  return values
    .map((value, i) => {
      const x = pad + i * step;
      const y = height - pad - (Math.max(0, value) / max) * usable;
      return `${round(x)},${round(y)}`;
    })
    .join(' ');
}

/** The closed area under the same line, for a faint fill. */
export function sparklineArea(values: readonly number[], width: number, height: number, pad = 0): string {
  const line = sparklinePoints(values, width, height, pad);
  if (line === '') return '';
  return `${round(pad)},${round(height - pad)} ${line} ${round(width - pad)},${round(height - pad)}`;
}

export class Sparkline {
  readonly element: SVGSVGElement;
  private readonly line: SVGPolylineElement;
  private readonly area: SVGPolygonElement;

  constructor(className = 'sparkline') {
    const { width, height } = SPARK_SIZE;
    this.element = document.createElementNS(SVG_NS, 'svg');
    this.element.setAttribute('class', className);
    this.element.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.element.setAttribute('width', String(width));
    this.element.setAttribute('height', String(height));
    // The numbers are in the row's text; the line is a picture of them.
    this.element.setAttribute('aria-hidden', 'true');
    this.element.setAttribute('focusable', 'false');
    this.area = document.createElementNS(SVG_NS, 'polygon');
    this.area.setAttribute('class', 'sparkline-area');
    this.line = document.createElementNS(SVG_NS, 'polyline');
    this.line.setAttribute('class', 'sparkline-line');
    this.element.append(this.area, this.line);
  }

  update(values: readonly number[]): void {
    const { width, height, pad } = SPARK_SIZE;
    setAttr(this.line, 'points', sparklinePoints(values, width, height, pad));
    setAttr(this.area, 'points', sparklineArea(values, width, height, pad));
  }
}

function setAttr(node: Element, name: string, value: string): void {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
