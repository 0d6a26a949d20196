// The investigation console in a live interview, in two browser pages: the candidate types a
// command, the interviewer's console shows it without a reload with the step it matched and
// that step's output, the interviewer shows the output and the candidate sees it without a
// reload; an unmatched command is answered "nothing relevant"; a harmful one is not run. The
// up arrow brings back the last command. The scorecard lists the commands and the path score.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { addUser, startServer } from './server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

const HPA_SHOWS = 'desired=8, current=3 (being reverted)';
const NOTHING = 'The command runs, but nothing in its output stands out for this incident.';

function watch(page, problems) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${m.text()}`); });
  page.on('pageerror', (e) => problems.push(e.message));
}

test('the candidate runs commands and the interviewer answers them live', { timeout: 90_000 }, async () => {
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
    assert.ok(await interviewer.locator('#no-commands').isVisible());

    const candidate = await (await browser.newContext()).newPage();
    candidate.setDefaultTimeout(5_000);
    watch(candidate, problems);
    await candidate.goto(link);
    const loads = [];
    for (const page of [interviewer, candidate]) page.on('load', () => loads.push(page.url()));
    const input = candidate.locator('#interview-command');

    // A command on the path: the candidate sees it wait; the interviewer sees its step.
    await input.fill('k -n grokdevops get hpa');
    await input.press('Enter');
    const mine = candidate.locator('#transcript li', { hasText: '$ k -n grokdevops get hpa' });
    await mine.locator('.transcript-waiting', { hasText: 'Sent to your interviewer.' }).waitFor();
    assert.equal(await input.inputValue(), '', 'the box is cleared');
    const theirs = interviewer.locator('#live-commands li', { hasText: '$ k -n grokdevops get hpa' });
    await theirs.locator('.command-reading', { hasText: 'Step 3: Check HPA' }).waitFor();
    assert.ok(await theirs.getByText(HPA_SHOWS).isVisible());
    assert.ok(await interviewer.locator('#no-commands').isHidden());
    assert.equal(await candidate.getByText(HPA_SHOWS).count(), 0, 'not shown before the interviewer shows it');
    assert.equal(await candidate.getByText('Check HPA').count(), 0, 'never the step title');

    // The interviewer shows it: the candidate sees the output, no reload.
    await theirs.getByRole('button', { name: 'Show the output' }).click();
    await mine.getByText(HPA_SHOWS).waitFor();
    assert.equal(await mine.locator('.transcript-waiting').count(), 0);
    await theirs.getByText('Output of step 3 shown').waitFor();
    await interviewer.locator('#path-step-2.is-shown').waitFor({ state: 'attached' });

    // An unrelated command: answered "nothing relevant".
    await input.fill('cowsay moo');
    await input.press('Enter');
    const moo = interviewer.locator('#live-commands li.is-unmatched', { hasText: '$ cowsay moo' });
    await moo.getByText('Nothing on the path').waitFor();
    await moo.getByRole('button', { name: 'Answer: nothing relevant' }).click();
    await candidate.locator('#transcript li', { hasText: '$ cowsay moo' }).getByText(NOTHING).waitFor();
    await moo.getByText('Answered: nothing relevant').waitFor();

    // A harmful command is not run, and needs no answer.
    await input.fill('kubectl delete ns grokdevops');
    await candidate.getByRole('button', { name: 'Run' }).click();
    await candidate.getByText('Not run: on a production system this deletes a live resource.').waitFor();
    await interviewer.locator('#live-commands li.is-harmful', { hasText: 'kubectl delete ns grokdevops' }).waitFor();

    // The up arrow brings back the last command.
    await input.focus();
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'kubectl delete ns grokdevops');
    await input.fill('');
    assert.deepEqual(loads, [], 'no page was reloaded');

    // A reload of the console shows the same, answered.
    await interviewer.reload();
    assert.equal(await interviewer.locator('#live-commands li').count(), 3);
    assert.equal(await interviewer.locator('#live-commands li.is-answered').count(), 2);

    // The scorecard lists the commands beside the path.
    await Promise.all([interviewer.waitForURL(/\/scorecard$/), interviewer.getByRole('button', { name: 'End interview' }).click()]);
    const card = interviewer.locator('#investigation');
    await card.getByText('1 of 6 steps').waitFor();
    assert.ok(await card.getByText('reached by command 1').isVisible());
    assert.ok(await card.locator('li.is-harmful', { hasText: 'kubectl delete ns grokdevops' }).isVisible());
    await candidate.getByRole('heading', { name: 'Thank you, Sam' }).waitFor();
    const unexpected = problems.filter((p) => !p.includes('status of 410 (Gone)'));
    assert.deepEqual(unexpected, [], 'no console or page errors');
  } finally {
    await browser.close();
    await server.stop();
  }
});
