// npm run bench [-- --only NAME[,NAME] --duration SECONDS --out DIR ...]: runs
// the benchmarks one after another, prints one table with every bar met or
// missed, and writes bench/results/<name>.json per benchmark.
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { runClusterTaxBench } from './cluster-tax';
import { runFailoverBench } from './failover';
import { runJanusBench } from './janus';
import { runJoinBench } from './join';
import { runPipeBench } from './pipe';
import { runPlacementBench } from './placement';
import { renderTable, writeResult, type BenchResult } from './result';
import { runSoakBench } from './soak';
import { runWireBench } from './wire';
import { SHAPES } from './workload';

const repoRoot = join(__dirname, '..', '..');

const HELP = `Usage: npm run bench -- [options]

  --only NAMES          comma-separated benchmarks to run (default: all): placement, wire, cluster-tax, janus, pipe, join, failover, soak
  --duration SECONDS    measured seconds per benchmark and per baseline (default 20)
  --out DIR             directory of the JSON results (default bench/results)
  --nodes N             placement: node records (default 1000)
  --rooms N             placement: rooms seeded before the measurement (default 100000)
  --seed-nodes N        placement: nodes registered while rooms are seeded (default 10)
  --clients N           placement: concurrent clients, and redis-benchmark -c (default 8)
  --shape NAME          wire, cluster-tax, janus, pipe: workload shape, audio, video or livestream (default video)
  --subscribers N       wire, cluster-tax, janus, pipe: subscribers, each consuming every publisher (default 10)
  --warmup SECONDS      wire, cluster-tax, janus, pipe: seconds of media before the measured window (default 2)
  --joiners N           join: measured joins per server (default 100)
  --join-batch N        join: joins started together (default 1)
  --failover-clients N  failover: clients on the killed worker, and on the killed node (default 20)
  --soak-minutes N      soak: minutes of the call, warm-up included (default 3)
  --help                print this text
`;

const BENCHMARKS = ['placement', 'wire', 'cluster-tax', 'janus', 'pipe', 'join', 'failover', 'soak'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`invalid --${name} ${text}: use an integer of 1 or more`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: BENCHMARKS.join(',') },
      duration: { type: 'string', default: '20' },
      out: { type: 'string', default: join(repoRoot, 'bench', 'results') },
      nodes: { type: 'string', default: '1000' },
      rooms: { type: 'string', default: '100000' },
      'seed-nodes': { type: 'string', default: '10' },
      clients: { type: 'string', default: '8' },
      shape: { type: 'string', default: 'video' },
      subscribers: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      joiners: { type: 'string', default: '100' },
      'join-batch': { type: 'string', default: '1' },
      'failover-clients': { type: 'string', default: '20' },
      'soak-minutes': { type: 'string', default: '3' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }

  const selected = values.only.split(',').map((name) => name.trim());
  for (const name of selected) {
    if (!(BENCHMARKS as readonly string[]).includes(name)) throw new Error(`unknown benchmark "${name}": use one of ${BENCHMARKS.join(', ')}`);
  }
  const durationSeconds = positiveInteger('duration', values.duration);
  const shape = SHAPES[values.shape as keyof typeof SHAPES];
  if (shape === undefined) throw new Error(`invalid --shape ${values.shape}: use ${Object.keys(SHAPES).join(', ')}`);
  const forwardingWindow = {
    subscribers: positiveInteger('subscribers', values.subscribers),
    warmupSeconds: positiveInteger('warmup', values.warmup),
    durationSeconds,
  };

  const runs: Record<BenchmarkName, () => Promise<BenchResult>> = {
    placement: () =>
      runPlacementBench({
        nodes: positiveInteger('nodes', values.nodes),
        rooms: positiveInteger('rooms', values.rooms),
        seedNodes: positiveInteger('seed-nodes', values['seed-nodes']),
        clients: positiveInteger('clients', values.clients),
        durationSeconds,
        newRoomShare: 0.1,
        log,
      }),
    wire: () => runWireBench({ ...forwardingWindow, shape, log }),
    'cluster-tax': () => runClusterTaxBench({ ...forwardingWindow, shape, log }),
    join: () => runJoinBench({ joiners: positiveInteger('joiners', values.joiners), batch: positiveInteger('join-batch', values['join-batch']), log }),
    failover: () => runFailoverBench({ clients: positiveInteger('failover-clients', values['failover-clients']), log }),
    soak: () => runSoakBench({ minutes: positiveInteger('soak-minutes', values['soak-minutes']), log }),
    janus: () => runJanusBench({ ...forwardingWindow, shape, log }),
    pipe: () => runPipeBench({ ...forwardingWindow, shape, log }),
  };

  // One at a time: each benchmark measures CPU, and two would measure each other.
  // A benchmark that throws (a missing package, a server that did not
  // start) is reported and the others still run.
  const results: BenchResult[] = [];
  const failures: string[] = [];
  for (const name of BENCHMARKS.filter((benchmark) => selected.includes(benchmark))) {
    log(`${name}: starting`);
    try {
      const result = await runs[name]();
      log(`${name}: wrote ${writeResult(values.out, result)}`);
      results.push(result);
    } catch (error) {
      log(`${name}: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  process.stdout.write(`\n${renderTable(results)}\n`);
  for (const result of results) {
    for (const note of result.notes) process.stdout.write(`\n${result.name}: ${note}`);
  }
  for (const failure of failures) process.stdout.write(`\nFAILED to run ${failure}`);
  process.stdout.write('\n');
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
