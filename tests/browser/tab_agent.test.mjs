// tab_agent.test.mjs — a jam with the agent "in this tab": the page plans with the C++ Planner
// (wasm) over ONNX Runtime Web (wasm EP: headless Chromium has no GPU adapter) and the tiny
// random model, while jam-server only serves files and the model list.
//
// Asserts: the in-tab agent loads in its inference worker (ONNX Runtime never runs on the page's
// main thread) and reports its execution provider ("wasm") in the UI — with WebGPU forced to
// offer no adapter (navigator.gpu.requestAdapter() → null), the selection picks wasm and says
// why; plans arrive for a scripted melody; chords land on the 16th-note grid and never in the
// silence period; no request fails. Prints (never asserts: the machine is shared) per-plan
// latency (p50/p99), the time from page load to "ready" and to "agent loaded", frames drawn
// while the model runs, the longest gap between animation frames and the main thread's long
// tasks (PerformanceObserver 'longtask'), with the load average.
//
// Serving the model: jam-server serves files only from its --web folder, so the test serves a
// temporary site: symlinks to everything in JAM_SITE_DIR plus models/<id>/{model.onnx,
// vocab.json,config.json} from the model's folder (tests/data/tiny_online by default). The real
// web model is copied into the built site by the wasm build itself (wasm/CMakeLists.txt).
//
//   JAM_SITE_DIR=build/wasm/site JAM_SERVER_BIN=build/native/bin/jam-server \
//     node tests/browser/tab_agent.test.mjs
//   JAM_TAB_MODEL=online-web JAM_TAB_MODELS_DIR=models ...   # measure the real web model
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { launchBrowser, seedSettings, sleep, startServer } from './harness.mjs';
import { frameStats, longTaskStats, makeTestSite, removeTestSite, watchFrames, watchLongTasks } from './site.mjs';

const SITE_DIR = process.env.JAM_SITE_DIR;
const SERVER_BIN = process.env.JAM_SERVER_BIN;
const MODEL_ID = process.env.JAM_TAB_MODEL || 'tiny_online';
const MODELS_DIR = path.resolve(process.env.JAM_TAB_MODELS_DIR || 'tests/data');

const TEMPO = 120;                    // frame = 0.125 s
const SILENCE_BEATS = 4;
const SETTINGS = {
  tempo_bpm: TEMPO, beats_per_bar: 4, silence_beats: SILENCE_BEATS, lookahead_beats: 4,
  commit_beats: 2, model: MODEL_ID, temperature: 1.0, metronome: true, agent: 'tab',
  chord_instrument: 'epiano', melody_instrument: 'piano',
};

