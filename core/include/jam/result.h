// result.h — errors as values in the core: `Result<T>` holds either a value or an error message.
//
//   jam::Result<Song> r = jam::parse_hooktheory_line(line);
//   if (!r) report(r.error()); else use(*r);
//
// No exceptions cross a core API; functions that parse untrusted input return a Result.
// Plain value type; not thread-safe beyond the usual value semantics.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace jam {

struct Error {
  std::string message;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  static Result fail(std::string message) { return Result(Error{std::move(message)}); }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // The error message; empty when ok().
  const std::string& error() const {
    static const std::string kNone;
    return ok() ? kNone : std::get<1>(v_).message;
  }

 private:
  std::variant<T, Error> v_;
};

}  // namespace jam
