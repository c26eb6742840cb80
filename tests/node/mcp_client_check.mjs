// Drives ktx_test_mcp_server with the official MCP TypeScript SDK client, over
// stdio and over Streamable HTTP (with a bearer token), and checks what a real
// client sees: tool list, every test tool, errors, cancellation, sessions.
//
//   node mcp_client_check.mjs <path to ktx_test_mcp_server>
//
// Prints "ok <check>" or "FAIL <check>: <why>" per check and a final
// "checks: <passed>/<total>"; exits 0 only when every check passed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const serverBinary = process.argv[2];
if (!serverBinary) {
  console.error('usage: node mcp_client_check.mjs <ktx_test_mcp_server>');
  process.exit(2);
}

let passed = 0;
let total = 0;
async function check(name, fn) {
  total += 1;
  try {
    await fn();
    passed += 1;
    console.log(`ok ${name}`);
  } catch (error) {
    console.log(`FAIL ${name}: ${error && error.stack ? error.stack : error}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
// JSON with object keys sorted, so key order (which the SDK may change) does not matter.
function canonical(value) {
  return JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
}
function equal(actual, expected, what) {
  const a = canonical(actual);
  const e = canonical(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}
async function rejects(promise, pattern, what) {
  try {
    await promise;
  } catch (error) {
    const text = String(error && error.message ? error.message : error);
    if (pattern && !pattern.test(text)) throw new Error(`${what}: rejected with "${text}", expected ${pattern}`);
    return error;
  }
  throw new Error(`${what}: did not fail`);
}

// Collects the server's stderr lines ("call <tool> <outcome> <ms>").
function watchLog(stream) {
  const lines = [];
  const waiters = [];
  createInterface({ input: stream }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.splice(0)) w();
  });
  return {
    lines,
    async waitFor(pattern, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!lines.some((l) => pattern.test(l))) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no log line matching ${pattern}; saw ${JSON.stringify(lines)}`);
        await Promise.race([new Promise((r) => waiters.push(r)), new Promise((r) => setTimeout(r, left))]);
      }
    },
  };
}

const expectedTools = ['echo', 'add', 'stats', 'slow', 'fail', 'huge'];

async function exerciseTools(label, client, log) {
  await check(`${label}: server info and capabilities`, async () => {
    equal(client.getServerVersion().name, 'ktx-test', 'server name');
    assert(client.getServerCapabilities().tools, 'tools capability missing');
    assert(client.getInstructions().includes('Test tools'), 'instructions missing');
  });
  await check(`${label}: ping`, async () => {
    equal(await client.ping(), {}, 'ping result');
  });
  await check(`${label}: tools/list`, async () => {
    const { tools } = await client.listTools();
    equal(tools.map((t) => t.name), expectedTools, 'tool names');
    const echo = tools.find((t) => t.name === 'echo');
    equal(echo.title, 'Echo', 'echo title');
    equal(echo.inputSchema.required, ['text'], 'echo required');
    equal(echo.annotations, { destructiveHint: false, idempotentHint: true, openWorldHint: false, readOnlyHint: true, title: 'Echo' }, 'echo annotations');
    const stats = tools.find((t) => t.name === 'stats');
    equal(stats.outputSchema.required, ['count', 'sum', 'mean'], 'stats outputSchema');
    assert(tools.every((t) => t.description && t.inputSchema.type === 'object'), 'every tool needs a description and an object schema');
  });
  await check(`${label}: echo`, async () => {
    const r = await client.callTool({ name: 'echo', arguments: { text: 'héllo ✓ "quoted"\nline' } });
    equal(r.content, [{ type: 'text', text: 'héllo ✓ "quoted"\nline' }], 'echo content');
    equal(r.isError, false, 'echo isError');
  });
  await check(`${label}: add`, async () => {
    const r = await client.callTool({ name: 'add', arguments: { a: 2.5, b: 40 } });
    equal(r.content[0].text, '42.5', 'sum');
  });
  await check(`${label}: stats structuredContent (validated by the SDK against outputSchema)`, async () => {
    const r = await client.callTool({ name: 'stats', arguments: { values: [1, 2, 6] } });
    equal(r.structuredContent, { count: 3, mean: 3, sum: 9 }, 'structured');
  });
  await check(`${label}: fail is a tool error`, async () => {
    const r = await client.callTool({ name: 'fail', arguments: { message: 'broken on purpose' } });
    equal(r.isError, true, 'isError');
    equal(r.content[0].text, 'broken on purpose', 'message');
  });
  await check(`${label}: huge output is truncated`, async () => {
    const r = await client.callTool({ name: 'huge', arguments: { chars: 300000 } });
    const text = r.content[0].text;
    assert(text.startsWith('xxxx'), 'payload');
    assert(text.includes('[output truncated: showing 100000 of 300000 characters'), 'truncation notice');
    assert(text.length < 100200, `length ${text.length}`);
  });
  await check(`${label}: invalid arguments are a tool error`, async () => {
    const r = await client.callTool({ name: 'add', arguments: { a: 'two' } });
    equal(r.isError, true, 'isError');
    assert(/\/a: expected number, got string/.test(r.content[0].text), r.content[0].text);
    assert(/missing required property "b"/.test(r.content[0].text), r.content[0].text);
  });
  await check(`${label}: unknown tool is -32602`, async () => {
    const error = await rejects(client.callTool({ name: 'nope', arguments: {} }), /Unknown tool: nope/, 'unknown tool');
    equal(error.code, -32602, 'error code');
  });
  await check(`${label}: unknown method is -32601`, async () => {
    const error = await rejects(client.request({ method: 'completion/complete', params: { ref: { type: 'ref/prompt', name: 'x' }, argument: { name: 'a', value: 'b' } } }, (await import('@modelcontextprotocol/sdk/types.js')).CompleteResultSchema), /not found/i, 'completion/complete');
    equal(error.code, -32601, 'error code');
  });
  await check(`${label}: logging/setLevel`, async () => {
    equal(await client.setLoggingLevel('warning'), {}, 'setLevel result');
    await rejects(client.setLoggingLevel('loud'), /level/, 'bad level');
  });
  await check(`${label}: cancellation reaches the tool`, async () => {
    const controller = new AbortController();
    const call = client.callTool({ name: 'slow', arguments: { ms: 20000 } }, undefined, { signal: controller.signal, timeout: 60000 });
    setTimeout(() => controller.abort('test cancels'), 200);
    await rejects(call, null, 'aborted call');
    await log.waitFor(/^call slow cancelled/, 5000);
    // The session is still usable.
    const r = await client.callTool({ name: 'echo', arguments: { text: 'after' } });
    equal(r.content[0].text, 'after', 'echo after cancel');
  });
  await check(`${label}: concurrent calls`, async () => {
    const calls = [];
    for (let i = 0; i < 20; i++) calls.push(client.callTool({ name: 'add', arguments: { a: i, b: 1 } }));
    calls.push(client.callTool({ name: 'slow', arguments: { ms: 50 } }));
    const results = await Promise.all(calls);
    for (let i = 0; i < 20; i++) equal(results[i].content[0].text, String(i + 1), `call ${i}`);
    equal(results[20].content[0].text, 'waited 50 ms', 'slow');
  });
}

