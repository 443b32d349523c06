/** ANSI colours for terminal output; every function returns the text unchanged when colour is off. */
export interface Palette {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (code: number, reset: number) => (text: string) => `\x1b[${code}m${text}\x1b[${reset}m`;

const ansi: Palette = { green: wrap(32, 39), yellow: wrap(33, 39), red: wrap(31, 39), dim: wrap(2, 22), bold: wrap(1, 22) };

const plain: Palette = { green: same, yellow: same, red: same, dim: same, bold: same };

function same(text: string): string {
  return text;
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function paletteFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Palette {
  return stream.isTTY && !env.NO_COLOR ? ansi : plain;
}

/** Colours a node or room state: active green, draining yellow, lost and unreachable red. */
export function colorState(palette: Palette, state: string): string {
  if (state === 'active') return palette.green(state);
  if (state === 'draining' || state === 'closing') return palette.yellow(state);
  if (state === 'lost' || state === 'unreachable') return palette.red(state);
  return state;
}

/** Length of the text as a terminal shows it, without ANSI escape sequences. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}
