#include "jam/midi_file.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "jam/chord_vocab.h"
#include "jam/melody.h"

namespace jam {
namespace {

// Bounds-checked big-endian reader; every read past the end sets failed_ and returns 0.
class ByteReader {
 public:
  ByteReader(std::span<const uint8_t> bytes, size_t begin, size_t end)
      : bytes_(bytes), pos_(begin), end_(end) {}

  bool failed() const { return failed_; }
  bool at_end() const { return pos_ >= end_; }
  size_t pos() const { return pos_; }
  size_t remaining() const { return pos_ < end_ ? end_ - pos_ : 0; }

  uint8_t u8() {
    if (pos_ >= end_) {
      failed_ = true;
      return 0;
    }
    return bytes_[pos_++];
  }
  uint8_t peek() const { return pos_ < end_ ? bytes_[pos_] : 0; }
  uint32_t u16() {
    const uint32_t a = u8();
    return (a << 8) | u8();
  }
  uint32_t u32() {
    const uint32_t a = u16();
    return (a << 16) | u16();
  }
  // Variable-length quantity: at most 4 bytes (28 bits), as the SMF spec allows.
  uint32_t vlq() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const uint8_t b = u8();
      v = (v << 7) | (b & 0x7F);
      if (!(b & 0x80)) return v;
    }
    failed_ = true;
    return 0;
  }
  std::string_view take(size_t n) {
    if (n > remaining()) {
      failed_ = true;
      pos_ = end_;
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return s;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_;
  size_t end_;
  bool failed_ = false;
};

std::string at(size_t offset) { return " at byte " + std::to_string(offset); }

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Parses one MTrk chunk body [begin, end) into `track`, appending tempo/metre events to `midi`.
std::optional<std::string> parse_track(std::span<const uint8_t> bytes, size_t begin, size_t end,
                                       MidiTrack& track, MidiFile& midi) {
  ByteReader r(bytes, begin, end);
  int64_t tick = 0;
  int running = 0;
  bool have_name = false;
  // Open notes per (channel, pitch): indices into track.notes, oldest first.
  std::vector<std::vector<size_t>> open(16 * 128);
  while (!r.at_end()) {
    const size_t event_pos = r.pos();
    tick += r.vlq();
    if (r.failed()) return "bad delta time" + at(event_pos);
    int status = r.peek();
    if (status & 0x80) {
      r.u8();
    } else if (running) {
      status = running;  // running status: the byte is the first data byte
    } else {
      return "data byte without a status (no running status)" + at(r.pos());
    }
    if (r.failed()) return "truncated event" + at(event_pos);

    if (status == 0xFF) {
      const int type = r.u8();
      const uint32_t len = r.vlq();
      const size_t data_pos = r.pos();
      std::string_view data = r.take(len);
      if (r.failed()) return "truncated meta event" + at(data_pos);
      if (type == 0x2F) break;  // end of track
      if (type == 0x03 && !have_name) {
        track.name = std::string(data);
        have_name = true;
      } else if (type == 0x51) {
        if (len != 3) return "tempo event with length " + std::to_string(len) + at(data_pos);
        const int us = (static_cast<uint8_t>(data[0]) << 16) | (static_cast<uint8_t>(data[1]) << 8) |
                       static_cast<uint8_t>(data[2]);
        if (us <= 0) return "tempo of 0 microseconds per quarter" + at(data_pos);
        midi.tempos.push_back(MidiTempo{tick, us});
      } else if (type == 0x58) {
        if (len < 2) return "short time signature event" + at(data_pos);
        const int num = static_cast<uint8_t>(data[0]);
        const int dd = static_cast<uint8_t>(data[1]);
        if (num == 0 || dd > 6) return "invalid time signature" + at(data_pos);
        midi.time_signatures.push_back(MidiTimeSignature{tick, num, 1 << dd});
      } else if (type == 0x01 || type == 0x05 || type == 0x06 || type == 0x07) {
        track.texts.push_back(MidiText{tick, type, std::string(data)});
      }
      continue;  // running status is kept across meta events (lenient, as most readers do)
    }
    if (status == 0xF0 || status == 0xF7) {
      const uint32_t len = r.vlq();
      r.take(len);
      if (r.failed()) return "truncated sysex" + at(event_pos);
      running = 0;
      continue;
    }
    if (status >= 0xF0) return "unexpected system message in a file" + at(event_pos);

    running = status;
    const int kind = status & 0xF0;
    const int channel = status & 0x0F;
    const int d1 = r.u8();
    const int d2 = (kind == 0xC0 || kind == 0xD0) ? 0 : r.u8();
    if (r.failed()) return "truncated channel message" + at(event_pos);
    if ((d1 | d2) & 0x80) return "data byte >= 0x80" + at(event_pos);
    if (kind == 0x90 && d2 > 0) {
      open[static_cast<size_t>(channel * 128 + d1)].push_back(track.notes.size());
      track.notes.push_back(MidiNote{tick, -1, channel, d1, d2});
    } else if (kind == 0x80 || kind == 0x90) {
      auto& q = open[static_cast<size_t>(channel * 128 + d1)];
      if (!q.empty()) {  // an off without an on is ignored
        track.notes[q.front()].off_tick = tick;
        q.erase(q.begin());
      }
    }
  }
  if (r.failed()) return "truncated track" + at(r.pos());
  track.end_tick = tick;
  for (MidiNote& n : track.notes)
    if (n.off_tick < 0) n.off_tick = tick;  // still sounding at the end of the track
  return std::nullopt;
}

// Common chord shapes, for reading chord tracks without jam:chord text events.
const std::vector<std::vector<int>>& chord_shapes() {
  static const std::vector<std::vector<int>> k = {
      {4, 3},    {3, 4},    {3, 3},       {4, 4},       {5, 2},       {2, 5},
      {4, 3, 3}, {4, 3, 4}, {3, 4, 3},    {3, 3, 4},    {3, 3, 3},    {3, 4, 4},
      {4, 3, 2}, {3, 4, 2}, {5, 2, 3},    {4, 3, 7},    {3, 4, 7},    {4, 3, 3, 4},
      {4, 3, 4, 3}, {3, 4, 3, 4}, {7}};
  return k;
}

ChordEvent infer_chord(Frame on, Frame off, const std::vector<int>& pitches) {
  ChordEvent c{on, off, 0, {}, 0};
  if (pitches.empty()) return c;
  const int bass_pitch = *std::min_element(pitches.begin(), pitches.end());
  const int bass = bass_pitch % 12;
  uint16_t mask = 0;
  for (int p : pitches) mask = static_cast<uint16_t>(mask | 1 << (p % 12));
  // First a shape rooted on the bass (root position), then any root (an inversion).
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& shape : chord_shapes()) {
      for (int root = 0; root < 12; ++root) {
        if ((pass == 0) != (root == bass)) continue;
        if (!(mask & (1 << root)) || chord_pc_mask(root, shape) != mask) continue;
        c.root_pc = root;
        c.intervals = shape;
        for (int inv = 0; inv <= static_cast<int>(shape.size()); ++inv) {
          if (chord_bass_pc(root, shape, inv) != bass) continue;
          c.inversion = inv;
          break;
        }
        return c;
      }
    }
  }
  // Unknown shape: stack the pitch classes upwards from the bass, root position.
  c.root_pc = bass;
  int prev = 0;
  for (int k = 1; k < 12; ++k) {
    if (mask & (1 << ((bass + k) % 12))) {
      c.intervals.push_back(k - prev);
      prev = k;
    }
  }
  return c;
}

