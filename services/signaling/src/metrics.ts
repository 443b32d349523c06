import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Counters and timers of a signaling node: sockets, joins and their failures, client events and their latency. */
export interface SignalingMetrics {
  joins: Counter<'outcome'>;
  events: Counter<'event' | 'outcome'>;
  eventSeconds: Histogram<'event'>;
}

export function createSignalingMetrics(registry: Registry, sockets: () => number): SignalingMetrics {
  new Gauge({
    name: 'signaling_sockets',
    help: 'client sockets connected to this signaling node',
    registers: [registry],
    collect() {
      this.set(sockets());
    },
  });

  return {
    joins: new Counter({ name: 'signaling_joins_total', help: 'joins, by outcome (ok or an error code)', labelNames: ['outcome'], registers: [registry] }),
    events: new Counter({
      name: 'signaling_events_total',
      help: 'client events handled, by event and outcome (ok or an error code)',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    }),
    eventSeconds: new Histogram({
      name: 'signaling_event_seconds',
      help: 'time to respond to a client event, SFU round trips included',
      labelNames: ['event'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
