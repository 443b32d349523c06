import type * as Mediasoup from 'mediasoup';

/**
 * Loads mediasoup with the worker binary this project built. mediasoup reads
 * MEDIASOUP_WORKER_BIN once, when its module is first loaded, so the variable
 * is set here, before the first require, and nowhere else.
 */
export function loadMediasoup(workerBin: string): typeof Mediasoup {
  process.env.MEDIASOUP_WORKER_BIN = workerBin;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('mediasoup') as typeof Mediasoup;
}