// Parses "jam:chord <root> <i1,i2,...> <inversion>" (intervals may be "-" for none).
bool parse_chord_text(const std::string& text, ChordEvent& c) {
  const std::string prefix = "jam:chord ";
  if (text.rfind(prefix, 0) != 0) return false;
  std::vector<std::string> parts;
  std::string cur;
  for (size_t i = prefix.size(); i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ' ') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur += text[i];
    }
  }
  if (parts.size() != 3) return false;
  auto to_int = [](const std::string& s, int& out) {
    if (s.empty() || s.size() > 3) return false;
    int v = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return false;
      v = v * 10 + (ch - '0');
    }
    out = v;
    return true;
  };
  int root = 0, inv = 0;
  if (!to_int(parts[0], root) || root > 11 || !to_int(parts[2], inv)) return false;
  std::vector<int> ivs;
  if (parts[1] != "-") {
    std::string item;
    for (size_t i = 0; i <= parts[1].size(); ++i) {
      if (i == parts[1].size() || parts[1][i] == ',') {
        int v = 0;
        if (!to_int(item, v) || v == 0 || v > 24) return false;
        ivs.push_back(v);
        item.clear();
      } else {
        item += parts[1][i];
      }
    }
  }
  if (inv > static_cast<int>(ivs.size())) return false;
  c.root_pc = root;
  c.intervals = std::move(ivs);
  c.inversion = inv;
  return true;
}

