// model_catalog.h — fetches `GET /v1/models` from the page's origin and keeps the online models.
//
//   jam::ModelCatalog models;
//   models.refresh([](jam::Result<std::vector<jam::ModelOption>> r) { ... });   // async
//
// One fetch at a time (a refresh during a fetch is dropped). Main thread only; the callback
// runs from the browser's event loop.
#pragma once

#include <functional>
#include <vector>

#include "jam/result.h"
#include "jam/ui/app_state.h"

namespace jam {

class ModelCatalog {
 public:
  using Done = std::function<void(Result<std::vector<ModelOption>>)>;
  ModelCatalog() = default;
  ModelCatalog(const ModelCatalog&) = delete;
  ModelCatalog& operator=(const ModelCatalog&) = delete;

  void refresh(Done done);
  bool busy() const { return busy_; }

  void on_fetched(int http_status, const char* body);  // from JS

 private:
  Done done_;
  bool busy_ = false;
};

}  // namespace jam
