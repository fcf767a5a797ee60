// midi.js — Web MIDI input: `window.jamMidi`, driven by the app (wasm/src/midi_input.cpp).
//
//   jamMidi.start({ message(status, data1, data2) {...}, devices(info) {...} });
//   jamMidi.select('');          // '' = listen to every input, else one input's id
//
// `info` is {available, status, devices: [{id, name}]}; it is sent at start and whenever a
// device comes or goes. When navigator.requestMIDIAccess is missing or rejects, available is
// false and status is "MIDI unavailable". Only note-on/note-off messages are forwarded.
//
// Also `window.jamMidiAccess(granted, unavailable, changed)`: the page's one MIDIAccess (inputs
// here, outputs in files.js), requested once; calls granted(access) or unavailable(why), and
// changed() whenever a device comes or goes.
'use strict';

(function () {
  let access = null;     // Promise of the MIDIAccess, made on first use
  const changes = [];    // every user's changed()
  window.jamMidiAccess = (granted, unavailable, changed) => {
    if (!access) {
      access = new Promise((resolve, reject) => {
        if (typeof navigator.requestMIDIAccess !== 'function') {
          reject(new Error('this browser has no Web MIDI'));
          return;
        }
        resolve(navigator.requestMIDIAccess({ sysex: false }));   // a throw here rejects
      }).then((a) => {
        a.onstatechange = () => changes.forEach((f) => f());
        return a;
      });
    }
    access.then((a) => {
      changes.push(changed);
      granted(a);
    }, (e) => unavailable(e && e.message));
  };

  class JamMidi {
    constructor() {
      this.access = null;
      this.selected = '';
      this.sink = null;
      this.listening = new Set();
    }

    start(sink) {
      this.sink = sink;
      const unavailable = (why) => {
        console.info(`MIDI unavailable: ${why}`);
        sink.devices({ available: false, status: 'MIDI unavailable', devices: [] });
      };
      window.jamMidiAccess((access) => {
        this.access = access;
        this.refresh();
      }, unavailable, () => this.refresh());
    }

    select(id) {
      this.selected = id || '';
      this.refresh();
    }

    inputs() {
      const out = [];
      if (this.access) this.access.inputs.forEach((input) => out.push(input));
      return out;
    }

    // Re-attaches the message handler to the selected inputs and reports the device list.
    refresh() {
      if (!this.access || !this.sink) return;
      const inputs = this.inputs();
      for (const input of inputs) {
        const wanted = this.selected === '' || input.id === this.selected;
        if (wanted && !this.listening.has(input)) {
          input.onmidimessage = (e) => this.onMessage(e);
          this.listening.add(input);
        } else if (!wanted && this.listening.has(input)) {
          input.onmidimessage = null;
          this.listening.delete(input);
        }
      }
      const devices = inputs.filter((i) => i.state !== 'disconnected')
        .map((i) => ({ id: String(i.id), name: String(i.name || i.id) }));
      this.sink.devices({
        available: true,
        status: devices.length ? `MIDI: ${devices.length} input(s)` : 'MIDI: no device',
        devices,
      });
    }

    onMessage(e) {
      const d = e.data;
      if (!d || d.length < 3) return;
      const kind = d[0] & 0xf0;
      if (kind !== 0x90 && kind !== 0x80) return;
      this.sink.message(d[0], d[1] & 0x7f, d[2] & 0x7f);
    }
  }

  window.jamMidi = new JamMidi();
})();
