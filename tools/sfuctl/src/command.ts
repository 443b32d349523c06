import type { ParseArgsConfig } from 'node:util';

import type { AdminClient } from './admin-client';
import type { Palette } from './format/color';

export type OptionValues = Record<string, string | boolean | undefined>;

/** Inputs of a running command: its parsed arguments, the admin API client and the output streams. */
export interface CommandContext {
  /** Positional arguments after the command name, checked against Command.arguments. */
  args: string[];
  /** Option values, the global ones included. */
  options: OptionValues;
  /** True with --json: print the API's JSON response, nothing else, on stdout. */
  json: boolean;
  palette: Palette;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Returns the admin API client, resolving the token on first use. */
  client(): Promise<AdminClient>;
}

export interface Command {
  name: string;
  /** Names of the required positional arguments, such as "<room>". */
  arguments: string[];
  /** Options beyond the global ones, for the usage line, such as "[--why]". */
  synopsis: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the command; resolves with the exit status, 0 when omitted. */
  run(context: CommandContext): Promise<number | void>;
}

/** Writes a value as the admin API sent it, indented, with a final newline. */
export function writeJson(context: CommandContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Returns a string option's value, or undefined when it was not given. */
export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}
