// Drives the product MCP server (`ktx mcp`) with the official MCP TypeScript
// SDK client, over stdio (spawning `ktx mcp stdio`) and over Streamable HTTP
// (a running `ktx mcp start` daemon with a bearer token), on the demo project
// with its semantic-layer sources and a schema scan.
//
//   node ktx_mcp_check.mjs <ktx binary> <project dir> <http url> <token>
//
// Prints "ok <check>" or "FAIL <check>: <why>" per check and a final
// "checks: <passed>/<total>"; exits 0 only when every check passed. The SDK
// validates every structuredContent against the tool's outputSchema.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [ktx, projectDir, httpUrl, token] = process.argv.slice(2);
if (!ktx || !projectDir || !httpUrl || !token) {
  console.error('usage: node ktx_mcp_check.mjs <ktx> <project dir> <http url> <token>');
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
function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
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
const sum = (rows, column) => rows.reduce((s, r) => s + Number(r[column]), 0);

const expectedTools = ['connection_list', 'sl_read_source', 'sl_query', 'entity_details', 'sql_execution'];

async function exercise(label, client) {
  await check(`${label}: server is ktx`, async () => {
    equal(client.getServerVersion().name, 'ktx', 'server name');
    assert(client.getServerCapabilities().tools, 'tools capability');
  });
  await check(`${label}: tools/list`, async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    // H1's wiki/discovery tools may be present too; ours must be, in the original's order.
    const ours = names.filter((n) => expectedTools.includes(n));
    equal(ours, expectedTools, 'ktx tools');
    const sl = tools.find((t) => t.name === 'sl_query');
    equal(sl.title, 'Semantic Layer Query', 'title');
    equal(sl.annotations, { title: 'Semantic Layer Query', readOnlyHint: true, openWorldHint: false }, 'annotations');
    equal(sl.inputSchema.required, ['measures'], 'required');
    assert(tools.every((t) => t.description && t.outputSchema), 'descriptions and output schemas');
  });
  await check(`${label}: connection_list`, async () => {
    const r = await client.callTool({ name: 'connection_list', arguments: {} });
    equal(r.structuredContent, { connections: [{ connectionType: 'SQLITE', id: 'demo_warehouse', name: 'demo_warehouse' }] }, 'connections');
  });
  await check(`${label}: sl_query fan trap equals per-table sums`, async () => {
    const r = await client.callTool({
      name: 'sl_query',
      arguments: { connectionId: 'demo_warehouse', measures: ['payments.captured_amount', 'order_items.units_sold'], dimensions: [{ field: 'orders.sales_channel' }], include: ['sql'] },
    });
    equal(r.isError, false, 'isError');
    const s = r.structuredContent;
    equal(s.headers, ['sales_channel', 'captured_amount', 'units_sold'], 'headers');
    equal(s.totalRows, 3, 'totalRows');
    assert(s.sql.includes('payments_agg AS ('), 'pre-aggregated SQL');
    assert(s.notes.some((n) => /aggregated on its own/.test(n)), `notes ${JSON.stringify(s.notes)}`);
    const truth = await client.callTool({
      name: 'sql_execution',
      arguments: { connectionId: 'demo_warehouse', sql: "SELECT (SELECT SUM(amount) FROM payments WHERE status = 'captured'), (SELECT SUM(quantity) FROM order_items)" },
    });
    const [captured, units] = truth.structuredContent.rows[0];
    assert(Math.abs(sum(s.rows, 1) - captured) < 0.01, `captured ${sum(s.rows, 1)} vs ${captured}`);
    equal(sum(s.rows, 2), units, 'units');
  });
  await check(`${label}: sl_query unknown measure names candidates`, async () => {
    const r = await client.callTool({ name: 'sl_query', arguments: { measures: ['orders.ordr_count'] } });
    equal(r.isError, true, 'isError');
    assert(r.content[0].text.includes('orders.order_count'), r.content[0].text);
  });
  await check(`${label}: sql_execution`, async () => {
    const r = await client.callTool({ name: 'sql_execution', arguments: { connectionId: 'demo_warehouse', sql: 'select status, count(*) as n from orders group by status order by status', maxRows: 2 } });
    equal(r.structuredContent.headers, ['status', 'n'], 'headers');
    equal(r.structuredContent.rowCount, 2, 'rowCount');
    const w = await client.callTool({ name: 'sql_execution', arguments: { connectionId: 'demo_warehouse', sql: 'update orders set status = 1' } });
    equal(w.isError, true, 'write refused');
    assert(/^SQL contains read\/write operation/.test(w.content[0].text), w.content[0].text);
  });
  await check(`${label}: entity_details`, async () => {
    const r = await client.callTool({ name: 'entity_details', arguments: { connectionId: 'demo_warehouse', entities: [{ table: 'orders', columns: ['status'] }, { table: 'ordrs' }] } });
    const [found, missing] = r.structuredContent.results;
    equal(found.ok, true, 'orders found');
    equal(found.columns.map((c) => c.name), ['status'], 'columns');
    equal(missing.ok, false, 'ordrs missing');
    equal(missing.error.code, 'table_not_found', 'code');
    assert(missing.error.candidates.some((c) => c.display === 'orders'), JSON.stringify(missing.error.candidates));
  });
  await check(`${label}: sl_read_source`, async () => {
    const r = await client.callTool({ name: 'sl_read_source', arguments: { connectionId: 'demo_warehouse', sourceName: 'orders' } });
    assert(r.structuredContent.yaml.startsWith('name: orders'), r.structuredContent.yaml.slice(0, 40));
  });
  await check(`${label}: bad arguments are tool errors`, async () => {
    const r = await client.callTool({ name: 'sql_execution', arguments: { connectionId: 'demo_warehouse', sql: 'select 1', maxRows: 0 } });
    equal(r.isError, true, 'isError');
    assert(/maxRows/.test(r.content[0].text), r.content[0].text);
    const m = await client.callTool({ name: 'sl_query', arguments: { measures: 'orders.order_count' } });
    equal(m.isError, true, 'measures must be a list');
  });
  await check(`${label}: unknown tool is a JSON-RPC error`, async () => {
    const error = await rejects(client.callTool({ name: 'memory_ingest', arguments: { content: 'x' } }), /Unknown tool/, 'unknown tool');
    equal(error.code, -32602, 'code');
  });
}

async function stdio() {
  const transport = new StdioClientTransport({ command: ktx, args: ['--project-dir', projectDir, 'mcp', 'stdio'], stderr: 'pipe' });
  const client = new Client({ name: 'ktx-check', version: '1.0.0' });
  await check('stdio: connect', () => client.connect(transport));
  await exercise('stdio', client);
  await client.close();
}

async function http() {
  const url = new URL(httpUrl);
  await check('http: no token is refused', async () => {
    const client = new Client({ name: 'ktx-check', version: '1.0.0' });
    await rejects(client.connect(new StreamableHTTPClientTransport(url)), /401|Unauthorized/, 'connect');
  });
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'ktx-check', version: '1.0.0' });
  await check('http: connect with the token', () => client.connect(transport));
  await exercise('http', client);
  await client.close();
}

await stdio();
await http();
console.log(`checks: ${passed}/${total}`);
process.exit(passed === total ? 0 : 1);
