// ort_worker.js — the in-tab agent's inference worker (a dedicated Web Worker started by
// ort_agent.js): ONNX Runtime Web and the model's KV caches live here, so no model run ever
// holds the page's main thread. Only tokens go in and one row of logits comes out per run (the
// KV caches never cross threads).
//
// Messages from the page (in order; each 'load'/'feed' is answered with the same seq):
//   {op: 'load', seq, modelId, ep: 'webgpu'|'wasm', threads}
//        → {seq, ok, result: {ep, fallback, config, vocab, shape, threads, loadMs}} | {seq, ok: false, error}
//   {op: 'new' | 'reset' | 'drop', id}                  (no answer; see ort_engine.js)
//   {op: 'feed', seq, id, tokens: BigInt64Array, start}
//        → {seq, ok, logits: Float32Array (transferred), ms, runs, runMs} | {seq, ok: false, error}
// ORT's build is chosen by the first load's ep: ort.min.js (WebGPU + wasm EPs) or
// ort.wasm.min.js (wasm only); its runtime files are fetched from the site root, like the
// model files (models/<id>/…).
'use strict';

importScripts('ort_engine.js');

let engine = null;
const base = new URL('./', self.location.href).href;

async function readFile(modelId, name, kind) {
  const path = `models/${modelId}/${name}`;
  const r = await fetch(base + path, { cache: 'no-cache' });
  if (!r.ok) {
    if (name === 'model.onnx' && r.status === 404) {
      throw new Error(`no web build of model ${modelId} (${path} is not on the site)`);
    }
    throw new Error(`GET ${path}: HTTP ${r.status}`);
  }
  return kind === 'text' ? r.text() : new Uint8Array(await r.arrayBuffer());
}

function answerError(seq, e) {
  self.postMessage({ seq, ok: false, error: String((e && e.message) || e) });
}

async function load(msg) {
  if (!self.ort) importScripts(msg.ep === 'webgpu' ? 'ort.min.js' : 'ort.wasm.min.js');
  if (!self.ort || !self.ort.InferenceSession) throw new Error('ONNX Runtime Web did not load');
  if (!engine) engine = self.jamOrtEngine.create(self.ort);
  return engine.load(msg.modelId, {
    ep: msg.ep, threads: msg.threads, wasmPaths: base,
    readFile: (name, kind) => readFile(msg.modelId, name, kind),
  });
}

self.onmessage = (event) => {
  const msg = event.data;
  switch (msg.op) {
    case 'load':
      load(msg).then((result) => self.postMessage({ seq: msg.seq, ok: true, result }),
                     (e) => answerError(msg.seq, e));
      break;
    case 'new':
      try { engine.newContext(msg.id); } catch (e) { /* the feed will say "no context" */ }
      break;
    case 'reset':
      if (engine) engine.resetContext(msg.id);
      break;
    case 'drop':
      if (engine) engine.dropContext(msg.id);
      break;
    case 'feed': {
      const t0 = performance.now();
      let run;
      try {
        run = engine.feed(msg.id, msg.tokens, msg.start);
      } catch (e) {
        run = Promise.reject(e);
      }
      run.then((logits) => {
        const copy = new Float32Array(logits);   // ORT's output may view its own heap
        const s = engine.stats();
        self.postMessage({ seq: msg.seq, ok: true, logits: copy, ms: performance.now() - t0,
                           runs: s.runs, runMs: s.runMs }, [copy.buffer]);
      }, (e) => answerError(msg.seq, e));
      break;
    }
    default:
      answerError(msg.seq, new Error(`unknown op ${msg.op}`));
  }
};
