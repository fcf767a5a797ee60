// fault_proxy.mjs — a loopback TCP proxy that delays, jitters, stalls and drops traffic between
// a client (the browser) and a server (jam-server), per direction. Byte level: HTTP, the
// WebSocket upgrade and WebSocket frames pass through untouched; only *when* bytes arrive
// changes.
//
//   import { startFaultProxy } from './fault_proxy.mjs';
//   const proxy = await startFaultProxy({ targetPort: 8080 });    // listens on 127.0.0.1:<port>
//   proxy.set({ up: { delayMs: 300, jitterMs: 50 }, down: { delayMs: 300 } });
//   proxy.dropAll();          // cut every open connection (both ends see it closed)
//   proxy.stallOpen();        // the open connections go dead silently; new ones work
//   proxy.set({ refuse: true });   // new connections are accepted and closed at once
//   proxy.stats();            // {accepted, active, upstreamFailures, dropped, bytesUp, bytesDown}
//   await proxy.close();
//
// Or stand-alone, with an HTTP control port (for playing by hand against a running jam-server):
//   node tests/faults/fault_proxy.mjs --target 8080 --port 8081 --control 8082
//   curl -X POST 127.0.0.1:8082/set -d '{"down": {"delayMs": 1500}}'
//   curl -X POST 127.0.0.1:8082/drop;  curl 127.0.0.1:8082/stats
//
// Faults, each per direction ("up" = client → server, "down" = server → client):
// - delayMs:  every chunk is delivered this long after it arrived;
// - jitterMs: plus a uniform random extra in [-jitterMs, +jitterMs] (the total never below 0);
//   delivery order within a connection is always kept (a chunk never overtakes an earlier one:
//   TCP semantics), so jitter stretches gaps but never reorders bytes;
// - stall:    hold every chunk (nothing is delivered) until stall is cleared — a dead path that
//   TCP has not noticed yet;
// - dropProbability: each chunk, with this probability, kills its connection instead of being
//   delivered (a TCP stream cannot lose bytes: a "drop" ends the connection).
// Settings apply to chunks that arrive after set(); chunks already queued keep their times.
// End-of-stream and errors travel in order behind the data (half-close is kept).
//
// Single process, event-loop driven; meant for loopback tests, not for throughput.
import http from 'node:http';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const DIRECTION_DEFAULTS = { delayMs: 0, jitterMs: 0, stall: false, dropProbability: 0 };

function normalize(d = {}) {
  const out = { ...DIRECTION_DEFAULTS, ...d };
  for (const k of ['delayMs', 'jitterMs', 'dropProbability']) {
    if (typeof out[k] !== 'number' || !Number.isFinite(out[k]) || out[k] < 0) {
      throw new Error(`fault_proxy: ${k} must be a number >= 0, got ${out[k]}`);
    }
  }
  out.stall = !!out.stall;
  return out;
}

// One direction of one connection: chunks queued with their due time, delivered in order.
class Pipe {
  constructor(conn, name, src, dst) {
    this.conn = conn;
    this.name = name;           // 'up' | 'down'
    this.src = src;
    this.dst = dst;
    this.queue = [];            // {due, data?, end?, destroy?}
    this.lastDue = 0;
    this.timer = null;
    this.dstReady = false;      // the destination socket is connected
    this.finished = false;      // end/destroy delivered
  }

  push(item) {
    const cfg = this.conn.proxy.config[this.name];
    const now = Date.now();
    let delay = cfg.delayMs;
    if (cfg.jitterMs > 0) delay += (Math.random() * 2 - 1) * cfg.jitterMs;
    item.due = Math.max(now + Math.max(0, delay), this.lastDue);
    this.lastDue = item.due;
    if (item.data && cfg.dropProbability > 0 && Math.random() < cfg.dropProbability) {
      this.conn.proxy.counters.dropped++;
      this.conn.kill();
      return;
    }
    this.queue.push(item);
    this.pump();
  }

  pump() {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (!this.dstReady || this.finished || this.conn.dead) return;
    if (this.conn.stalled || this.conn.proxy.config[this.name].stall) return;   // resumed by set()
    const now = Date.now();
    while (this.queue.length && this.queue[0].due <= now) {
      const item = this.queue.shift();
      if (item.data) {
        this.dst.write(item.data);
        this.conn.proxy.counters[this.name === 'up' ? 'bytesUp' : 'bytesDown'] += item.data.length;
      } else if (item.end) {
        this.finished = true;
        this.dst.end();
        this.conn.maybeDone();
        return;
      } else if (item.destroy) {
        this.finished = true;
        this.conn.kill();
        return;
      }
    }
    if (this.queue.length) {
      this.timer = setTimeout(() => this.pump(), Math.max(1, this.queue[0].due - now));
    }
  }

  clear() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }
}

