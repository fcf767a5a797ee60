// args.h — the tiny command-line parser shared by jamtool subcommands.
//
//   jamtool dataset --out build/data --max-chords 600 --verbose
//   args.get("out") -> "build/data"; args.get_int("max-chords", 600); args.has("verbose");
//   args.positional -> words that are not options.
// An option takes the next word as its value unless that word starts with "--" or it is last
// ("--flag" alone is a boolean); "--name=value" also works.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace jam::tool {

struct Args {
  std::string command;
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;

  static Args parse(const std::string& command, const std::vector<std::string>& words);
  bool has(const std::string& name) const { return options.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  // fallback when the option is missing; when it is not a number, fallback and a message in *bad.
  int get_int(const std::string& name, int fallback, std::string* bad = nullptr) const;
  double get_double(const std::string& name, double fallback, std::string* bad = nullptr) const;
};

}  // namespace jam::tool
