// files.js — browser file glue and Web MIDI output for the app's session tools
// (wasm/src/files.cpp, wasm/src/midi_output.cpp).
//
//   jamFiles.download('jam.mid', 'audio/midi', bytes)     // a Uint8Array, saved by the browser
//   jamFiles.pick('.json', (name, bytes) => {...})         // a file picker; bytes null on cancel
//   jamMidiOut.start((info) => {...})                      // {available, status, devices:[{id,name}]}
//   jamMidiOut.select(id)                                  // '' = no output
//   jamMidiOut.notes(channel, pitches, velocity, audioTime)   // velocity 0 = note-off
//   jamMidiOut.allOff(audioTime)                           // stop everything from audioTime on
//
// MIDI timestamps: `audioTime` is on the app's AudioContext clock (window.jamAudio); it is mapped
// to the performance.now() timeline of MIDIOutput.send through AudioContext.getOutputTimestamp()
// (or currentTime when that is unavailable), so chords scheduled ahead leave the MIDI port exactly
// when they sound. A time in the past is sent at once. When requestMIDIAccess is missing or
// rejects, status is "MIDI unavailable".
'use strict';

(function () {
  window.jamFiles = {
    downloads: [],   // [{name, bytes}] for tests and debugging

    download(name, mime, bytes) {
      const blob = new Blob([bytes], { type: mime });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.style.display = 'none';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      this.downloads.push({ name, bytes: bytes.length });
    },

    pick(accept, done) {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = accept;
      input.style.display = 'none';
      let settled = false;
      const finish = (name, bytes) => {
        if (settled) return;
        settled = true;
        input.remove();
        done(name, bytes);
      };
      input.addEventListener('change', () => {
        const f = input.files && input.files[0];
        if (!f) { finish('', null); return; }
        f.arrayBuffer().then((buf) => finish(f.name, new Uint8Array(buf)),
                             () => finish(f.name, null));
      });
      input.addEventListener('cancel', () => finish('', null));
      document.body.appendChild(input);
      input.click();
    },
  };

  class JamMidiOut {
    constructor() {
      this.access = null;
      this.selected = '';
      this.sink = null;
      this.sent = 0;          // messages sent (for tests)
      this.pending = [];      // [{time(ms), channel, pitch}] note-ons sent with a future timestamp
    }

    start(sink) {
      this.sink = sink;
      const unavailable = (why) => {
        console.info(`MIDI out unavailable: ${why}`);
        sink({ available: false, status: 'MIDI unavailable', devices: [] });
      };
      window.jamMidiAccess((access) => {   // midi.js: the page's one MIDIAccess
        this.access = access;
        this.refresh();
      }, unavailable, () => this.refresh());
    }

    outputs() {
      const out = [];
      if (this.access && this.access.outputs) this.access.outputs.forEach((o) => out.push(o));
      return out;
    }

    refresh() {
      if (!this.access || !this.sink) return;
      const devices = this.outputs().filter((o) => o.state !== 'disconnected')
        .map((o) => ({ id: String(o.id), name: String(o.name || o.id) }));
      this.sink({ available: true,
                  status: devices.length ? `MIDI out: ${devices.length} output(s)` : 'MIDI out: no device',
                  devices });
    }

    select(id) {
      if (this.selected && this.selected !== id) this.allOff(-1);
      this.selected = id || '';
    }

    port() {
      if (!this.selected) return null;
      return this.outputs().find((o) => String(o.id) === this.selected) || null;
    }

    // Audio-clock seconds -> performance.now() milliseconds.
    timestamp(audioTime) {
      const audio = window.jamAudio;
      const ctx = audio && audio.ctx;
      const now = performance.now();
      if (!ctx || !(audioTime >= 0)) return now;
      // offset = performance ms - audio s * 1000. A sample taken while the audio thread is late
      // overstates it, so keep the smallest sample of the last two seconds.
      // Output-timestamp samples include the output latency and currentTime ones do not, so the two
      // kinds are never mixed: once the context reports real output timestamps (shortly after it
      // starts), the earlier currentTime samples are dropped.
      const ts = typeof ctx.getOutputTimestamp === 'function' ? ctx.getOutputTimestamp() : null;
      const output = !!(ts && ts.performanceTime > 0);
      const sample = output ? ts.performanceTime - ts.contextTime * 1000 : now - ctx.currentTime * 1000;
      this.offsets = (this.offsets || []).filter((o) => o.at > now - 2000 && (o.output || !output));
      this.offsets.push({ at: now, offset: sample, output });
      const offset = Math.min(...this.offsets.map((o) => o.offset));
      return Math.max(now, offset + audioTime * 1000);
    }

    send(port, bytes, ms) {
      try {
        port.send(bytes, ms);
        ++this.sent;
      } catch (e) {
        console.info(`MIDI out: ${e && e.message}`);
      }
    }

    notes(channel, pitches, velocity, audioTime) {
      const port = this.port();
      if (!port) return;
      const ms = this.timestamp(audioTime);
      const ch = channel & 15;
      for (const p of pitches) {
        if (velocity > 0) {
          this.send(port, [0x90 | ch, p & 127, Math.min(127, velocity)], ms);
          this.pending.push({ time: ms, channel: ch, pitch: p & 127 });
        } else {
          this.send(port, [0x80 | ch, p & 127, 64], ms);
          const i = this.pending.findIndex((n) => n.channel === ch && n.pitch === (p & 127));
          if (i >= 0) this.pending.splice(i, 1);
        }
      }
      if (this.pending.length > 512) this.pending.splice(0, this.pending.length - 512);
    }

    // Note-offs for everything still on or scheduled, at audioTime (-1: now); a note-on scheduled
    // later than that gets its note-off at its own time (MIDIOutput.clear() is not everywhere).
    allOff(audioTime) {
      const port = this.port();
      const pending = this.pending;
      this.pending = [];
      if (!port) return;
      const ms = this.timestamp(audioTime);
      if (typeof port.clear === 'function') {
        try { port.clear(); } catch (e) { /* not implemented */ }
      }
      for (const n of pending) this.send(port, [0x80 | n.channel, n.pitch, 64], Math.max(ms, n.time));
      for (let ch = 0; ch < 16; ++ch) this.send(port, [0xb0 | ch, 123, 0], ms);   // all notes off
    }
  }

  window.jamMidiOut = new JamMidiOut();
})();
