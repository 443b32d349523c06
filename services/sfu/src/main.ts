import { createServer } from 'node:http';

import express from 'express';

import { loadOrExit, loadSfuConfig } from '@sfu-cluster/config';
import { createLogger } from '@sfu-cluster/logger';
import { createRedis, redisStatus } from '@sfu-cluster/registry';
import { closeServer, healthRouter, listen, onShutdown, runMain } from '@sfu-cluster/service';

import { loadMediasoup } from './mediasoup';
import { WorkerPool } from './worker-pool';

async function main(): Promise<void> {
  const config = loadOrExit(loadSfuConfig, 'sfu');
  const logger = createLogger({
    service: 'sfu',
    level: config.logLevel,
    format: config.logFormat,
    context: { nodeId: config.nodeId },
  });

  const mediasoup = loadMediasoup(config.workerBin);
  const pool = new WorkerPool(mediasoup, config, logger);
  try {
    await pool.start();
  } catch (error) {
    logger.error('could not start mediasoup workers; check that MEDIASOUP_WORKER_BIN runs and the ports are free', {
      workerBin: config.workerBin,
      error: (error as Error).message,
    });
    pool.close();
    process.exit(1);
  }

  const redis = createRedis(config.redis, { connectionName: `sfu:${config.nodeId}` });
  redis.on('error', (error) => logger.warn('redis connection error; retrying', { error: error.message }));

  const app = express();
  app.use(
    healthRouter({
      health: () => ({
        service: 'sfu',
        nodeId: config.nodeId,
        region: config.region,
        redis: redisStatus(redis),
        workers: pool.list().map((entry) => ({
          index: entry.index,
          pid: entry.worker.pid,
          webRtcServerPort: entry.webRtcServerPort,
        })),
      }),
      ready: () => {
        if (redisStatus(redis) !== 'up') return { ready: false, reason: 'redis is not connected' };
        if (pool.list().length < config.workerNum) return { ready: false, reason: 'a worker is respawning' };
        return { ready: true };
      },
    }),
  );
  const server = createServer(app);
  await listen(server, config.host, config.port, logger);

  onShutdown(logger, [
    { name: 'http', run: () => closeServer(server) },
    { name: 'workers', run: () => pool.close() },
    { name: 'redis', run: async () => void (await redis.quit()) },
  ]);
  logger.info('sfu node started', { workers: config.workerNum, announcedIp: config.announcedIp, port: config.port });
}

runMain('sfu', main);
