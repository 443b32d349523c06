/** Formats bits per second with a decimal unit: 0 bps, 850 kbps, 1.2 Mbps. */
export function formatBitrate(bitsPerSecond: number): string {
  const units = ['bps', 'kbps', 'Mbps', 'Gbps'];
  let value = bitsPerSecond;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** Formats a 0-to-1 share as a whole percentage. */
export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Formats the time since a moment as 0.4s, 12s, 5m, 3h or 2d; a moment in the future (clock skew) shows as 0s. */
export function formatAge(sinceMs: number, nowMs: number = Date.now()): string {
  const seconds = Math.max(0, nowMs - sinceMs) / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 2 * 86400) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

/** Formats "used/max", the way load is compared with capacity. */
export function formatUsage(used: number, max: number): string {
  return `${used}/${max}`;
}

/** Formats a count with its noun, adding "s" unless the count is 1. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