async function stdioChecks() {
  const transport = new StdioClientTransport({ command: serverBinary, args: ['--stdio'], stderr: 'pipe' });
  const log = watchLog(transport.stderr);
  const client = new Client({ name: 'ktx-check', version: '1.0.0' });
  await check('stdio: connect', () => client.connect(transport));
  await exerciseTools('stdio', client, log);
  await client.close();
}

async function startHttpServer(token) {
  const child = spawn(serverBinary, ['--http', '--port', '0', '--token', token], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = watchLog(child.stderr);
  const [line] = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    new Promise((_, reject) => setTimeout(() => reject(new Error('no URL from the server')), 10000)),
  ]);
  return { child, log, url: new URL(line.trim()) };
}

function httpClient(url, token) {
  const headers = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  return { transport, client: new Client({ name: 'ktx-check', version: '1.0.0' }) };
}

async function httpChecks() {
  const token = 'tok-' + Math.random().toString(16).slice(2);
  const { child, log, url } = await startHttpServer(token);
  try {
    await check('http: no token is refused with 401', async () => {
      const { client, transport } = httpClient(url, undefined);
      await rejects(client.connect(transport), /401|Unauthorized/, 'connect without token');
    });
    await check('http: wrong token is refused with 401', async () => {
      const { client, transport } = httpClient(url, token + 'x');
      await rejects(client.connect(transport), /401|Unauthorized/, 'connect with a wrong token');
    });
    const { client, transport } = httpClient(url, token);
    await check('http: connect with the token', async () => {
      await client.connect(transport);
      assert(/^[0-9a-f]{32}$/.test(transport.sessionId), `session id ${transport.sessionId}`);
      equal(transport.protocolVersion, '2025-11-25', 'negotiated version');
    });
    await exerciseTools('http', client, log);
    await check('http: DELETE ends the session', async () => {
      const sessionId = transport.sessionId;
      await transport.terminateSession();
      const response = await fetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
      });
      equal(response.status, 404, 'status after DELETE');
    });
    await client.close();
    await check('http: a second client gets its own session', async () => {
      const a = httpClient(url, token);
      const b = httpClient(url, token);
      await a.client.connect(a.transport);
      await b.client.connect(b.transport);
      assert(a.transport.sessionId !== b.transport.sessionId, 'distinct session ids');
      equal((await b.client.callTool({ name: 'echo', arguments: { text: 'b' } })).content[0].text, 'b', 'b echo');
      await a.client.close();
      await b.client.close();
    });
  } finally {
    child.kill('SIGTERM');
  }
}

await stdioChecks();
await httpChecks();
console.log(`checks: ${passed}/${total}`);
process.exit(passed === total ? 0 : 1);
