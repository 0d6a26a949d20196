// Drafts in Debian's headless Chromium: a half-written answer survives a reload (restored with a
// note, discardable), Ctrl+Enter submits, and a submitted answer leaves no draft behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const SEED = '/scenarios/gitops-drift-causing-outage';

test('a draft survives a reload, Ctrl+Enter submits it, and submitting clears it', { timeout: 60_000 }, async () => {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const page = await browser.newPage({ baseURL: server.baseUrl });
    page.setDefaultTimeout(5_000);
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(SEED);
    const answer = page.getByLabel('What would you do?');
    await answer.pressSequentially('ArgoCD self-heal fights the HPA over replicas');
    await page.waitForTimeout(500);
    await page.reload();
    assert.equal(await answer.inputValue(), 'ArgoCD self-heal fights the HPA over replicas', 'restored after a reload');
    const note = page.locator('.draft-note');
    assert.match(await note.textContent(), /Restored your unsent draft from/);

    // Discarding empties the form and forgets the draft.
    await note.getByRole('button', { name: 'Discard it' }).click();
    assert.equal(await answer.inputValue(), '');
    await page.reload();
    assert.equal(await answer.inputValue(), '', 'a discarded draft stays gone');
    assert.equal(await page.locator('.draft-note').count(), 0);

    // Type again, then submit from the keyboard.
    await answer.pressSequentially('Add ignoreDifferences for spec.replicas in Git.');
    await page.waitForTimeout(500);
    await Promise.all([page.waitForURL(/\/attempts\/[0-9a-f]{32}$/), answer.press('Control+Enter')]);
    await page.goto(SEED);
    assert.equal(await answer.inputValue(), '', 'a submitted answer leaves no draft');
    assert.equal(await page.locator('.draft-note').count(), 0);
    assert.deepEqual(problems, [], 'no console errors or page errors');
  } finally {
    await browser.close();
    await server.stop();
  }
});
