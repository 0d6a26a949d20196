// Durability under SIGKILL: learners submit answers and an interviewer records interview events
// (notes, ticks, reveals) while the candidate saves notes, without pause; the server is killed
// with SIGKILL at random moments, restarted on the same database, and the load goes on. At the
// end every acknowledged attempt (303) and every acknowledged interview event (204) must be
// there. The CI runs 3 kills; `scripts/durability` runs the long version
// (DURABILITY_KILLS=20 against the release build).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { addUser, startServer } from './server.mjs';

const SEED = '/scenarios/gitops-drift-causing-outage';
const KILLS = Number(process.env.DURABILITY_KILLS ?? 3);
const LEARNERS = Number(process.env.DURABILITY_LEARNERS ?? 24);
const PASSWORD = 'correct horse battery';
const form = (fields) => new URLSearchParams(fields);

/** The server currently up; clients read it on every request, so a restart is transparent. */
const current = { baseUrl: '' };

async function post(path, fields, cookie, accept = 'text/html') {
  return fetch(current.baseUrl + path, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept },
    body: form(fields),
    redirect: 'manual',
    signal: AbortSignal.timeout(5_000),
  });
}

/** A learner: an identity made by a first form post, and the page's form token. */
async function learner() {
  const reveal = await fetch(current.baseUrl + '/reveals', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ csrf: 'new', scenario: 'gitops-drift-causing-outage' }),
    redirect: 'manual',
  });
  assert.equal(reveal.status, 303);
  const cookie = reveal.headers.getSetCookie()[0].split(';')[0];
  const html = await (await fetch(current.baseUrl + SEED, { headers: { cookie } })).text();
  const csrf = html.match(/name="csrf" value="([0-9a-f]{32})"/)[1];
  return { cookie, csrf, acknowledged: [] };
}

/** The interviewer: signed in, with an interview started; returns its console and link. */
async function interviewer() {
  const signIn = await post('/sign-in', { csrf: 'new', name: 'ivy', password: PASSWORD }, '');
  assert.equal(signIn.status, 303);
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('firedrill_session='));
  const page = await (await fetch(current.baseUrl + SEED, { headers: { cookie } })).text();
  const csrf = page.match(/name="csrf" value="([0-9a-f]{32})"/)[1];
  const started = await post('/interviews', { csrf, scenario: 'gitops-drift-causing-outage', candidate: 'Sam' }, cookie);
  assert.equal(started.status, 303);
  const consolePath = started.headers.get('location');
  const consoleHtml = await (await fetch(current.baseUrl + consolePath, { headers: { cookie } })).text();
  const link = consoleHtml.match(/id="candidate-link" readonly value="([^"]+)"/)[1];
  return { cookie, csrf, consolePath, link, notes: [], events: 0, candidateSaves: [] };
}

/** Runs `step(i)` in a loop while `running()`; a failed request (the server is down) waits. */
async function loop(running, step) {
  for (let i = 0; running(); i++) {
    try {
      await step(i);
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      await sleep(20); // the server is down: try again when it is back
    }
  }
}

test(`every acknowledged attempt and interview event survives ${KILLS} SIGKILLs under load`, { timeout: 60_000 + KILLS * 15_000 }, async () => {
  let server = await startServer({ args: ['--submit-rate', '0', '--sign-in-rate', '0'] });
  addUser(server.database, 'ivy', 'interviewer', PASSWORD);
  current.baseUrl = server.baseUrl;
  const learners = await Promise.all(Array.from({ length: LEARNERS }, learner));
  const ivy = await interviewer();
  let running = true;
  const items = ['quick-identification-of-the-hpa-vs', 'knowledge-of-ignoredifferences-to-resolve-sync'];

  const work = [
    ...learners.map((l, n) => loop(() => running, async (i) => {
      const res = await post('/attempts', {
        csrf: l.csrf,
        scenario: 'gitops-drift-causing-outage',
        answer: `learner ${n} answer ${i}: ArgoCD and the HPA fight over replicas; add ignoreDifferences in Git.`,
      }, l.cookie);
      if (res.status === 303) l.acknowledged.push(res.headers.get('location'));
      else if (res.status >= 400) assert.fail(`submission answered ${res.status}: ${await res.text()}`);
    })),
    loop(() => running, async (i) => {
      const [action, fields] = i % 3 === 0
        ? ['notes', { text: `note ${i}` }]
        : ['ticks', { item: items[i % 2], verdict: i % 2 ? 'covered' : 'partial' }];
      const res = await post(`${ivy.consolePath}/${action}`, { csrf: ivy.csrf, ...fields }, ivy.cookie, 'application/json');
      if (res.status === 204) {
        ivy.events += 1;
        if (action === 'notes') ivy.notes.push(fields.text);
      } else if (res.status >= 400) assert.fail(`${action} answered ${res.status}`);
    }),
    loop(() => running, async (i) => {
      const text = `candidate notes, version ${i}`;
      const res = await post(`${ivy.link}/notes`, { text }, '', 'application/json');
      if (res.status === 204) ivy.candidateSaves.push(text);
      await sleep(10);
    }),
  ];

  for (let kill = 0; kill < KILLS; kill++) {
    await sleep(400 + Math.random() * 1_200);
    await server.kill();
    server = await startServer({ database: server.database, args: ['--submit-rate', '0', '--sign-in-rate', '0'] });
    current.baseUrl = server.baseUrl;
  }
  await sleep(500);
  running = false;
  await Promise.all(work);
  await server.kill();

  // Restart once more and check everything acknowledged is there.
  const last = await startServer({ database: server.database });
  current.baseUrl = last.baseUrl;
  try {
    let attempts = 0;
    for (const l of learners) {
      for (const location of l.acknowledged) {
        const res = await fetch(last.baseUrl + location, { headers: { cookie: l.cookie } });
        assert.equal(res.status, 200, `acknowledged attempt ${location} is missing`);
        await res.arrayBuffer();
        attempts += 1;
      }
    }
    const card = await (await fetch(`${last.baseUrl}${ivy.consolePath}/scorecard.json`, { headers: { cookie: ivy.cookie } })).json();
    const recorded = card.timeline.filter((e) => e.kind === 'noted' || e.kind === 'ticked').length;
    assert.ok(recorded >= ivy.events, `${ivy.events} interview events acknowledged, ${recorded} recorded`);
    for (const note of ivy.notes) {
      assert.ok(card.timeline.some((e) => e.text === `Note: ${note}`), `acknowledged "${note}" is missing`);
    }
    // The last acknowledged save, or a later one committed just before a kill, is what is kept.
    const version = (text) => Number(/version (\d+)$/.exec(text ?? '')?.[1] ?? -1);
    const saved = ivy.candidateSaves.at(-1);
    if (saved) assert.ok(version(card.candidate_notes) >= version(saved), `kept "${card.candidate_notes}", acknowledged "${saved}"`);
    assert.ok(attempts >= LEARNERS, `only ${attempts} attempts acknowledged`);
    assert.ok(ivy.events >= 3, `only ${ivy.events} interview events acknowledged`);
    console.log(`${KILLS} SIGKILLs: ${attempts} acknowledged attempts from ${LEARNERS} learners and ${ivy.events} interview events (${ivy.notes.length} notes) plus ${ivy.candidateSaves.length} candidate note saves, all present`);
  } finally {
    await last.stop();
  }
});
