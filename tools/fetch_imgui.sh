#!/usr/bin/env bash
# Fetches Dear ImGui's sources from Debian's *source* package into the build tree (never the repo).
# Usage: tools/fetch_imgui.sh DEST   (DEST/imgui.cpp etc. exist afterwards; a second run is a no-op)
# The deb-src entry is derived from this machine's own apt sources, in a private apt state dir.
set -euo pipefail
dest=${1:?usage: fetch_imgui.sh DEST}
[ -f "$dest/imgui.cpp" ] && [ -f "$dest/backends/imgui_impl_glfw.cpp" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/sources.list.d" "$work/src"
found=0
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  sed -e 's/^Types:.*/Types: deb-src/' "$f" > "$work/sources.list.d/$(basename "$f")"
  found=1
done
if [ -f /etc/apt/sources.list ]; then
  grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' > "$work/sources.list.d/main.list" || true
  found=1
fi
[ "$found" = 1 ] || { echo "fetch_imgui: no apt sources found on this machine" >&2; exit 1; }
opts=(-o Dir::State::Lists="$work/lists" -o Dir::Etc::SourceList=/dev/null
      -o Dir::Etc::SourceParts="$work/sources.list.d" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
apt-get "${opts[@]}" update -qq >/dev/null
(cd "$work/src" && apt-get "${opts[@]}" source --download-only -qq imgui >/dev/null)
orig=$(ls "$work"/src/imgui_*.orig.tar.* | head -n1)
mkdir -p "$dest"
tar -xf "$orig" -C "$dest" --strip-components=1
[ -f "$dest/imgui.cpp" ] || { echo "fetch_imgui: imgui.cpp missing from $orig" >&2; exit 1; }
echo "fetched Dear ImGui sources ($(basename "$orig")) into $dest"
