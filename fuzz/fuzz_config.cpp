// Fuzz target: a scan config's text through parsing, the model checks, the plan and the names of
// its output datasets, as `bscan validate` (no scan).
#include <algorithm>

#include "fuzz/fuzz_support.hpp"
#include "host/config/scan_config.hpp"
#include "host/output/hdf5_sink.hpp"
#include "host/plan/scan_plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return bscan::fuzz::accept_input_errors(data, size, [](const std::string& text) {
    bscan::ScanConfig c = bscan::parse_config(text, "fuzz.toml");
    c.path = BSCAN_SOURCE_DIR "/examples/fuzz.toml";  // data files named relative to examples/
    // The plan's cost grows with the grid (pole and domain checks look at many points); its
    // checks of values look at the ends: three values per axis keep a run fast.
    for (bscan::AxisConfig& a : c.axes)
      if (a.values.size() > 3)
        a.values = {a.values.front(), a.values[a.values.size() / 2], a.values.back()};
    // Sets with theory = "covariance": the sampling's code, not its cost (1000 draws take minutes
    // under the sanitizers).
    c.constraints.theory_samples = std::min(c.constraints.theory_samples, 4);
    bscan::Hdf5Sink::check_names(bscan::build_plan(c, bscan::fuzz::physics()), "fuzz.toml");
  });
}