void put_vlq(std::vector<uint8_t>& out, uint32_t v) {
  uint8_t buf[5];
  int n = 0;
  buf[n++] = v & 0x7F;
  while (v >>= 7) buf[n++] = static_cast<uint8_t>(0x80 | (v & 0x7F));
  while (n) out.push_back(buf[--n]);
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}

struct WriteEvent {
  int64_t tick;
  int order;  // 0 meta, 1 note-off, 2 note-on: offs before ons at the same tick
  std::vector<uint8_t> bytes;
};

std::vector<uint8_t> meta(int type, std::string_view data) {
  std::vector<uint8_t> b = {0xFF, static_cast<uint8_t>(type)};
  put_vlq(b, static_cast<uint32_t>(data.size()));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

void put_track(std::vector<uint8_t>& out, std::vector<WriteEvent> events, int64_t end_tick) {
  std::stable_sort(events.begin(), events.end(), [](const WriteEvent& a, const WriteEvent& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.order < b.order;
  });
  std::vector<uint8_t> body;
  int64_t now = 0;
  for (const WriteEvent& e : events) {
    put_vlq(body, static_cast<uint32_t>(e.tick - now));
    now = e.tick;
    body.insert(body.end(), e.bytes.begin(), e.bytes.end());
  }
  put_vlq(body, static_cast<uint32_t>(std::max<int64_t>(end_tick - now, 0)));
  body.insert(body.end(), {0xFF, 0x2F, 0x00});
  out.insert(out.end(), {'M', 'T', 'r', 'k'});
  put_u32(out, static_cast<uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
}

}  // namespace

Result<MidiFile> read_midi(std::span<const uint8_t> bytes) {
  MidiFile midi;
  // RIFF-wrapped files (RMID) and leading junk: start at the first "MThd".
  size_t start = 0;
  while (start + 4 <= bytes.size() &&
         !(bytes[start] == 'M' && bytes[start + 1] == 'T' && bytes[start + 2] == 'h' && bytes[start + 3] == 'd'))
    ++start;
  if (start + 14 > bytes.size()) return Result<MidiFile>::fail("not a MIDI file: no MThd header");
  ByteReader h(bytes, start + 4, bytes.size());
  const uint32_t hlen = h.u32();
  if (hlen < 6 || hlen > h.remaining()) return Result<MidiFile>::fail("bad MThd length" + at(start + 4));
  const int format = static_cast<int>(h.u16());
  const uint32_t ntrks = h.u16();
  const uint32_t division = h.u16();
  if (format > 1) return Result<MidiFile>::fail("unsupported SMF format " + std::to_string(format));
  if (division & 0x8000) return Result<MidiFile>::fail("SMPTE time division is not supported");
  if (division == 0) return Result<MidiFile>::fail("PPQ of 0");
  midi.format = format;
  midi.ppq = static_cast<int>(division);

  size_t pos = start + 8 + hlen;
  while (pos + 8 <= bytes.size()) {
    ByteReader c(bytes, pos, bytes.size());
    const std::string_view id = c.take(4);
    const uint32_t len = c.u32();
    const size_t body = pos + 8;
    if (len > bytes.size() - body) {
      if (id == "MTrk")
        return Result<MidiFile>::fail("truncated MTrk chunk " + std::to_string(midi.tracks.size()) + at(pos) +
                                      ": declares " + std::to_string(len) + " bytes, " +
                                      std::to_string(bytes.size() - body) + " left");
      break;  // a truncated unknown chunk at the end: ignore it
    }
    if (id == "MTrk") {
      MidiTrack track;
      if (auto err = parse_track(bytes, body, body + len, track, midi))
        return Result<MidiFile>::fail("track " + std::to_string(midi.tracks.size()) + ": " + *err);
      std::stable_sort(track.notes.begin(), track.notes.end(),
                       [](const MidiNote& a, const MidiNote& b) { return a.on_tick < b.on_tick; });
      midi.tracks.push_back(std::move(track));
    }
    pos = body + len;
  }
  if (midi.tracks.size() < ntrks)
    return Result<MidiFile>::fail("truncated: header declares " + std::to_string(ntrks) + " tracks, found " +
                                  std::to_string(midi.tracks.size()));
  std::stable_sort(midi.tempos.begin(), midi.tempos.end(),
                   [](const MidiTempo& a, const MidiTempo& b) { return a.tick < b.tick; });
  std::stable_sort(midi.time_signatures.begin(), midi.time_signatures.end(),
                   [](const MidiTimeSignature& a, const MidiTimeSignature& b) { return a.tick < b.tick; });
  return midi;
}

Result<MidiFile> read_midi(std::string_view bytes) {
  return read_midi(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

double midi_tick_to_seconds(const MidiFile& midi, int64_t tick) {
  double seconds = 0.0;
  int64_t last_tick = 0;
  double us = 500000.0;
  for (const MidiTempo& t : midi.tempos) {
    if (t.tick >= tick) break;
    seconds += static_cast<double>(t.tick - last_tick) * us / (1e6 * midi.ppq);
    last_tick = t.tick;
    us = t.us_per_quarter;
  }
  return seconds + static_cast<double>(tick - last_tick) * us / (1e6 * midi.ppq);
}

Frame midi_tick_to_frame(int64_t tick, int ppq) {
  const int64_t num = 8 * tick;
  const int64_t den = 2 * static_cast<int64_t>(ppq);
  return static_cast<Frame>(num >= 0 ? (num + ppq) / den : -((-num + ppq) / den));
}

MidiMelodySource find_melody_track(const MidiFile& midi, const std::string& name) {
  if (!name.empty()) {
    for (size_t i = 0; i < midi.tracks.size(); ++i)
      if (lower(midi.tracks[i].name) == lower(name)) return {static_cast<int>(i), -1};
    return {};
  }
  for (size_t i = 0; i < midi.tracks.size(); ++i)
    if (!midi.tracks[i].notes.empty() && lower(midi.tracks[i].name).find("melody") != std::string::npos)
      return {static_cast<int>(i), -1};
  struct Group {
    int track, channel;
    size_t count = 0;
    double pitch_sum = 0;
  };
  std::vector<Group> groups;
  for (size_t i = 0; i < midi.tracks.size(); ++i) {
    if (lower(midi.tracks[i].name).find("chord") != std::string::npos) continue;
    std::map<int, Group> by_channel;
    for (const MidiNote& n : midi.tracks[i].notes) {
      if (n.channel == 9) continue;
      auto [it, inserted] = by_channel.try_emplace(n.channel, Group{static_cast<int>(i), n.channel});
      it->second.count++;
      it->second.pitch_sum += n.pitch;
    }
    for (auto& [ch, g] : by_channel) groups.push_back(g);
  }
  size_t busiest = 0;
  for (const Group& g : groups) busiest = std::max(busiest, g.count);
  MidiMelodySource best;
  double best_mean = -1;
  for (const Group& g : groups) {
    if (2 * g.count < busiest) continue;
    const double mean = g.pitch_sum / static_cast<double>(g.count);
    if (mean > best_mean) {
      best_mean = mean;
      best = {g.track, g.channel};
    }
  }
  return best;
}

std::vector<ChordEvent> chords_from_midi_track(const MidiTrack& track, int ppq) {
  // Group the notes by onset frame; each group is one chord lasting until its longest note
  // ends or the next group starts.
  std::map<Frame, std::pair<Frame, std::vector<int>>> groups;
  for (const MidiNote& n : track.notes) {
    const Frame on = midi_tick_to_frame(n.on_tick, ppq);
    const Frame off = std::max(midi_tick_to_frame(n.off_tick, ppq), on + 1);
    auto& g = groups[on];
    g.first = std::max(g.first, off);
    g.second.push_back(n.pitch);
  }
  std::map<Frame, ChordEvent> labels;
  for (const MidiText& t : track.texts) {
    ChordEvent c;
    if (parse_chord_text(t.text, c)) labels[midi_tick_to_frame(t.tick, ppq)] = c;
  }
  std::vector<ChordEvent> out;
  for (auto it = groups.begin(); it != groups.end(); ++it) {
    const Frame on = it->first;
    Frame off = it->second.first;
    const auto next = std::next(it);
    if (next != groups.end()) off = std::min(off, next->first);
    const auto label = labels.find(on);
    if (label != labels.end()) {
      ChordEvent c = label->second;
      c.on = on;
      c.off = off;
      out.push_back(std::move(c));
    } else {
      out.push_back(infer_chord(on, off, it->second.second));
    }
  }
  return out;
}

std::vector<Note> melody_notes_from_midi(const MidiFile& midi, const MidiMelodySource& src,
                                         const std::function<double(int64_t tick)>& frame_of) {
  if (src.track < 0 || src.track >= static_cast<int>(midi.tracks.size())) return {};
  std::vector<const MidiNote*> picked;
  for (const MidiNote& n : midi.tracks[static_cast<size_t>(src.track)].notes)
    if (src.channel < 0 || n.channel == src.channel) picked.push_back(&n);
  std::stable_sort(picked.begin(), picked.end(), [](const MidiNote* a, const MidiNote* b) {
    return a->on_tick != b->on_tick ? a->on_tick < b->on_tick : a->pitch > b->pitch;
  });
  std::vector<Note> notes;
  notes.reserve(picked.size());
  for (const MidiNote* n : picked) {
    // lround rounds halves away from zero, as midi_tick_to_frame does.
    Frame on = static_cast<Frame>(std::lround(frame_of(n->on_tick)));
    Frame off = static_cast<Frame>(std::lround(frame_of(n->off_tick)));
    if (off <= 0) continue;
    on = std::max<Frame>(on, 0);
    off = std::max(off, on + 1);
    notes.push_back(Note{on, off, n->pitch, n->velocity});
  }
  return monophonize(notes);
}

Result<Song> melody_from_midi(const MidiFile& midi, const MelodyFromMidiOptions& options) {
  Song song;
  // Format 1: a note-less first track is the conductor track; its name is the song's id.
  if (midi.format == 1 && !midi.tracks.empty() && midi.tracks[0].notes.empty()) song.id = midi.tracks[0].name;
  const MidiMelodySource src = find_melody_track(midi, options.melody_track);
  if (!options.melody_track.empty() && src.track < 0)
    return Result<Song>::fail("no track named \"" + options.melody_track + "\"");
  if (!midi.tempos.empty()) song.tempo_bpm = std::round(midi.tempos.front().bpm() * 1000.0) / 1000.0;
  if (!midi.time_signatures.empty()) {
    const MidiTimeSignature& ts = midi.time_signatures.front();
    song.beats_per_bar = (ts.numerator * 4) % ts.denominator == 0 ? ts.numerator * 4 / ts.denominator
                                                                  : ts.numerator;
    if (song.beats_per_bar <= 0) song.beats_per_bar = ts.numerator;
  }
  int64_t end_tick = 0;
  for (const MidiTrack& t : midi.tracks) {
    end_tick = std::max(end_tick, t.end_tick);
    for (const MidiNote& n : t.notes) end_tick = std::max(end_tick, n.off_tick);
  }
  song.n_frames = static_cast<Frame>((end_tick * 4 + midi.ppq - 1) / midi.ppq);

  const int ppq = midi.ppq;
  song.melody = melody_notes_from_midi(midi, src, [ppq](int64_t tick) { return tick * 4.0 / ppq; });
  if (options.read_chords) {
    for (size_t i = 0; i < midi.tracks.size(); ++i) {
      if (static_cast<int>(i) == src.track) continue;
      if (lower(midi.tracks[i].name).find("chord") == std::string::npos) continue;
      song.chords = chords_from_midi_track(midi.tracks[i], midi.ppq);
      break;
    }
  }
  for (const Note& n : song.melody) song.n_frames = std::max(song.n_frames, n.off);
  for (const ChordEvent& c : song.chords) song.n_frames = std::max(song.n_frames, c.off);
  return song;
}

ChordEvent chord_from_pitches(Frame on, Frame off, const std::vector<int>& pitches) {
  return infer_chord(on, off, pitches);
}

std::vector<uint8_t> write_midi(const Song& song, const WriteMidiOptions& options) {
  const int ppq = options.ppq > 0 ? std::min(options.ppq, 0x7FFF) : 480;
  auto tick_of = [&](Frame f) { return (static_cast<int64_t>(f) * ppq * 2 + 4) / 8; };  // round(f*ppq/4)
  auto clamp7 = [](int v, int lo) { return static_cast<uint8_t>(std::clamp(v, lo, 127)); };
  int64_t end_tick = tick_of(song.n_frames);

  std::vector<uint8_t> out = {'M', 'T', 'h', 'd'};
  put_u32(out, 6);
  out.insert(out.end(), {0x00, 0x01, 0x00, 0x03, static_cast<uint8_t>(ppq >> 8), static_cast<uint8_t>(ppq & 0xFF)});

  // Conductor track: name, tempo, time signature beats_per_bar/4.
  {
    std::vector<WriteEvent> ev;
    if (!song.id.empty()) ev.push_back({0, 0, meta(0x03, song.id)});
    const double bpm = song.tempo_bpm > 0 ? song.tempo_bpm : 120.0;
    const uint32_t us = static_cast<uint32_t>(std::clamp(std::lround(60000000.0 / bpm), 1L, 0xFFFFFFL));
    const char tempo[3] = {static_cast<char>(us >> 16), static_cast<char>((us >> 8) & 0xFF),
                           static_cast<char>(us & 0xFF)};
    ev.push_back({0, 0, meta(0x51, std::string_view(tempo, 3))});
    const char ts[4] = {static_cast<char>(std::clamp(song.beats_per_bar, 1, 255)), 2, 24, 8};
    ev.push_back({0, 0, meta(0x58, std::string_view(ts, 4))});
    put_track(out, std::move(ev), end_tick);
  }
  // Melody track.
  {
    std::vector<WriteEvent> ev;
    ev.push_back({0, 0, meta(0x03, "Melody")});
    const uint8_t ch = static_cast<uint8_t>(options.melody_channel & 0x0F);
    for (const Note& n : song.melody) {
      if (n.off <= n.on) continue;
      const uint8_t p = clamp7(n.pitch, 0);
      ev.push_back({tick_of(n.on), 2, {static_cast<uint8_t>(0x90 | ch), p, clamp7(n.velocity, 1)}});
      ev.push_back({tick_of(n.off), 1, {static_cast<uint8_t>(0x80 | ch), p, 0x40}});
      end_tick = std::max(end_tick, tick_of(n.off));
    }
    put_track(out, std::move(ev), end_tick);
  }
  // Chord track.
  {
    std::vector<WriteEvent> ev;
    ev.push_back({0, 0, meta(0x03, "Chords")});
    const uint8_t ch = static_cast<uint8_t>(options.chord_channel & 0x0F);
    const uint8_t vel = clamp7(options.chord_velocity, 1);
    for (const ChordEvent& c : song.chords) {
      if (c.off <= c.on) continue;
      std::string label = "jam:chord ";
      label += std::to_string(((c.root_pc % 12) + 12) % 12);
      label += ' ';
      if (c.intervals.empty()) label += '-';
      for (size_t i = 0; i < c.intervals.size(); ++i) {
        if (i) label += ',';
        label += std::to_string(c.intervals[i]);
      }
      label += ' ';
      label += std::to_string(c.inversion);
      ev.push_back({tick_of(c.on), 0, meta(0x01, label)});
      // Bass in octave 3, every chord pitch class in octave 4 (as ChordVocab::voicing).
      std::vector<uint8_t> pitches = {static_cast<uint8_t>(48 + chord_bass_pc(c.root_pc, c.intervals, c.inversion))};
      const uint16_t mask = chord_pc_mask(c.root_pc, c.intervals);
      for (int pc = 0; pc < 12; ++pc)
        if (mask >> pc & 1) pitches.push_back(static_cast<uint8_t>(60 + pc));
      for (uint8_t p : pitches) {
        ev.push_back({tick_of(c.on), 2, {static_cast<uint8_t>(0x90 | ch), p, vel}});
        ev.push_back({tick_of(c.off), 1, {static_cast<uint8_t>(0x80 | ch), p, 0x40}});
      }
      end_tick = std::max(end_tick, tick_of(c.off));
    }
    put_track(out, std::move(ev), end_tick);
  }
  return out;
}

}  // namespace jam
