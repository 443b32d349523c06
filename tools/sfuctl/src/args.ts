import { parseArgs, type ParseArgsConfig } from 'node:util';

import type { Command, OptionValues } from './command';
import { UsageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const globalOptions: Options = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

export interface CommandLine {
  /** Undefined for a bare `sfuctl --help`. */
  command?: Command;
  args: string[];
  options: OptionValues;
  help: boolean;
}

/**
 * Parses argv into a command, its positional arguments and its options.
 * Options may come before or after the command name. Throws UsageError for
 * an unknown command or option, a missing option value, or a wrong number of
 * arguments; `help <command>` and --help skip the argument count.
 */
export function parseCommandLine(argv: string[], commands: Command[]): CommandLine {
  // First pass: find the command name, knowing every option so that an
  // option's value is not taken for the command.
  const everyOption = Object.assign({}, globalOptions, ...commands.map((command) => command.options)) as Options;
  const first = parseArgs({ args: argv, options: everyOption, strict: false, allowPositionals: true });
  const [name, ...rest] = first.positionals;

  if (name === undefined) {
    if (first.values.help === true) return { args: [], options: {}, help: true };
    throw new UsageError('missing command');
  }
  if (name === 'help') return { command: rest[0] === undefined ? undefined : findCommand(rest[0], commands), args: [], options: {}, help: true };
  const command = findCommand(name, commands);

  const parsed = strictParse(argv, command);
  const args = parsed.positionals.slice(1);
  const help = parsed.values.help === true;
  if (!help) checkArguments(command, args);
  return { command, args, options: parsed.values as OptionValues, help };
}

function findCommand(name: string, commands: Command[]): Command {
  const command = commands.find((entry) => entry.name === name);
  if (!command) throw new UsageError(`unknown command ${name}; the commands are ${commands.map((entry) => entry.name).join(', ')}`);
  return command;
}

function strictParse(argv: string[], command: Command): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args: argv, options: { ...globalOptions, ...command.options }, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs throws TypeError with an ERR_PARSE_ARGS_* code and a readable message.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(`${command.name}: ${(error as Error).message}`);
    throw error;
  }
}

function checkArguments(command: Command, args: string[]): void {
  const missing = command.arguments.slice(args.length);
  if (missing.length > 0) throw new UsageError(`${command.name}: missing ${missing.join(' ')}`);

  const extra = args.slice(command.arguments.length);
  if (extra.length > 0) throw new UsageError(`${command.name}: unexpected argument ${extra.join(' ')}`);
}
