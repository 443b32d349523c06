import { element } from '../dom';
import { t } from '../i18n';
import { nodeBox, type NodeBoxActions, type NodeView } from './node-box';
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
 * per pair of nodes that has pipes.
 */
export function renderNodeMap(container: HTMLElement, snapshot: ClusterSnapshot, selectedRoomId: string | undefined, actions: NodeBoxActions): void {
  const views = nodeViews(snapshot);
  if (views.length === 0) {
    container.replaceChildren(element('p', 'map-empty', [t('consoleNoNodes')]));
    return;
  }

  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'pipe-layer');
  const boxes = views.map((view, index) => placeBox(nodeBox(view, selectedRoomId, actions), index, views.length));
  container.classList.toggle('map-tall', views.length > 2);
  container.replaceChildren(svg, ...boxes, element('p', 'map-legend', [t('consoleLegend')]));

  const origin = container.getBoundingClientRect();
  const centres = new Map<string, { x: number; y: number }>();
  for (const box of boxes) {
    const rect = box.getBoundingClientRect();
    centres.set(box.dataset.nodeId ?? '', { x: rect.left - origin.left + rect.width / 2, y: rect.top - origin.top + rect.height / 2 });
  }
  drawPipeLines(svg, linksBetweenNodes(snapshot.pipes.pipes), centres);
}

/** Centres box number index of count on an ellipse around the middle of the map, the first one on the left. */
function placeBox(box: HTMLElement, index: number, count: number): HTMLElement {
  if (count === 1) {
    box.style.left = '50%';
    box.style.top = '50%';
    return box;
  }

  const angle = Math.PI + (2 * Math.PI * index) / count;
  const verticalRadius = count > 2 ? 28 : 0;
  box.style.left = `${50 + 36 * Math.cos(angle)}%`;
  box.style.top = `${50 + verticalRadius * Math.sin(angle)}%`;
  return box;
}