class Connection {
  constructor(proxy, client) {
    this.proxy = proxy;
    this.client = client;
    this.dead = false;
    this.stalled = false;       // stallOpen(): this connection's path is dead (both directions)
    this.upstream = net.connect({ host: proxy.targetHost, port: proxy.targetPort, allowHalfOpen: true });
    this.up = new Pipe(this, 'up', client, this.upstream);
    this.down = new Pipe(this, 'down', this.upstream, client);
    this.down.dstReady = true;  // the client is connected already
    client.setNoDelay(true);
    this.upstream.setNoDelay(true);

    client.on('data', (d) => this.up.push({ data: d }));
    client.on('end', () => this.up.push({ end: true }));
    client.on('error', () => this.up.push({ destroy: true }));
    client.on('close', () => this.maybeDone());
    this.upstream.on('connect', () => { this.up.dstReady = true; this.up.pump(); });
    this.upstream.on('data', (d) => this.down.push({ data: d }));
    this.upstream.on('end', () => this.down.push({ end: true }));
    this.upstream.on('error', (e) => {
      if (!this.up.dstReady) {   // the server is not there: the client sees its connection closed
        this.proxy.counters.upstreamFailures++;
        this.kill();
        return;
      }
      this.down.push({ destroy: true });
    });
    this.upstream.on('close', () => this.maybeDone());
  }

  // Both ends closed at once, whatever is queued is lost (a network cut / a dead server).
  kill() {
    if (this.dead) return;
    this.dead = true;
    this.up.clear();
    this.down.clear();
    this.client.destroy();
    this.upstream.destroy();
    this.proxy.connections.delete(this);
  }

  maybeDone() {
    if (this.client.destroyed && this.upstream.destroyed) this.kill();
    else if (this.up.finished && this.down.finished) {
      // Both directions ended: let the sockets close once their writes are flushed.
      this.client.once('finish', () => this.client.destroy());
      this.upstream.once('finish', () => this.upstream.destroy());
      if (this.client.writableFinished) this.client.destroy();
      if (this.upstream.writableFinished) this.upstream.destroy();
    }
  }
}

export async function startFaultProxy({ targetPort, targetHost = '127.0.0.1', port = 0,
                                          host = '127.0.0.1', up = {}, down = {} } = {}) {
  if (!targetPort) throw new Error('fault_proxy: targetPort is required');
  const proxy = {
    targetHost, targetPort,
    config: { up: normalize(up), down: normalize(down), refuse: false },
    connections: new Set(),
    counters: { accepted: 0, refused: 0, upstreamFailures: 0, dropped: 0, bytesUp: 0, bytesDown: 0 },
  };
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    if (proxy.config.refuse) {
      proxy.counters.refused++;
      client.destroy();
      return;
    }
    proxy.counters.accepted++;
    proxy.connections.add(new Connection(proxy, client));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const listenPort = server.address().port;

  const api = {
    port: listenPort,
    url: `http://${host}:${listenPort}/`,
    // Changes the faults; fields left out keep their values. {up, down, refuse}.
    set(change = {}) {
      for (const dir of ['up', 'down']) {
        if (change[dir]) proxy.config[dir] = normalize({ ...proxy.config[dir], ...change[dir] });
      }
      if ('refuse' in change) proxy.config.refuse = !!change.refuse;
      // A cleared stall delivers what it held (their due times have passed).
      for (const c of proxy.connections) { c.up.pump(); c.down.pump(); }
      return api.config();
    },
    // No faults at all (delays, stalls, drops, refusal off).
    reset() { return api.set({ up: DIRECTION_DEFAULTS, down: DIRECTION_DEFAULTS, refuse: false }); },
    config() { return JSON.parse(JSON.stringify(proxy.config)); },
    // Cuts every open connection now: both ends see their socket closed, queued bytes are lost.
    dropAll() {
      const n = proxy.connections.size;
      for (const c of [...proxy.connections]) c.kill();
      proxy.counters.dropped += n;
      return n;
    },
    // A dead path for the connections open now (nothing delivered, nothing closed), as when a
    // NAT entry or a Wi-Fi link dies; connections opened later are not affected. Returns how many.
    stallOpen() {
      for (const c of proxy.connections) c.stalled = true;
      return proxy.connections.size;
    },
    stats() { return { ...proxy.counters, active: proxy.connections.size }; },
    close() {
      api.dropAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}

// The HTTP control port of the stand-alone proxy: POST /set {json}, POST /reset, POST /drop,
// GET /stats, GET /config.
export function startControlServer(proxy, port, host = '127.0.0.1') {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; if (body.length > 65536) req.destroy(); });
    req.on('end', () => {
      const reply = (code, obj) => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(obj) + '\n');
      };
      try {
        const route = `${req.method} ${new URL(req.url, 'http://x').pathname}`;
        if (route === 'POST /set') return reply(200, proxy.set(JSON.parse(body || '{}')));
        if (route === 'POST /reset') return reply(200, proxy.reset());
        if (route === 'POST /drop') return reply(200, { dropped: proxy.dropAll() });
        if (route === 'GET /stats') return reply(200, proxy.stats());
        if (route === 'GET /config') return reply(200, proxy.config());
        return reply(404, { error: `unknown route ${route}` });
      } catch (e) {
        return reply(400, { error: String(e.message || e) });
      }
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? Number(args[i + 1]) : dflt;
  };
  const targetPort = opt('target', 0);
  if (!targetPort) {
    console.error('usage: node fault_proxy.mjs --target PORT [--port PORT] [--control PORT]');
    process.exit(2);
  }
  const proxy = await startFaultProxy({ targetPort, port: opt('port', 0) });
  const control = await startControlServer(proxy, opt('control', 0));
  console.log(`fault proxy 127.0.0.1:${proxy.port} -> 127.0.0.1:${targetPort}; ` +
              `control http://127.0.0.1:${control.address().port}/`);
}
