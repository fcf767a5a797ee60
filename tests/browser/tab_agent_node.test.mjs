// tab_agent_node.test.mjs — the in-tab agent without a browser: onnxruntime-web (wasm EP) in
// node runs tests/data/tiny_online/model.onnx through web_shell/ort_agent.js, then
// jam_ort_model_check (the wasm build of OrtModel + TabAgent + the core planner,
// tests/browser/ort_model_check.cpp) checks OrtModel's logits against golden.json (chunked
// feeds, rewinds, errors) and the TabAgent's plans against the native planner's.
//
//   JAM_WASM_BUILD_DIR=build/wasm node tests/browser/tab_agent_node.test.mjs   # from the root
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = process.cwd();
const WASM_DIR = process.env.JAM_WASM_BUILD_DIR && path.resolve(process.env.JAM_WASM_BUILD_DIR);
const MODEL_DIR = path.join(ROOT, 'tests/data/tiny_online');

test('OrtModel logits match golden.json; TabAgent plans like the native planner', { timeout: 120000 }, async () => {
  assert.ok(WASM_DIR, 'JAM_WASM_BUILD_DIR must point at a built wasm tree');
  const checkJs = path.join(WASM_DIR, 'tests/bin/jam_ort_model_check.js');
  assert.ok(fs.existsSync(checkJs), `${checkJs} not built (target jam_ort_model_check)`);
  assert.ok(fs.existsSync(path.join(MODEL_DIR, 'model.onnx')),
            'tests/data/tiny_online/model.onnx missing: ./jam train export --tiny');

  const require = createRequire(path.join(ROOT, 'package.json'));
  globalThis.ort = require('onnxruntime-web');
  await import(path.join(ROOT, 'web_shell/ort_agent.js'));
  const jamOrt = globalThis.jamOrt;
  const readFile = async (name, kind) => {
    const p = path.join(MODEL_DIR, name);
    return kind === 'text' ? fs.readFileSync(p, 'utf8') : new Uint8Array(fs.readFileSync(p));
  };
  const loaded = await jamOrt.load('tiny_online', { readFile, threads: 1 });
  assert.equal(loaded.ep, 'wasm');
  assert.equal(jamOrt.info().status, 'ready');
  console.log(`# ORT Web ${globalThis.ort.env.versions.web}: session ready in ${loaded.loadMs.toFixed(0)} ms`);

  // A missing model fails with a clear message and leaves nothing half-loaded behind.
  const missing = jamOrt.load('no_such_model', {
    readFile: async (name) => { throw new Error(`GET models/no_such_model/${name}: HTTP 404`); },
  });
  await assert.rejects(missing, /HTTP 404/);
  assert.equal(jamOrt.info().status, 'failed');
  await jamOrt.load('tiny_online', { readFile, threads: 1 });   // the check needs it loaded

  const result = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('jam_ort_model_check did not finish')), 100000);
    globalThis.jamCheckDone = (text) => { clearTimeout(timer); resolve(JSON.parse(text)); };
    process.chdir(ROOT);           // the program reads tests/data/... (NODERAWFS)
    require(checkJs);              // runs main(); the checks continue from ORT's callbacks
  });
  console.log(`# ${result.checks} checks, ${result.rows_compared} golden rows, max |d logit| ` +
              `${result.max_abs.toExponential(2)}; plans: ${JSON.stringify(result.plans)}`);
  const plans = jamOrt.plans;
  console.log(`# tab plans: ${JSON.stringify(plans.map((p) => ({ ms: +p.ms.toFixed(1), fed: p.fed, reused: p.reused })))}`);
  assert.deepEqual(result.failures, []);
  assert.ok(result.ok);
  assert.equal(result.rows_compared, 12, 'every chunk ending on a golden row was compared');
  assert.equal(plans.length, 3);
  assert.ok(plans.every((p) => p.ok));
  assert.ok(plans[1].reused > 1 && plans[2].reused > 1, 'later plans reuse the prefix cache');
});
