// The header and catalogue as a phone shows them, the light/dark switch, and signing in from
// a page, in Debian's headless Chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { addUser, startServer } from './server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

function watch(page) {
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

test('on a phone the header is one row, the menu opens, and the first screen shows scenarios', { timeout: 60_000 }, async () => {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    const problems = watch(page);
    await page.goto('/');
    const header = await page.locator('.site-header').boundingBox();
    assert.ok(header.height <= 64, `the header is one row: ${header.height}px tall`);
    assert.ok(!(await page.getByRole('link', { name: 'Wiki' }).isVisible()), 'the links wait in the menu');
    const card = await page.locator('.card').first().boundingBox();
    assert.ok(card.y + 60 < 844, `a scenario shows on the first screen (its top at ${card.y}px)`);
    assert.ok(!(await page.locator('#filters').isVisible()), 'the filters are folded away');

    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    for (const name of ['Scenarios', 'Wiki', 'Your attempts', 'Sign in', 'Sign up']) {
      assert.ok(await page.getByRole('link', { name, exact: true }).isVisible(), `${name} is in the open menu`);
    }
    await page.keyboard.press('Escape');
    assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'Escape closes the menu');

    await page.getByRole('button', { name: 'Search and filter' }).click();
    await page.locator('select[name="level"]').selectOption('L3');
    await Promise.all([page.waitForURL(/level=L3/), page.getByRole('button', { name: 'Filter', exact: true }).click()]);
    assert.ok(await page.getByRole('button', { name: /Search and filter 1 active/ }).isVisible(), 'the button counts the active filter');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('the theme switch overrides the system setting and is remembered', { timeout: 60_000 }, async () => {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const context = await browser.newContext({ baseURL: server.baseUrl, colorScheme: 'dark' });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    const problems = watch(page);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.goto('/');
    const dark = await background();
    const button = page.locator('[data-theme-switch]');
    assert.equal(await button.textContent(), 'Theme: Auto');
    await button.click();
    assert.equal(await button.textContent(), 'Theme: Light');
    const light = await background();
    assert.notEqual(light, dark, 'the page turned light on a dark system');
    await page.goto('/wiki');
    assert.equal(await background(), light, 'the choice is remembered on the next page');
    assert.equal(await page.locator('[data-theme-switch]').textContent(), 'Theme: Light');
    await page.locator('[data-theme-switch]').click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.locator('[data-theme-switch]').click();
    await page.reload();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined, 'back to the system setting');
    assert.equal(await background(), dark);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('signing in from a scenario page returns to it', { timeout: 60_000 }, async () => {
  const server = await startServer();
  addUser(server.database, 'ana', 'learner', 'correct horse battery');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const page = await browser.newPage({ baseURL: server.baseUrl });
    page.setDefaultTimeout(5_000);
    await page.goto('/scenarios/gitops-drift-causing-outage');
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('User name').fill('ana');
    await page.getByLabel('Password').fill('correct horse battery');
    await Promise.all([
      page.waitForURL(/\/scenarios\/gitops-drift-causing-outage$/),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    assert.ok(await page.getByRole('link', { name: 'ana' }).isVisible(), 'signed in, back on the scenario');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('on a phone the search box is first in the menu, and a typo still finds the page', { timeout: 60_000 }, async () => {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    const problems = watch(page);
    await page.goto('/wiki');
    await page.getByRole('button', { name: 'Menu' }).click();
    const box = page.getByRole('searchbox', { name: 'Search scenarios and the wiki' });
    assert.ok(await box.isVisible(), 'the search box is in the open menu');
    await box.fill('certficate');
    await Promise.all([page.waitForURL(/\/search\?q=certficate/), box.press('Enter')]);
    const first = page.locator('.result-title').first();
    assert.equal(await first.getAttribute('href'), '/scenarios/tls-certificate-expired');
    assert.equal(await first.locator('mark').first().textContent(), 'Certificate');
    const title = await first.boundingBox();
    assert.ok(title.y + title.height < 844, `the first result shows on the first screen (at ${title.y}px)`);
    assert.ok(await page.locator('form.search-filters select[name="kind"]').isVisible(), 'the filters are not folded away');
    await Promise.all([page.waitForURL(/kind=wiki/), page.locator('select[name="kind"]').selectOption('wiki').then(() => page.locator('form.search-filters button[type="submit"]').click())]);
    assert.ok(await page.getByText('No results').isVisible());
    assert.ok(await page.getByRole('link', { name: 'clear the filters' }).isVisible());
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
