// The catalogue as a learner's practice plan, in Debian's headless Chromium: after answering two
// scenarios the learner sees their best score on those cards, their progress by topic, and a
// next suggestion that changes as they answer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/** A small library: slug, level, topic, its one checklist item. */
const LIBRARY = [
  ['disk-full', 'L1', 'Linux', 'Finds the largest directories with du'],
  ['log-flood', 'L1', 'Linux', 'Truncates the runaway log file instead of deleting it'],
  ['dns-timeouts', 'L1', 'DNS', 'Queries the cluster resolver with dig'],
  ['blocked-queries', 'L1', 'Databases', 'Reads pg_stat_activity for the blocked queries'],
  ['replica-lag', 'L2', 'Databases', 'Compares replay lag in pg_stat_replication'],
];

function library() {
  const content = mkdtempSync(path.join(os.tmpdir(), 'firedrill-practice-'));
  mkdirSync(path.join(content, 'scenarios'));
  for (const [slug, level, topic, item] of LIBRARY) {
    writeFileSync(path.join(content, 'scenarios', `${slug}.md`),
      `---\nlevel: "${level}"\ntopics: [${topic}]\n---\n# Scenario: ${slug}\n\n## The Prompt\n\nSomething broke.\n\n## What a Strong Answer Includes\n\n- ${item}\n`);
  }
  return content;
}

async function answer(page, slug, text) {
  await page.goto(`/scenarios/${slug}`);
  await page.getByLabel('What would you do?').fill(text);
  await Promise.all([page.waitForURL(/\/attempts\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Submit answer' }).click()]);
}

test('a learner answers two scenarios and the catalogue shows their progress and a changing suggestion', { timeout: 60_000 }, async () => {
  const server = await startServer({ content: library() });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const page = await browser.newPage({ baseURL: server.baseUrl });
    page.setDefaultTimeout(5_000);
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto('/');
    assert.equal(await page.locator('.practice').count(), 0, 'no practice panel before any attempt');

    await answer(page, 'disk-full', 'I would find the largest directories with du before deleting anything.');
    await answer(page, 'dns-timeouts', 'Restart the pods and see.');
    await page.goto('/');
    const panel = page.locator('.practice');
    assert.ok(await panel.isVisible(), 'the practice panel is shown');
    const card = (slug) => page.locator('.card', { has: page.locator(`a.card-title[href="/scenarios/${slug}"]`) });
    assert.equal((await card('disk-full').locator('.badge-answered').textContent()).trim(), 'Answered · best 100%');
    assert.equal((await card('dns-timeouts').locator('.badge-answered').textContent()).trim(), 'Answered · best 0%');
    assert.equal(await card('log-flood').locator('.badge-answered').count(), 0, 'an unanswered card has no score');
    // Databases is the one topic not tried: its L1 scenario comes next.
    const next = panel.locator('.suggestion a');
    assert.equal(await next.getAttribute('href'), '/scenarios/blocked-queries');
    assert.match(await panel.locator('.suggestion-why').textContent(), /L1 · Databases, your weakest topic: 0 of 2 answered/);
    await panel.getByText('Progress by topic').click();
    const linux = panel.locator('.topic-progress li', { hasText: 'Linux' });
    assert.match(await linux.textContent(), /1 of 2 answered/);
    assert.equal(await linux.locator('meter').getAttribute('value'), '100');

    // Follow the suggestion and answer it well: now two done well at L1, so L2 comes next.
    await Promise.all([page.waitForURL(/\/scenarios\/blocked-queries$/), next.click()]);
    await page.getByLabel('What would you do?').fill('Read pg_stat_activity to find the blocked queries and what blocks them.');
    await Promise.all([page.waitForURL(/\/attempts\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Submit answer' }).click()]);
    await page.goto('/');
    assert.equal(await page.locator('.practice .suggestion a').getAttribute('href'), '/scenarios/replica-lag', 'the suggestion moved on');
    assert.match(await page.locator('.practice .suggestion-why').textContent(), /^L2 · Databases/);
    assert.deepEqual(problems, [], 'no console errors or page errors');
  } finally {
    await browser.close();
    await server.stop();
  }
});
