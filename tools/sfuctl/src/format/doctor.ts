import type { CheckResult } from '../doctor/check';
import type { Palette } from './color';
import { visibleLength } from './color';
import { plural } from './units';

/** Formats doctor results, one line per check with its fix beneath, then a count of each status. */
export function formatChecks(results: CheckResult[], palette: Palette): string {
  const width = Math.max(...results.map((result) => result.name.length));
  const mark = { pass: palette.green('PASS'), warn: palette.yellow('WARN'), fail: palette.red('FAIL') };

  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${mark[result.status]}  ${result.name.padEnd(width)}  ${result.detail}`);
    if (result.fix !== undefined && result.status !== 'pass') lines.push(`${' '.repeat(visibleLength('PASS') + 2 + width + 2)}fix: ${result.fix}`);
  }

  const count = (status: CheckResult['status']): number => results.filter((result) => result.status === status).length;
  lines.push('', `${count('pass')} passed, ${plural(count('warn'), 'warning')}, ${count('fail')} failed`);
  return lines.join('\n') + '\n';
}
