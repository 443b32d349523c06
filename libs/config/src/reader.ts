import { isIP } from 'node:net';

import { isHostName } from './addresses';
import { ConfigError } from './errors';
import type { Env, VariableName } from './variables';

/**
 * Reads typed values out of an environment and collects every problem, so one
 * start-up reports all wrong variables at once, one line each.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The raw value, or undefined when unset or empty. */
  raw(name: VariableName): string | undefined {
    const value = this.env[name];
    if (value === undefined || value.trim() === '') return undefined;
    return value.trim();
  }

  string(name: VariableName, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: VariableName): string | undefined {
    return this.raw(name);
  }

  required(name: VariableName, fix: string): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.fail(`${name} is missing; ${fix}`);
      return '';
    }
    return value;
  }

  integer(name: VariableName, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;

    if (!/^-?\d+$/.test(value)) {
      this.fail(`${name}=${value} is not a whole number; set it to an integer from ${min} to ${max}`);
      return fallback;
    }

    const parsed = Number(value);
    if (parsed < min || parsed > max) {
      this.fail(`${name}=${value} is out of range; set it to an integer from ${min} to ${max}`);
      return fallback;
    }
    return parsed;
  }

  port(name: VariableName, fallback: number): number {
    return this.integer(name, fallback, 1, 65535);
  }

  boolean(name: VariableName, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.fail(`${name}=${value} is not a boolean; set it to true or false`);
    return fallback;
  }

  oneOf<T extends string>(name: VariableName, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.fail(`${name}=${value} is not valid; set it to one of ${allowed.join(', ')}`);
    return fallback;
  }

  list(name: VariableName, fallback: string[]): string[] {
    const value = this.env[name];
    // An explicitly empty value means "none", distinct from unset.
    if (value === undefined) return fallback;
    return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  }

  ip(name: VariableName, fallback: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (isIP(value) === 0) {
      this.fail(`${name}=${value} is not an IP address; set it to an IPv4 or IPv6 address such as 203.0.113.7`);
      return fallback;
    }
    return value;
  }

  /** Reads an IP address or a host name to bind or connect to, given without brackets or a port. */
  host(name: VariableName, fallback: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (isIP(value) === 0 && !isHostName(value)) {
      this.fail(
        `${name}=${value} is not an IP address or host name; set it to an address such as 0.0.0.0, :: or 127.0.0.1, ` +
          'or to a host name of letters, digits, dots and hyphens, without a port',
      );
      return fallback;
    }
    return value;
  }

  /** Records a problem found by a rule that spans several variables. */
  fail(problem: string): void {
    this.problems.push(problem);
  }

  /** Throws one ConfigError holding every problem found so far. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
