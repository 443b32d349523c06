import os from 'node:os';

import { loadLifecycleConfig, loadSfuConfig, loadSignalingConfig, loadWebConfig } from '@sfu-cluster/config';

import { problemsOf } from './problems';

const WORKER_BIN = '/usr/local/bin/mediasoup-worker';
const sfuLocal = { CLUSTER_MODE: 'local', MEDIASOUP_WORKER_BIN: WORKER_BIN };
const sfuProduction = {
  CLUSTER_MODE: 'production',
  MEDIASOUP_WORKER_BIN: WORKER_BIN,
  MEDIASOUP_ANNOUNCED_IP: '203.0.113.7',
  REDIS_URL: 'redis://redis:6379',
};
const signalingLocal = { CLUSTER_MODE: 'local' };

describe('MEDIASOUP_ANNOUNCED_IP', () => {
  test.each(['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::ffff:0.0.0.0'])('rejects unspecified address %s', (ip) => {
    const problems = problemsOf(() => loadSfuConfig({ ...sfuProduction, MEDIASOUP_ANNOUNCED_IP: ip }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^MEDIASOUP_ANNOUNCED_IP=${ip.replace(/\./g, '\\.')} is the unspecified address`));
    expect(problems[0]).toMatch(/set it to the server's public IP/);
  });

  test('rejects the unspecified address in local mode', () => {
    const problems = problemsOf(() => loadSfuConfig({ ...sfuLocal, MEDIASOUP_ANNOUNCED_IP: '0.0.0.0' }));

    expect(problems).toEqual([expect.stringMatching(/^MEDIASOUP_ANNOUNCED_IP=0\.0\.0\.0 is the unspecified address/)]);
  });

  test.each(['127.0.0.1', '::1', '10.0.0.5', '192.168.1.20', '0.0.0.1', '2001:db8::7'])(
    'accepts %s in production',
    (ip) => {
      expect(loadSfuConfig({ ...sfuProduction, MEDIASOUP_ANNOUNCED_IP: ip }).announcedIp).toBe(ip);
    },
  );
});

describe('SFU_PIPE_IP', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  function withoutExternalIpv4(): void {
    const loopbackOnly: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [
        { address: 'fd00::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: 'fd00::2/64', scopeid: 0 },
      ],
    };
    jest.spyOn(os, 'networkInterfaces').mockReturnValue(loopbackOnly);
  }

  test('production without an external IPv4 requires it', () => {
    withoutExternalIpv4();

    const problems = problemsOf(() => loadSfuConfig(sfuProduction));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SFU_PIPE_IP is missing and this host has no external IPv4 address; /);
    expect(problems[0]).toMatch(/set SFU_PIPE_IP to the address other SFU nodes reach this node on$/);
  });

  test('production without an external IPv4 accepts a set address', () => {
    withoutExternalIpv4();

    expect(loadSfuConfig({ ...sfuProduction, SFU_PIPE_IP: '10.0.0.9' }).pipeIp).toBe('10.0.0.9');
  });

  test('local mode without an external IPv4 uses loopback', () => {
    withoutExternalIpv4();

    expect(loadSfuConfig(sfuLocal).pipeIp).toBe('127.0.0.1');
  });

  test('production defaults to the first external IPv4', () => {
    jest.spyOn(os, 'networkInterfaces').mockReturnValue({
      eth0: [{ address: '10.1.2.3', netmask: '255.0.0.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '10.1.2.3/8' }],
    });

    expect(loadSfuConfig(sfuProduction).pipeIp).toBe('10.1.2.3');
  });

  test.each(['0.0.0.0', '::'])('rejects unspecified address %s', (ip) => {
    const problems = problemsOf(() => loadSfuConfig({ ...sfuProduction, SFU_PIPE_IP: ip }));

    expect(problems).toEqual([expect.stringMatching(new RegExp(`^SFU_PIPE_IP=${ip.replace(/\./g, '\\.')} is the unspecified address`))]);
  });

  test('rejects a value that is not an IP', () => {
    const problems = problemsOf(() => loadSfuConfig({ ...sfuProduction, SFU_PIPE_IP: 'pipe.internal' }));

    expect(problems).toEqual([expect.stringMatching(/^SFU_PIPE_IP=pipe\.internal is not an IP address/)]);
  });
});

describe('HOST', () => {
  test.each([
    ['0.0.0.0'],
    ['::'],
    ['127.0.0.1'],
    ['fe80::1%eth0'],
    ['localhost'],
    ['sfu-1.internal.example.com'],
    ['a'.repeat(63)],
    [`${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(61)],
  ])('accepts %s', (host) => {
    expect(loadWebConfig({ CLUSTER_MODE: 'local', HOST: host }).host).toBe(host);
  });

  test.each([
    ['localhost:3000'],
    ['my host'],
    ['host/path'],
    ['http://host'],
    ['[::1]'],
    ['-host'],
    ['host-'],
    ['a..b'],
    ['host_name'],
    ['a'.repeat(64)],
    [`${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(62)],
  ])('rejects %s', (host) => {
    const problems = problemsOf(() => loadWebConfig({ CLUSTER_MODE: 'local', HOST: host }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^HOST=.* is not an IP address or host name; /);
    expect(problems[0]).toMatch(/without a port$/);
  });

  test('every process checks HOST', () => {
    const env = { HOST: 'host:3000' };
    const loaders = [
      () => loadSfuConfig({ ...sfuLocal, ...env }),
      () => loadSignalingConfig({ ...signalingLocal, ...env }),
      () => loadLifecycleConfig({ CLUSTER_MODE: 'local', ...env }),
      () => loadWebConfig({ CLUSTER_MODE: 'local', ...env }),
    ];

    for (const load of loaders) {
      expect(problemsOf(load)).toEqual([expect.stringMatching(/^HOST=host:3000 is not an IP address or host name/)]);
    }
  });

  test('defaults differ by mode', () => {
    expect(loadWebConfig({ CLUSTER_MODE: 'local' }).host).toBe('127.0.0.1');
    expect(loadWebConfig({ CLUSTER_MODE: 'production', REDIS_URL: 'redis://redis:6379' }).host).toBe('0.0.0.0');
  });
});
