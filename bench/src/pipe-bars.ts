/** Extra CPU of the pipe hop per piped producer, in consumers' worth of CPU. */
export const CPU_BAR = 1.0;

/** Milliseconds of one-way p99 latency the pipe hop may add. */
export const LATENCY_BAR_MS = 0.2;
