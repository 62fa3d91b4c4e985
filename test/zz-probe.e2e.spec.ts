import { startPlatform, STORE_CONFIGURATIONS } from './support/platform';

test('probe', async () => {
  const platform = await startPlatform({ SEED_DEMO: 'true', ...STORE_CONFIGURATIONS[Number(process.env.CFG ?? 0)][1]() });
  try {
    const raw = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
      const t = Date.now();
      const r = await fetch(platform.url + path, { method, body, headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers });
      return `${method} ${path.slice(0, 60)} -> ${r.status} ${Date.now() - t}ms ${(await r.text()).slice(0, 300)}`;
    };
    const out: string[] = [];
    out.push(await raw('POST', '/auth/login', '['.repeat(100000) + ']'.repeat(100000)));
    out.push(await raw('POST', '/auth/login', 'null'));
    out.push(await raw('POST', '/auth/login', '{"username":"a\\u0000b","password":"x"}'));
    out.push(await raw('POST', '/auth/login', '{"username":"a\\ud800b","password":"x"}'));
    out.push(await raw('POST', '/auth/login', '{"username":"a","password":"x",'));
    out.push(await raw('POST', '/auth/login', 'username=a', { 'content-type': 'application/x-www-form-urlencoded' }));
    out.push(await raw('POST', '/auth/login', 'hi', { 'content-type': 'text/plain' }));
    out.push(await raw('POST', '/auth/login', '{"__proto__":{"x":1}}'));
    out.push(await raw('POST', '/auth/login', JSON.stringify({ username: 'x'.repeat(2_000_000) })));
    out.push(await raw('GET', '/transparency/checkpoints/99999999999999999999'));
    out.push(await raw('GET', '/transparency/checkpoints?after=9223372036854775808'));
    out.push(await raw('GET', '/households/uncovered?region=4403%00&productId=x'));
    const api = await platform.api.login('insurer.anxin', 'pangolin-demo');
    out.push(JSON.stringify(await api.get('/insurer/dashboard?asOf=2026-13-01')));
    out.push(JSON.stringify(await api.get('/insurer/dashboard?asOf=2026-02-30')));
    console.log(out.join('\n'));
  } finally {
    await platform.stop();
  }
});
