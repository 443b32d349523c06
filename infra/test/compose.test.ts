import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { ConfigError, loadLifecycleConfig, loadSfuConfig, loadSignalingConfig, loadWebConfig, type Env } from '../../libs/config/src';
import { repoRoot } from './support/kustomize';
import { unknownVariables } from './support/validate';

const FILE = 'docker-compose.cluster.yml';

interface Service {
  environment?: Record<string, string>;
  ports?: string[];
  build?: { target?: string };
}

/** Values for the variables compose requires from the operator (${NAME:?...}). */
const OPERATOR_VALUES: Record<string, string> = {
  MEDIASOUP_ANNOUNCED_IP: '203.0.113.7',
  JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters',
};

function loadCompose(text: string): Record<string, Service> {
  return (parse(text, { merge: true }) as { services: Record<string, Service> }).services;
}

/** Resolves ${NAME:-default} and ${NAME:?message} the way compose does with an empty shell environment. */
function interpolate(value: string): string {
  return String(value).replace(/\$\{([A-Z0-9_]+)(:-([^}]*)|:\?[^}]*)?\}/g, (_match, name: string, _rest, fallback?: string) => {
    if (OPERATOR_VALUES[name] !== undefined) return OPERATOR_VALUES[name];
    return fallback ?? '';
  });
}

function environmentOf(service: Service): Env {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(value)]));
}

/** Host and container ports a service publishes, expanded from ranges, by protocol. */
function published(service: Service): { port: number; protocol: string }[] {
  const ports: { port: number; protocol: string }[] = [];
  for (const entry of service.ports ?? []) {
    const match = /^(\d+)(?:-(\d+))?:(\d+)(?:-(\d+))?(?:\/(udp|tcp))?$/.exec(entry);
    if (!match) throw new Error(`${FILE}: ports entry "${entry}" is not host:container[/protocol]`);
    const first = Number(match[3]);
    const last = Number(match[4] ?? match[3]);
    for (let port = first; port <= last; port++) ports.push({ port, protocol: match[5] ?? 'tcp' });
  }
  return ports;
}

const LOADERS: Record<string, (env: Env) => { port: number }> = {
  signaling: loadSignalingConfig,
  sfu: (env) => loadSfuConfig({ ...env, MEDIASOUP_WORKER_BIN: '/usr/local/bin/mediasoup-worker' }),
  lifecycle: loadLifecycleConfig,
  web: loadWebConfig,
};

/** Every problem of a compose text, as "file: service.field: message". */
function problemsOf(text: string): string[] {
  const problems: string[] = [];

  for (const [name, service] of Object.entries(loadCompose(text))) {
    const names = Object.keys(service.environment ?? {}).map((variable) => ({ name: variable, field: `${name}.environment.${variable}` }));
    problems.push(...unknownVariables(FILE, names));

    const load = LOADERS[service.build?.target ?? ''];
    if (!load) continue;
    try {
      const config = load(environmentOf(service));
      if (!published(service).some((entry) => entry.port === config.port && entry.protocol === 'tcp')) {
        problems.push(`${FILE}: ${name}.ports: PORT ${config.port} is not published`);
      }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems) problems.push(`${FILE}: ${name}.environment: ${problem}`);
    }
  }
  return problems;
}

describe('docker-compose.cluster.yml', () => {
  const text = readFileSync(join(repoRoot, FILE), 'utf8');
  const services = loadCompose(text);

  test('every service starts with its environment', () => {
    expect(problemsOf(text)).toEqual([]);
  });

  test('keeps the checklist defaults', () => {
    const env = environmentOf(services['sfu-1']!);
    const config = loadSfuConfig({ ...env, MEDIASOUP_WORKER_BIN: 'x', MEDIASOUP_RTC_MIN_PORT: undefined, MEDIASOUP_RTC_MAX_PORT: undefined, SFU_WEBRTC_SERVER_PORT: undefined });

    expect(config.workerNum).toBe(1);
    expect(config.mediasoupLogLevel).toBe('warn');
    expect(config.rtcMinPort).toBe(40000);
    expect(config.rtcMaxPort).toBe(49999);
    expect(loadSignalingConfig(environmentOf(services['signaling-1']!)).port).toBe(3000);
  });

  test('sfu nodes publish their WebRtcServer ports and stay in 40000-49999', () => {
    const ranges: [number, number][] = [];
    for (const name of ['sfu-1', 'sfu-2', 'sfu-3']) {
      const service = services[name]!;
      const config = loadSfuConfig({ ...environmentOf(service), MEDIASOUP_WORKER_BIN: 'x' });
      const ports = published(service);

      for (const protocol of ['udp', 'tcp']) {
        expect({ name, protocol, has: ports.some((entry) => entry.port === config.webRtcServerPort && entry.protocol === protocol) }).toEqual({ name, protocol, has: true });
      }
      expect(config.rtcMinPort).toBeGreaterThanOrEqual(40000);
      expect(config.rtcMaxPort).toBeLessThanOrEqual(49999);
      ranges.push([config.rtcMinPort, config.rtcMaxPort]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    for (let index = 1; index < ranges.length; index++) expect(ranges[index]![0]).toBeGreaterThan(ranges[index - 1]![1]);
  });

  test('a broken copy names the file and field', () => {
    const broken = text.replace('SFU_NODE_ID: sfu-2', 'SFU_NODE_IDENT: sfu-2').replace('MEDIASOUP_RTC_MAX_PORT: "43332"', 'MEDIASOUP_RTC_MAX_PORT: "3999"');

    const problems = problemsOf(broken);

    expect(problems).toContain(`${FILE}: sfu-2.environment.SFU_NODE_IDENT: SFU_NODE_IDENT is not a variable libs/config reads`);
    expect(problems).toContainEqual(expect.stringMatching(/^docker-compose\.cluster\.yml: sfu-1\.environment: MEDIASOUP_RTC_MIN_PORT=40000 is above MEDIASOUP_RTC_MAX_PORT=3999/));
  });
});
