import { formatBitrate, pipeWidth } from './format';
import type { PipeEntry } from './types';

const SVG = 'http://www.w3.org/2000/svg';

/** The pipes between two nodes, both directions and every room, summed. */
export interface NodeLink {
  nodeIds: [string, string];
  bitrate: number;
  roomIds: string[];
}

/** Sums the per-room, per-direction pipe entries into one link per pair of nodes. */
export function linksBetweenNodes(pipes: PipeEntry[]): NodeLink[] {
  const links = new Map<string, NodeLink>();

  for (const pipe of pipes) {
    const nodeIds = [pipe.fromNodeId, pipe.toNodeId].sort() as [string, string];
    const key = nodeIds.join('\n');
    const link = links.get(key) ?? { nodeIds, bitrate: 0, roomIds: [] };
    link.bitrate += pipe.bitrate;
    if (!link.roomIds.includes(pipe.roomId)) link.roomIds.push(pipe.roomId);
    links.set(key, link);
  }
  return [...links.values()];
}

/**
 * Draws one line per link between the centres of the two node boxes, with
 * its stroke width by bitrate, a bitrate label and the rooms as its title. The
 * node boxes sit above the SVG, so each line shows between the boxes.
 */
export function drawPipeLines(svg: SVGSVGElement, links: NodeLink[], centres: Map<string, { x: number; y: number }>): void {
  svg.replaceChildren();

  for (const link of links) {
    const from = centres.get(link.nodeIds[0]);
    const to = centres.get(link.nodeIds[1]);
    if (!from || !to) continue;

    const line = document.createElementNS(SVG, 'line');
    line.setAttribute('class', 'pipe-line');
    line.setAttribute('x1', String(from.x));
    line.setAttribute('y1', String(from.y));
    line.setAttribute('x2', String(to.x));
    line.setAttribute('y2', String(to.y));
    line.setAttribute('stroke-width', pipeWidth(link.bitrate).toFixed(1));
    line.dataset.nodes = link.nodeIds.join(' ');
    line.dataset.bitrate = String(Math.round(link.bitrate));

    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('class', 'pipe-label');
    label.setAttribute('x', String((from.x + to.x) / 2));
    label.setAttribute('y', String((from.y + to.y) / 2 - 12));
    label.setAttribute('text-anchor', 'middle');
    label.textContent = formatBitrate(link.bitrate);

    // The rooms show on hover; the node boxes list them too, and long room ids would cover the boxes.
    const title = document.createElementNS(SVG, 'title');
    title.textContent = link.roomIds.join(', ');
    line.append(title);

    svg.append(line, label);
  }
}