// WebGPU present but without an adapter (as on a machine without a usable GPU): forces the
// "no adapter" branch of the execution-provider choice, whatever this Chromium offers.
function noGpuAdapter() {
  Object.defineProperty(navigator, 'gpu', {
    configurable: true, value: { requestAdapter: () => Promise.resolve(null) },
  });
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

test(`a jam with the agent in this tab (${MODEL_ID}, ORT Web wasm EP)`, { timeout: 170000 }, async () => {
  assert.ok(SERVER_BIN, 'JAM_SERVER_BIN must point at jam-server (the app needs GET /v1/models)');
  const siteDir = makeTestSite(SITE_DIR, MODEL_ID, MODELS_DIR);
  const server = await startServer({ siteDir, serverBin: SERVER_BIN, modelsDir: MODELS_DIR });
  const browser = await launchBrowser({ width: 1280, height: 720 });
  const { page, context, errors } = browser;
  await context.addInitScript(seedSettings, SETTINGS);
  await context.addInitScript(watchFrames);
  await context.addInitScript(watchLongTasks);
  await context.addInitScript(noGpuAdapter);
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => window.jam && (window.jam.ready || window.jam.error), null,
                               { timeout: 30000 });
    assert.equal(await page.evaluate(() => window.jam.error), null, 'app reported an error');
    const readyAt = await page.evaluate(() => window.jam.readyAt);

    // --- The agent loads by itself once the model list is known; the UI shows where it runs.
    await page.waitForFunction(() => window.jamOrt && ['ready', 'failed'].includes(window.jamOrt.info().status),
                               null, { timeout: 60000 });
    const agentReadyAt = await page.evaluate(() => performance.now());
    const info = await page.evaluate(() => window.jamOrt.info());
    assert.equal(info.status, 'ready', `in-tab agent failed to load: ${info.error}`);
    assert.equal(info.ep, 'wasm', 'no WebGPU adapter: the wasm EP');
    assert.equal(info.adapter, 'none', 'the page asked WebGPU for an adapter and got none');
    assert.equal(info.worker, true, 'ONNX Runtime runs in the inference worker');
    assert.equal(info.modelId, MODEL_ID);
    const isolated = await page.evaluate(() => crossOriginIsolated);
    console.log(`# page load → app ready ${readyAt.toFixed(0)} ms, → agent ready ${agentReadyAt.toFixed(0)} ms ` +
                `(ORT + model load ${info.loadMs.toFixed(0)} ms, ep ${info.ep}, ${info.threads} thread(s), ` +
                `crossOriginIsolated ${isolated})`);
    await page.waitForFunction(() => /in this tab \(wasm.*worker\)/.test(window.jam.session().connection), null,
                               { timeout: 5000 });
    let s = await page.evaluate(() => window.jam.session());
    assert.equal(s.settings.agent, 'tab');
    assert.equal(s.online, true, 'the tab agent counts as connected');

    // Baseline: frames drawn per second with the model loaded and idle (the machine's own rate;
    // headless Chromium renders WebGL on the CPU, so it varies with the load).
    const idle0 = await page.evaluate(() => ({ frame: window.jam.state().frame, wall: performance.now() }));
    await sleep(1500);
    const idle1 = await page.evaluate(() => ({ frame: window.jam.state().frame, wall: performance.now() }));
    const idleFps = (idle1.frame - idle0.frame) / ((idle1.wall - idle0.wall) / 1000);

    // --- Start (Space) arms; the first note starts the clock.
    await page.mouse.move(640, 300);
    await page.keyboard.press(' ');
    await page.waitForFunction(() => window.jam.session().state === 'armed');

    const keys = ['a', 'd', 'g', 'k', 'h', 'g', 'f', 'd', 's', 'a', 'd', 'g', 'h', 'g', 'd', 's'];
    const beat = 60000 / TEMPO;
    const samples = [];   // {frame, runs, wall}
    const t0Wall = Date.now();
    const jamFrom = await page.evaluate(() => performance.now());
    for (let i = 0; i < keys.length; ++i) {
      await page.keyboard.down(keys[i]);
      await sleep(beat * 0.7);
      await page.keyboard.up(keys[i]);
      samples.push(await page.evaluate(() => ({
        frame: window.jam.state().frame, runs: window.jamOrt.info().runs, wall: performance.now(),
      })));
      await sleep(Math.max(0, t0Wall + (i + 1) * beat - Date.now()));
    }
    // The last plans land (on a loaded machine plans take seconds: wait for a few, then stop).
    await page.waitForFunction(() => window.jamOrt.plans.length >= 4 && window.jam.session().responses >= 3 &&
                                      window.jam.commands().some((c) => c.kind === 'start'),
                               null, { timeout: 30000, polling: 250 })
      .catch(() => {});   // the assertions below say what is missing
    await sleep(500);
    // Longest gap between animation frames while jamming (the page's own view of jank).
    const frames = frameStats(await page.evaluate(() => window.__frameTimes), jamFrom,
                              await page.evaluate(() => performance.now()));
    s = await page.evaluate(() => window.jam.session());
    assert.equal(s.state, 'jamming');

    // --- The page kept rendering while the model ran: every beat with model runs drew frames,
    // at a rate close to the idle one.
    const perBeat = samples.slice(1).map((x, i) => `${x.frame - samples[i].frame}f/${x.runs - samples[i].runs}r`);
    console.log(`# frames/model runs per beat: ${perBeat.join(' ')}`);
    let busy = 0, busyFrames = 0, busySec = 0;
    for (let i = 1; i < samples.length; ++i) {
      const runs = samples[i].runs - samples[i - 1].runs;
      const drawn = samples[i].frame - samples[i - 1].frame;
      if (runs > 0) {
        ++busy;
        busyFrames += drawn;
        busySec += (samples[i].wall - samples[i - 1].wall) / 1000;
      }
    }
    assert.ok(busy >= 3, `the model ran during the jam (${busy} beats with runs)`);
    const busyFps = busyFrames / busySec;
    const lt = longTaskStats(await page.evaluate(() => window.__longTasks), jamFrom,
                             await page.evaluate(() => performance.now()));
    console.log(`# rendering: idle ${idleFps.toFixed(1)} fps, ${busyFps.toFixed(1)} fps in the ${busy} beats ` +
                `with model runs (of ${samples.length - 1}); longest frame gap ${frames.maxGapMs.toFixed(0)} ms; ` +
                `main-thread long tasks ${lt.count} (${lt.totalMs.toFixed(0)} ms, longest ${lt.maxMs.toFixed(0)} ms); ` +
                `load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);

    // --- Stop, then check what was scheduled.
    await page.keyboard.press(' ');
    await page.waitForFunction(() => window.jam.session().state === 'stopped');
    const commands = await page.evaluate(() => window.jam.commands());
    const plans = await page.evaluate(() => window.jamOrt.plans);
    s = await page.evaluate(() => window.jam.session());
    const starts = commands.filter((c) => c.kind === 'start');
    console.log(`# ${s.requests} requests, ${s.responses} responses applied, ${s.failed} failed; ` +
                `${plans.length} plans run (${plans.reduce((a, p) => a + p.superseded, 0)} requests superseded); ` +
                `${starts.length} chord starts, ${s.rested} frames rested, ${s.lateDropped} late starts dropped`);
    assert.ok(plans.length >= 4 && plans.every((p) => p.ok), `plans ran: ${JSON.stringify(plans.slice(0, 3))}`);
    assert.equal(s.failed, 0, `failed replies: ${s.message}`);
    assert.ok(s.responses >= 3, `responses applied: ${s.responses}`);
    assert.ok(starts.length >= 1, `the agent played chords (${starts.length} starts)`);
    const { t0, frameSec, silenceFrames } = s;
    assert.equal(silenceFrames, SILENCE_BEATS * 4);
    for (const c of commands) {
      if (c.kind === 'stopAll') continue;
      const f = (c.time - t0) / frameSec;
      assert.ok(Math.abs(f - Math.round(f)) < 1e-6, `command at ${c.time} is off the grid`);
      assert.ok(c.frame >= silenceFrames, `a chord command in the silence period (frame ${c.frame})`);
      if (c.kind === 'start') {  // as in jam.test.mjs: a late stop just ends a chord now
        assert.ok(c.time >= c.issued - 0.0201, `late chord: frame ${c.frame} at ${c.time}, scheduled at ${c.issued}`);
      }
    }
    for (const c of starts) assert.ok(c.pitches.length >= 3, `a chord has its voicing (${c.pitches})`);

    // --- Latency per plan in the tab (compute) and request → reply (queueing included).
    const ms = plans.map((p) => p.ms);
    const total = plans.map((p) => p.ms + p.waitMs);
    const later = plans.slice(1);
    console.log(`# plan latency (${MODEL_ID}): compute p50 ${percentile(ms, 0.5).toFixed(1)} ms, ` +
                `p99 ${percentile(ms, 0.99).toFixed(1)} ms; request→reply p50 ` +
                `${percentile(total, 0.5).toFixed(1)} ms, p99 ${percentile(total, 0.99).toFixed(1)} ms; ` +
                `first plan ${plans[0].ms.toFixed(0)} ms (${plans[0].fed} tokens fed); later plans feed ` +
                `${(later.reduce((a, p) => a + p.fed, 0) / Math.max(1, later.length)).toFixed(1)} and reuse ` +
                `${(later.reduce((a, p) => a + p.reused, 0) / Math.max(1, later.length)).toFixed(1)} tokens; ` +
                `ORT run avg ` +
                `${(await page.evaluate(() => window.jamOrt.info().runMs / window.jamOrt.info().runs)).toFixed(2)} ms ` +
                `in the worker, ${(await page.evaluate(() => window.jamOrt.info().rtMs / window.jamOrt.info().runs)).toFixed(2)} ms ` +
                `page-side (messages included)`);
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.close();
    removeTestSite(siteDir);
  }
});
