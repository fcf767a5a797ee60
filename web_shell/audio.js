// audio.js — the page's synth: `window.jamAudio`, played by the app through EM_JS
// (wasm/src/web_audio_out.cpp). Three parts, each on its own bus with its own volume:
//
//   jamAudio.noteOn(60, 0.8);  jamAudio.noteOff(60);     // the user's melody, at once
//   jamAudio.chordStart(t, [48, 60, 64, 67], 0.6);        // the agent's chord from time t
//   jamAudio.chordStop(t);  jamAudio.chordStopAll(t);     // end it / end all, cancel later ones
//   jamAudio.click(t, true);                              // metronome (accented downbeat)
//   jamAudio.setInstrument('chords', 'pad');  jamAudio.setVolume('melody', 0.8);
//   jamAudio.now()                                        // the AudioContext clock (seconds)
//   jamAudio.renderChord('epiano', [60, 64, 67], 1.0)     // → Promise<Float32Array> (offline)
//   jamAudio.snapshot()                                   // counters for tests
//
// Times are seconds on the AudioContext clock; chords and clicks are scheduled ahead on it.
// Instruments ("piano", "epiano", "pad", "strings") are small Web Audio graphs with envelopes,
// built for any BaseAudioContext, so an OfflineAudioContext renders exactly what plays live.
// The AudioContext is created on the first user gesture (autoplay policy) or the first note.
'use strict';

