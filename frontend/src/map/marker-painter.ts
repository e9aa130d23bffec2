/**
 * Draws dots from a MarkerBuffer onto a 2D context. Dots are batched by opacity step: all dots of one step
 * and colour go into one path and one fill, so 3,000 dots cost a few dozen fills rather than 3,000.
 */
import type { MarkerBuffer } from './marker-buffer';

export interface PaintStyle {
  lifetimeMs: number;
  alphaSteps: number;
  radius: number;
  pulseRadius: number;
  pulseMs: number;
  colour: string;
  highlightColour: string;
}

export interface PaintPass {
  now: number;
  /** Only dots that arrived at or after this time (performance.now clock)... */
  bornFrom: number;
  /** ...and before this one. */
  bornUntil: number;
  /** Added to the buffer's projected pixels to get canvas coordinates. */
  offsetX: number;
  offsetY: number;
  width: number;
  height: number;
  /** Opacity factor for dots that are not highlighted (1 when nothing is highlighted). */
  dim: number;
}

export class MarkerPainter {
  constructor(private readonly style: PaintStyle) {}

  paint(ctx: CanvasRenderingContext2D, dots: MarkerBuffer, pass: PaintPass): void {
    const { lifetimeMs, alphaSteps, radius, pulseRadius, pulseMs, colour, highlightColour } = this.style;
    const { now, bornFrom, bornUntil, offsetX, offsetY, width, height, dim } = pass;
    let step = -1;
    let plain = new Path2D();
    let lit = new Path2D();
    const flush = (): void => {
      if (step < 0) return;
      ctx.globalAlpha = (step / alphaSteps) * dim;
      ctx.fillStyle = colour;
      ctx.fill(plain);
      ctx.globalAlpha = step / alphaSteps;
      ctx.fillStyle = highlightColour;
      ctx.fill(lit);
      plain = new Path2D();
      lit = new Path2D();
    };

    // Oldest first: newer dots paint over older ones, and the opacity step only ever rises.
    dots.forEach((slot) => {
      const born = dots.born[slot];
      if (born < bornFrom || born >= bornUntil) return;
      const x = dots.px[slot] + offsetX;
      const y = dots.py[slot] + offsetY;
      if (x < -pulseRadius || y < -pulseRadius || x > width + pulseRadius || y > height + pulseRadius) return;
      const age = now - born;
      const s = Math.max(1, Math.ceil((1 - age / lifetimeMs) * alphaSteps));
      if (s !== step) {
        flush();
        step = s;
      }
      // A new dot starts large and shrinks to its resting size.
      const r = age < pulseMs ? pulseRadius - (pulseRadius - radius) * (age / pulseMs) : radius;
      const path = dots.lit[slot] ? lit : plain;
      path.moveTo(x + r, y);
      path.arc(x, y, r, 0, Math.PI * 2);
    });
    flush();
    ctx.globalAlpha = 1;
  }
}
