// A gauntlet run as a live interview in two browser pages: the interviewer starts it from the
// gauntlet's page and opens three rounds one after the other, ticking an item and noting
// something on each; the candidate sees each round's question appear without a reload, and
// never a strong answer, a weak answer, a trap or the senior signal. The scorecard has each
// round's ticks and notes. The console, the candidate's page and the scorecard have no serious
// accessibility violation (axe-core) and no HTML error (the Nu HTML checker).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { addUser, repoRoot, startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VNU = require.resolve('vnu-jar/build/dist/vnu.jar');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/** Words of each round's question (the first three rounds). */
const QUESTIONS = [
  'One of our three Kafka brokers is at 97% disk',
  'Retention is set to 7 days',
  'allowed to lose any data from the last 24 hours',
];

/** What the candidate must never see: strong answers, weak answers, traps, senior signals,
 * testing notes, and the questions of rounds not opened. */
const NEVER = [
  'confirm it is really the Kafka data directory',
  'Seven days of retention should cap it',
  'after checking that covers well over',
  'sets the message timestamp from an event field',
  'Retention never deleted segments',
  'Delete the oldest log files',
  'Candidates who lower',
  'Names the throttle on the reassignment',
  'Could NTP drift on the broker',
  'whether the candidate stabilises before digging',
  'Strong answer',
  'Trap alert',
];
const LATER = ['the timestamps are in 2031', 'Write the two lines of the postmortem'];

/** A content folder holding only the gauntlet: the test owns its fixture. */
function content() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'firedrill-gauntlet-'));
  mkdirSync(path.join(dir, 'gauntlets'));
  copyFileSync(
    path.join(repoRoot, 'tests/fixtures/formats/gauntlet-disk-full-on-a-kafka-broker.md'),
    path.join(dir, 'gauntlets/kafka-disk.md'),
  );
  return dir;
}

/** Serious or critical axe-core violations on `page` as it is now. */
async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()}: ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** Nu HTML checker errors in the HTML the server sends for each of `urls` to `context`. */
async function htmlErrors(context, urls) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'firedrill-gauntlet-html-'));
  const files = [];
  for (const url of urls) {
    const file = path.join(dir, `${files.length}.html`);
    writeFileSync(file, await (await context.request.get(url, { failOnStatusCode: false })).text());
    files.push(file);
  }
  let report;
  try {
    report = execFileSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    report = err.stderr || err.stdout;
  }
  return JSON.parse(report || '{"messages":[]}').messages
    .filter((m) => m.type === 'error')
    .map((m) => `${urls[files.findIndex((f) => m.url && m.url.endsWith(path.basename(f)))]}:${m.lastLine}: ${m.message}`);
}

