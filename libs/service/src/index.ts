export { healthRouter, type HealthProbes } from './health';
export { listen, closeServer } from './http';
export { onShutdown, type ShutdownStep, type ShutdownOptions } from './shutdown';
export { runMain } from './run';
export { createProcessMetrics } from './metrics';
