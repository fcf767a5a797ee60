// theme.h — the screen's colours and proportions, in one place (private to jam_ui).
#pragma once

#include "imgui.h"

namespace jam::theme {

constexpr ImU32 rgb(int r, int g, int b, int a = 255) { return IM_COL32(r, g, b, a); }

// Control bar
inline constexpr ImU32 kBarBg = rgb(28, 30, 40);
inline constexpr ImU32 kBarBorder = rgb(52, 56, 74);
inline constexpr ImU32 kTextDim = rgb(150, 156, 178);
inline constexpr ImU32 kTextBright = rgb(232, 234, 242);
inline const ImVec4 kStartButton{0.16f, 0.55f, 0.32f, 1.0f};
inline const ImVec4 kStopButton{0.72f, 0.22f, 0.22f, 1.0f};

// Waterfall
inline constexpr ImU32 kWaterfallBg = rgb(17, 18, 26);
inline constexpr ImU32 kBlackLane = rgb(13, 14, 20);
inline constexpr ImU32 kOctaveLine = rgb(44, 47, 64);
inline constexpr ImU32 kBeatLine = rgb(32, 34, 46);
inline constexpr ImU32 kBarLine = rgb(78, 82, 108);
inline constexpr ImU32 kBarLabel = rgb(96, 100, 128);
inline constexpr ImU32 kSilenceBand = rgb(255, 196, 80, 18);
inline constexpr ImU32 kPlate = rgb(10, 11, 18, 200);
inline constexpr ImU32 kChordEdge = rgb(170, 215, 255, 200);
inline constexpr ImU32 kChordLabelBg = rgb(14, 40, 86, 235);

// Session states and notices
inline constexpr ImU32 kListening = rgb(255, 196, 80);
inline constexpr ImU32 kArmed = rgb(250, 226, 120);
inline constexpr ImU32 kJamming = rgb(80, 220, 120);
inline constexpr ImU32 kIdle = rgb(120, 124, 140);
inline constexpr ImU32 kWarning = rgb(255, 140, 120);
inline constexpr ImU32 kSlowBadge = rgb(200, 56, 48);

// Piano
inline constexpr ImU32 kFelt = rgb(120, 22, 34);
inline constexpr ImU32 kFeltDark = rgb(64, 10, 18);
inline constexpr ImU32 kKeyGap = rgb(40, 40, 46);
inline constexpr ImU32 kWhiteTop = rgb(226, 226, 222);
inline constexpr ImU32 kWhiteBottom = rgb(252, 252, 250);
inline constexpr ImU32 kBlackBody = rgb(16, 16, 20);
inline constexpr ImU32 kBlackFaceTop = rgb(58, 58, 66);
inline constexpr ImU32 kBlackFaceBottom = rgb(30, 30, 36);
inline constexpr ImU32 kKeyLabel = rgb(120, 120, 130);

// Who plays: user = orange, agent = blue.
inline constexpr ImU32 kUserLight = rgb(255, 150, 40);
inline constexpr ImU32 kUserDeep = rgb(214, 104, 14);
inline constexpr ImU32 kAgentLight = rgb(80, 170, 255);
inline constexpr ImU32 kAgentDeep = rgb(34, 110, 210);

}  // namespace jam::theme
