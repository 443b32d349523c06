// npm run simulate [-- --rooms N --seed N --out DIR]: one simulated day of
// rooms on a real Redis with the real placement script and the autoscaler
// rule from k8s/base; prints a table, writes JSON and an SVG picture.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { Redis } from 'ioredis';

import { startRedis } from '@sfu-cluster/testkit';

import { readScalingRule } from './rule';
import { simulate, type SimulationReport } from './simulate';
import { drawSvg } from './svg';
import { makeTrace } from './trace';

const repoRoot = join(__dirname, '..', '..', '..');
const ROOM_MAX_PEERS = 100;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rooms: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '7' },
      out: { type: 'string', default: join(repoRoot, 'bench', 'results') },
    },
  });
  const rooms = Number(values.rooms);
  const seed = Number(values.seed);
  if (!Number.isInteger(rooms) || rooms < 1) throw new Error(`--rooms ${values.rooms} is not a positive integer`);

  const rule = readScalingRule(join(repoRoot, 'k8s/base/sfu-autoscaler.yaml'), join(repoRoot, 'k8s/base/sfu.yaml'));
  const trace = makeTrace(rooms, seed, ROOM_MAX_PEERS);

  const started = Date.now();
  const server = await startRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
  let report: SimulationReport;
  try {
    report = await simulate(redis, rule, trace);
  } finally {
    redis.disconnect();
    await server.stop();
  }
  const seconds = (Date.now() - started) / 1000;

  const rows: [string, string][] = [
    ['rooms', String(report.rooms)],
    ['joins', String(report.joins)],
    ['rejected joins', String(report.rejectedJoins)],
    ['peak nodes', String(report.peakNodes)],
    ['mean nodes', report.meanNodes.toFixed(2)],
    ['utilisation', `${(report.utilisation * 100).toFixed(1)}%`],
    ['drains', String(report.drains)],
    ['migrations', String(report.migrations)],
    ['nodes removed with rooms', String(report.removalsWithRooms)],
    ['run time', `${seconds.toFixed(1)} s`],
  ];
  for (const [name, value] of rows) process.stdout.write(`${name.padEnd(26)}${value}\n`);

  mkdirSync(values.out, { recursive: true });
  const base = join(values.out, `simulate-${rooms}-rooms-seed-${seed}`);
  writeFileSync(`${base}.json`, JSON.stringify({ rule, seed, runSeconds: seconds, ...report }, null, 2));
  writeFileSync(`${base}.svg`, drawSvg(report, rule));
  process.stdout.write(`wrote ${base}.json and ${base}.svg\n`);

  const failed = report.rejectedJoins > 0 || report.utilisation <= 0.6 || report.removalsWithRooms > 0;
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: Error) => {
  process.stderr.write(`simulation failed: ${error.message}\n`);
  process.exit(1);
});
