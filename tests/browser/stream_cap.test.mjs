// A candidate page whose live stream is refused for too many open streams (429) says so and
// waits, instead of reloading into the same refusal over and over.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { addUser, startServer } from './server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

test('a page over the live stream cap says so and does not reload in a loop', { timeout: 60_000 }, async () => {
  const server = await startServer({ args: ['--max-streams-per-interview', '1'] });
  addUser(server.database, 'ivy', 'interviewer', 'correct horse battery');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const interviewer = await (await browser.newContext({ baseURL: server.baseUrl })).newPage();
    interviewer.setDefaultTimeout(5_000);
    await interviewer.goto('/sign-in');
    await interviewer.getByLabel('User name').fill('ivy');
    await interviewer.getByLabel('Password').fill('correct horse battery');
    await Promise.all([interviewer.waitForURL(/\/$/), interviewer.getByRole('button', { name: 'Sign in' }).click()]);
    await interviewer.goto('/scenarios/gitops-drift-causing-outage');
    await interviewer.getByLabel("Candidate's name").fill('Sam');
    await Promise.all([interviewer.waitForURL(/\/interviews\/[0-9a-f]{32}$/), interviewer.getByRole('button', { name: 'Start interview' }).click()]);
    const link = await interviewer.locator('#candidate-link').inputValue();

    const first = await (await browser.newContext()).newPage();
    first.setDefaultTimeout(5_000);
    await first.goto(link);
    await new Promise((r) => setTimeout(r, 500)); // its stream is open: the one allowed

    const second = await (await browser.newContext()).newPage();
    second.setDefaultTimeout(5_000);
    const loads = [];
    second.on('load', () => loads.push(Date.now()));
    await second.goto(link);
    const notice = second.getByRole('status').filter({ hasText: 'Live updates are paused' });
    await notice.waitFor();
    assert.match(await notice.innerText(), /tries again in 30 seconds/);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(loads.length, 1, 'the refused page was not reloaded');

    // The first page, under the cap, still gets reveals live.
    const item = interviewer.locator('#reveal-evidence-0');
    const text = (await item.locator('.reveal-body').innerText()).trim().slice(0, 30);
    await item.getByRole('button', { name: 'Reveal' }).click();
    await first.locator('#revealed li', { hasText: text }).waitFor();
  } finally {
    await browser.close();
    await server.stop();
  }
});
