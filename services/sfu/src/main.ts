import { createServer } from 'node:http';

import express from 'express';

import { loadOrExit, loadSfuConfig } from '@sfu-cluster/config';
import { createLogger } from '@sfu-cluster/logger';
import { redisStatus } from '@sfu-cluster/registry';
import { closeServer, healthRouter, listen, onShutdown, runMain } from '@sfu-cluster/service';

import { loadMediasoup } from './mediasoup';
import { createMetrics } from './metrics';
import { SfuNode } from './sfu-node';

async function main(): Promise<void> {
  const config = loadOrExit(loadSfuConfig, 'sfu');
  const logger = createLogger({
    service: 'sfu',
    level: config.logLevel,
    format: config.logFormat,
    context: { nodeId: config.nodeId },
  });

  let shutdown = async (): Promise<void> => process.exit(0);
  const node = new SfuNode(loadMediasoup(config.workerBin), config, logger, () => void shutdown());
  try {
    await node.startMedia();
  } catch (error) {
    logger.error('could not start the mediasoup workers; check that MEDIASOUP_WORKER_BIN runs and the media ports are free', {
      workerBin: config.workerBin,
      error: (error as Error).message,
    });
    await node.stop();
    process.exit(1);
  }

  const app = express();
  app.use(
    healthRouter({
      health: () => ({
        service: 'sfu',
        nodeId: config.nodeId,
        region: config.region,
        state: node.state,
        redis: redisStatus(node.redis),
        workers: node.pool.list().map((entry) => ({
          index: entry.index,
          pid: entry.worker.pid,
          webRtcServerPort: entry.webRtcServerPort,
        })),
        load: node.media.load(),
      }),
      ready: () => {
        if (node.state !== 'active') return { ready: false, reason: `node is ${node.state}` };
        if (redisStatus(node.redis) !== 'up') return { ready: false, reason: 'redis is not connected' };
        if (node.pool.list().length < config.workerNum) return { ready: false, reason: 'a worker is respawning' };
        return { ready: true };
      },
    }),
  );
  const metrics = createMetrics(node, config.nodeId);
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  const server = createServer(app);
  try {
    await listen(server, config.host, config.port, logger);
  } catch (error) {
    await node.stop();
    throw error;
  }

  shutdown = onShutdown(
    logger,
    [
      { name: 'http', run: () => closeServer(server) },
      { name: 'sfu node', run: () => node.stop() },
    ],
    // SIGTERM (Kubernetes, docker stop) drains; SIGINT stops at once.
    { onSigterm: () => void node.drain('SIGTERM') },
  );

  // The health route responds from here on; the node joins the cluster once Redis is ready.
  await node.start();
  logger.info('sfu node started', { workers: config.workerNum, announcedIp: config.announcedIp, port: config.port });
}

runMain('sfu', main);
