// ort_engine.js — the in-tab agent's inference engine: one ONNX Runtime Web session of a web
// model's KV-cache graph (training/onnx_export.py, docs/architecture.md "Web model") and its KV
// caches ("contexts"). It runs where ORT runs: in the page's inference worker (ort_worker.js, the
// browser) or in-process (node tests). The page talks to it only through ort_agent.js.
//
//   const engine = jamOrtEngine.create(ort);                 // ort: the ONNX Runtime Web module
//   const r = await engine.load('online-web', {ep: 'wasm', threads: 1, readFile, wasmPaths});
//   engine.newContext(7);                                    // ids are chosen by the caller
//   const logits = await engine.feed(7, BigInt64Array.of(1n, 263n), 0);   // Float32Array [V]
//   engine.resetContext(7); engine.dropContext(7);
//
// load(): ep 'webgpu' tries ORT's WebGPU EP and falls back to wasm if the session cannot be
// created; the result says which one runs. readFile(name, kind) → Promise of the model's
// model.onnx ('bytes') / config.json / vocab.json ('text').
// feed(id, tokens, start): runs tokens at positions start .. start+n-1 after dropping cached
// positions >= start (the graph drops them; the pasts are passed whole). On success the context
// holds start+n positions; on failure it is unchanged. Feeds on one context must not overlap
// (rejected). A context reset or dropped while its feed runs is left as the reset made it, and
// that feed rejects. Not thread-safe (one event loop).
(function (global) {
  'use strict';

  function shapeFromConfig(config) {
    const m = config.model || config;
    const shape = {
      layers: m.n_layers, heads: m.n_heads, headDim: m.d_model / m.n_heads,
      vocabSize: m.vocab_size, maxLen: m.max_len,
    };
    for (const [k, v] of Object.entries(shape)) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`config.json: bad ${k} (${v})`);
    }
    if (m.arch && m.arch !== 'online') throw new Error(`config.json: arch ${m.arch} is not online`);
    return shape;
  }

  function create(ort) {
    let session = null;
    let shape = null;
    const contexts = new Map();
    const stats = { runs: 0, runMs: 0 };

    function emptyPasts() {
      const past = {};
      for (let i = 0; i < shape.layers; ++i) {
        for (const kv of ['k', 'v']) {
          past[`past_${kv}_${i}`] =
              new ort.Tensor('float32', new Float32Array(0), [1, shape.heads, 0, shape.headDim]);
        }
      }
      return past;
    }

    async function load(modelId, options) {
      const t0 = performance.now();
      session = null;
      shape = null;
      contexts.clear();
      if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
      ort.env.wasm.numThreads = options.threads || 1;
      const [bytes, configText, vocabText] = await Promise.all([
        options.readFile('model.onnx', 'bytes'), options.readFile('config.json', 'text'),
        options.readFile('vocab.json', 'text')]);
      const config = JSON.parse(configText);
      const s = shapeFromConfig(config);
      let ep = options.ep === 'webgpu' ? 'webgpu' : 'wasm';
      let fallback = null;
      let sess = null;
      if (ep === 'webgpu') {
        try {
          sess = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
        } catch (e) {
          fallback = `WebGPU session failed (${e && e.message}); using wasm`;
          ep = 'wasm';
        }
      }
      if (!sess) sess = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      const want = ['tokens', 'start'];
      for (let i = 0; i < s.layers; ++i) want.push(`past_k_${i}`, `past_v_${i}`);
      for (const name of want) {
        if (!sess.inputNames.includes(name)) throw new Error(`model.onnx has no input ${name}`);
      }
      session = sess;
      shape = s;
      return { ep, fallback, config, vocab: vocabText, modelId, shape: s,
               threads: ort.env.wasm.numThreads, loadMs: performance.now() - t0 };
    }

    function newContext(id) {
      if (!session) throw new Error('no model loaded');
      contexts.set(id, { past: emptyPasts(), length: 0, busy: false, epoch: 0 });
    }

    function resetContext(id) {
      const c = contexts.get(id);
      if (!c) return;
      c.past = emptyPasts();
      c.length = 0;
      c.busy = false;
      c.epoch++;
    }

    function dropContext(id) {
      const c = contexts.get(id);
      if (c) c.epoch++;
      contexts.delete(id);
    }

    async function feed(id, tokens, start) {
      const c = contexts.get(id);
      if (!c) throw new Error(`no context ${id}`);
      if (c.busy) throw new Error('a feed is already running on this context');
      const n = tokens.length;
      if (n === 0 || start < 0 || start > c.length || start + n > shape.maxLen) {
        throw new Error(`bad feed: ${n} tokens at ${start} (cached ${c.length}, max ${shape.maxLen})`);
      }
      const feeds = Object.assign({
        tokens: new ort.Tensor('int64', tokens, [1, n]),
        start: new ort.Tensor('int64', BigInt64Array.of(BigInt(start)), [1]),
      }, c.past);
      const epoch = c.epoch;
      c.busy = true;
      const t0 = performance.now();
      let out;
      try {
        out = await session.run(feeds);
      } finally {
        if (c.epoch === epoch) c.busy = false;
      }
      stats.runs++;
      stats.runMs += performance.now() - t0;
      if (c.epoch !== epoch || contexts.get(id) !== c) throw new Error('context reset during the feed');
      const past = {};
      for (let i = 0; i < shape.layers; ++i) {
        for (const kv of ['k', 'v']) past[`past_${kv}_${i}`] = out[`present_${kv}_${i}`];
      }
      if (past.past_k_0.dims[2] !== start + n) {
        throw new Error(`present length ${past.past_k_0.dims[2]} != ${start + n}`);
      }
      c.past = past;
      c.length = start + n;
      return out.logits.data;
    }

    return {
      load, newContext, resetContext, dropContext, feed,
      hasContext: (id) => contexts.has(id),
      stats: () => Object.assign({}, stats),
    };
  }

  global.jamOrtEngine = { create, shapeFromConfig };
  if (typeof module !== 'undefined' && module.exports) module.exports = global.jamOrtEngine;
})(globalThis);
