import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './support/kustomize';

const DASHBOARD = 'infra/grafana/sfu-cluster.json';

/** Every .ts source file of the services and libs, where metric names are defined. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist' || entry === 'test') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(join(repoRoot, DASHBOARD), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
  const code = ['services', 'libs'].flatMap((dir) => sources(join(repoRoot, dir))).map((file) => readFileSync(file, 'utf8')).join('\n');

  test('queries only metrics the code exports', () => {
    const missing: string[] = [];
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const [name] of target.expr.matchAll(/\b(?:sfu|signaling|lifecycle)_[a-z_]+/g)) {
          // Histograms export name_bucket, name_sum and name_count.
          const base = name.replace(/_(bucket|sum|count)$/, '');
          if (!code.includes(`'${base}'`)) missing.push(`${DASHBOARD}: ${panel.title}: ${name}`);
        }
      }
    }

    expect(missing).toEqual([]);
  });

  test('covers load, joins, failures and pipes', () => {
    const titles = dashboard.panels.map((panel) => panel.title.toLowerCase()).join('\n');

    for (const topic of ['peers', 'consumers', 'joins', 'failures', 'pipes', 'cpu']) expect(titles).toContain(topic);
  });
});
