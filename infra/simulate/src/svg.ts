import type { ScalingRule } from './rule';
import type { SimulationReport } from './simulate';

const WIDTH = 900;
const HEIGHT = 360;
const PAD = 50;

/** Draws nodes (provisioned and draining) and load in node units over the day, as a standalone SVG. */
export function drawSvg(report: SimulationReport, rule: ScalingRule): string {
  const samples = report.samples;
  const top = Math.max(1, ...samples.map((sample) => sample.nodes)) * 1.1;
  const x = (time: number): number => PAD + (time / 86_400) * (WIDTH - 2 * PAD);
  const y = (value: number): number => HEIGHT - PAD - (value / top) * (HEIGHT - 2 * PAD);
  const line = (read: (sample: SimulationReport['samples'][number]) => number): string =>
    samples.map((sample, index) => `${index === 0 ? 'M' : 'L'}${x(sample.time).toFixed(1)},${y(read(sample)).toFixed(1)}`).join(' ');

  const hours = [0, 6, 12, 18, 24]
    .map((hour) => `<text x="${x(hour * 3600)}" y="${HEIGHT - PAD + 18}" text-anchor="middle">${hour}:00</text>`)
    .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((part) => Math.round(top * part))
    .map((value) => `<text x="${PAD - 8}" y="${y(value) + 4}" text-anchor="end">${value}</text>`)
    .join('');

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${PAD}" y="20" font-size="14">SFU nodes and load over one day: ${report.rooms} rooms, threshold ${rule.threshold}, utilisation ${(report.utilisation * 100).toFixed(1)}%, ${report.rejectedJoins} rejected joins</text>
<line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" stroke="black"/>
<line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${HEIGHT - PAD}" stroke="black"/>
${hours}${ticks}
<path d="${line((sample) => sample.nodes)}" fill="none" stroke="#1f77b4" stroke-width="2"/>
<path d="${line((sample) => sample.draining)}" fill="none" stroke="#ff7f0e" stroke-width="1.5"/>
<path d="${line((sample) => sample.load)}" fill="none" stroke="#2ca02c" stroke-width="2"/>
<text x="${WIDTH - PAD - 250}" y="${PAD}" fill="#1f77b4">nodes (provisioned)</text>
<text x="${WIDTH - PAD - 250}" y="${PAD + 16}" fill="#ff7f0e">nodes draining</text>
<text x="${WIDTH - PAD - 250}" y="${PAD + 32}" fill="#2ca02c">load in node capacities</text>
</svg>
`;
}
