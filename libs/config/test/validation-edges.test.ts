import os from 'node:os';

import { loadLifecycleConfig, loadSfuConfig, loadSignalingConfig, loadWebConfig, MIN_JWT_SECRET_LENGTH } from '@sfu-cluster/config';

import { problemsOf } from './problems';

const WORKER_BIN = '/usr/local/bin/mediasoup-worker';
const SECRET = 'a-secret-of-enough-length-for-tests';
const sfuLocal = { CLUSTER_MODE: 'local', MEDIASOUP_WORKER_BIN: WORKER_BIN };
const sfuProduction = {
  CLUSTER_MODE: 'production',
  MEDIASOUP_WORKER_BIN: WORKER_BIN,
  MEDIASOUP_ANNOUNCED_IP: '203.0.113.7',
  REDIS_URL: 'redis://redis:6379',
};
const signalingLocal = { CLUSTER_MODE: 'local' };
const signalingProduction = { CLUSTER_MODE: 'production', REDIS_URL: 'redis://redis:6379', JWT_SECRET: SECRET };
const turnCredentials = { MEDIASOUP_TURN_USERNAME: 'user', MEDIASOUP_TURN_PASSWORD: 'pass' };

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

describe('JWT_SECRET', () => {
  test('production rejects a secret one character short', () => {
    const secret = 'x'.repeat(MIN_JWT_SECRET_LENGTH - 1);

    const problems = problemsOf(() => loadSignalingConfig({ ...signalingProduction, JWT_SECRET: secret }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^JWT_SECRET is 31 characters long; production mode requires 32\+/);
    expect(problems[0]).not.toContain(secret);
  });

  test('production accepts a secret of exactly 32 characters', () => {
    const secret = 'x'.repeat(MIN_JWT_SECRET_LENGTH);

    expect(loadSignalingConfig({ ...signalingProduction, JWT_SECRET: secret }).jwtSecret).toBe(secret);
  });

  test('counts characters, not UTF-16 units', () => {
    const secret = '🔑'.repeat(MIN_JWT_SECRET_LENGTH - 1);

    expect(problemsOf(() => loadSignalingConfig({ ...signalingProduction, JWT_SECRET: secret }))).toEqual([
      expect.stringMatching(/^JWT_SECRET is 31 characters long/),
    ]);
  });

  test('production rejects a short secret beside a JWKS URL', () => {
    const env = { ...signalingProduction, JWT_SECRET: 'short', JWT_JWKS_URL: 'https://auth.example.com/jwks.json' };

    expect(problemsOf(() => loadSignalingConfig(env))).toEqual([expect.stringMatching(/^JWT_SECRET is 5 characters long/)]);
  });

  test('local mode accepts a short secret', () => {
    expect(loadSignalingConfig({ ...signalingLocal, JWT_SECRET: 'short' }).jwtSecret).toBe('short');
  });

  test('missing-secret message names the minimum length', () => {
    const problems = problemsOf(() => loadSignalingConfig({ CLUSTER_MODE: 'production', REDIS_URL: 'redis://redis:6379' }));

    expect(problems).toEqual([expect.stringMatching(/^JWT_SECRET is missing; .*32\+ characters/)]);
  });
});

describe('JWT_JWKS_URL', () => {
  test('production accepts an https URL without a secret', () => {
    const env = { CLUSTER_MODE: 'production', REDIS_URL: 'redis://redis:6379', JWT_JWKS_URL: 'https://auth.example.com/jwks.json' };

    const config = loadSignalingConfig(env);

    expect(config.jwksUrl).toBe('https://auth.example.com/jwks.json');
    expect(config.jwtSecret).toBeUndefined();
  });

  test('production rejects an http URL', () => {
    const env = { ...signalingProduction, JWT_JWKS_URL: 'http://auth.example.com/jwks.json' };

    expect(problemsOf(() => loadSignalingConfig(env))).toEqual([
      expect.stringMatching(/^JWT_JWKS_URL=http:\/\/auth\.example\.com\/jwks\.json uses http; .*use an https:\/\/ URL$/),
    ]);
  });

  test('local mode accepts an http URL', () => {
    const config = loadSignalingConfig({ ...signalingLocal, JWT_JWKS_URL: 'http://127.0.0.1:9000/jwks.json' });

    expect(config.jwksUrl).toBe('http://127.0.0.1:9000/jwks.json');
    expect(config.jwtSecret).toBeUndefined();
  });

  test.each(['auth.example.com/jwks.json', 'ftp://auth.example.com/jwks.json', 'https://', 'not a url'])(
    'rejects %s in either mode',
    (url) => {
      for (const env of [signalingLocal, signalingProduction]) {
        const problems = problemsOf(() => loadSignalingConfig({ ...env, JWT_JWKS_URL: url }));

        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/^JWT_JWKS_URL=.* is not an http\(s\) URL; set it to the JWKS URL/);
      }
    },
  );

  test('hides a password in a rejected URL', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...signalingProduction, JWT_JWKS_URL: 'http://user:hunter2@auth/jwks' }));

    expect(problems[0]).toContain('user:***@');
    expect(problems[0]).not.toContain('hunter2');
  });
});

