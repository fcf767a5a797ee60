// status.h — success-or-error for core functions that return no value (`Result<void>` in spirit).
//
// It pairs with `jam::Result<T>` (result.h) and uses the same spelling: `ok()`, `error()`,
// `fail(message)`, and converts from a failed Result's `Error`.
//
//   jam::Status s = engine.feed_tokens(tokens, 0);
//   if (!s) report(s.error());
//   jam::Status bad = jam::Status::fail("token 9999 outside the vocabulary (0..1299)");
//
// No exceptions cross a core API. Plain value type.
#pragma once

#include <string>
#include <utility>

#include "jam/result.h"

namespace jam {

class [[nodiscard]] Status {
 public:
  Status() = default;  // success
  Status(Error error) : failed_(true), message_(std::move(error.message)) {}  // NOLINT: implicit
  static Status fail(std::string message) { return Status(Error{std::move(message)}); }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  // The error message; empty when ok().
  const std::string& error() const { return message_; }

 private:
  bool failed_ = false;
  std::string message_;
};

}  // namespace jam
