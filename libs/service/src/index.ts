export { healthRouter, type HealthProbes } from './health';
export { listen, closeServer } from './http';
export { onShutdown, type ShutdownStep } from './shutdown';
export { runMain } from './run';
