/**
 * Raised when the environment holds a missing or impossible value.
 * Each problem is one line that names the variable and the fix, so an
 * operator reading a crash-looping pod's log knows what to change.
 */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
