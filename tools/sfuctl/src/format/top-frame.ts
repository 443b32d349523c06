import type { NodesResponse } from '../types';
import type { Palette } from './color';
import { formatNodes } from './nodes';
import { formatBitrate, plural } from './units';

/** Formats one frame of sfuctl top: a summary line of the whole cluster, then the node table. */
export function formatTopFrame(response: NodesResponse, url: string, palette: Palette, nowMs: number = Date.now()): string {
  const active = response.nodes.filter((node) => node.state === 'active').length;
  const draining = response.nodes.length - active;
  const peers = response.nodes.reduce((sum, node) => sum + node.load.peers, 0);
  const bitrateIn = response.nodes.reduce((sum, node) => sum + node.load.bitrateIn, 0);
  const bitrateOut = response.nodes.reduce((sum, node) => sum + node.load.bitrateOut, 0);

  const title = palette.bold(`sfuctl top  ${url}  ${new Date(nowMs).toISOString()}`);
  const summary =
    `${plural(response.nodes.length, 'node')}: ${active} active, ${draining} draining, ${response.lost.length} lost` +
    `  ${plural(peers, 'peer')}  in ${formatBitrate(bitrateIn)}  out ${formatBitrate(bitrateOut)}`;
  return `${title}\n${summary}\n\n${formatNodes(response, palette, nowMs)}`;
}
