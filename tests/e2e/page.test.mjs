// The page end to end, in Debian's headless Chromium on its WebGPU adapter
// (SwiftShader), against the served build. Screenshots and measured rates
// go to test-output/e2e/.

import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  demoState,
  openPage,
  pixelSpread,
  save,
  useBrowser,
  waitForIterations,
} from './harness.mjs';

// Luminance spread (standard deviation, 0–255) a drawn canvas must exceed.
// A blank or single-colour canvas has 0; measured on SwiftShader: the ring
// view ~12 (dots on the heat map; it is mostly heat map), a grid of
// generated digits ~48.
const SPREAD_FLOOR = 6;
// MNIST's default model takes seconds per iteration on SwiftShader; the
// page test uses a small one so that iterations visibly advance.
const SMALL_MNIST = 'dataset=mnist&gHidden=64&dHidden=64&batch=16';

const measured = {};
const session = useBrowser(() => save('metrics.json', `${JSON.stringify(measured, null, 2)}\n`));

// Collects every text the element `selector` shows into window[key], as
// the page shows it (a MutationObserver, not a poll that could miss one).
function recordTexts(page, selector, key) {
  return page.addInitScript(
    ([sel, name]) => {
      window[name] = [];
      new MutationObserver(() => {
        const text = document.querySelector(sel)?.textContent;
        if (text && window[name].at(-1) !== text) window[name].push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    },
    [selector, key],
  );
}

async function checkTraining(name, hash) {
  const page = await session.browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  // Record every status the demo shows (the MNIST progress passes quickly).
  await recordTexts(page, '.gd-status-text', 'statusLog');
  await page.goto(`${session.server.url}#${hash}`);
  await waitForIterations(page, 3);
  const start = Number((await demoState(page)).iteration);
  // Long enough for the page's once-a-second rate figures to settle.
  await page.waitForTimeout(8000);
  const state = await demoState(page);
  assert.equal(state.state, 'ready');
  assert.ok(Number(state.iteration) > start, `iterations advance: ${start} → ${state.iteration}`);
  const stats = await page.evaluate(() => window.ganDemo.trainer.stats());
  for (const key of ['discLoss', 'genLoss', 'discReal', 'discFake']) {
    assert.ok(Number.isFinite(stats[key]), `${key} is finite: ${stats[key]}`);
  }
  const canvas = await page.locator('.gd-canvas').screenshot();
  save(`${name}-canvas.png`, canvas);
  save(`${name}-page.png`, await page.screenshot({ fullPage: true }));
  const spread = pixelSpread(canvas);
  assert.ok(spread > SPREAD_FLOOR, `the sample canvas is not blank: luminance spread ${spread.toFixed(1)}`);
  measured[name] = {
    adapter: await page.evaluate(() => window.ganDemo.trainer.adapterName),
    iterationsPerSecond: Number(state.iterationsPerSecond),
    framesPerSecond: Number(state.framesPerSecond),
    iterations: Number(state.iteration),
    canvasSpread: Number(spread.toFixed(1)),
    config: await page.evaluate(() => window.ganDemo.config),
  };
  const statusLog = await page.evaluate(() => window.statusLog);
  assert.deepEqual(errors, [], 'no console errors');
  return { page, statusLog };
}

test('a 2-D preset trains, charts and draws', { timeout: 180_000 }, async () => {
  const { page } = await checkTraining('ring8', 'dataset=ring8&arrows=1');
  const chartPoints = await page.evaluate(() => window.ganDemo.charts.columns.iteration.length);
  assert.ok(chartPoints > 3, `the charts have points: ${chartPoints}`);
  // The mode coverage of the samples, measured live.
  await page.waitForFunction(() => document.querySelector('.gan-demo').dataset.modesCovered !== undefined);
  assert.equal(await page.locator('.gd-mode-bar').count(), 8, 'a bar per mode');
  assert.match(await page.locator('.gd-quality-text').innerText(), /^Modes [0-8]\/8 · \d+\.\d % high quality · reverse KL/);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(1500);
  save('ring8-dark-page.png', await page.screenshot({ fullPage: true }));
  await page.close();
});

test('MNIST downloads with progress, trains and draws digits', { timeout: 240_000 }, async () => {
  const { page, statusLog } = await checkTraining('mnist', SMALL_MNIST);
  assert.ok(
    statusLog.some((text) => text.includes('downloading MNIST')),
    `a download status showed: ${JSON.stringify(statusLog)}`,
  );
  assert.ok(statusLog.some((text) => text.includes('decompressing MNIST')), JSON.stringify(statusLog));
  const realSpread = await page.locator('.gd-real-canvas').evaluate((canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < data.length; i += 4) {
      sum += data[i];
      squares += data[i] * data[i];
    }
    const n = data.length / 4;
    return Math.sqrt(squares / n - (sum / n) ** 2);
  });
  assert.ok(realSpread > 30, `the real digits are drawn: spread ${realSpread}`);
  // The classifier's verdict on the samples, live: a bar per digit.
  await page.waitForFunction(() => document.querySelector('.gan-demo').dataset.inceptionScore !== undefined);
  assert.match(
    await page.locator('.gd-quality-text').innerText(),
    /^Inception Score \d+\.\d\d · \d+ % confident · Fréchet distance \d+\.\d$/,
  );
  assert.equal(await page.locator('.gd-labelled-bars .gd-mode-bar').count(), 10, 'a bar per digit');
  const score = Number(await page.evaluate(() => document.querySelector('.gan-demo').dataset.inceptionScore));
  assert.ok(score >= 1 && score <= 10, `an Inception Score: ${score}`);
  await page.close();
});

test('without the digit classifier MNIST trains on and the page says why quality is missing', { timeout: 240_000 }, async () => {
  const page = await session.browser.newPage();
  await page.route('**/models/mnist-classifier.bin', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(`${session.server.url}#${SMALL_MNIST}`);
  await waitForIterations(page, 3);
  await page.waitForFunction(() => document.querySelector('.gd-notice').textContent.includes('Digit quality'));
  assert.match(
    await page.locator('.gd-notice').innerText(),
    /Digit quality is not shown: the digit classifier could not be downloaded: 404/,
  );
  const before = Number((await demoState(page)).iteration);
  await page.waitForTimeout(3000);
  assert.ok(Number((await demoState(page)).iteration) > before, 'training goes on');
  assert.equal(await page.locator('.gd-quality').isVisible(), false);
  await page.close();
});

test('the default MNIST model builds and trains', { timeout: 300_000 }, async () => {
  // Seconds per iteration on SwiftShader: this checks that the full model
  // runs in the browser, not how fast.
  const { page, errors } = await openPage(session.browser, `${session.server.url}#dataset=mnist`);
  await waitForIterations(page, 2, '.gan-demo', 280_000);
  const config = await page.evaluate(() => window.ganDemo.config);
  assert.deepEqual([config.latentSize, config.genHidden, config.discHidden, config.batchSize], [
    100,
    [256, 512, 1024],
    [1024, 512, 256],
    64,
  ]);
  const start = await page.evaluate(() => ({ time: performance.now(), done: window.ganDemo.completed }));
  await waitForIterations(page, start.done + 2, '.gan-demo', 280_000);
  const end = await page.evaluate(() => ({ time: performance.now(), done: window.ganDemo.completed }));
  measured['mnist-default'] = {
    adapter: await page.evaluate(() => window.ganDemo.trainer.adapterName),
    iterationsPerSecond: Number((((end.done - start.done) * 1000) / (end.time - start.time)).toFixed(3)),
    config,
  };
  // Pause and let the queued iterations finish: a screenshot needs a frame,
  // and seconds-long iterations hold them back.
  await page.evaluate(() => window.ganDemo.stop());
  await page.waitForFunction(
    () => (window.ganDemo.trainer.stats()?.iteration ?? -1) + 1 >= window.ganDemo.trainer.iteration,
    null,
    { timeout: 120_000 },
  );
  save('mnist-default-page.png', await page.screenshot({ fullPage: true, timeout: 120_000 }));
  assert.deepEqual(errors, []);
  await page.close();
});

test('controls write the URL and a URL sets the controls', { timeout: 180_000 }, async () => {
  const context = await session.browser.newContext({ viewport: { width: 1100, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.server.url });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Every notice the demo shows, as it shows it: a notice lasts 6 s, and a
  // frame of ten iterations on SwiftShader can hold back the animation
  // frames that a waitForFunction polls on for longer than that.
  await recordTexts(page, '.gd-notice', 'noticeLog');
  const sawNotice = (part) =>
    page.waitForFunction((p) => window.noticeLog.some((text) => text.includes(p)), part, { polling: 100 });
  await page.goto(`${session.server.url}#dataset=grid25&batch=64&steps=10&arrows=1&seed=5&lrG=0.0003`);
  await waitForIterations(page, 1);
  const value = (selector) => page.locator(selector).first().inputValue();
  assert.equal(await value('[data-field="dataset"]'), 'grid25');
  assert.equal(await value('[data-field="batchSize"]'), '64');
  assert.equal(await value('[data-field="seed"]'), '5');
  assert.equal(await value('[data-field="genLr"]'), '0.0003');
  assert.equal(await value('[data-view="steps"]'), '10');
  assert.equal(await page.locator('[data-view="arrows"]').isChecked(), true);
  assert.equal(await page.locator('[data-view="heatmap"]').isChecked(), true);

  // A model setting: the URL follows and training restarts.
  await page.locator('[data-field="batchSize"]').fill('128');
  await page.locator('[data-field="batchSize"]').press('Enter');
  await page.waitForFunction(() => location.hash.includes('batch=128'));
  await sawNotice('restarted');
  // A live setting: the URL follows and training goes on.
  await waitForIterations(page, 3);
  // (Not 0.0005: the tuned grid preset's own rate, which links leave out.)
  await page.locator('[data-field="discLr"]').fill('0.0007');
  await page.locator('[data-field="discLr"]').press('Enter');
  await page.waitForFunction(() => location.hash.includes('lrD=0.0007'));
  await sawNotice('goes on');
  assert.ok(Number((await demoState(page)).iteration) >= 3, 'the model was kept');
  // A view setting.
  await page.locator('[data-view="arrows"]').uncheck();
  await page.waitForFunction(() => !location.hash.includes('arrows'));
  await page.locator('[data-view="steps"]').selectOption('auto');
  await page.waitForFunction(() => !location.hash.includes('steps='));
  // Space toggles play/pause (not while a control has focus).
  await page.evaluate(() => document.activeElement?.blur());
  await page.locator('body').press('Space');
  await page.waitForFunction(() => document.querySelector('.gan-demo').dataset.playing === 'false');
  await page.locator('body').press('Space');
  await page.waitForFunction(() => document.querySelector('.gan-demo').dataset.playing === 'true');
  // Copy link puts the current state on the clipboard.
  await page.locator('[data-action="copy-link"]').click();
  await sawNotice('copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await page.evaluate(() => location.href));
  assert.match(copied, /dataset=grid25/);
  // Flags for embedding hide the controls and leave the demo paused.
  await page.goto(`${session.server.url}#dataset=ring8&controls=0&autoplay=0`);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('.gan-demo').dataset.state === 'ready');
  assert.equal(await page.locator('.gd-controls').isVisible(), false);
  assert.equal((await demoState(page)).playing, 'false');
  // A bad value in a link is reported and replaced by its default.
  await page.goto(`${session.server.url}#dataset=ring8&batch=zero`);
  await page.reload();
  await sawNotice('batch=zero');
  assert.deepEqual(errors, []);
  await context.close();
});

test('without WebGPU the page explains what it needs', { timeout: 60_000 }, async () => {
  const plain = await session.launch(false);
  try {
    // Also hide navigator.gpu outright, in case this build exposes it anyway.
    const page = await plain.newPage({ viewport: { width: 900, height: 700 } });
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });
    });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(session.server.url);
    await page.waitForFunction(() => document.querySelector('.gan-demo').dataset.state === 'no-webgpu');
    const text = await page.locator('.gd-status').innerText();
    assert.match(text, /needs WebGPU/);
    assert.match(text, /--enable-unsafe-webgpu/);
    assert.equal(await page.locator('.gd-status').isVisible(), true);
    save('no-webgpu.png', await page.screenshot({ fullPage: true }));
    assert.deepEqual(errors, []);
  } finally {
    await plain.close();
  }
});

