#!/usr/bin/env node
import { AdminClient } from './admin-client';
import { parseCommandLine } from './args';
import { resolveAdminToken } from './auth';
import { stringOption, type Command, type CommandContext, type OptionValues } from './command';
import { doctorCommand } from './commands/doctor';
import { drainCommand } from './commands/drain';
import { moveCommand } from './commands/move';
import { nodesCommand } from './commands/nodes';
import { peersCommand } from './commands/peers';
import { roomCommand } from './commands/room';
import { roomsCommand } from './commands/rooms';
import { tokenCommand } from './commands/token';
import { topCommand } from './commands/top';
import { ApiError, ExitCode, UsageError } from './errors';
import { paletteFor } from './format/color';
import { DEFAULT_URL, formatUsage } from './usage';

const commands: Command[] = [nodesCommand, roomsCommand, roomCommand, peersCommand, topCommand, drainCommand, moveCommand, tokenCommand, doctorCommand];

/** Runs one command line and resolves with the exit status; writes only to stdout and stderr. */
async function main(argv: string[]): Promise<number> {
  try {
    const line = parseCommandLine(argv, commands);
    if (line.help || !line.command) {
      process.stdout.write(formatUsage(commands, line.command));
      return ExitCode.Ok;
    }

    const context = createContext(line.args, line.options);
    return (await line.command.run(context)) ?? ExitCode.Ok;
  } catch (error) {
    return reportError(error);
  }
}

function createContext(args: string[], options: OptionValues): CommandContext {
  const url = baseUrl(options);
  let client: Promise<AdminClient> | undefined;

  return {
    args,
    options,
    json: options.json === true,
    palette: paletteFor(process.stdout),
    stdout: process.stdout,
    stderr: process.stderr,
    client: () => (client ??= resolveAdminToken(stringOption(options, 'token')).then((token) => new AdminClient(url, token))),
  };
}

/** Returns --url, else SFUCTL_URL, else the default; throws UsageError unless it is an http or https URL. */
function baseUrl(options: OptionValues): string {
  const text = stringOption(options, 'url') ?? (process.env.SFUCTL_URL || DEFAULT_URL);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url ${text} is not a URL; give one like ${DEFAULT_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url ${text} must start with http:// or https://`);
  return url.toString();
}

function reportError(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`sfuctl: ${error.message}\nrun sfuctl --help for the commands and options\n`);
    return ExitCode.Usage;
  }
  if (error instanceof ApiError) {
    process.stderr.write(`sfuctl: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`sfuctl: unexpected failure, please report it: ${(error as Error).stack ?? String(error)}\n`);
  return ExitCode.RequestFailed;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
