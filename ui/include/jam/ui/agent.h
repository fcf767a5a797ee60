// agent.h — the AI partner behind a jam, wherever it runs: on the server (ServerAgent, a
// WebSocket in the browser) or in the tab (an in-browser planner, later).
//
//   agent.send(request, [](jam::Result<jam::PlanResponse> r) { ... });
//
// Contract: every send() gets exactly one reply — the response, or an error (the server said
// no, the connection dropped, the agent is not ready) — and replies come in request order.
// A reply may arrive during send() (an immediate error) or any time later from the host's event
// loop, never from another thread. The agent keeps no session state the client relies on:
// requests are self-contained (protocol v1).
//
// Single-threaded: the thread that owns the UI.
#pragma once

#include <functional>
#include <string>

#include "jam/protocol.h"
#include "jam/result.h"

namespace jam {

class Agent {
 public:
  using Reply = std::function<void(Result<PlanResponse>)>;
  virtual ~Agent() = default;

  virtual void send(const PlanRequest& request, Reply reply) = 0;
  // True when a request sent now can be answered (connected, model loaded ...).
  virtual bool ready() const = 0;
  // A short human-readable state: "connected", "connecting…", "offline (retry in 2 s)" ...
  virtual std::string describe() const = 0;
};

}  // namespace jam
