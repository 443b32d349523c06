export type CheckStatus = 'pass' | 'warn' | 'fail';

/** The outcome of one doctor check, with the fix when it did not pass. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export const pass = (name: string, detail: string): CheckResult => ({ name, status: 'pass', detail });

export const warn = (name: string, detail: string, fix?: string): CheckResult => ({ name, status: 'warn', detail, fix });

export const fail = (name: string, detail: string, fix?: string): CheckResult => ({ name, status: 'fail', detail, fix });