(function () {
  const MASTER_GAIN = 0.5;
  const hz = (pitch) => 440 * Math.pow(2, (pitch - 69) / 12);

  // Holds a param's current value at `t` and drops what was scheduled after it.
  function holdAt(param, t) {
    if (param.cancelAndHoldAtTime) {
      param.cancelAndHoldAtTime(t);
    } else {
      param.cancelScheduledValues(t);
      param.setValueAtTime(param.value, t);
    }
  }

  // A voice: oscillators feeding `env` (a GainNode connected to the part's bus).
  // release(t): fade out from t with time constant `tau`; cancel(): never sound (or stop now).
  function makeVoice(ctx, start, env, oscs, tau, maxSeconds) {
    let done = false;
    for (const o of oscs) {
      o.start(start);
      o.stop(start + maxSeconds);
    }
    oscs[0].onended = () => env.disconnect();
    return {
      start,
      released: false,
      release(t) {
        if (this.released) return;
        this.released = true;
        const when = Math.max(t, start);
        holdAt(env.gain, when);
        env.gain.setTargetAtTime(0, when, tau);
        for (const o of oscs) o.stop(Math.min(start + maxSeconds, when + tau * 8));
      },
      cancel() {
        if (done) return;
        done = true;
        this.released = true;
        env.disconnect();
        for (const o of oscs) { try { o.stop(); } catch (e) { /* already stopped */ } }
      },
    };
  }

  function osc(ctx, type, freq, detune, gain, dest) {
    const o = ctx.createOscillator();
    o.type = type;
    o.frequency.value = freq;
    o.detune.value = detune || 0;
    const g = ctx.createGain();
    g.gain.value = gain;
    o.connect(g);
    g.connect(dest);
    return o;
  }

  const INSTRUMENTS = {
    // Piano-like: a hammer attack, partials through a closing low-pass, pitch-dependent ring.
    piano(ctx, out, pitch, velocity, t) {
      const f = hz(pitch);
      const v = Math.max(0.05, Math.min(1, velocity));
      const ring = Math.max(0.6, 3.6 - (pitch - 21) * 0.032);
      const peak = 0.5 * v * (pitch > 72 ? Math.pow(0.985, pitch - 72) : 1);
      const env = ctx.createGain();
      env.gain.setValueAtTime(0, t);
      env.gain.linearRampToValueAtTime(peak, t + 0.005);
      env.gain.setTargetAtTime(peak * 0.45, t + 0.005, 0.09);
      env.gain.setTargetAtTime(0, t + 0.25, ring / 4);
      const filter = ctx.createBiquadFilter();
      filter.type = 'lowpass';
      filter.Q.value = 0.7;
      filter.frequency.setValueAtTime(Math.min(16000, f * (6 + 8 * v)), t);
      filter.frequency.setTargetAtTime(Math.min(12000, f * 2.5), t + 0.01, 0.35);
      filter.connect(env);
      env.connect(out);
      const oscs = [osc(ctx, 'triangle', f, 0, 0.55, filter), osc(ctx, 'sine', f, 1.5, 0.45, filter)];
      if (f * 2 < 18000) oscs.push(osc(ctx, 'sine', f * 2, -2, 0.16, filter));
      if (f * 3 < 18000) oscs.push(osc(ctx, 'sine', f * 3, 2, 0.05, filter));
      return makeVoice(ctx, t, env, oscs, 0.09, ring * 2.5);
    },

    // Electric piano: two-operator FM (a "tine" whose brightness decays) plus a soft tremolo.
    epiano(ctx, out, pitch, velocity, t) {
      const f = hz(pitch);
      const v = Math.max(0.05, Math.min(1, velocity));
      const ring = Math.max(1.2, 4.2 - (pitch - 21) * 0.035);
      const peak = 0.42 * v;
      const env = ctx.createGain();
      env.gain.setValueAtTime(0, t);
      env.gain.linearRampToValueAtTime(peak, t + 0.004);
      env.gain.setTargetAtTime(peak * 0.55, t + 0.004, 0.25);
      env.gain.setTargetAtTime(0, t + 0.6, ring / 3);
      const trem = ctx.createGain();
      trem.gain.value = 0.9;
      trem.connect(env);
      env.connect(out);
      const carrier = ctx.createOscillator();
      carrier.frequency.value = f;
      carrier.connect(trem);
      const mod = ctx.createOscillator();
      mod.frequency.value = f;               // ratio 1: warm body
      const index = ctx.createGain();
      index.gain.setValueAtTime(f * (0.9 + 1.6 * v), t);
      index.gain.setTargetAtTime(f * 0.12, t + 0.002, 0.35);
      mod.connect(index);
      index.connect(carrier.frequency);
      const tine = ctx.createOscillator();    // the metallic attack, fast decay
      tine.frequency.value = f * 14;
      const tineIndex = ctx.createGain();
      tineIndex.gain.setValueAtTime(f * 0.5 * v, t);
      tineIndex.gain.setTargetAtTime(0, t + 0.001, 0.03);
      tine.connect(tineIndex);
      tineIndex.connect(carrier.frequency);
      const lfo = ctx.createOscillator();
      lfo.frequency.value = 4.8;
      const depth = ctx.createGain();
      depth.gain.value = 0.1;
      lfo.connect(depth);
      depth.connect(trem.gain);
      return makeVoice(ctx, t, env, [carrier, mod, tine, lfo], 0.12, ring * 2.5);
    },

    // Warm pad: detuned saws through a low-pass that opens slowly; long attack and release.
    pad(ctx, out, pitch, velocity, t) {
      const f = hz(pitch);
      const v = Math.max(0.05, Math.min(1, velocity));
      const level = 0.16 * (0.5 + 0.5 * v);
      const env = ctx.createGain();
      env.gain.setValueAtTime(0, t);
      env.gain.setTargetAtTime(level, t, 0.12);
      const filter = ctx.createBiquadFilter();
      filter.type = 'lowpass';
      filter.Q.value = 0.6;
      filter.frequency.setValueAtTime(Math.min(8000, f * 2), t);
      filter.frequency.setTargetAtTime(Math.min(9000, 600 + f * 3), t, 0.5);
      filter.connect(env);
      env.connect(out);
      const oscs = [osc(ctx, 'sawtooth', f, -7, 0.5, filter), osc(ctx, 'sawtooth', f, +7, 0.5, filter),
                    osc(ctx, 'triangle', f / 2, 0, 0.35, filter)];
      return makeVoice(ctx, t, env, oscs, 0.3, 60);
    },

    // Strings: three detuned saws, a bowed attack and a delayed vibrato.
    strings(ctx, out, pitch, velocity, t) {
      const f = hz(pitch);
      const v = Math.max(0.05, Math.min(1, velocity));
      const level = 0.14 * (0.5 + 0.5 * v);
      const env = ctx.createGain();
      env.gain.setValueAtTime(0, t);
      env.gain.setTargetAtTime(level, t, 0.06);
      const filter = ctx.createBiquadFilter();
      filter.type = 'lowpass';
      filter.Q.value = 0.9;
      filter.frequency.value = Math.min(10000, 1200 + f * 2.5);
      filter.connect(env);
      env.connect(out);
      const oscs = [osc(ctx, 'sawtooth', f, -9, 0.4, filter), osc(ctx, 'sawtooth', f, 0, 0.4, filter),
                    osc(ctx, 'sawtooth', f, 9, 0.4, filter)];
      const lfo = ctx.createOscillator();
      lfo.frequency.value = 5.5;
      const depth = ctx.createGain();
      depth.gain.setValueAtTime(0, t);
      depth.gain.linearRampToValueAtTime(7, t + 0.5);   // cents, fading in
      lfo.connect(depth);
      for (const o of oscs) depth.connect(o.detune);
      oscs.push(lfo);
      return makeVoice(ctx, t, env, oscs, 0.18, 60);
    },
  };

  // A metronome click: a short pitched blip (higher and louder on the downbeat).
  function clickVoice(ctx, out, t, accent) {
    const env = ctx.createGain();
    const peak = accent ? 0.5 : 0.3;
    env.gain.setValueAtTime(0, t);
    env.gain.linearRampToValueAtTime(peak, t + 0.001);
    env.gain.setTargetAtTime(0, t + 0.001, 0.012);
    env.connect(out);
    const o = osc(ctx, 'sine', accent ? 1760 : 1320, 0, 1, env);
    o.start(t);
    o.stop(t + 0.1);
    o.onended = () => env.disconnect();
  }

  class JamAudio {
    constructor() {
      this.ctx = null;
      this.bus = {};
      this.volume = { melody: 0.8, chords: 0.6, metronome: 0.5 };
      this.instrument = { melody: 'piano', chords: 'epiano' };
      this.melodyVoices = new Map();   // pitch → voice
      this.chordVoices = [];           // voices not yet released
      this.stats = { started: 0, stopped: 0, lastPitch: -1, lastVelocity: 0, chordStarts: 0,
                     chordStops: 0, stopAlls: 0, cancelled: 0, clicks: 0, accents: 0 };
    }

    instruments() { return Object.keys(INSTRUMENTS); }

    // Returns a running (or resuming) AudioContext, or null without Web Audio.
    context() {
      if (!this.ctx) {
        const Ctx = window.AudioContext || window.webkitAudioContext;
        if (!Ctx) return null;
        this.ctx = new Ctx({ latencyHint: 'interactive' });
        const comp = this.ctx.createDynamicsCompressor();
        comp.threshold.value = -14;
        comp.knee.value = 12;
        comp.ratio.value = 4;
        comp.attack.value = 0.003;
        comp.release.value = 0.25;
        const master = this.ctx.createGain();
        master.gain.value = MASTER_GAIN;
        master.connect(comp);
        comp.connect(this.ctx.destination);
        for (const part of ['melody', 'chords', 'metronome']) {
          this.bus[part] = this.ctx.createGain();
          this.bus[part].connect(master);
          this.applyVolume(part);
        }
      }
      if (this.ctx.state === 'suspended') this.ctx.resume().catch(() => {});
      return this.ctx;
    }

    now() { return this.ctx ? this.ctx.currentTime : 0; }

    applyVolume(part) {
      const v = this.volume[part];
      if (this.bus[part]) this.bus[part].gain.value = v * v * 1.6;  // perceptual taper
    }

    setVolume(part, v) {
      if (!(part in this.volume)) return;
      this.volume[part] = Math.max(0, Math.min(1, Number(v) || 0));
      this.applyVolume(part);
    }

    setInstrument(part, id) {
      if ((part === 'melody' || part === 'chords') && INSTRUMENTS[id]) this.instrument[part] = id;
    }

    noteOn(pitch, velocity = 0.8) {
      const ctx = this.context();
      if (!ctx) return;
      this.noteOff(pitch, true);  // a retriggered key restarts its voice
      const voice = INSTRUMENTS[this.instrument.melody](ctx, this.bus.melody, pitch, velocity,
                                                        ctx.currentTime + 0.002);
      this.melodyVoices.set(pitch, voice);
      this.stats.started += 1;
      this.stats.lastPitch = pitch;
      this.stats.lastVelocity = velocity;
    }

    noteOff(pitch, retrigger = false) {
      const voice = this.melodyVoices.get(pitch);
      if (!voice || !this.ctx) return;
      this.melodyVoices.delete(pitch);
      voice.release(this.ctx.currentTime);
      if (!retrigger) this.stats.stopped += 1;
    }

    chordStart(time, pitches, velocity = 0.6) {
      const ctx = this.context();
      if (!ctx) return;
      const make = INSTRUMENTS[this.instrument.chords];
      for (const p of pitches) this.chordVoices.push(make(ctx, this.bus.chords, p, velocity, time));
      this.stats.chordStarts += 1;
    }

    // Releases at `time` the chord voices that started before it.
    chordStop(time) {
      this.chordVoices = this.chordVoices.filter((v) => {
        if (v.start >= time - 1e-6) return true;
        v.release(time);
        return false;
      });
      this.stats.chordStops += 1;
    }

    // Releases everything at `time`; voices that would start after it never sound.
    chordStopAll(time) {
      for (const v of this.chordVoices) {
        if (v.start > time + 1e-6) {
          v.cancel();
          this.stats.cancelled += 1;
        } else {
          v.release(time);
        }
      }
      this.chordVoices = [];
      this.stats.stopAlls += 1;
    }

    click(time, accent) {
      const ctx = this.context();
      if (!ctx) return;
      clickVoice(ctx, this.bus.metronome, time, accent);
      this.stats.clicks += 1;
      if (accent) this.stats.accents += 1;
    }

    // Renders `pitches` on `instrument` (held `seconds`) offline; resolves to the samples.
    renderChord(instrument, pitches, seconds = 1.0, sampleRate = 22050) {
      const make = INSTRUMENTS[instrument];
      if (!make) return Promise.reject(new Error(`unknown instrument ${instrument}`));
      const ctx = new OfflineAudioContext(1, Math.ceil(seconds * sampleRate), sampleRate);
      const voices = pitches.map((p) => make(ctx, ctx.destination, p, 0.7, 0));
      for (const v of voices) v.release(seconds * 0.8);
      return ctx.startRendering().then((buf) => buf.getChannelData(0));
    }

    snapshot() {
      return Object.assign({
        state: this.ctx ? this.ctx.state : 'none',
        time: this.now(),
        active: this.melodyVoices.size,
        chordVoices: this.chordVoices.length,
        instrument: Object.assign({}, this.instrument),
        volume: Object.assign({}, this.volume),
      }, this.stats);
    }
  }

  const synth = new JamAudio();
  window.jamAudio = synth;
  // Unlock audio on the first gesture so the first note is not late.
  const unlock = () => synth.context();
  window.addEventListener('pointerdown', unlock, { capture: true, once: true });
  window.addEventListener('keydown', unlock, { capture: true, once: true });
})();
