import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { checkEphemeralOverlap, type EphemeralPortFiles } from '../src/doctor/ephemeral-ports';

describe('doctor ephemeral port check', () => {
  let scratch: string;

  /** Kernel settings written to files, as /proc/sys/net/ipv4 shows them. */
  const kernel = (portRange: string, reservedPorts: string): EphemeralPortFiles => {
    const files = { portRange: join(scratch, 'range'), reservedPorts: join(scratch, 'reserved') };
    writeFileSync(files.portRange, `${portRange}\n`);
    writeFileSync(files.reservedPorts, `${reservedPorts}\n`);
    return files;
  };

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'sfuctl-ephemeral-'));
  });

  afterEach(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  test('range below the ephemeral range passes', () => {
    const result = checkEphemeralOverlap({ rtcMinPort: 20000, rtcMaxPort: 32767 }, kernel('32768\t60999', ''));

    expect(result.status).toBe('pass');
  });

  test('one overlapping port warns with the sysctl fix', () => {
    const result = checkEphemeralOverlap({ rtcMinPort: 20000, rtcMaxPort: 32768 }, kernel('32768\t60999', ''));

    expect(result.status).toBe('warn');
    expect(result.detail).toContain('1 RTC ports in 32768-32768');
    expect(result.fix).toContain('net.ipv4.ip_local_reserved_ports=20000-32768');
  });

  test('reserved overlap passes', () => {
    const result = checkEphemeralOverlap({ rtcMinPort: 40000, rtcMaxPort: 49999 }, kernel('32768\t60999', '8080,40000-49999'));

    expect(result.status).toBe('pass');
    expect(result.detail).toContain('reserved');
  });

  test('partly reserved overlap warns', () => {
    const result = checkEphemeralOverlap({ rtcMinPort: 40000, rtcMaxPort: 49999 }, kernel('32768\t60999', '40000-49998'));

    expect(result.status).toBe('warn');
    expect(result.detail).toContain('1 RTC ports');
  });

  test('unreadable port range warns', () => {
    const result = checkEphemeralOverlap(
      { rtcMinPort: 40000, rtcMaxPort: 49999 },
      { portRange: join(scratch, 'missing'), reservedPorts: join(scratch, 'missing') },
    );

    expect(result.status).toBe('warn');
  });
});
