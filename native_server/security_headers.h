// security_headers.h — the headers every jam-server response carries (HTTP and the WebSocket
// handshake): cross-origin isolation (so the page may use SharedArrayBuffer / threaded wasm),
// nosniff, and a CSP that allows WebAssembly compilation but no inline or foreign scripts.
//
//   jam::set_security_headers(response);   // any beast::http::header / response
//
// Consequence for web_shell/: index.html must load its JS from files (no inline <script>).
#pragma once

#include <boost/beast/http/field.hpp>

namespace jam {

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

template <class Fields>
void set_security_headers(Fields& f) {
  namespace http = boost::beast::http;
  f.set(http::field::server, "jam-server");
  f.set("Cross-Origin-Opener-Policy", "same-origin");
  f.set("Cross-Origin-Embedder-Policy", "require-corp");
  f.set("Cross-Origin-Resource-Policy", "same-origin");
  f.set("X-Content-Type-Options", "nosniff");
  f.set("Content-Security-Policy", kContentSecurityPolicy);
  f.set("Referrer-Policy", "no-referrer");
  f.set("X-Frame-Options", "DENY");
}

}  // namespace jam
