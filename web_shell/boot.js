// boot.js — configures Emscripten's `Module` before jam_web.js loads (no inline scripts: the
// server's Content-Security-Policy forbids them).
'use strict';

var Module = {
  canvas: document.getElementById('canvas'),
  print: (text) => console.log(text),
  printErr: (text) => console.error(text),
  onAbort: (what) => {
    const el = document.getElementById('error');
    el.textContent = 'RealJam stopped: ' + what;
    el.hidden = false;
    if (window.jam) window.jam.error = String(what);
  },
};

Module.canvas.addEventListener('contextmenu', (e) => e.preventDefault());
Module.canvas.addEventListener('webglcontextlost', (e) => {
  e.preventDefault();
  Module.onAbort('the WebGL context was lost; reload the page');
});