test('the embedding example mounts two working demos', { timeout: 180_000 }, async () => {
  const { page, errors } = await openPage(session.browser, `${session.server.url}www/embed-example.html`, {
    width: 1100,
    height: 1800,
  });
  await waitForIterations(page, 3, '#first');
  await waitForIterations(page, 3, '#second');
  assert.equal(await page.locator('.gan-demo').count(), 2);
  assert.equal(await page.locator('#second .gd-controls').isVisible(), false, 'controls=0 hides them');
  assert.equal(await page.locator('#first .gd-controls').isVisible(), true);
  for (const id of ['first', 'second']) {
    const png = await page.locator(`#${id} .gd-canvas`).screenshot();
    assert.ok(pixelSpread(png) > SPREAD_FLOOR, `${id} draws`);
  }
  save('embed-example.png', await page.screenshot({ fullPage: true }));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page fits a 360 px wide screen', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(session.browser, `${session.server.url}#dataset=circle`, { width: 360, height: 740 });
  await waitForIterations(page, 1);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling: ${overflow} px too wide`);
  save('narrow-page.png', await page.screenshot({ fullPage: true }));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the newest dataset wins a race, and the replaced model is not left training', { timeout: 180_000 }, async () => {
  const { page, errors } = await openPage(session.browser, `${session.server.url}#dataset=ring8`);
  await waitForIterations(page, 1);
  // MNIST's download and build take seconds; ring 8 is picked meanwhile.
  const dataset = page.locator('[data-field="dataset"]');
  await dataset.selectOption('mnist');
  await dataset.selectOption('ring8');
  await page.waitForFunction(() => window.ganDemo.trainer && window.ganDemo.config.dataset === 'ring8');
  // Long enough for the MNIST request to finish: it must not take over.
  await page.waitForTimeout(10_000);
  const state = await page.evaluate(() => ({
    config: window.ganDemo.config.dataset,
    trainer: window.ganDemo.trainer.config.dataset,
    root: document.querySelector('.gan-demo').dataset.dataset,
    control: document.querySelector('[data-field="dataset"]').value,
    hash: location.hash,
  }));
  assert.deepEqual(
    { ...state, hash: state.hash.includes('dataset=ring8') },
    { config: 'ring8', trainer: 'ring8', root: 'ring8', control: 'ring8', hash: true },
  );
  const before = Number((await demoState(page)).iteration);
  await page.waitForTimeout(3000);
  assert.ok(Number((await demoState(page)).iteration) > before, 'ring 8 goes on training');
  assert.deepEqual(errors, []);
  await page.close();
});

