// site.mjs — a temporary site for the in-tab agent: jam-server serves files only from its --web
// folder, so the browser tests serve symlinks to everything in the built site plus
// models/<id>/{model.onnx, vocab.json, config.json} from a model folder (tests/data/tiny_online by
// default; the real web models are copied into the built site by the wasm build itself).
//
//   const dir = makeTestSite(siteDir, 'tiny_online', 'tests/data');   // ...; removeTestSite(dir)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

export function makeTestSite(siteDir, modelId, modelsDir) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jam-tab-site-'));
  const site = path.resolve(siteDir);
  for (const name of fs.readdirSync(site)) {
    if (name !== 'models') fs.symlinkSync(path.join(site, name), path.join(dir, name));
  }
  fs.mkdirSync(path.join(dir, 'models'));
  if (fs.existsSync(path.join(site, 'models'))) {
    for (const id of fs.readdirSync(path.join(site, 'models'))) {
      fs.symlinkSync(path.join(site, 'models', id), path.join(dir, 'models', id));
    }
  }
  const target = path.join(dir, 'models', modelId);
  if (!fs.existsSync(target)) {
    fs.mkdirSync(target);
    for (const f of ['model.onnx', 'vocab.json', 'config.json']) {
      const src = path.resolve(modelsDir, modelId, f);
      assert.ok(fs.existsSync(src), `${src} missing (tiny model: ./jam train export --tiny)`);
      fs.symlinkSync(src, path.join(target, f));
    }
  }
  return dir;
}

export function removeTestSite(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

// The page's own code as served (everything but ONNX Runtime Web's runtime and the models),
// raw and gzipped (level 9, what a server would send with Content-Encoding: gzip).
export function pageCodeSize(siteDir) {
  const files = [];
  let raw = 0, gzip = 0;
  for (const name of fs.readdirSync(siteDir).sort()) {
    if (/^ort[.-]/.test(name) || name === 'models') continue;   // ORT's runtime: ort.*, ort-wasm-*
    const p = path.join(siteDir, name);
    if (!fs.statSync(p).isFile()) continue;
    const bytes = fs.readFileSync(p);
    const z = zlib.gzipSync(bytes, { level: 9 }).length;
    files.push({ name, raw: bytes.length, gzip: z });
    raw += bytes.length;
    gzip += z;
  }
  return { files, raw, gzip };
}

// PerformanceObserver 'longtask' (tasks over 50 ms on the page's main thread), from page start;
// an init script: read window.__longTasks = [{start, duration}].
export function watchLongTasks() {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { window.__longTasks = null; }   // no Long Tasks API
}

// Long tasks that overlap [from, to) (performance.now() ms): {count, totalMs, maxMs}.
export function longTaskStats(tasks, from, to) {
  const inside = (tasks || []).filter((t) => t.start + t.duration > from && t.start < to);
  return {
    count: inside.length,
    totalMs: inside.reduce((a, t) => a + t.duration, 0),
    maxMs: inside.reduce((a, t) => Math.max(a, t.duration), 0),
  };
}
