/** The demo's one page: each service's knobs, the applied effects, and what analytics received. */
import { SERVICES } from './state';

export const DEMO_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tributary demo services</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:left}
input{width:6rem}pre{background:#f5f5f5;padding:.5rem;max-height:20rem;overflow:auto}</style></head>
<body><h1>Demo services</h1>
<p>Break a service on purpose, then watch Tributary retry, open a circuit breaker, compensate or dead-letter.
The same knobs are <code>PUT /knobs/&lt;service&gt;</code> with JSON <code>{errorRate, latencyMs, failOperations, permanentStatus}</code>.</p>
<table><thead><tr><th>service</th><th>error rate (0–1)</th><th>latency ms</th><th>fail operations</th><th>permanent 4xx</th><th></th></tr></thead>
<tbody id="knobs"></tbody></table>
<h2>Applied effects</h2><pre id="effects"></pre>
<h2>Analytics received (latest)</h2><pre id="batches"></pre>
<script type="module">
const services = ${JSON.stringify(SERVICES)};
const body = document.getElementById('knobs');
async function load() {
  const stats = await (await fetch('stats')).json();
  body.replaceChildren(...services.map((s) => {
    const k = stats.knobs[s];
    const row = document.createElement('tr');
    row.innerHTML = '<td>' + s + '</td><td><input name="errorRate" type="number" step="0.1" min="0" max="1"></td><td><input name="latencyMs" type="number" min="0"></td>'
      + '<td><input name="failOperations" placeholder="charge,refund"></td><td><input name="permanentStatus" type="number" min="400" max="499"></td><td><button>set</button></td>';
    const [rate, latency, ops, status] = row.querySelectorAll('input');
    rate.value = k.errorRate; latency.value = k.latencyMs; ops.value = k.failOperations.join(','); status.value = k.permanentStatus ?? '';
    row.querySelector('button').onclick = async () => {
      await fetch('knobs/' + s, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
        errorRate: Number(rate.value), latencyMs: Number(latency.value),
        failOperations: ops.value.split(',').map((o) => o.trim()).filter(Boolean), permanentStatus: status.value ? Number(status.value) : null }) });
      load();
    };
    return row;
  }));
  document.getElementById('effects').textContent = JSON.stringify(Object.fromEntries(Object.entries(stats.effects).map(([op, e]) => [op, e.total])), null, 2);
  document.getElementById('batches').textContent = JSON.stringify(await (await fetch('analytics/batches')).json(), null, 2).slice(0, 20000);
}
load(); setInterval(load, 3000);
</script></body></html>`;
