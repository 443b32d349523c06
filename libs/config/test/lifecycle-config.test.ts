import { loadLifecycleConfig } from '@sfu-cluster/config';

import { problemsOf } from './problems';

const local = { CLUSTER_MODE: 'local' };
const withWebhooks = { ...local, WEBHOOK_URLS: 'https://hooks.example.com/sfu', WEBHOOK_SECRET: 'a-webhook-secret-for-tests' };

describe('loadLifecycleConfig', () => {
  test('webhooks are off by default', () => {
    const { webhooks } = loadLifecycleConfig(local);

    expect(webhooks.urls).toEqual([]);
    expect(webhooks.secret).toBe('');
    expect(webhooks.timeoutMs).toBe(5000);
    expect(webhooks.maxAttempts).toBe(10);
    expect(webhooks.backoffMs).toBe(1000);
  });

  test('reads several receiver URLs', () => {
    const env = { ...withWebhooks, WEBHOOK_URLS: ' https://a.example.com/hook , http://127.0.0.1:9000/x ' };

    const { webhooks } = loadLifecycleConfig(env);

    expect(webhooks.urls).toEqual(['https://a.example.com/hook', 'http://127.0.0.1:9000/x']);
    expect(webhooks.secret).toBe('a-webhook-secret-for-tests');
  });

  test('reads timeout, attempts and backoff', () => {
    const env = { ...withWebhooks, WEBHOOK_TIMEOUT_MS: '2500', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '50' };

    const { webhooks } = loadLifecycleConfig(env);

    expect(webhooks.timeoutMs).toBe(2500);
    expect(webhooks.maxAttempts).toBe(3);
    expect(webhooks.backoffMs).toBe(50);
  });

  test('requires WEBHOOK_SECRET with WEBHOOK_URLS', () => {
    const problems = problemsOf(() => loadLifecycleConfig({ ...local, WEBHOOK_URLS: 'https://hooks.example.com/sfu' }));

    expect(problems).toEqual([expect.stringMatching(/^WEBHOOK_SECRET is missing; .*or unset WEBHOOK_URLS$/)]);
  });

  test('needs no secret without URLs', () => {
    expect(loadLifecycleConfig({ ...local, WEBHOOK_URLS: '' }).webhooks.urls).toEqual([]);
  });

  test.each([
    ['hooks.example.com/sfu'],
    ['ftp://hooks.example.com/sfu'],
    ['https://'],
    ['not a url'],
  ])('rejects receiver URL %s', (url) => {
    const problems = problemsOf(() => loadLifecycleConfig({ ...withWebhooks, WEBHOOK_URLS: url }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^WEBHOOK_URLS entry ".*" is not an http\(s\) URL; list receivers as/);
  });

  test('reports each bad URL on its own line', () => {
    const env = { ...withWebhooks, WEBHOOK_URLS: 'https://ok.example.com/,bad-one,ftp://bad-two' };

    const problems = problemsOf(() => loadLifecycleConfig(env));

    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"bad-one"');
    expect(problems[1]).toContain('"ftp://bad-two"');
  });

  test('hides a password in a rejected URL', () => {
    const problems = problemsOf(() => loadLifecycleConfig({ ...withWebhooks, WEBHOOK_URLS: 'ftp://user:hunter2@hooks' }));

    expect(problems[0]).toContain('user:***@');
    expect(problems[0]).not.toContain('hunter2');
  });

  test.each([
    ['WEBHOOK_TIMEOUT_MS', 'soon', /^WEBHOOK_TIMEOUT_MS=soon is not a whole number/],
    ['WEBHOOK_TIMEOUT_MS', '0', /^WEBHOOK_TIMEOUT_MS=0 is out of range/],
    ['WEBHOOK_MAX_ATTEMPTS', '0', /^WEBHOOK_MAX_ATTEMPTS=0 is out of range/],
    ['WEBHOOK_MAX_ATTEMPTS', '1001', /^WEBHOOK_MAX_ATTEMPTS=1001 is out of range/],
    ['WEBHOOK_BACKOFF_MS', '-5', /^WEBHOOK_BACKOFF_MS=-5 is out of range/],
  ])('rejects %s=%s', (name, value, message) => {
    const problems = problemsOf(() => loadLifecycleConfig({ ...withWebhooks, [name]: value }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('reports a bad URL and a missing secret together', () => {
    const problems = problemsOf(() => loadLifecycleConfig({ ...local, WEBHOOK_URLS: 'nope' }));

    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^WEBHOOK_URLS entry "nope"/);
    expect(problems[1]).toMatch(/^WEBHOOK_SECRET is missing/);
  });
});
