// agent_switch.h — the Agent the JamController talks to: forwards to the server agent or the
// in-tab agent, whichever the settings choose (Settings → Agent: server / in this tab).
//
//   jam::AgentSwitch agent(server_agent, tab_agent);
//   agent.use(state.settings.agent);          // every frame; takes effect for the next send()
//   jam::JamController jam(state, audio, agent);
//
// Each send() goes to the agent chosen at that moment and is answered by it, so every send()
// still gets exactly one reply. Replies stay in request order as long as the choice does not
// change while requests are in flight (the app switches between sessions; a reply from the
// previous session is ignored by the JamController anyway). Main thread only.
#pragma once

#include <string>
#include <utility>

#include "jam/ui/agent.h"
#include "jam/ui/settings.h"

namespace jam {

class AgentSwitch final : public Agent {
 public:
  AgentSwitch(Agent& server, Agent& tab) : server_(server), tab_(tab) {}

  void use(AgentLocation where) { where_ = where; }
  AgentLocation location() const { return where_; }
  Agent& active() const { return where_ == AgentLocation::kTab ? tab_ : server_; }

  void send(const PlanRequest& request, Reply reply) override {
    active().send(request, std::move(reply));
  }
  bool ready() const override { return active().ready(); }
  std::string describe() const override { return active().describe(); }

 private:
  Agent& server_;
  Agent& tab_;
  AgentLocation where_ = AgentLocation::kServer;
};

}  // namespace jam
