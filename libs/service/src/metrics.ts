import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Express } from 'express';

/**
 * Creates a Prometheus registry for one process, with the process's own
 * metrics (CPU, memory, event loop lag) and every series labelled with its
 * node, and serves it on GET /metrics.
 */
export function createProcessMetrics(app: Express, labels: { service: string; node: string }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });

  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
