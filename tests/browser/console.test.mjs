// The investigation console with JavaScript, in Debian's headless Chromium: commands run without
// reloading the page, the up arrow recalls the last one, the answer form still submits (its token
// follows the visitor's new identity), a hint shows in place with its cost, and the attempt page
// shows the path and the hint's cost.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const SEED = '/scenarios/gitops-drift-causing-outage';

test('commands run in place, the up arrow recalls them, and the attempt shows the path', { timeout: 60_000 }, async () => {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const page = await browser.newPage({ baseURL: server.baseUrl });
    page.setDefaultTimeout(5_000);
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(SEED);
    await page.evaluate(() => { window.__notReloaded = true; });
    const input = page.locator('#console-command');
    await input.fill('kubectl get application payments-api -n argocd');
    await input.press('Enter');
    await page.locator('.transcript-entry').first().waitFor();
    await input.fill('cowsay moo');
    await input.press('Enter');
    await page.locator('.transcript-entry').nth(1).waitFor();
    assert.equal(await page.evaluate(() => window.__notReloaded), true, 'no reload');
    assert.match(await page.locator('.transcript-entry').nth(1).textContent(), /nothing in its output stands out/);
    await page.locator('#console-command').press('ArrowUp');
    assert.equal(await page.locator('#console-command').inputValue(), 'cowsay moo');
    await page.locator('#console-command').press('ArrowUp');
    assert.equal(await page.locator('#console-command').inputValue(), 'kubectl get application payments-api -n argocd');

    // A hint, in place too: its cost on the button, then what it said and the running total.
    const take = page.getByRole('button', { name: /Take a hint \(−5 points\)/ });
    await take.click();
    await page.locator('.hint-list li').first().waitFor();
    assert.equal(await page.evaluate(() => window.__notReloaded), true, 'no reload for a hint');
    assert.match(await page.locator('.hint-list').textContent(), /Step \d+: .+−5 points/s);
    assert.match(await page.locator('#hints').textContent(), /will be 5 points lower/);

    await page.getByLabel('What would you do?').fill('ArgoCD self-heal fights the HPA over replicas; ignoreDifferences in Git.');
    await Promise.all([page.waitForURL(/\/attempts\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Submit answer' }).click()]);
    const path = page.locator('#investigation');
    assert.match(await path.textContent(), /Your investigation/);
    assert.match(await path.textContent(), /cowsay moo/);
    assert.match(await path.textContent(), /Hint taken \(−5 points\): Step \d+/);
    assert.match(await page.locator('.score').textContent(), /1 hint taken during the investigation cost 5 points/);
    assert.deepEqual(problems, [], 'no console errors or page errors');
  } finally {
    await browser.close();
    await server.stop();
  }
});
