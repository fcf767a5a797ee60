// faults.test.mjs — issue 7's promises under network faults, in headless Chromium: the real web
// app talks to a real jam-server (tiny model) through fault_proxy.mjs on loopback, which adds
// delay / jitter, stalls, or loses the server altogether.
//
//   delay    round trip < lookahead − commit: the chords keep playing with no gap (no frame rests
//            for want of a plan, the scheduled chord coverage matches a zero-delay run) and the
//            "server slow" badge never shows.
//   slow     round trip > lookahead: the chord part rests (no chord started late, none during the
//            outage, nothing dropped for lateness), the badge shows; removing the delay recovers.
//   restart  jam-server is killed (SIGKILL) and restarted on the same port: the page reconnects
//            by itself (backoff) and the chords resume in the same session, without Start.
//   stall    the path goes dead without closing (both directions stalled): the client notices
//            the unanswered requests, reconnects, and the chords resume when the path heals.
//
//   JAM_SITE_DIR=build/wasm/site JAM_SERVER_BIN=build/native/bin/jam-server \
//     node tests/faults/faults.test.mjs [delay|slow|restart|stall]     (no argument: all)
//
// Timing thresholds are derived from the configured delays and the tempo, with generous slack:
// the machine is shared. Screenshots (badge shown / recovered) go to JAM_BROWSER_OUT.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { freePort, launchBrowser, outputDir, sleep } from '../browser/harness.mjs';
import { decodePng } from '../browser/png.mjs';
import { startFaultProxy } from './fault_proxy.mjs';

const SITE_DIR = process.env.JAM_SITE_DIR;
const SERVER_BIN = process.env.JAM_SERVER_BIN;
const MODELS_DIR = path.resolve(process.env.JAM_MODELS_DIR || 'tests/data');
const ONLY = process.argv[2];

// Settings per case (seeded into localStorage; the rig opens a fresh browser per case). The
// thresholds below are all derived from these and from the configured delays.
function settings({ tempo, lookahead, commit, silence = 2 }) {
  return {
    tempo_bpm: tempo, beats_per_bar: 4, silence_beats: silence, lookahead_beats: lookahead,
    commit_beats: commit, model: 'tiny_online', temperature: 1.0, metronome: false,
    chord_instrument: 'epiano', melody_instrument: 'piano', agent: 'server',
  };
}
const timing = (st) => {
  const beat = 60 / st.tempo_bpm;
  return { beat, frame: beat / 4, lookahead: st.lookahead_beats * beat, commit: st.commit_beats * beat };
};

// ---------------------------------------------------------------------------------------------
// jam-server on a fixed port (it must come back on the same one after a kill).

function healthy(port) {
  return new Promise((resolve) => {
    const req = http.get(`http://127.0.0.1:${port}/healthz`, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => { req.destroy(); resolve(false); });
  });
}