function watch(page, problems) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${m.text()}`); });
  page.on('pageerror', (e) => problems.push(e.message));
}

async function assertNothingHidden(candidate, opened) {
  const text = await candidate.locator('body').innerText();
  const html = await candidate.content();
  for (const hidden of [...NEVER, ...LATER, ...QUESTIONS.slice(opened)]) {
    assert.ok(!text.includes(hidden) && !html.includes(hidden), `the candidate sees "${hidden}" with ${opened} rounds open`);
  }
}

test('an interviewer runs a gauntlet live, round by round, with a candidate', { timeout: 90_000 }, async () => {
  const server = await startServer({ content: content() });
  addUser(server.database, 'ivy', 'interviewer', 'correct horse battery');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  const problems = [];
  try {
    const interviewer = await (await browser.newContext({ baseURL: server.baseUrl })).newPage();
    interviewer.setDefaultTimeout(5_000);
    watch(interviewer, problems);
    interviewer.on('dialog', (d) => d.accept());
    await interviewer.goto('/sign-in');
    await interviewer.getByLabel('User name').fill('ivy');
    await interviewer.getByLabel('Password').fill('correct horse battery');
    await Promise.all([interviewer.waitForURL(/\/$/), interviewer.getByRole('button', { name: 'Sign in' }).click()]);
    await interviewer.goto('/gauntlets/kafka-disk');
    await interviewer.getByLabel("Candidate's name").fill('Sam');
    await Promise.all([interviewer.waitForURL(/\/interviews\/[0-9a-f]{32}$/), interviewer.getByRole('button', { name: 'Start interview' }).click()]);
    const link = await interviewer.locator('#candidate-link').inputValue();
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/i\/[0-9a-f]{64}$/);
    // The console has the whole script: the first round's strong answer is there to read.
    assert.ok(await interviewer.locator('#live-round-1 .round-strong').isVisible());

    const candidate = await (await browser.newContext()).newPage();
    candidate.setDefaultTimeout(5_000);
    watch(candidate, problems);
    await candidate.goto(link);
    assert.ok(await candidate.getByRole('heading', { name: 'Disk Full on a Kafka Broker' }).isVisible());
    assert.ok(await candidate.locator('#no-questions').isVisible());
    await assertNothingHidden(candidate, 0);
    const loads = [];
    candidate.on('load', () => loads.push(Date.now()));

    for (let round = 1; round <= 3; round += 1) {
      const open = interviewer.locator('#open-round button');
      assert.match(await open.innerText(), new RegExp(`^Open round ${round}: The `));
      await open.click();
      // The question appears on the candidate's page, pushed live.
      await candidate.locator(`#question-${round}`, { hasText: QUESTIONS[round - 1] }).waitFor();
      assert.ok(await candidate.locator('#no-questions').isHidden());
      const section = interviewer.locator(`#live-round-${round}`);
      await interviewer.locator(`#live-round-${round}.is-current[open]`).waitFor();
      await section.locator('[data-round-status]', { hasText: 'opened at' }).waitFor();

      // A tick and a note on this round.
      const item = section.locator('.tick-item').first();
      await item.getByRole('button', { name: 'Covered' }).click();
      await item.locator('button[value="covered"][aria-pressed="true"]').waitFor();
      await section.getByLabel(`A note on round ${round}`).fill(`Round ${round} note from ivy`);
      await section.getByRole('button', { name: `Add note on round ${round}` }).click();
      await section.locator(`#note-list-${round} li`, { hasText: `Round ${round} note from ivy` }).waitFor();
      await assertNothingHidden(candidate, round);
      assert.equal(await candidate.getByText(`note from ivy`).count(), 0, 'the candidate never sees notes');
    }
    assert.deepEqual(loads, [], 'the candidate page was not reloaded');
    assert.deepEqual([...await axe(interviewer), ...await axe(candidate)], [], 'axe-core on the live pages');
    assert.deepEqual(await htmlErrors(interviewer.context(), [interviewer.url()]), [], 'the console is valid HTML');
    assert.deepEqual(await htmlErrors(candidate.context(), [link]), [], "the candidate's page is valid HTML");
    for (let round = 1; round <= 3; round += 1) {
      assert.ok(await candidate.locator(`#question-${round}`).isVisible());
    }
    // Earlier rounds collapse; the current one stays open.
    assert.equal(await interviewer.locator('#live-round-1[open]').count(), 0);
    assert.match(await interviewer.locator('#open-round button').innerText(), /^Open round 4: The Curveball$/);

    // The candidate writes notes; the console shows them.
    await candidate.getByLabel('Your reasoning').pressSequentially('Check df -h and du on the Kafka log dirs', { delay: 5 });
    await interviewer.locator('#candidate-notes', { hasText: 'du on the Kafka log dirs' }).waitFor();

    // End: the scorecard has each round with its ticks and notes, and the score per round.
    await Promise.all([interviewer.waitForURL(/\/scorecard$/), interviewer.getByRole('button', { name: 'End interview' }).click()]);
    await candidate.getByRole('heading', { name: 'Thank you, Sam' }).waitFor();
    const card = interviewer.locator('article.scorecard');
    for (let round = 1; round <= 3; round += 1) {
      const section = card.locator(`#round-${round}`);
      assert.ok(await section.getByText(`Round ${round} note from ivy`).isVisible());
      assert.equal(await section.locator('td .verdict-covered').count() >= 1, true, `round ${round} has its tick`);
      assert.match(await section.locator('.round-score').innerText(), /^\d+% · 1 of \d+ covered$/);
    }
    assert.match(await card.locator('#round-4 .round-score').innerText(), /^0% · 0 of \d+ covered$/);
    assert.ok(await card.locator('#round-4').getByText('Not opened.').isVisible());
    assert.ok(await card.getByText('Opened round 2:').first().isVisible());
    assert.deepEqual(await axe(interviewer), [], 'axe-core on the scorecard');
    assert.deepEqual(await htmlErrors(interviewer.context(), [interviewer.url()]), [], 'the scorecard is valid HTML');
    const percent = Number((await card.locator('.score-percent').innerText()).replace('%', ''));
    assert.ok(percent > 0 && percent < 100, `score ${percent}%`);
    const unexpected = problems.filter((p) => !p.includes('status of 410 (Gone)'));
    assert.deepEqual(unexpected, [], 'no console or page errors');
  } finally {
    await browser.close();
    await server.stop();
  }
});
