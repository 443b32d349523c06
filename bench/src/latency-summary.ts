import { quantile, type Figure } from './result';

/** Percentiles of a set of durations in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Summarizes durations by the nearest-rank method. A failed attempt is
 * passed as Infinity, so it lands in the top percentiles instead of
 * vanishing from them.
 */
export function summarizeLatency(durationsMs: number[]): LatencySummary {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
  };
}

/** Figures p50, p95, p99 and max in ms, their names prefixed with prefix. */
export function latencyFigures(prefix: string, summary: LatencySummary): Record<string, Figure> {
  return {
    [`${prefix}P50`]: { value: summary.p50, unit: 'ms' },
    [`${prefix}P95`]: { value: summary.p95, unit: 'ms' },
    [`${prefix}P99`]: { value: summary.p99, unit: 'ms' },
    [`${prefix}Max`]: { value: summary.max, unit: 'ms' },
  };
}

/** p50/p95/p99/max as one line for logs and notes. */
export function formatLatency(summary: LatencySummary): string {
  const ms = (value: number): string => (Number.isFinite(value) ? `${Math.round(value)}` : 'failed');
  return `p50 ${ms(summary.p50)} ms, p95 ${ms(summary.p95)} ms, p99 ${ms(summary.p99)} ms, max ${ms(summary.max)} ms (n=${summary.count})`;
}
