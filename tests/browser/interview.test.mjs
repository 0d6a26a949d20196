// The interviewer journey in two browser pages: the interviewer starts an interview from a
// scenario, the candidate opens the link; a reveal appears on the candidate's page without a
// reload, the candidate's notes appear on the console as they type, the interviewer ticks an
// item and ends, and the scorecard shows it all. Follow-up questions ticked as asked reach
// every open console live (never the candidate) and the scorecard. Then SIGTERM with streams
// open: the server stops within a few seconds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { addUser, startServer } from './server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

function watch(page, problems) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${m.text()}`); });
  page.on('pageerror', (e) => problems.push(e.message));
}

test('an interviewer runs a live interview with a candidate', { timeout: 90_000 }, async () => {
  const server = await startServer();
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
    await interviewer.goto('/scenarios/gitops-drift-causing-outage');
    await interviewer.getByLabel("Candidate's name").fill('Sam');
    await Promise.all([interviewer.waitForURL(/\/interviews\/[0-9a-f]{32}$/), interviewer.getByRole('button', { name: 'Start interview' }).click()]);
    const link = await interviewer.locator('#candidate-link').inputValue();
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/i\/[0-9a-f]{64}$/);

    const candidate = await (await browser.newContext()).newPage();
    candidate.setDefaultTimeout(5_000);
    watch(candidate, problems);
    await candidate.goto(link);
    assert.ok(await candidate.getByRole('heading', { name: 'The Prompt' }).isVisible());
    assert.ok(await candidate.locator('#no-evidence').isVisible());
    const loads = [];
    candidate.on('load', () => loads.push(Date.now()));

    // Reveal the first evidence item: it appears on the candidate's page, no reload.
    const first = interviewer.locator('#reveal-evidence-0');
    const evidenceText = (await first.locator('.reveal-body').innerText()).trim().slice(0, 30);
    await first.getByRole('button', { name: 'Reveal' }).click();
    await candidate.locator('#revealed li', { hasText: evidenceText }).waitFor();
    assert.ok(await candidate.locator('#no-evidence').isHidden());
    await first.getByRole('button', { name: 'Revealed' }).waitFor();
    assert.deepEqual(loads, [], 'the candidate page was not reloaded');

    // The candidate types; the console shows the notes and the grader's suggestion.
    await candidate.getByLabel('Your reasoning').pressSequentially('ArgoCD self-heal fights the HPA over spec.replicas', { delay: 5 });
    await interviewer.locator('#candidate-notes', { hasText: 'fights the HPA over spec.replicas' }).waitFor();
    await interviewer.locator('[data-suggestion="quick-identification-of-the-hpa-vs"]', { hasText: 'covered' }).waitFor();
    await candidate.locator('#notes-status', { hasText: 'Saved at' }).waitFor();
    // Times read as on every page: UTC to the minute, never the browser's local time.
    assert.match(await candidate.locator('#notes-status').innerText(), /^Saved at \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    await interviewer.locator('#candidate-notes-status', { hasText: 'Updated' }).waitFor();
    assert.match(await interviewer.locator('#candidate-notes-status').innerText(), /^Updated \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

    // Tick an item and leave a private note; both show on the console without a reload.
    const item = interviewer.locator('#tick-quick-identification-of-the-hpa-vs');
    await item.getByRole('button', { name: 'Covered' }).click();
    await item.locator('button[value="covered"][aria-pressed="true"]').waitFor();
    await interviewer.getByLabel('Add a note').fill('Found the conflict in under five minutes');
    await interviewer.getByRole('button', { name: 'Add note' }).click();
    await interviewer.locator('#note-list li', { hasText: 'under five minutes' }).waitFor();
    assert.equal(await candidate.getByText('under five minutes').count(), 0, 'the candidate never sees private notes');

    // End: the interviewer lands on the scorecard; the candidate sees the closed page.
    await Promise.all([interviewer.waitForURL(/\/scorecard$/), interviewer.getByRole('button', { name: 'End interview' }).click()]);
    await candidate.getByRole('heading', { name: 'Thank you, Sam' }).waitFor();
    const card = interviewer.locator('article.scorecard');
    await card.getByText('Marked covered: Quick identification of the HPA vs ArgoCD conflict').waitFor();
    assert.ok(await card.getByText('Revealed evidence: ArgoCD UI shows the app as OutOfSync with a diff on spec.replicas').isVisible());
    assert.equal(await card.getByText('`').count(), 0, 'no raw Markdown on the scorecard');
    assert.ok(await card.getByText('Note: Found the conflict in under five minutes').isVisible());
    assert.ok(await card.getByText('ArgoCD self-heal fights the HPA over spec.replicas').isVisible());
    const row = card.locator('tr', { hasText: 'Quick identification of the HPA vs ArgoCD conflict' });
    assert.equal((await row.locator('td').nth(1).textContent()).trim(), 'covered');
    const percent = Number((await card.locator('.score-percent').innerText()).replace('%', ''));
    assert.ok(percent > 0 && percent < 100, `score ${percent}%`);
    // After the end the candidate's link answers 410 Gone (the closed page), which Chromium
    // logs; nothing else may appear.
    const unexpected = problems.filter((p) => !p.includes('status of 410 (Gone)'));
    assert.deepEqual(unexpected, [], 'no console or page errors');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('follow-ups ticked as asked and revealed steps reach every console live, never the candidate', { timeout: 90_000 }, async () => {
  const server = await startServer();
  addUser(server.database, 'ivy', 'interviewer', 'correct horse battery');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  const problems = [];
  try {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const interviewer = await context.newPage();
    interviewer.setDefaultTimeout(5_000);
    watch(interviewer, problems);
    interviewer.on('dialog', (d) => d.accept());
    await interviewer.goto('/sign-in');
    await interviewer.getByLabel('User name').fill('ivy');
    await interviewer.getByLabel('Password').fill('correct horse battery');
    await Promise.all([interviewer.waitForURL(/\/$/), interviewer.getByRole('button', { name: 'Sign in' }).click()]);
    await interviewer.goto('/scenarios/tls-certificate-expired');
    await interviewer.getByLabel("Candidate's name").fill('Sam');
    await Promise.all([interviewer.waitForURL(/\/interviews\/[0-9a-f]{32}$/), interviewer.getByRole('button', { name: 'Start interview' }).click()]);
    const link = await interviewer.locator('#candidate-link').inputValue();

    // A second console on the same interview (another tab): it must follow without a reload.
    const second = await context.newPage();
    second.setDefaultTimeout(5_000);
    watch(second, problems);
    await second.goto(interviewer.url());
    const candidate = await (await browser.newContext()).newPage();
    candidate.setDefaultTimeout(5_000);
    watch(candidate, problems);
    await candidate.goto(link);
    const loads = [];
    for (const page of [second, candidate]) page.on('load', () => loads.push(page.url()));

    // A step's findings reach the candidate under the step's title.
    const step = interviewer.locator('.reveal-item[id^="reveal-hint-"]').first();
    const title = (await step.locator('.reveal-head strong').innerText()).trim();
    assert.match(title, /^Step 1: \S/);
    await step.getByRole('button', { name: 'Reveal' }).click();
    await candidate.locator('#revealed .revealed-step', { hasText: title }).waitFor();

    // Ticking a follow-up as asked: both consoles mark it, with the time into the interview.
    const question = interviewer.locator('#follow-up-1');
    const words = (await question.locator('.follow-up-text').innerText()).trim();
    await question.getByRole('button', { name: 'Mark asked' }).click();
    for (const page of [interviewer, second]) {
      const asked = page.locator('#follow-up-1.is-asked');
      await asked.getByRole('button', { name: 'Asked' }).waitFor();
      assert.ok(await asked.getByRole('button', { name: 'Asked' }).isDisabled());
      assert.match(await asked.locator('[data-asked-at]').innerText(), /^\d\d:\d\d$/);
    }
    assert.equal(await second.locator('#follow-up-0.is-asked').count(), 0, 'only the question asked');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await candidate.getByText(words.slice(0, 40)).count(), 0, 'the candidate never sees follow-ups');
    assert.deepEqual(loads, [], 'no page was reloaded');

    // The scorecard shows when it was asked.
    await Promise.all([interviewer.waitForURL(/\/scorecard$/), interviewer.getByRole('button', { name: 'End interview' }).click()]);
    const card = interviewer.locator('article.scorecard');
    await card.getByText(`Asked follow-up 2: ${words.slice(0, 40)}`).waitFor();
    await card.locator('.scorecard-follow-ups li.is-asked', { hasText: 'into the interview' }).waitFor();
    assert.equal(await card.locator('.scorecard-follow-ups li:not(.is-asked)', { hasText: 'not asked' }).count(), 2);
    assert.ok(await card.getByText(`Revealed ${title.replace('Step', 'step')}`).isVisible());
    const unexpected = problems.filter((p) => !p.includes('status of 410 (Gone)'));
    assert.deepEqual(unexpected, [], 'no console or page errors');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('the server stops within a few seconds with live streams open', { timeout: 30_000 }, async () => {
  const server = await startServer();
  addUser(server.database, 'ivy', 'interviewer', 'correct horse battery');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const page = await (await browser.newContext({ baseURL: server.baseUrl })).newPage();
    await page.goto('/sign-in');
    await page.getByLabel('User name').fill('ivy');
    await page.getByLabel('Password').fill('correct horse battery');
    await Promise.all([page.waitForURL(/\/$/), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.goto('/scenarios/gitops-drift-causing-outage');
    await page.getByLabel("Candidate's name").fill('Sam');
    await Promise.all([page.waitForURL(/\/interviews\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Start interview' }).click()]);
    const link = await page.locator('#candidate-link').inputValue();
    const candidates = await Promise.all(Array.from({ length: 3 }, async () => {
      const p = await (await browser.newContext()).newPage();
      await p.goto(link);
      return p;
    }));
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await server.stop(); // SIGTERM, then SIGKILL after 5 s
    const took = Date.now() - started;
    assert.ok(took < 4_000, `shutdown took ${took} ms with ${candidates.length + 1} streams open`);
    console.log(`SIGTERM to exit with ${candidates.length + 1} live streams open: ${took} ms`);
  } finally {
    await browser.close();
  }
});