describe('SIGNALING_PUBLIC_URL', () => {
  test('defaults to http://localhost and the port', () => {
    expect(loadSignalingConfig({ ...signalingProduction, PORT: '3005' }).publicUrl).toBe('http://localhost:3005');
  });

  test.each(['https://sfu.example.com', 'http://10.0.0.4:3000/'])('accepts %s in production', (url) => {
    expect(loadSignalingConfig({ ...signalingProduction, SIGNALING_PUBLIC_URL: url }).publicUrl).toBe(url);
  });

  test.each(['sfu.example.com', 'ws://sfu.example.com', 'https://', 'http//sfu.example.com'])('rejects %s', (url) => {
    const problems = problemsOf(() => loadSignalingConfig({ ...signalingLocal, SIGNALING_PUBLIC_URL: url }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SIGNALING_PUBLIC_URL=.* is not an http\(s\) URL; set it to the URL clients reach signaling on/);
  });
});

describe('MEDIASOUP_STUN_SERVERS', () => {
  test.each([
    ['stun:stun.example.com:1'],
    ['stun:stun.example.com:65535'],
    ['stun:stun.example.com'],
    ['stuns:stun.example.com:5349'],
    ['stun:203.0.113.9:3478'],
    ['stun:[2001:db8::9]:3478'],
  ])('accepts %s', (url) => {
    expect(loadSignalingConfig({ ...signalingLocal, MEDIASOUP_STUN_SERVERS: url }).iceServers).toEqual([{ urls: [url] }]);
  });

  test.each([['0'], ['65536'], ['99999']])('rejects port %s', (port) => {
    const url = `stun:stun.example.com:${port}`;

    const problems = problemsOf(() => loadSignalingConfig({ ...signalingLocal, MEDIASOUP_STUN_SERVERS: url }));

    expect(problems).toEqual([
      `MEDIASOUP_STUN_SERVERS entry "${url}" has port ${port}; set a port from 1 to 65535, or leave the port out`,
    ]);
  });

  test.each([
    ['stun:stun.example.com:'],
    ['stun:stun.example.com:abc'],
    ['stun:2001:db8::9'],
    ['stun:stun example.com'],
    ['stun:stun.example.com:3478/path'],
    ['stun:user@stun.example.com'],
    ['turn:turn.example.com:3478'],
  ])('rejects %s as not a STUN URL', (url) => {
    const problems = problemsOf(() => loadSignalingConfig({ ...signalingLocal, MEDIASOUP_STUN_SERVERS: url }));

    expect(problems).toEqual([`MEDIASOUP_STUN_SERVERS entry "${url}" is not a STUN URL; write it as stun:host:port`]);
  });

  test('rejects a transport query', () => {
    const url = 'stun:stun.example.com:3478?transport=udp';

    const problems = problemsOf(() => loadSignalingConfig({ ...signalingLocal, MEDIASOUP_STUN_SERVERS: url }));

    expect(problems).toEqual([expect.stringMatching(/^MEDIASOUP_STUN_SERVERS entry ".*" has a query, which STUN URLs do not take/)]);
  });

  test('reports each bad entry on its own line', () => {
    const env = { ...signalingLocal, MEDIASOUP_STUN_SERVERS: 'stun:a.example.com:0,stun:b.example.com:3478,stun:c.example.com:70000' };

    const problems = problemsOf(() => loadSignalingConfig(env));

    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"stun:a.example.com:0"');
    expect(problems[1]).toContain('"stun:c.example.com:70000"');
  });
});

describe('MEDIASOUP_TURN_SERVER', () => {
  test('keeps one URL as one ICE server', () => {
    const env = { ...signalingLocal, MEDIASOUP_TURN_SERVER: 'turns:turn.example.com:5349', ...turnCredentials };

    expect(loadSignalingConfig(env).iceServers).toEqual([
      { urls: ['turns:turn.example.com:5349'], username: 'user', credential: 'pass' },
    ]);
  });

  test('turns a comma-separated list into one ICE server', () => {
    const env = {
      ...signalingProduction,
      MEDIASOUP_STUN_SERVERS: 'stun:stun.example.com:3478',
      MEDIASOUP_TURN_SERVER: ' turn:a.example.com:3478 , turn:b.example.com:3478?transport=tcp,turns:b.example.com:5349 ',
      ...turnCredentials,
    };

    expect(loadSignalingConfig(env).iceServers).toEqual([
      { urls: ['stun:stun.example.com:3478'] },
      {
        urls: ['turn:a.example.com:3478', 'turn:b.example.com:3478?transport=tcp', 'turns:b.example.com:5349'],
        username: 'user',
        credential: 'pass',
      },
    ]);
  });

  test.each([
    ['turn:turn.example.com:3478?transport=udp'],
    ['turn:turn.example.com?transport=tcp'],
    ['turn:[2001:db8::3]:3478'],
    ['turn:turn.example.com:65535'],
  ])('accepts %s', (url) => {
    const env = { ...signalingLocal, MEDIASOUP_TURN_SERVER: url, ...turnCredentials };

    expect(loadSignalingConfig(env).iceServers).toEqual([{ urls: [url], username: 'user', credential: 'pass' }]);
  });

  test.each([['0'], ['65536']])('rejects port %s', (port) => {
    const url = `turn:turn.example.com:${port}?transport=udp`;

    const problems = problemsOf(() => loadSignalingConfig({ ...signalingLocal, MEDIASOUP_TURN_SERVER: url, ...turnCredentials }));

    expect(problems).toEqual([
      `MEDIASOUP_TURN_SERVER entry "${url}" has port ${port}; set a port from 1 to 65535, or leave the port out`,
    ]);
  });

  test.each([['?transport=tls'], ['?transport=UDP'], ['?transport='], ['?foo=bar'], ['?transport=udp&x=1']])(
    'rejects query %s',
    (query) => {
      const url = `turn:turn.example.com:3478${query}`;

      const problems = problemsOf(() => loadSignalingConfig({ ...signalingLocal, MEDIASOUP_TURN_SERVER: url, ...turnCredentials }));

      expect(problems).toEqual([
        `MEDIASOUP_TURN_SERVER entry "${url}" has query "${query}"; a TURN URL takes only ?transport=udp or ?transport=tcp`,
      ]);
    },
  );

  test('rejects a STUN URL in the list', () => {
    const env = { ...signalingLocal, MEDIASOUP_TURN_SERVER: 'turn:a.example.com:3478,stun:b.example.com:3478', ...turnCredentials };

    expect(problemsOf(() => loadSignalingConfig(env))).toEqual([
      'MEDIASOUP_TURN_SERVER entry "stun:b.example.com:3478" is not a TURN URL; write it as turn:host:3478 or turns:host:5349',
    ]);
  });

  test('a list still needs a username and a password', () => {
    const env = { ...signalingLocal, MEDIASOUP_TURN_SERVER: 'turn:a.example.com:3478,turn:b.example.com:3478' };

    expect(problemsOf(() => loadSignalingConfig(env))).toEqual([
      expect.stringMatching(/^MEDIASOUP_TURN_USERNAME is missing/),
      expect.stringMatching(/^MEDIASOUP_TURN_PASSWORD is missing/),
    ]);
  });
});

describe('TURN credentials without a server', () => {
  test.each([['MEDIASOUP_TURN_USERNAME'], ['MEDIASOUP_TURN_PASSWORD']])('rejects %s alone', (name) => {
    const problems = problemsOf(() => loadSignalingConfig({ ...signalingLocal, [name]: 'value' }));

    expect(problems).toEqual([
      `${name} is set without MEDIASOUP_TURN_SERVER; set MEDIASOUP_TURN_SERVER to the TURN URL, or unset ${name}`,
    ]);
  });

  test('rejects both, one line each', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...signalingProduction, ...turnCredentials }));

    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^MEDIASOUP_TURN_USERNAME is set without MEDIASOUP_TURN_SERVER/);
    expect(problems[1]).toMatch(/^MEDIASOUP_TURN_PASSWORD is set without MEDIASOUP_TURN_SERVER/);
    expect(problems.join('\n')).not.toContain('pass');
  });

  test('an empty server list counts as unset', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...signalingLocal, MEDIASOUP_TURN_SERVER: ' , ', ...turnCredentials }));

    expect(problems).toHaveLength(2);
  });

  test('empty credentials count as unset', () => {
    const env = { ...signalingLocal, MEDIASOUP_TURN_SERVER: '', MEDIASOUP_TURN_USERNAME: '', MEDIASOUP_TURN_PASSWORD: ' ' };

    expect(loadSignalingConfig(env).iceServers).toEqual([]);
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

describe('SIGNALING_CONSOLE_ORIGINS', () => {
  test('defaults to none', () => {
    expect(loadSignalingConfig(signalingProduction).consoleOrigins).toEqual([]);
  });

  test('accepts a list of origins', () => {
    const config = loadSignalingConfig({ ...signalingProduction, SIGNALING_CONSOLE_ORIGINS: 'https://console.example.com, http://10.0.0.4:8080' });

    expect(config.consoleOrigins).toEqual(['https://console.example.com', 'http://10.0.0.4:8080']);
  });

  test.each(['console.example.com', 'https://console.example.com/', 'https://console.example.com/ops', 'ftp://console.example.com'])('rejects %s', (origin) => {
    const problems = problemsOf(() => loadSignalingConfig({ ...signalingProduction, SIGNALING_CONSOLE_ORIGINS: origin }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SIGNALING_CONSOLE_ORIGINS entry .* is not an origin; write each as scheme:\/\/host\[:port\]/);
  });
});
