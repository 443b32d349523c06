import type { Command } from './command';

/** Signaling node asked when neither --url nor SFUCTL_URL is given: the first one `npm start` runs. */
export const DEFAULT_URL = 'http://127.0.0.1:3000';

const GLOBAL_OPTIONS = `global options:
  --url <url>      signaling node whose admin API to use (default ${DEFAULT_URL}, or SFUCTL_URL)
  --token <jwt>    token with the admin grant (or SFUCTL_TOKEN); in local mode sfuctl signs one itself when absent
  --json           print the admin API's JSON response instead of a table
  -h, --help       print help

exit status: 0 ok, 1 request failed, 2 usage error, 3 not found, 4 unauthorized or forbidden
`;

/** Formats the help text: every command, or one command in full. */
export function formatUsage(commands: Command[], command?: Command): string {
  if (command) return `usage: sfuctl ${synopsis(command)}\n\n${command.summary}\n\n${GLOBAL_OPTIONS}`;

  const lines = commands.map((entry) => `  ${synopsis(entry)}\n      ${entry.summary}`);
  return `usage: sfuctl <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n${GLOBAL_OPTIONS}`;
}

function synopsis(command: Command): string {
  return [command.name, ...command.arguments, command.synopsis].filter((part) => part !== '').join(' ');
}
