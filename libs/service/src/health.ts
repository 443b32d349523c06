import { Router } from 'express';

export interface HealthProbes {
  /**
   * Liveness: what the process reports about itself. Never depends on Redis,
   * so an orchestrator does not restart every pod while Redis is away.
   */
  health: () => Record<string, unknown>;
  /** Readiness: false while the process cannot serve new work (Redis away, draining). */
  ready: () => { ready: boolean; reason?: string };
}

/**
 * GET /api/v1/health answers 200 while the process runs; GET /api/v1/ready
 * answers 200 or 503 with the reason.
 */
export function healthRouter(probes: HealthProbes): Router {
  const router = Router();

  router.get('/api/v1/health', (_req, res) => {
    res.json({ status: 'ok', ...probes.health() });
  });

  router.get('/api/v1/ready', (_req, res) => {
    const readiness = probes.ready();
    res.status(readiness.ready ? 200 : 503).json(readiness);
  });

  return router;
}
