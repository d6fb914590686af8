// Fuzz target: an observable id, parsed for every model (with resolutions for {smear}).
#include "fuzz/fuzz_support.hpp"
#include "host/model/model_registry.hpp"
#include "host/plan/observables.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bscan;
  for (const ModelInfo& model : all_models())
    fuzz::accept_input_errors(data, size, [&](const std::string& id) {
      const ObservableSpec s = parse_observable(id, model, {0.05, 0.02}, fuzz::physics().inputs());
      compile_observables({s});
    });
  return 0;
}
