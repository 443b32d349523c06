import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { repoRoot } from '@sfu-cluster/testkit';

import { countByNode, keepNodesAlive, nodeRecord, startTestRegistry, type TestRegistry } from './helpers';

interface ChildDecision {
  nodeId?: string;
  rule: string;
}

let harness: TestRegistry;
let stopHeartbeats: (() => void) | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // The child processes run the compiled registry, so it must match the sources under test.
  execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-b', 'libs/registry'], { cwd: repoRoot, stdio: 'inherit' });
  harness = await startTestRegistry();
});

afterAll(async () => {
  stopHeartbeats?.();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await harness.stop();
});

/** Starts a placing process and resolves once it has connected, with a function to start it and its output. */
async function startPlacer(prefix: string, roomId: string, count: number, label: string) {
  const script = join(__dirname, 'fixtures/place-from-process.mjs');
  const child = spawn(process.execPath, [script, harness.server.url, prefix, roomId, String(count), label], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);

  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const output: string[] = [];
  let onLine: (() => void) | undefined;
  lines.on('line', (line) => {
    output.push(line);
    onLine?.();
  });
  const nextLine = (index: number) =>
    new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`placer ${label} exited with code ${code} before line ${index}`)));
      const check = () => {
        if (output[index] !== undefined) resolve(output[index] as string);
      };
      onLine = check;
      check();
    });

  expect(await nextLine(0)).toBe('ready');
  return {
    go: () => (child.stdin as NodeJS.WritableStream).write('go\n'),
    decisions: async () => JSON.parse(await nextLine(1)) as ChildDecision[],
  };
}

describe('placement across processes', () => {
  test('100 concurrent joins of a new room land on one node', async () => {
    const { registry, prefix } = harness.fresh();
    stopHeartbeats = await keepNodesAlive(registry, ['a', 'b', 'c'].map((id) => nodeRecord(id, { maxPeers: 200 })));
    const first = await startPlacer(prefix, 'new-room', 50, 'first');
    const second = await startPlacer(prefix, 'new-room', 50, 'second');

    first.go();
    second.go();
    const decisions = [...(await first.decisions()), ...(await second.decisions())];

    const counts = countByNode(decisions.map((decision) => decision.nodeId));
    expect(decisions).toHaveLength(100);
    expect(counts.size).toBe(1);
    expect([...counts.values()]).toEqual([100]);
    expect(decisions.filter((decision) => decision.rule === 'lowest-load')).toHaveLength(1);
    expect(decisions.filter((decision) => decision.rule === 'room-affinity')).toHaveLength(99);
    expect((await registry.rooms.get('new-room'))?.nodeIds).toHaveLength(1);
  });
});