test('after the engine fails to load, Restart loads it again', { timeout: 120_000 }, async () => {
  const page = await session.browser.newPage({ viewport: { width: 1100, height: 900 } });
  let refused = 0;
  await page.route('**/livegan_bg.wasm', (route) => {
    refused += 1;
    return route.abort();
  });
  await page.goto(`${session.server.url}#dataset=ring8`);
  await page.waitForFunction(() => document.querySelector('.gan-demo').dataset.state === 'error');
  assert.match(await page.locator('.gd-status').innerText(), /engine did not load/);
  assert.equal(refused, 1);
  await page.unroute('**/livegan_bg.wasm');
  await page.locator('.gd-restart').click();
  await waitForIterations(page, 2);
  assert.equal((await demoState(page)).state, 'ready');
  await page.close();
});

test('Save downloads a checkpoint, Load restores it, and a bad file changes nothing', { timeout: 180_000 }, async () => {
  const { page, errors } = await openPage(session.browser, `${session.server.url}#dataset=ring8&seed=3`);
  await waitForIterations(page, 5);
  await page.locator('.gd-play').click(); // pause, so the saved iteration is the shown one
  await page.waitForFunction(() => document.querySelector('.gan-demo').dataset.playing === 'false');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="save"]').click()]);
  const name = download.suggestedFilename();
  const iteration = Number(name.match(/^livegan-ring8-(\d+)\.ckpt$/)?.[1]);
  assert.ok(iteration >= 5, `named by dataset and iteration: ${name}`);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 7).toString(), 'LIVEGAN');

  // Another model, then the file back through the Load button.
  await page.locator('[data-field="dataset"]').selectOption('grid25');
  await page.waitForFunction(() => window.ganDemo.trainer?.config.dataset === 'grid25');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('[data-action="load"]').click()]);
  await chooser.setFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
  await page.waitForFunction(() => document.querySelector('.gd-notice').textContent.startsWith('Loaded'));
  const restored = await page.evaluate(() => ({
    dataset: window.ganDemo.trainer.config.dataset,
    seed: window.ganDemo.trainer.config.seed,
    iteration: window.ganDemo.trainer.iteration,
    control: document.querySelector('[data-field="dataset"]').value,
    hash: location.hash,
  }));
  assert.deepEqual(
    { ...restored, hash: restored.hash.includes('dataset=ring8') && restored.hash.includes('seed=3') },
    { dataset: 'ring8', seed: 3, iteration, control: 'ring8', hash: true },
  );
  // Loading keeps the play state: it was paused for the save.
  await page.locator('.gd-play').click();
  await waitForIterations(page, iteration + 3);

  // A damaged file dropped onto the demo: refused with a message, the
  // model on screen goes on as it was.
  const before = Number((await demoState(page)).iteration);
  const damaged = [...bytes];
  damaged[Math.floor(damaged.length / 2)] ^= 1;
  await page.evaluate((values) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(values)], 'damaged.ckpt'));
    const drop = new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
    document.querySelector('.gan-demo').dispatchEvent(drop);
  }, damaged);
  await page.waitForFunction(() => document.querySelector('.gd-notice').textContent.includes('damaged.ckpt was not loaded'));
  assert.match(await page.locator('.gd-notice').innerText(), /corrupt/);
  await waitForIterations(page, before + 3);
  assert.equal(await page.evaluate(() => window.ganDemo.trainer.config.dataset), 'ring8');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a diverging run stops, says to lower the learning rates, and restores the last good state', { timeout: 240_000 }, async () => {
  // The reference recipe: the tuned one's R1 penalty keeps D from winning
  // outright even at learning rates of 1.
  const { page, errors } = await openPage(session.browser, `${session.server.url}#dataset=ring8&preset=reference`);
  // Sound training first, long enough for an automatic checkpoint.
  await page.waitForFunction(() => window.ganDemo.lastGood, null, { timeout: 90_000 });
  // Then learning rates of 1, live: the discriminator wins outright.
  for (const field of ['genLr', 'discLr']) {
    await page.locator(`[data-field="${field}"]`).fill('1');
    await page.locator(`[data-field="${field}"]`).press('Enter');
  }
  await page.waitForFunction(() => document.querySelector('.gan-demo').dataset.state === 'error', null, {
    timeout: 200_000,
  });
  const text = await page.locator('.gd-status').innerText();
  assert.match(text, /Training diverged at iteration \d+/);
  assert.match(text, /won outright|NaN or infinite/);
  assert.match(text, /Lower the learning rates \(now G 1, D 1\)/);
  const button = await page.locator('.gd-restart').innerText();
  const saved = Number(button.match(/^Restore iteration (\d+)$/)?.[1]);
  assert.ok(Number.isInteger(saved), `the button offers the last good state: ${button}`);
  save('diverged-page.png', await page.screenshot({ fullPage: true }));
  // Lower the rates as told, then restore.
  for (const field of ['genLr', 'discLr']) {
    await page.locator(`[data-field="${field}"]`).fill('0.0001');
    await page.locator(`[data-field="${field}"]`).press('Enter');
  }
  await page.locator('.gd-restart').click();
  await page.waitForFunction(() => document.querySelector('.gd-notice').textContent.startsWith('Restored'));
  const restored = await page.evaluate(() => ({
    state: document.querySelector('.gan-demo').dataset.state,
    iteration: window.ganDemo.trainer.iteration,
    rates: [window.ganDemo.trainer.config.genLr, window.ganDemo.trainer.config.discLr],
  }));
  assert.deepEqual(restored, { state: 'ready', iteration: saved, rates: [0.0001, 0.0001] });
  assert.deepEqual(errors, []);
  await page.close();
});

