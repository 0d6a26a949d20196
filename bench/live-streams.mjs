// 1,000 candidate streams on one interview: how long a reveal takes to reach every one of
// them (p50, p99, max, from just before the interviewer's POST to the event's arrival), and
// the server's memory per open stream (resident set before and after opening them).
//
//   node bench/live-streams.mjs BASE_URL SERVER_PID [STREAMS] [REVEALS]
// Run by bench/live-streams.sh, which starts the release server and makes the account.

import http from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [base, pid, streams = '1000', rounds = '6'] = process.argv.slice(2);
const STREAMS = Number(streams);
const ROUNDS = Number(rounds);
const form = (fields) => new URLSearchParams(fields).toString();
const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

async function post(path, fields, cookie) {
  const res = await fetch(base + path, {
    method: 'POST', redirect: 'manual', body: form(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
  await res.arrayBuffer();
  if (res.status !== 303 && res.status !== 204) throw new Error(`${path} answered ${res.status}`);
  return res;
}

// Sign in, start an interview, read the candidate link and the console's form token.
const signIn = await post('/sign-in', { csrf: 'new', name: 'bench', password: 'correct-horse-battery-staple' });
const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('firedrill_session='));
const page = await fetch(base + '/scenarios/gitops-drift-causing-outage', { headers: { cookie } });
const scenario = await page.text();
const found = /name="csrf" value="([0-9a-f]{32})"/.exec(scenario);
if (!found) throw new Error(`no form token on the scenario page (${page.status}, cookie ${cookie}): ${scenario.slice(0, 300)}`);
const csrf = found[1];
const started = await post('/interviews', { csrf, scenario: 'gitops-drift-causing-outage', candidate: 'Load' }, cookie);
const consolePath = started.headers.get('location');
const consoleHtml = await (await fetch(base + consolePath, { headers: { cookie } })).text();
const link = /id="candidate-link" readonly value="([^"]+)"/.exec(consoleHtml)[1];
const reveals = [...consoleHtml.matchAll(/name="what" value="(\w+)">\s*<input type="hidden" name="index" value="(\d+)">/g)]
  .map((m) => ({ what: m[1], index: m[2] }));
if (reveals.length < ROUNDS) throw new Error(`only ${reveals.length} reveals available`);

// Open the streams; each records when each revealed event arrives.
const before = rss();
const arrivals = Array.from({ length: ROUNDS }, () => []);
let open = 0;
let refused = 0;
let closed = 0;
const sockets = [];
await new Promise((resolve, reject) => {
  for (let i = 0; i < STREAMS; i++) {
    const req = http.get(base + link + '/events', { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode === 429) {
        // Over the server's stream caps (bench/live-streams.sh lifts them unless CAPS=default).
        refused++;
        res.resume();
        if (++open === STREAMS) resolve();
        return;
      }
      if (res.statusCode !== 200) reject(new Error(`stream ${i} answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (event.includes('event: revealed')) {
            const round = Number(/^id: (\d+)$/m.exec(event)[1]) - 2; // seq 1 is the start
            arrivals[round]?.push(performance.now());
          }
        }
      });
      if (++open === STREAMS) resolve();
    });
    req.on('error', (err) => {
      // Over the connection caps the server closes the socket unread.
      if (err.code !== 'ECONNRESET') return reject(err);
      closed++;
      if (++open === STREAMS) resolve();
    });
    sockets.push(req);
  }
});
await new Promise((r) => setTimeout(r, 1_000));
const after = rss();
const accepted = STREAMS - refused - closed;

// Reveal, one at a time, and wait until every stream has it.
const sent = [];
for (let round = 0; round < ROUNDS; round++) {
  const { what, index } = reveals[round];
  sent[round] = performance.now();
  await post(consolePath + '/reveals', { csrf, what, index }, cookie);
  const deadline = performance.now() + 10_000;
  while (arrivals[round].length < accepted && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  if (arrivals[round].length < accepted) throw new Error(`round ${round}: only ${arrivals[round].length} of ${accepted} streams got the reveal`);
  await new Promise((r) => setTimeout(r, 200));
}
const latencies = arrivals.flatMap((times, round) => times.map((t) => t - sent[round])).sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
const perStream = ((after - before) * 1024) / STREAMS;
console.log(`streams: ${STREAMS} asked, ${accepted} open, ${refused} refused (429), ${closed} connections closed unread; reveals: ${ROUNDS}, deliveries: ${latencies.length}`);
console.log(`delivery latency ms: p50 ${at(0.5).toFixed(1)}, p99 ${at(0.99).toFixed(1)}, max ${latencies.at(-1).toFixed(1)}`);
console.log(`server memory: ${before} kB before, ${after} kB with the streams open: ${(perStream / 1024).toFixed(1)} KiB per stream asked`);
for (const s of sockets) s.destroy();
if (at(0.99) >= 100) {
  console.error('FAIL: p99 delivery latency is 100 ms or more');
  process.exit(1);
}
