// audio.js — the page's synth: `window.jamAudio`, played by the app through EM_JS
// (wasm/src/web_audio_out.cpp).
//
//   jamAudio.noteOn(60, 0.8);  jamAudio.noteOff(60);   // pitch: MIDI, velocity: 0..1
//   jamAudio.snapshot()  → {state, time, started, stopped, active, lastPitch} (for tests)
//
// A piano-ish voice: triangle + sine partials through a closing low-pass, a fast hammer attack
// and a pitch-dependent decay; note-off damps it in ~0.1 s. The AudioContext is created on the
// first user gesture (browsers' autoplay policy) or the first note, whichever comes first.
'use strict';

(function () {
  const MASTER_GAIN = 0.45;
  const DAMP_SECONDS = 0.09;   // time constant of the release

  class JamSynth {
    constructor() {
      this.ctx = null;
      this.out = null;
      this.voices = new Map();  // pitch → {osc: [...], env, filter}
      this.started = 0;
      this.stopped = 0;
      this.lastPitch = -1;
    }

    // Returns a running (or resuming) AudioContext, or null without Web Audio.
    context() {
      if (!this.ctx) {
        const Ctx = window.AudioContext || window.webkitAudioContext;
        if (!Ctx) return null;
        this.ctx = new Ctx({ latencyHint: 'interactive' });
        const comp = this.ctx.createDynamicsCompressor();
        comp.threshold.value = -16;
        comp.knee.value = 12;
        comp.ratio.value = 4;
        comp.attack.value = 0.003;
        comp.release.value = 0.25;
        this.out = this.ctx.createGain();
        this.out.gain.value = MASTER_GAIN;
        this.out.connect(comp);
        comp.connect(this.ctx.destination);
      }
      if (this.ctx.state === 'suspended') this.ctx.resume().catch(() => {});
      return this.ctx;
    }

    noteOn(pitch, velocity = 0.8) {
      const ctx = this.context();
      if (!ctx) return;
      this.noteOff(pitch);  // a retriggered key restarts its voice
      const t = ctx.currentTime + 0.002;
      const f = 440 * Math.pow(2, (pitch - 69) / 12);
      const v = Math.max(0.05, Math.min(1, velocity));
      // Low notes ring longer; high notes are a little quieter (they sound louder).
      const ring = Math.max(0.6, 3.6 - (pitch - 21) * 0.032);
      const peak = 0.55 * v * (pitch > 72 ? Math.pow(0.985, pitch - 72) : 1);

      const env = ctx.createGain();
      env.gain.setValueAtTime(0, t);
      env.gain.linearRampToValueAtTime(peak, t + 0.005);               // hammer
      env.gain.setTargetAtTime(peak * 0.45, t + 0.005, 0.09);           // fast initial drop
      env.gain.setTargetAtTime(0, t + 0.25, ring / 4);                  // long ring

      const filter = ctx.createBiquadFilter();
      filter.type = 'lowpass';
      filter.Q.value = 0.7;
      filter.frequency.setValueAtTime(Math.min(16000, f * (6 + 8 * v)), t);
      filter.frequency.setTargetAtTime(Math.min(12000, f * 2.5), t + 0.01, 0.35);
      filter.connect(env);
      env.connect(this.out);

      const partials = [
        { type: 'triangle', mult: 1, gain: 0.55, detune: 0 },
        { type: 'sine', mult: 1, gain: 0.45, detune: 1.5 },
        { type: 'sine', mult: 2, gain: 0.16, detune: -2 },
        { type: 'sine', mult: 3, gain: 0.05, detune: 2 },
      ];
      const osc = [];
      for (const p of partials) {
        if (f * p.mult > 18000) continue;
        const o = ctx.createOscillator();
        o.type = p.type;
        o.frequency.value = f * p.mult;
        o.detune.value = p.detune;
        const g = ctx.createGain();
        g.gain.value = p.gain;
        o.connect(g);
        g.connect(filter);
        o.start(t);
        o.stop(t + ring * 2.5);  // silent by then even if never released
        osc.push(o);
      }
      const voice = { osc, env, filter };
      osc[0].onended = () => {
        env.disconnect();
        if (this.voices.get(pitch) === voice) this.voices.delete(pitch);
      };
      this.voices.set(pitch, voice);
      this.started += 1;
      this.lastPitch = pitch;
    }

    noteOff(pitch) {
      const voice = this.voices.get(pitch);
      if (!voice || !this.ctx) return;
      this.voices.delete(pitch);
      const t = this.ctx.currentTime;
      const g = voice.env.gain;
      if (g.cancelAndHoldAtTime) {
        g.cancelAndHoldAtTime(t);
      } else {
        const now = g.value;
        g.cancelScheduledValues(t);
        g.setValueAtTime(now, t);
      }
      g.setTargetAtTime(0, t, DAMP_SECONDS);
      for (const o of voice.osc) o.stop(t + DAMP_SECONDS * 8);
      this.stopped += 1;
    }

    snapshot() {
      return {
        state: this.ctx ? this.ctx.state : 'none',
        time: this.ctx ? this.ctx.currentTime : 0,
        started: this.started,
        stopped: this.stopped,
        active: this.voices.size,
        lastPitch: this.lastPitch,
      };
    }
  }

  const synth = new JamSynth();
  window.jamAudio = synth;
  // Unlock audio on the first gesture so the first note is not late.
  const unlock = () => synth.context();
  window.addEventListener('pointerdown', unlock, { capture: true, once: true });
  window.addEventListener('keydown', unlock, { capture: true, once: true });
})();
