// Every submission that received its redirect survives a SIGKILL of the server during a burst
// of submissions: the attempt is committed (synchronous=FULL) before the 303 is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { startServer } from './server.mjs';

const SEED = '/scenarios/gitops-drift-causing-outage';
const CLIENTS = 32;

/** A learner session: its cookie and form token. The identity is made by a first form post. */
async function session(baseUrl) {
  const reveal = await fetch(baseUrl + '/reveals', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: 'new', scenario: 'gitops-drift-causing-outage' }),
    redirect: 'manual',
  });
  assert.equal(reveal.status, 303);
  const cookie = reveal.headers.get('set-cookie').split(';')[0];
  const html = await (await fetch(baseUrl + SEED, { headers: { cookie } })).text();
  const csrf = html.match(/name="csrf" value="([0-9a-f]{32})"/)[1];
  return { cookie, csrf };
}

/** Submits answers in a loop until the server goes away; returns the acknowledged locations. */
async function submitUntilKilled(baseUrl, { cookie, csrf }, n) {
  const acknowledged = [];
  for (let i = 0; ; i++) {
    const body = new URLSearchParams({
      csrf,
      scenario: 'gitops-drift-causing-outage',
      answer: `client ${n} answer ${i}: HPA and ArgoCD fight over replicas; add ignoreDifferences in Git.`,
    });
    let res;
    try {
      res = await fetch(baseUrl + '/attempts', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        redirect: 'manual',
      });
    } catch {
      return acknowledged; // the server is gone
    }
    if (res.status === 303) acknowledged.push(res.headers.get('location'));
    else assert.fail(`submission answered ${res.status}: ${await res.text()}`);
  }
}

test('every acknowledged submission survives a SIGKILL during a burst', { timeout: 60_000 }, async () => {
  // A load test, not a learner: the per-address submission limit is lifted.
  const first = await startServer({ args: ['--submit-rate', '0'] });
  const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => session(first.baseUrl)));
  const bursts = sessions.map((s, n) => submitUntilKilled(first.baseUrl, s, n));
  await sleep(1_500);
  await first.kill();
  const acknowledged = await Promise.all(bursts);
  const total = acknowledged.reduce((sum, list) => sum + list.length, 0);
  assert.ok(total >= CLIENTS, `only ${total} submissions were acknowledged before the kill`);

  const second = await startServer({ database: first.database });
  try {
    for (const [n, locations] of acknowledged.entries()) {
      for (const location of locations) {
        const res = await fetch(second.baseUrl + location, { headers: { cookie: sessions[n].cookie } });
        assert.equal(res.status, 200, `acknowledged attempt ${location} is missing after restart`);
        await res.arrayBuffer();
      }
    }
    console.log(`${total} acknowledged submissions from ${CLIENTS} clients, all present after SIGKILL and restart`);
  } finally {
    await second.stop();
  }
});
