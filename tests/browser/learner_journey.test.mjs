// The learner journey in Debian's headless Chromium: answer the seed scenario, see the score
// with the answer's own words marked, correct a verdict, find the attempt in the history.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const ANSWER = `ArgoCD and the HPA are fighting over spec.replicas: self-heal reverts what the HPA sets.

\`\`\`yaml
ignoreDifferences:
  - group: apps
    kind: Deployment
    jsonPointers: [/spec/replicas]
\`\`\`
Commit that to the Application manifest in Git so the fix is durable. <img src=x onerror=alert(1)>`;

test('a learner filters the catalogue, answers, sees the evidence, corrects a verdict and finds the attempt', { timeout: 60_000 }, async () => {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const page = await browser.newPage({ baseURL: server.baseUrl });
    page.setDefaultTimeout(5_000);
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });

    // From the catalogue: filter by level, open the scenario.
    await page.goto('/');
    await page.locator('select[name="level"]').selectOption('L2');
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('level') === 'L2'),
      page.getByRole('button', { name: 'Filter', exact: true }).click(),
    ]);
    const titles = await page.locator('.card-title').allInnerTexts();
    assert.ok(titles.includes('GitOps Drift Causing Outage') && !titles.includes('TLS Certificate Expired at the Ingress'), `L2 cards: ${titles}`);
    await Promise.all([page.waitForURL(/\/scenarios\/gitops-drift-causing-outage$/), page.getByRole('link', { name: 'GitOps Drift Causing Outage' }).first().click()]);
    await page.getByLabel('What would you do?').fill(ANSWER);
    await Promise.all([page.waitForURL(/\/attempts\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Submit answer' }).click()]);

    const figure = page.locator('.score-percent');
    const before = Number((await figure.textContent()).replace('%', ''));
    assert.ok(before > 0, `score ${before}%`);
    for (const word of ['fighting', 'durable']) {
      assert.ok(await page.locator('mark', { hasText: word }).first().isVisible(), `evidence "${word}" is marked`);
    }
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'the answer is shown as text, not HTML');
    const code = page.locator('.answer-text pre code');
    assert.match(await code.textContent(), /jsonPointers: \[\/spec\/replicas\]/, 'the fenced block is shown as code');
    assert.ok(!(await page.locator('.answer-text').textContent()).includes('```'), 'no literal fences');
    assert.ok(await page.getByText('<img src=x onerror=alert(1)>').isVisible(), 'the hostile text is visible as text');

    const item = page.locator('#item-quick-identification-of-the-hpa-vs');
    await Promise.all([page.waitForURL(/#item-/), item.getByRole('button', { name: 'Missed' }).click()]);
    await page.locator('#item-quick-identification-of-the-hpa-vs .verdict-reason', { hasText: 'You marked this missed' }).waitFor();
    const after = Number((await figure.textContent()).replace('%', ''));
    assert.ok(after < before, `score after correcting a covered item to missed: ${before}% -> ${after}%`);

    await page.getByRole('link', { name: 'Your attempts' }).first().click();
    assert.equal(await page.locator('#attempt-list tbody tr').count(), 1, 'one attempt in the history');
    const listed = await page.locator('#attempt-list tbody tr td').nth(2).textContent();
    assert.ok(listed.startsWith(`${after}%`), `the history shows the corrected score ${after}%: ${listed}`);
    assert.deepEqual(problems, [], 'no console errors, page errors or dialogs');
  } finally {
    await browser.close();
    await server.stop();
  }
});