test('after the GPU device is lost the page says so and resumes on a new device', { timeout: 180_000 }, async () => {
  const page = await session.browser.newPage({ viewport: { width: 1100, height: 900 } });
  // Keep a handle on every device the page asks for, to destroy it.
  await page.addInitScript(() => {
    window.gpuDevices = [];
    const requestDevice = GPUAdapter.prototype.requestDevice;
    GPUAdapter.prototype.requestDevice = async function (...args) {
      const device = await requestDevice.apply(this, args);
      window.gpuDevices.push(device);
      return device;
    };
  });
  await page.goto(`${session.server.url}#dataset=ring8`);
  await waitForIterations(page, 3);
  await page.waitForFunction(() => window.ganDemo.lastGood !== null, null, { timeout: 60_000 });
  // In one step, so that no automatic checkpoint lands in between.
  const { kept, lostAt } = await page.evaluate(() => {
    window.gpuDevices.forEach((device) => device.destroy());
    return { kept: window.ganDemo.lastGood.iteration, lostAt: window.ganDemo.trainer.iteration };
  });
  await page.waitForFunction(() => document.querySelector('.gd-notice').textContent.includes('device was lost'));
  await page.waitForFunction(
    (from) => window.ganDemo.trainer?.iteration > from && document.querySelector('.gan-demo').dataset.state === 'ready',
    lostAt,
    { timeout: 90_000 },
  );
  const after = await page.evaluate(() => ({
    devices: window.gpuDevices.length,
    notice: document.querySelector('.gd-notice').textContent,
  }));
  assert.equal(after.devices, 2, 'a new device');
  assert.match(after.notice, new RegExp(`from iteration ${kept}`));
  await page.close();
});

