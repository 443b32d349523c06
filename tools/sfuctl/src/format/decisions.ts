import type { PlacementCandidate, PlacementDecision } from '../types';
import type { Palette } from './color';
import { formatTable } from './table';

/**
 * Formats a room's recorded placement decisions, newest first: when, the
 * rule that chose, the chosen node and worker, how many nodes placement
 * examined, then each examined node with its load score, or why it was
 * excluded.
 */
export function formatDecisions(decisions: PlacementDecision[], palette: Palette): string {
  if (decisions.length === 0) return 'placement decisions: none recorded (they expire a day after the last one)\n';

  const blocks = decisions.map((decision) => {
    const chosen = decision.nodeId === undefined ? palette.red('no node chosen') : `→ ${decision.nodeId} worker ${decision.workerIndex ?? '?'}`;
    const subject = decision.peerId === undefined ? '' : `  peer ${decision.peerId}`;
    const reason = decision.reason === undefined ? '' : `  reason: ${decision.reason}`;
    const title = `${new Date(decision.at).toISOString()}  ${palette.bold(decision.rule)}  ${chosen}  epoch ${decision.epoch}${subject}${reason}`;
    if (decision.candidates.length === 0) return `${title}\n    no candidates\n`;

    const rows = decision.candidates.map((candidate) => candidateRow(candidate, decision.nodeId));
    const table = formatTable(
      [{ header: 'CANDIDATE' }, { header: 'REGION' }, { header: 'HOSTS ROOM' }, { header: 'PEERS', align: 'right' }, { header: 'CONSUMERS', align: 'right' }, { header: 'SCORE', align: 'right' }, { header: 'RESULT' }],
      rows,
    );
    const examined =
      decision.activeNodes === undefined ? '' : `    examined ${decision.candidates.length} nodes; ${decision.activeNodes} active in the cluster\n`;
    return `${title}\n${examined}${indent(table, '    ')}`;
  });
  return `placement decisions, newest first\n${blocks.join('')}`;
}

function candidateRow(candidate: PlacementCandidate, chosenNodeId: string | undefined): string[] {
  const result = candidate.excluded ?? (candidate.nodeId === chosenNodeId ? 'chosen' : 'fit');
  return [
    candidate.nodeId,
    candidate.region ?? '-',
    candidate.hostsRoom ? 'yes' : 'no',
    candidate.peers === undefined ? '-' : String(candidate.peers),
    candidate.consumers === undefined ? '-' : String(candidate.consumers),
    candidate.score === undefined ? '-' : candidate.score.toFixed(2),
    result,
  ];
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : prefix + line))
    .join('\n');
}
