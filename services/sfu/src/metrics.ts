import { Gauge, Registry } from 'prom-client';

import type { SfuNode } from './sfu-node';

/**
 * Prometheus metrics of one SFU node, read from the node at scrape time so
 * they never drift from what the node holds.
 */
export function createMetrics(node: SfuNode, nodeId: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });

  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  };

  gauge('sfu_workers', 'mediasoup workers running', () => node.pool.list().length);
  gauge('sfu_rooms', 'rooms with a router on this node', () => node.media.load().rooms);
  gauge('sfu_routers', 'mediasoup routers', () => node.media.load().routers);
  gauge('sfu_peers', 'peers with transports on this node', () => node.media.load().peers);
  gauge('sfu_transports', 'client transports (WebRTC and plain)', () => node.media.load().transports);
  gauge('sfu_producers', 'producers published on this node', () => node.media.load().producers);
  gauge('sfu_consumers', 'consumers of clients on this node', () => node.media.load().consumers);
  gauge('sfu_pipe_transports', 'PipeTransports to other nodes, one per room and node pair', () => node.pipes.linkList().length);
  gauge('sfu_piped_producers', 'producers carried over pipes to or from other nodes', () =>
    node.pipes.linkList().reduce((total, link) => total + link.producers, 0),
  );
  gauge('sfu_bitrate_in_bps', 'bits per second received on all transports', () => node.loadSample().bitrateIn);
  gauge('sfu_bitrate_out_bps', 'bits per second sent on all transports', () => node.loadSample().bitrateOut);
  gauge('sfu_worker_cpu_ratio', 'mean CPU use of the workers, 0 to 1 each', () => node.loadSample().cpu);
  gauge('sfu_draining', '1 while the node drains', () => (node.state === 'draining' ? 1 : 0));

  return registry;
}
