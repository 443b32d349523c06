import { iceServersFor, MAX_TURN_IDENTITY_BYTES, mintTurnCredential } from '../src/turn-credentials';

// 2023-11-14T22:13:20Z.
const NOW_MS = 1_700_000_000_000;

describe('mintTurnCredential', () => {
  test('matches an HMAC computed by openssl', () => {
    // echo -n "1700003600:alice" | openssl dgst -sha1 -hmac "coturn-secret" -binary | base64
    const minted = mintTurnCredential('coturn-secret', 'alice', 3600, NOW_MS);

    expect(minted.username).toBe('1700003600:alice');
    expect(minted.credential).toBe('1lobeIezgenyLqw/MsCKXLuSl7s=');
    expect(minted.expiresAt).toBe(1_700_003_600);
  });

  test('rounds the current time down to seconds', () => {
    const minted = mintTurnCredential('secret', 'bob', 60, NOW_MS + 999);

    expect(minted.expiresAt).toBe(1_700_000_060);
  });

  test('keeps a colon in the identity', () => {
    expect(mintTurnCredential('secret', 'tenant:bob', 60, NOW_MS).username).toBe('1700000060:tenant:bob');
  });

  test('cuts a long identity at a character boundary', () => {
    const identity = 'é'.repeat(MAX_TURN_IDENTITY_BYTES);

    const { username } = mintTurnCredential('secret', identity, 60, NOW_MS);

    const identityPart = username.slice('1700000060:'.length);
    expect(Buffer.byteLength(identityPart, 'utf8')).toBe(MAX_TURN_IDENTITY_BYTES);
    expect(identityPart).toBe('é'.repeat(MAX_TURN_IDENTITY_BYTES / 2));
  });
});

describe('iceServersFor', () => {
  const stun = { urls: ['stun:stun.example.com:3478'] };

  test('returns the static servers without a secret', () => {
    const result = iceServersFor({ iceServers: [stun] }, 'alice', NOW_MS);

    expect(result).toEqual({ iceServers: [stun] });
  });

  test('appends the secret servers with a minted credential', () => {
    const turnSecret = { urls: ['turn:turn.example.com:3478'], secret: 'coturn-secret', credentialTtlSeconds: 3600 };

    const result = iceServersFor({ iceServers: [stun], turnSecret }, 'alice', NOW_MS);

    expect(result.iceServers).toEqual([
      stun,
      { urls: ['turn:turn.example.com:3478'], username: '1700003600:alice', credential: '1lobeIezgenyLqw/MsCKXLuSl7s=' },
    ]);
    expect(result.turnCredentialExpiresAt).toBe(1_700_003_600);
  });
});
