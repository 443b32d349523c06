import type { NodesResponse } from '../types';
import { colorState, type Palette } from './color';
import { formatTable, type Column } from './table';
import { formatAge, formatBitrate, formatPercent, formatUsage } from './units';

const columns: Column[] = [
  { header: 'NODE' },
  { header: 'STATE' },
  { header: 'REGION' },
  { header: 'PEERS', align: 'right' },
  { header: 'CONSUMERS', align: 'right' },
  { header: 'CPU', align: 'right' },
  { header: 'IN', align: 'right' },
  { header: 'OUT', align: 'right' },
  { header: 'VERSION' },
  { header: 'AGE', align: 'right' },
];

/**
 * Formats the nodes as a table, one row per live node sorted by id, then
 * one row per lost node with its state as "lost". AGE is the time since the
 * node last wrote its record; more than a few seconds means it stopped.
 */
export function formatNodes(response: NodesResponse, palette: Palette, nowMs: number = Date.now()): string {
  const live = [...response.nodes].sort((a, b) => a.id.localeCompare(b.id));
  const rows = live.map((node) => [
    node.id,
    colorState(palette, node.state),
    node.region,
    formatUsage(node.load.peers, node.capacity.maxPeers),
    formatUsage(node.load.consumers, node.capacity.maxConsumers),
    formatPercent(node.load.cpu),
    formatBitrate(node.load.bitrateIn),
    formatBitrate(node.load.bitrateOut),
    node.version,
    formatAge(node.updatedAt, nowMs),
  ]);
  const lost = [...response.lost].sort().map((id) => [id, colorState(palette, 'lost'), '-', '-', '-', '-', '-', '-', '-', '-']);

  if (rows.length + lost.length === 0) return 'no SFU nodes are registered; start one, or check that --url points at the right cluster\n';
  return formatTable(columns, [...rows, ...lost]);
}
