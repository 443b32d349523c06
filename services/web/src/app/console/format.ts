/** Formats bits per second with a decimal SI prefix: 950 bit/s, 1.2 kbit/s, 3.4 Mbit/s. */
export function formatBitrate(bitsPerSecond: number): string {
  if (bitsPerSecond >= 1e6) return `${(bitsPerSecond / 1e6).toFixed(1)} Mbit/s`;
  if (bitsPerSecond >= 1e3) return `${(bitsPerSecond / 1e3).toFixed(1)} kbit/s`;
  return `${Math.round(bitsPerSecond)} bit/s`;
}

/** Formats a 0-to-1 share as a whole percentage. */
export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/**
 * Stroke width of a pipe line in pixels: 2 for an idle pipe, growing with
 * the square root of the bitrate so a 1 Mbit/s pipe is clearly thicker and
 * a 50 Mbit/s one still fits between the boxes.
 */
export function pipeWidth(bitsPerSecond: number): number {
  return Math.min(16, 2 + 2 * Math.sqrt(bitsPerSecond / 1e6));
}
