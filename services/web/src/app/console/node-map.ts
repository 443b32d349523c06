import { element } from '../dom';
import { t } from '../i18n';
import { morph } from './morph';
import { nodeBox, type NodeView } from './node-box';
import { drawPipeLines, linksBetweenNodes } from './pipe-lines';
import type { ClusterSnapshot } from './types';

const SVG = 'http://www.w3.org/2000/svg';

/** Lists every node with its state and rooms: registered nodes by id, then lost nodes whose record expired. */
export function nodeViews(snapshot: ClusterSnapshot): NodeView[] {
  const lost = new Set(snapshot.nodes.lost);
  const roomsOn = (nodeId: string) => snapshot.rooms.rooms.filter((room) => room.nodeIds.includes(nodeId));

  const views: NodeView[] = [...snapshot.nodes.nodes]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((record) => ({ nodeId: record.id, state: lost.has(record.id) ? 'lost' : record.state, record, rooms: roomsOn(record.id) }));
  for (const nodeId of [...lost].sort()) {
    if (!views.some((view) => view.nodeId === nodeId)) views.push({ nodeId, state: 'lost', rooms: roomsOn(nodeId) });
  }
  return views;
}

/**
 * Renders the cluster map into container: the node boxes placed around an
 * ellipse (two nodes side by side), and under them an SVG with one line
 * per pair of nodes that has pipes. The container is updated in place.
 */
export function renderNodeMap(container: HTMLElement, snapshot: ClusterSnapshot, selectedRoomId: string | undefined): void {
  const views = nodeViews(snapshot);
  const fresh = container.cloneNode(false) as HTMLElement;
  fresh.classList.toggle('map-tall', views.length > 2);
  if (views.length === 0) {
    fresh.append(element('p', 'map-empty', [t('consoleNoNodes')]));
    morph(container, fresh);
    return;
  }

  const layer = document.createElementNS(SVG, 'svg');
  layer.setAttribute('class', 'pipe-layer');
  const boxes = views.map((view, index) => placeBox(nodeBox(view, selectedRoomId), index, views.length));
  fresh.append(layer, ...boxes, element('p', 'map-legend', [t('consoleLegend')]));
  morph(container, fresh);

  const svg = container.querySelector('svg.pipe-layer') as SVGSVGElement;
  const origin = container.getBoundingClientRect();
  const centres = new Map<string, { x: number; y: number }>();
  for (const box of container.querySelectorAll<HTMLElement>('.node-box')) {
    const rect = box.getBoundingClientRect();
    centres.set(box.dataset.nodeId ?? '', { x: rect.left - origin.left + rect.width / 2, y: rect.top - origin.top + rect.height / 2 });
  }
  drawPipeLines(svg, linksBetweenNodes(snapshot.pipes.pipes), centres);
}

/**
 * Centres box number index of count on an ellipse around the middle of the
 * map, the first one on the left. The radii leave half a box (8 rem wide,
 * up to 11 rem high) plus a margin to each edge, so every box stays inside.
 */
function placeBox(box: HTMLElement, index: number, count: number): HTMLElement {
  const angle = Math.PI + (2 * Math.PI * index) / count;
  const cos = count === 1 ? 0 : Math.cos(angle);
  const sin = count <= 2 ? 0 : Math.sin(angle);
  box.style.left = `calc(50% + (50% - 9rem) * ${cos.toFixed(4)})`;
  box.style.top = `calc(50% + (50% - 12rem) * ${sin.toFixed(4)})`;
  return box;
}