test('the page and the embedding example forbid inline scripts and eval', { timeout: 60_000 }, async () => {
  for (const path of ['', 'www/embed-example.html']) {
    const html = await (await fetch(`${session.server.url}${path}`)).text();
    const policy = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
    assert.ok(policy, `${path || 'index.html'} has a Content-Security-Policy`);
    const scripts = policy.split(';').find((directive) => directive.trim().startsWith('script-src'));
    assert.equal(scripts.trim(), "script-src 'self' 'wasm-unsafe-eval'", path);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${path || 'index.html'}: no inline script`);
  }
  const { page, errors } = await openPage(session.browser, `${session.server.url}#dataset=ring8`);
  await waitForIterations(page, 2);
  // The policy is enforced: a script added inline does not run, and the
  // watch on every page records the refusal (which fails any other test).
  const ran = await page.evaluate(async () => {
    const refused = new Promise((resolve) => document.addEventListener('securitypolicyviolation', resolve));
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true;';
    document.head.append(script);
    const violation = await refused;
    return { inlineRan: window.inlineRan === true, directive: violation.effectiveDirective };
  });
  assert.deepEqual(ran, { inlineRan: false, directive: 'script-src-elem' });
  await page.waitForTimeout(200);
  const recorded = session.problems.splice(0);
  assert.ok(recorded.some((problem) => problem.startsWith('CSP:')), `the refusal was seen: ${recorded}`);
  assert.deepEqual(errors.filter((e) => !/Content Security Policy/.test(e)), []);
  await page.close();
});

test('the demo trains inside <iframe sandbox="allow-scripts">', { timeout: 120_000 }, async () => {
  const { page, errors } = await openPage(session.browser, `${session.server.url}www/embed-iframe.html`, {
    width: 1100,
    height: 1300,
  });
  assert.equal(await page.locator('iframe').getAttribute('sandbox'), 'allow-scripts');
  const frame = page.frameLocator('iframe');
  await frame.locator('.gan-demo[data-state="ready"]').waitFor({ timeout: 60_000 });
  const inner = page.frames().find((f) => f !== page.mainFrame());
  // An opaque origin: the sandbox really holds.
  assert.equal(await inner.evaluate(() => window.origin), 'null');
  await inner.waitForFunction(() => Number(document.querySelector('.gan-demo').dataset.iteration) >= 20, null, {
    timeout: 60_000,
  });
  assert.equal(await inner.evaluate(() => window.ganDemo.config.dataset), 'ring8');
  const canvas = await frame.locator('.gd-canvas').screenshot();
  save('sandboxed-iframe.png', await page.screenshot({ fullPage: true }));
  assert.ok(pixelSpread(canvas) > SPREAD_FLOOR, 'the framed demo draws');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the stabilisers are chosen from a link or the controls', { timeout: 120_000 }, async () => {
  const { page, errors } = await openPage(
    session.browser,
    `${session.server.url}#dataset=grid25&loss=least_squares&ema=0.99&dropout=0.25&pack=3&r1=0.5`,
  );
  await waitForIterations(page, 3);
  const config = await page.evaluate(() => window.ganDemo.trainer.config);
  assert.deepEqual(
    [config.loss, config.genEma, config.discDropout, config.pack, config.r1Gamma],
    ['least_squares', 0.99, 0.25, 3, 0.5],
  );
  assert.equal(await page.locator('input[data-field="genEma"]').inputValue(), '0.99');
  assert.equal(await page.locator('input[data-field="discDropout"]').inputValue(), '0.25');
  assert.equal(await page.locator('input[data-field="pack"]').inputValue(), '3');
  const select = page.locator('select[data-field="loss"]');
  assert.equal(await select.inputValue(), 'least_squares');
  await select.selectOption('hinge');
  await page.waitForFunction(() => window.ganDemo.trainer?.config.loss === 'hinge');
  // The new model's own stats (the page's counters may still show the old one's).
  await page.waitForFunction(() => window.ganDemo.trainer.stats()?.iteration >= 2, null, { timeout: 60_000 });
  assert.match(page.url(), /loss=hinge/);
  assert.match(page.url(), /ema=0.99/);
  assert.match(page.url(), /dropout=0.25/);
  assert.match(page.url(), /pack=3/);
  assert.match(page.url(), /r1=0.5/);
  const stats = await page.evaluate(() => window.ganDemo.trainer.stats());
  assert.ok(Number.isFinite(stats.discLoss) && stats.discReal >= 0 && stats.discReal <= 1, JSON.stringify(stats));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the tuned recipe is the default and the reference recipe is one choice away', { timeout: 180_000 }, async () => {
  const { page, errors } = await openPage(session.browser, `${session.server.url}#dataset=ring8&seed=2`);
  await waitForIterations(page, 2);
  const tuned = await page.evaluate(() => window.ganDemo.Trainer.defaults('ring8'));
  const reference = await page.evaluate(() => window.ganDemo.Trainer.defaults('ring8', 'reference'));
  assert.deepEqual(await page.evaluate(() => window.ganDemo.trainer.config), { ...tuned, seed: 2 });
  const recipe = page.locator('select[data-field="preset"]');
  assert.equal(await recipe.inputValue(), 'tuned');
  // A field changed under the tuned recipe is dropped with it: the
  // reference recipe comes whole, the seed stays.
  await page.locator('input[data-field="batchSize"]').fill('128');
  await page.locator('input[data-field="batchSize"]').dispatchEvent('change');
  await page.waitForFunction(() => window.ganDemo.trainer?.config.batchSize === 128);
  await recipe.selectOption('reference');
  await page.waitForFunction(() => window.ganDemo.trainer?.config.preset === 'reference');
  await page.waitForFunction(() => window.ganDemo.trainer.stats()?.iteration >= 1, null, { timeout: 60_000 });
  assert.deepEqual(await page.evaluate(() => window.ganDemo.trainer.config), { ...reference, seed: 2 });
  assert.equal(await page.locator('input[data-field="r1Gamma"]').inputValue(), String(reference.r1Gamma));
  assert.match(page.url(), /#dataset=ring8&preset=reference&seed=2$/);
  // The link opens the reference recipe again.
  const { page: opened } = await openPage(session.browser, page.url());
  await waitForIterations(opened, 1);
  assert.deepEqual(await opened.evaluate(() => window.ganDemo.trainer.config), { ...reference, seed: 2 });
  assert.equal(await opened.locator('select[data-field="preset"]').inputValue(), 'reference');
  assert.deepEqual(errors, []);
  await opened.close();
  await page.close();
});
