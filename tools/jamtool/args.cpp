#include "args.h"

#include <cstdlib>

namespace jam::tool {

Args Args::parse(const std::string& command, const std::vector<std::string>& words) {
  Args a;
  a.command = command;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.rfind("--", 0) != 0 || w.size() == 2) {
      a.positional.push_back(w);
      continue;
    }
    std::string name = w.substr(2);
    if (auto eq = name.find('='); eq != std::string::npos) {
      a.options[name.substr(0, eq)] = name.substr(eq + 1);
    } else if (i + 1 < words.size() && words[i + 1].rfind("--", 0) != 0) {
      a.options[name] = words[++i];
    } else {
      a.options[name] = "";
    }
  }
  return a;
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

int Args::get_int(const std::string& name, int fallback, std::string* bad) const {
  auto it = options.find(name);
  if (it == options.end()) return fallback;
  char* end = nullptr;
  const long v = std::strtol(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0') {
    if (bad) *bad = "--" + name + " needs an integer, got '" + it->second + "'";
    return fallback;
  }
  return static_cast<int>(v);
}

double Args::get_double(const std::string& name, double fallback, std::string* bad) const {
  auto it = options.find(name);
  if (it == options.end()) return fallback;
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0') {
    if (bad) *bad = "--" + name + " needs a number, got '" + it->second + "'";
    return fallback;
  }
  return v;
}

}  // namespace jam::tool
