// fault_proxy.test.mjs — the fault proxy itself, without a browser: delay per direction, jitter
// that never reorders bytes, stall and release, dropAll, refuse, a dead upstream, drop probability.
//
//   node --test tests/faults/fault_proxy.test.mjs
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { startFaultProxy } from './fault_proxy.mjs';

// An echo server; returns {port, close()}.
async function echoServer() {
  const sockets = new Set();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
  };
}

function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

// Sends `text`, resolves with the time until all of it came back.
function roundTrip(sock, text) {
  return new Promise((resolve) => {
    const t = Date.now();
    let got = '';
    const onData = (d) => {
      got += d;
      if (got.length >= text.length) { sock.off('data', onData); resolve({ ms: Date.now() - t, got }); }
    };
    sock.on('data', onData);
    sock.write(text);
  });
}

const closed = (sock) => new Promise((r) => { if (sock.destroyed) r(); else sock.once('close', r); });

test('delay per direction adds up in the round trip', async () => {
  const echo = await echoServer();
  const proxy = await startFaultProxy({ targetPort: echo.port });
  const sock = await connect(proxy.port);
  const base = await roundTrip(sock, 'ping');
  assert.equal(base.got, 'ping');
  proxy.set({ up: { delayMs: 150 }, down: { delayMs: 100 } });
  const slow = await roundTrip(sock, 'pong');
  assert.equal(slow.got, 'pong');
  assert.ok(slow.ms >= 245, `round trip ${slow.ms} ms with 150 + 100 ms of delay`);
  assert.ok(slow.ms < 245 + 1000, `round trip ${slow.ms} ms: far more than the delay`);
  proxy.reset();
  const fast = await roundTrip(sock, 'back');
  assert.ok(fast.ms < 200, `round trip ${fast.ms} ms after reset`);
  sock.destroy();
  await proxy.close();
  await echo.close();
});

test('jitter never reorders bytes within a connection', async () => {
  const echo = await echoServer();
  const proxy = await startFaultProxy({ targetPort: echo.port, up: { delayMs: 20, jitterMs: 20 },
                                        down: { delayMs: 20, jitterMs: 20 } });
  const sock = await connect(proxy.port);
  let got = '';
  sock.on('data', (d) => { got += d; });
  let sent = '';
  for (let i = 0; i < 200; ++i) {
    const piece = `<${i}>`;
    sent += piece;
    sock.write(piece);
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 3));
  }
  const deadline = Date.now() + 5000;
  while (got.length < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(got, sent);
  sock.destroy();
  await proxy.close();
  await echo.close();
});

test('stall holds bytes until released; dropAll and refuse cut the client off', async () => {
  const echo = await echoServer();
  const proxy = await startFaultProxy({ targetPort: echo.port });
  const sock = await connect(proxy.port);
  proxy.set({ down: { stall: true } });
  const pending = roundTrip(sock, 'held');
  await new Promise((r) => setTimeout(r, 300));
  let early = '';
  const peek = (d) => { early += d; };
  sock.on('data', peek);
  await new Promise((r) => setTimeout(r, 50));
  sock.off('data', peek);
  assert.equal(early, '', 'nothing arrives while the path is stalled');
  proxy.set({ down: { stall: false } });
  const { got, ms } = await pending;
  assert.equal(got, 'held');
  assert.ok(ms >= 300, `released after the stall (${ms} ms)`);

  assert.equal(proxy.stats().active, 1);
  assert.equal(proxy.dropAll(), 1);
  await closed(sock);
  assert.equal(proxy.stats().active, 0);

  proxy.set({ refuse: true });
  const refused = await connect(proxy.port);
  await closed(refused);
  assert.equal(proxy.stats().refused, 1);
  await proxy.close();
  await echo.close();
});

test('a dead upstream closes the client connection; drop probability 1 kills it', async () => {
  const echo = await echoServer();
  const port = echo.port;
  await echo.close();   // nothing listens there now
  const proxy = await startFaultProxy({ targetPort: port });
  const sock = await connect(proxy.port);
  sock.on('error', () => {});
  await closed(sock);
  assert.equal(proxy.stats().upstreamFailures, 1);
  await proxy.close();

  const echo2 = await echoServer();
  const proxy2 = await startFaultProxy({ targetPort: echo2.port, up: { dropProbability: 1 } });
  const sock2 = await connect(proxy2.port);
  sock2.on('error', () => {});
  sock2.write('x');
  await closed(sock2);
  assert.equal(proxy2.stats().dropped, 1);
  await proxy2.close();
  await echo2.close();
});