async function spawnServer(port) {
  assert.ok(SERVER_BIN && fs.existsSync(SERVER_BIN), `JAM_SERVER_BIN must point at jam-server (${SERVER_BIN})`);
  assert.ok(SITE_DIR && fs.existsSync(path.join(SITE_DIR, 'index.html')), `site not built: ${SITE_DIR}`);
  const child = spawn(SERVER_BIN, ['--host', '127.0.0.1', '--port', String(port), '--web', SITE_DIR,
                                   '--models', MODELS_DIR], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jam-server exited with ${child.exitCode}`);
    if (await healthy(port)) break;
    if (Date.now() > deadline) throw new Error('jam-server did not come up');
    await sleep(100);
  }
  return {
    child,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The page: a fake MIDI keyboard, settings seeded in localStorage.

function fakeMidi() {
  const input = {
    id: 'fault-keys', name: 'Fault Keys', manufacturer: 'test', type: 'input',
    state: 'connected', connection: 'open', onmidimessage: null,
  };
  const access = { inputs: new Map([[input.id, input]]), outputs: new Map(), sysexEnabled: false,
                   onstatechange: null };
  Object.defineProperty(navigator, 'requestMIDIAccess', {
    configurable: true, value: () => Promise.resolve(access),
  });
  const send = (bytes) => {
    if (input.onmidimessage) input.onmidimessage({ data: new Uint8Array(bytes), timeStamp: performance.now() });
  };
  // A melody player inside the page (no round trips to the test process): one note per beat,
  // held for 70 % of it, so the agent never hears a silence long enough to rest on purpose.
  window.__melody = {
    timer: null,
    start(beatMs) {
      const pitches = [60, 64, 67, 72, 69, 65, 62, 67];
      let i = 0;
      const play = () => {
        const p = pitches[i++ % pitches.length];
        send([0x90, p, 96]);
        setTimeout(() => send([0x80, p, 0]), beatMs * 0.7);
      };
      play();
      this.timer = setInterval(play, beatMs);
    },
    stop() { clearInterval(this.timer); this.timer = null; },
  };
}

function seedSettings(settings) {
  try { localStorage.setItem('realjam.settings', JSON.stringify(settings)); } catch (e) { /* about:blank */ }
}

const session = (page) => page.evaluate(() => window.jam.session());
const commands = (page) => page.evaluate(() => window.jam.commands());
const audioNow = (page) => page.evaluate(() => window.jamAudio.now());

// Loads the app through `url` and waits until it is connected with its model list.
async function openApp(url, st) {
  const browser = await launchBrowser({ width: 1100, height: 620 });
  await browser.context.addInitScript(fakeMidi);
  await browser.context.addInitScript(seedSettings, st);
  const { page, errors } = browser;
  await page.goto(url);
  await page.waitForFunction(() => window.jam && (window.jam.ready || window.jam.error), null, { timeout: 30000 })
    .catch((e) => { throw new Error(`app not ready: ${e.message}; page errors: ${errors}`); });
  assert.equal(await page.evaluate(() => window.jam.error), null, 'app reported an error');
  await page.waitForFunction(() => {
    const s = window.jam.session();
    return s.online && s.modelsLoaded && s.midi && s.midi.available && s.settings.agent === 'server';
  }, null, { timeout: 20000 });
  return browser;
}

// Start (Space) and the first note; returns once the session is listening.
async function startJam(page, st) {
  const T = timing(st);
  await page.mouse.move(550, 300);   // focus the canvas
  await page.keyboard.press(' ');
  await page.waitForFunction(() => window.jam.session().state === 'armed', null, { timeout: 5000 });
  await page.evaluate((ms) => window.__melody.start(ms), T.beat * 1000);
  await page.waitForFunction(() => window.jam.session().state === 'listening', null, { timeout: 5000 });
  const s = await session(page);
  assert.equal(s.frameSec, T.frame);
  assert.equal(s.lookaheadFrames, st.lookahead_beats * 4);
  assert.equal(s.commitFrames, st.commit_beats * 4);
  return s;
}

// Starts a jam and waits until the agent's first chord is scheduled.
async function jamUntilChords(page, st) {
  const s0 = await startJam(page, st);
  await page.waitForFunction(() => window.jam.session().state === 'jamming', null, { timeout: 15000 });
  await page.waitForFunction((t) => window.jam.commands().some((c) => c.kind === 'start' && c.time >= t),
                             s0.t0, { timeout: 15000 });
  return session(page);
}

async function stopJam(page) {
  await page.evaluate(() => window.__melody.stop());
  await page.keyboard.press(' ');
  await page.waitForFunction(() => window.jam.session().state === 'stopped', null, { timeout: 5000 });
}

// Samples the session every `everyMs` for `ms`; returns the samples (with the audio clock).
async function watch(page, ms, everyMs = 100) {
  const out = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    out.push(await page.evaluate(() => Object.assign(window.jam.session(), { now: window.jamAudio.now() })));
    await sleep(everyMs);
  }
  return out;
}

const frameAt = (s, t) => Math.floor((t - s.t0) / s.frameSec);

// The share of frames in [from, to) that a committed (scheduled, final) chord covers, from the
// waterfall snapshots (each shows the last 2 beats and the lookahead; sampled more often than
// that). Scheduled, not sounded: a chord start the page dropped for a stall of its own still
// counts — that is the machine's load, not the network's.
function scheduledCoverage(samples, from, to) {
  const covered = new Set();
  for (const x of samples) {
    for (const c of x.chords || []) {
      if (!c.committed) continue;
      for (let f = Math.max(c.on, from); f < Math.min(c.off, to); ++f) covered.add(f);
    }
  }
  return covered.size / Math.max(1, to - from);
}

// Commands of the session that started at t0 (window.jam.commands() spans every session). A
// session asks for nothing before its first note (t0), so its commands are issued at or after t0;
// an earlier session's chords that were scheduled past its Stop have later *times* but were issued
// before it, so the issue time tells them apart.
const ofSession = (cmds, s) =>
  cmds.filter((c) => c.time >= s.t0 - 1e-6 && c.issued >= s.t0 - 0.05 && c.kind !== 'stopAll');

// The promise "never a burst of late chords": every chord start the synth got is on the grid and
// was sent no later than its grid time + 20 ms (JamController drops anything later and counts it
// in lateDropped — which only a stall of the page itself causes; the cases check that the
// network never does).
function assertNoLateStarts(cmds, s, what) {
  for (const c of cmds) {
    if (c.kind !== 'start') continue;
    const f = (c.time - s.t0) / s.frameSec;
    assert.ok(Math.abs(f - Math.round(f)) < 1e-6, `${what}: chord at ${c.time} off the grid`);
    assert.ok(c.time >= c.issued - 0.021,
              `${what}: chord at frame ${c.frame} started ${((c.issued - c.time) * 1000).toFixed(1)} ms late`);
  }
}

async function withRig(st, fn) {
  const port = await freePort();
  let server = await spawnServer(port);
  const proxy = await startFaultProxy({ targetPort: port });
  let browser = null;
  const rig = {
    port, proxy, st, T: timing(st),
    get server() { return server; },
    async restartServer() { server = await spawnServer(port); },
  };
  try {
    browser = await openApp(proxy.url, st);
    rig.browser = browser;
    rig.page = browser.page;
    await fn(rig);
    // A lost connection is logged by Chromium as a console error; anything else is a bug.
    const unexpected = browser.errors.filter((e) => !/WebSocket|ERR_CONNECTION|ERR_EMPTY_RESPONSE|net::/.test(e));
    assert.deepEqual(unexpected, [], 'no page errors');
  } finally {
    if (browser) await browser.close();
    await proxy.close();
    await server.kill();
  }
}

const log = (...a) => console.log('#', ...a);

// Pixels of the "server slow" badge colour (theme::kSlowBadge, rgb 200 56 48) in the control bar
// right of the transport button (the red Stop button is left of x = 20 %; the connection dot has
// the same colour only while offline).
function badgePixels(png) {
  const img = decodePng(png);
  let n = 0;
  for (let y = 0; y < Math.min(48, img.height); ++y) {
    for (let x = Math.floor(img.width * 0.2); x < img.width; ++x) {
      const i = (y * img.width + x) * 4;
      if (Math.abs(img.rgba[i] - 200) < 12 && Math.abs(img.rgba[i + 1] - 56) < 12 &&
          Math.abs(img.rgba[i + 2] - 48) < 12) ++n;
    }
  }
  return n;
}

async function screenshot(page, name) {
  const png = await page.screenshot();
  fs.writeFileSync(path.join(outputDir(), name), png);
  return png;
}

// ---------------------------------------------------------------------------------------------

// Plays one session of `jamSec` after the silence period with the proxy as it is; returns what
// was scheduled and seen.
async function playSession(page, st, jamSec) {
  await startJam(page, st);
  await page.waitForFunction(() => window.jam.session().state === 'jamming', null, { timeout: 15000 });
  const samples = await watch(page, jamSec * 1000, 150);
  const s = await session(page);
  await stopJam(page);
  const cmds = ofSession(await commands(page), s);
  const from = s.silenceFrames;
  const to = frameAt(s, samples[samples.length - 1].now);
  return {
    s, samples, cmds, from, to,
    coverage: scheduledCoverage(samples, from, to),
    starts: cmds.filter((c) => c.kind === 'start' && c.frame >= from && c.frame < to).length,
    slowSeen: samples.some((x) => x.serverSlow),
    maxRoundTrip: Math.max(...samples.map((x) => x.roundTrip)),
    minFps: Math.min(...samples.map((x) => x.fps)),
  };
}

// Counts of lateDropped (chord starts the app had to drop) between two samples.
const droppedBetween = (a, b) => b.lateDropped - a.lateDropped;

const cases = {
  // Round trip well below lookahead − commit (6 s here) and the silence period (4 s, so the first
  // plan is on time too): nothing may change but the latency.
  delay: {
    st: settings({ tempo: 60, lookahead: 8, commit: 2, silence: 4 }),
    async run({ page, proxy, st, T }) {
      const JAM_SEC = 6;
      const base = await playSession(page, st, JAM_SEC);
      const D = 500, J = 150;   // round trip ≈ 1 s ± 0.3 s + the machine
      proxy.set({ up: { delayMs: D, jitterMs: J }, down: { delayMs: D, jitterMs: J } });
      const slow = await playSession(page, st, JAM_SEC);
      proxy.reset();
      for (const [name, r] of [['zero delay', base], [`delay ${D}±${J} ms each way`, slow]]) {
        log(`${name}: scheduled chord coverage ${(100 * r.coverage).toFixed(1)} % of frames ${r.from}..${r.to}, ` +
            `${r.starts} chord starts, rested ${r.s.rested}, max round trip ${(r.maxRoundTrip * 1000).toFixed(0)} ms, ` +
            `slow badge seen: ${r.slowSeen}; page: min fps ${r.minFps}, ${r.s.lateDropped} starts dropped for page stalls`);
      }
      assert.ok(slow.maxRoundTrip >= 2 * (D - J) / 1000, `round trip ${slow.maxRoundTrip} s: the proxy's delay is missing`);
      assert.ok(slow.maxRoundTrip < T.lookahead - T.commit,
                `round trip ${slow.maxRoundTrip} s is not below lookahead − commit (${T.lookahead - T.commit} s): ` +
                'the machine is too loaded for this test to judge');
      for (const r of [base, slow]) {
        assert.equal(r.s.rested, 0, 'no frame rested for want of a plan');
        assert.equal(r.slowSeen, false, '"server slow" never shows');
        assertNoLateStarts(r.cmds, r.s, 'delay');
        assert.ok(r.starts >= 2, `the agent played chords (${r.starts} starts)`);
      }
      // The agent samples its chords, so two runs differ a little; a gap would cost far more.
      assert.ok(slow.coverage >= base.coverage - 0.2,
                `scheduled coverage ${slow.coverage.toFixed(2)} with delay vs ${base.coverage.toFixed(2)} without`);
    },
  },

  // Round trip (4 s) beyond the lookahead (3 s): rest, badge, no late chords; then recover.
  slow: {
    st: settings({ tempo: 80, lookahead: 4, commit: 1 }),
    async run({ page, proxy, st, T }) {
      await jamUntilChords(page, st);
      const D = 2000;
      const rt = 2 * D / 1000;
      const tSet = await audioNow(page);
      proxy.set({ up: { delayMs: D }, down: { delayMs: D } });
      // Plans already on their way cover at most `lookahead` beyond tSet (+ the lock-ahead); after
      // that no plan can be on time while the delay lasts.
      const during = await watch(page, (T.lookahead + rt + 2) * 1000);
      const restStart = tSet + T.lookahead + 0.5;
      const settled = during.filter((x) => x.now >= restStart);
      const slowBadge = badgePixels(await screenshot(page, 'faults_server_slow.png'));
      const tClear = await audioNow(page);
      const atClear = await session(page);
      proxy.reset();
      // Recovery: the backlog already in the proxy (≤ one round trip) drains, then fresh plans
      // cover the lookahead again.
      const recoverBy = rt + T.lookahead + 5;
      await page.waitForFunction(() => !window.jam.session().serverSlow, null, { timeout: recoverBy * 1000 });
      const tRecovered = await audioNow(page);
      await page.waitForFunction((t) => window.jam.commands().some((c) => c.kind === 'start' && c.time > t),
                                 tRecovered, { timeout: (T.lookahead + 5) * 1000 });
      const after = await watch(page, 2000);
      const recoveredBadge = badgePixels(await screenshot(page, 'faults_recovered.png'));
      const s = await session(page);
      await stopJam(page);
      const cmds = ofSession(await commands(page), s);

      const slowShare = settled.filter((x) => x.serverSlow).length / Math.max(1, settled.length);
      const startsInOutage = cmds.filter((c) => c.kind === 'start' && c.time >= restStart && c.time < tClear);
      const droppedInOutage = settled.length ? droppedBetween(settled[0], atClear) : 0;
      const restedInOutage = settled.length ? atClear.rested - settled[0].rested : 0;
      log(`delay ${D} ms each way (round trip ${rt} s > lookahead ${T.lookahead} s): badge shown in ` +
          `${(100 * slowShare).toFixed(0)} % of ${settled.length} samples from ${(restStart - tSet).toFixed(1)} s on; ` +
          `${restedInOutage} frames rested, ${startsInOutage.length} chords started, ${droppedInOutage} dropped late ` +
          `in the outage; recovered ${(tRecovered - tClear).toFixed(2)} s after the delay was removed ` +
          `(bound ${recoverBy} s); page: ${s.lateDropped} starts dropped for page stalls in all`);
      log(`badge-coloured pixels in the control bar: ${slowBadge} while slow, ${recoveredBadge} after recovery`);
      assert.ok(slowBadge > 300, 'the screenshot shows the "server slow" badge');
      assert.ok(recoveredBadge < 30, 'the badge is gone after recovery');
      assert.ok(settled.length >= 5, 'enough samples in the outage');
      assert.ok(slowShare >= 0.9, `"server slow" badge shown in only ${(100 * slowShare).toFixed(0)} % of the outage`);
      assert.ok(restedInOutage > 0, 'the chord part rested');
      assert.deepEqual(startsInOutage.map((c) => c.frame), [], 'no chord started while no plan could be on time');
      assert.equal(droppedInOutage, 0, 'late plans produced no late chords (none had to be dropped)');
      assertNoLateStarts(cmds, s, 'slow');
      assert.ok(after.every((x) => !x.serverSlow), 'the badge stays off after recovery');
    },
  },

  // jam-server dies (SIGKILL) and comes back on the same port.
  restart: {
    st: settings({ tempo: 120, lookahead: 4, commit: 1 }),
    async run(rig) {
      const { page, T } = rig;
      const before = await jamUntilChords(page, rig.st);
      const tKill = await audioNow(page);
      await rig.server.kill('SIGKILL');
      await page.waitForFunction(() => !window.jam.session().online, null, { timeout: 5000 });
      const DOWN_SEC = 3;
      const down = await watch(page, DOWN_SEC * 1000);
      const tRestart = await audioNow(page);
      const atRestart = await session(page);
      await rig.restartServer();
      // Back-off: at most 5 s between attempts.
      await page.waitForFunction((n) => window.jam.session().online && window.jam.session().opens > n,
                                 before.opens, { timeout: 12000 });
      const tOnline = await audioNow(page);
      await page.waitForFunction((t) => window.jam.commands().some((c) => c.kind === 'start' && c.time > t),
                                 tOnline, { timeout: (T.lookahead + 5) * 1000 });
      const tChord = await audioNow(page);
      const s = await session(page);
      await stopJam(page);
      const cmds = ofSession(await commands(page), s);
      const quiet = tKill + T.lookahead + 0.5;   // plans from before the kill are used up
      const outage = cmds.filter((c) => c.kind === 'start' && c.time > quiet && c.time < tRestart);
      const quietSamples = down.filter((x) => x.now > quiet);
      log(`killed ${(tKill - s.t0).toFixed(1)} s into the jam, restarted ${(tRestart - tKill).toFixed(1)} s later; ` +
          `online again after ${(tOnline - tRestart).toFixed(2)} s (opens ${s.opens}, drops ${s.drops}); ` +
          `first chord after that scheduled ${(tChord - tOnline).toFixed(2)} s later; ` +
          `${s.failed} requests failed, rested ${s.rested}, badge while down: ` +
          `${quietSamples.filter((x) => x.serverSlow).length}/${quietSamples.length} samples`);
      assert.equal(s.t0, before.t0, 'the same session went on (no new Start)');
      assert.ok(s.drops > before.drops, 'the client saw the connection drop');
      assert.ok(down.every((x) => !x.online), 'offline while the server is down');
      assert.ok(quietSamples.length === 0 || quietSamples.every((x) => x.serverSlow),
                'the badge shows once the plans ran out');
      assert.deepEqual(outage.map((c) => c.frame), [], 'no chord from nowhere while the server is down');
      if (quietSamples.length) {
        assert.equal(atRestart.lateDropped - quietSamples[0].lateDropped, 0, 'no late chord while down');
      }
      assertNoLateStarts(cmds, s, 'restart');
    },
  },

  // The open WebSocket's path goes dead silently (nothing delivered, nothing closed).
  stall: {
    st: settings({ tempo: 120, lookahead: 4, commit: 1 }),
    async run({ page, proxy, st, T }) {
      const before = await jamUntilChords(page, st);
      const tStall = await audioNow(page);
      assert.ok(proxy.stallOpen() >= 1, 'the WebSocket was open');
      // The client gives up on the socket once its oldest request is unanswered for 8 s
      // (ServerAgent::kStallSec), and reconnects; new connections through the proxy work.
      await page.waitForFunction((n) => window.jam.session().stalls > n, before.stalls || 0, { timeout: 20000 });
      const tGaveUp = await audioNow(page);
      await page.waitForFunction((n) => window.jam.session().online && window.jam.session().opens > n,
                                 before.opens, { timeout: 10000 });
      const tOnline = await audioNow(page);
      await page.waitForFunction((t) => window.jam.commands().some((c) => c.kind === 'start' && c.time > t),
                                 tOnline, { timeout: (T.lookahead + 5) * 1000 });
      const s = await session(page);
      await stopJam(page);
      const cmds = ofSession(await commands(page), s);
      log(`stalled socket given up ${(tGaveUp - tStall).toFixed(1)} s after the path died, online again ` +
          `${(tOnline - tGaveUp).toFixed(2)} s later; opens ${s.opens}, drops ${s.drops}, stalls ${s.stalls}, ` +
          `failed ${s.failed}, rested ${s.rested}`);
      assert.equal(s.t0, before.t0, 'the same session went on');
      assert.ok(tGaveUp - tStall < 8 + 6, 'the dead socket was noticed within the stall timeout');
      assertNoLateStarts(cmds, s, 'stall');
    },
  },
};

for (const [name, c] of Object.entries(cases)) {
  if (ONLY && ONLY !== name) continue;
  test(`network fault: ${name}`, { timeout: 100000 }, () => withRig(c.st, (rig) => c.run(rig)));
}
