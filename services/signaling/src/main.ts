import { createServer } from 'node:http';

import { createAdapter } from '@socket.io/redis-adapter';
import express from 'express';
import { Server as SocketServer } from 'socket.io';

import { loadOrExit, loadSignalingConfig } from '@sfu-cluster/config';
import { createLogger } from '@sfu-cluster/logger';
import { createRedis, redisStatus } from '@sfu-cluster/registry';
import { closeServer, healthRouter, listen, onShutdown, runMain } from '@sfu-cluster/service';

async function main(): Promise<void> {
  const config = loadOrExit(loadSignalingConfig, 'signaling');
  const nodeId = `signaling-${config.port}-${process.pid}`;
  const logger = createLogger({
    service: 'signaling',
    level: config.logLevel,
    format: config.logFormat,
    context: { nodeId },
  });

  const redis = createRedis(config.redis, { connectionName: `signaling:${nodeId}` });
  redis.on('error', (error) => logger.warn('redis connection error; retrying', { error: error.message }));

  const app = express();
  app.use(
    healthRouter({
      health: () => ({ service: 'signaling', nodeId, redis: redisStatus(redis) }),
      ready: () => (redisStatus(redis) === 'up' ? { ready: true } : { ready: false, reason: 'redis is not connected' }),
    }),
  );

  // The adapter needs a publisher and a dedicated subscriber connection.
  const pub = redis.duplicate();
  const sub = redis.duplicate();
  pub.on('error', () => undefined);
  sub.on('error', () => undefined);

  const server = createServer(app);
  const io = new SocketServer(server, {
    transports: ['websocket'],
    adapter: createAdapter(pub, sub, { key: `${config.redis.prefix}socket.io` }),
  });

  await listen(server, config.host, config.port, logger);
  logger.info('signaling node started', { host: config.host, port: config.port });

  onShutdown(logger, [
    { name: 'sockets', run: () => void io.close() },
    { name: 'http', run: () => closeServer(server) },
    { name: 'redis', run: async () => void (await Promise.all([redis.quit(), pub.quit(), sub.quit()])) },
  ]);
}

runMain('signaling', main);
