import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One pass/fail limit with the value it was checked against. */
export interface Bar {
  bar: string;
  value: number;
  met: boolean;
}

/** A figure with its unit, as printed and stored. */
export interface Figure {
  value: number;
  unit: string;
}

/**
 * The outcome of one benchmark, written as bench/results/<name>.json.
 * ratio is the measured value over the baseline's, and met is true when
 * every bar holds.
 */
export interface BenchResult {
  name: string;
  title: string;
  measuredAt: string;
  /** Measured figures by name, including the ones the bars are computed from. */
  figures: Record<string, Figure>;
  /** The same-run reference the ratio divides by. */
  baseline: { what: string; figures: Record<string, Figure> };
  ratio: number;
  /** The ratio's bar, as a sentence. */
  bar: string;
  /** True when every entry of bars is met. */
  met: boolean;
  /** Every bar of the benchmark, the ratio's first, then limits such as a p99 latency. */
  bars: Bar[];
  /** Settings of the run: durations, counts, shapes. */
  settings: Record<string, unknown>;
  /** Sentences on what limits the figures and where the setup differs from a production cluster. */
  notes: string[];
}

/** The fields a benchmark decides; benchResult derives the others. */
export type BenchOutcome = Omit<BenchResult, 'measuredAt' | 'bar' | 'met'>;

/** Builds a result stamped now, whose bar is its first bar's and which is met when every bar is. */
export function benchResult(outcome: BenchOutcome): BenchResult {
  const { name, title, figures, baseline, ratio, bars, settings, notes } = outcome;
  const bar = bars[0]?.bar ?? '';
  const met = bars.every((entry) => entry.met);
  return { name, title, measuredAt: new Date().toISOString(), figures, baseline, ratio, bar, met, bars, settings, notes };
}

export function writeResult(directory: string, result: BenchResult): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${result.name}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** Formats a number with at most three significant decimals, for tables. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toPrecision(3);
}

/** Figures per side of a table row; the JSON keeps them all. */
const TABLE_FIGURES = 3;

function formatFigures(figures: Record<string, Figure>): string {
  return Object.entries(figures)
    .slice(0, TABLE_FIGURES)
    .map(([name, figure]) => `${name} ${formatNumber(figure.value)} ${figure.unit}`)
    .join(', ');
}

/** Renders one row per bar: benchmark, figures, baseline, ratio, bar and met or missed. */
export function renderTable(results: BenchResult[]): string {
  const rows: string[][] = [['benchmark', 'measured', 'baseline', 'value', 'bar', 'result']];
  for (const result of results) {
    result.bars.forEach((bar, index) => {
      const first = index === 0;
      rows.push([
        first ? result.name : '',
        first ? formatFigures(result.figures) : '',
        first ? formatFigures(result.baseline.figures) : '',
        formatNumber(bar.value),
        bar.bar,
        bar.met ? 'met' : 'MISSED',
      ]);
    });
  }

  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

/** Returns the q-quantile (0 to 1) of sorted values by the nearest-rank method. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
