// smf.mjs — a tiny Standard MIDI File reader for the browser tests (independent of core's reader,
// so a download is checked by a second implementation).
//
//   const midi = readSmf(bytes);   // {format, ppq, tracks: [{name, notes: [{on, off, channel,
//                                  //  pitch, velocity}], texts: [...]}], tempos: [us], timeSigs: [[n, d]]}
export function readSmf(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let i = 0;
  const u32 = () => { const v = (b[i] << 24 | b[i + 1] << 16 | b[i + 2] << 8 | b[i + 3]) >>> 0; i += 4; return v; };
  const u16 = () => { const v = b[i] << 8 | b[i + 1]; i += 2; return v; };
  const str = (n) => { const s = new TextDecoder().decode(b.subarray(i, i + n)); i += n; return s; };
  const vlq = () => { let v = 0, c; do { c = b[i++]; v = v * 128 + (c & 0x7f); } while (c & 0x80); return v; };
  if (str(4) !== 'MThd') throw new Error('not a MIDI file');
  const hlen = u32();
  const format = u16(), ntracks = u16(), ppq = u16();
  i += hlen - 6;
  const out = { format, ppq, tracks: [], tempos: [], timeSigs: [] };
  for (let t = 0; t < ntracks; ++t) {
    if (str(4) !== 'MTrk') throw new Error(`track ${t}: bad chunk`);
    const len = u32();
    const end = i + len;
    const track = { name: '', notes: [], texts: [] };
    const open = new Map();
    let tick = 0, status = 0;
    while (i < end) {
      tick += vlq();
      if (b[i] & 0x80) status = b[i++];
      if (status === 0xff) {
        const type = b[i++];
        const len = vlq();
        const data = b.subarray(i, i + len);
        i += len;
        if (type === 0x03 && !track.name) track.name = new TextDecoder().decode(data);
        if (type === 0x01) track.texts.push({ tick, text: new TextDecoder().decode(data) });
        if (type === 0x51) out.tempos.push(data[0] << 16 | data[1] << 8 | data[2]);
        if (type === 0x58) out.timeSigs.push([data[0], 1 << data[1]]);
        if (type === 0x2f) break;
        status = 0;
        continue;
      }
      if (status === 0xf0 || status === 0xf7) { i += vlq(); status = 0; continue; }
      const kind = status & 0xf0, ch = status & 0x0f;
      const d1 = b[i++];
      const d2 = kind === 0xc0 || kind === 0xd0 ? 0 : b[i++];
      const key = ch * 128 + d1;
      if (kind === 0x90 && d2 > 0) {
        const note = { on: tick, off: -1, channel: ch, pitch: d1, velocity: d2 };
        track.notes.push(note);
        if (!open.has(key)) open.set(key, []);
        open.get(key).push(note);
      } else if (kind === 0x80 || kind === 0x90) {
        const q = open.get(key);
        if (q && q.length) q.shift().off = tick;
      }
    }
    i = end;
    out.tracks.push(track);
  }
  return out;
}
