// Fuzz target: a measurement set's text (it may extend the sets of data/measurements), planned
// into the constraints of an ALP scan.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fuzz/fuzz_support.hpp"
#include "host/config/scan_config.hpp"
#include "host/plan/scan_plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bscan;
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("bscan_fuzz_set_" + std::to_string(::getpid()) + ".toml");
  return fuzz::accept_input_errors(data, size, [](const std::string& text) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
    ScanConfig c = parse_config(R"(
model = "alp"
observables = ["Gamma_a"]
[parameters]
c_ee = 0.1
[[axes]]
name = "m_a"
values = [0.5, 2.0]
[constraints]
measurements = "PLACEHOLDER"
)",
                                "fuzz.toml");
    c.constraints.measurements = file.string();
    c.constraints.theory_samples =
        4;  // sets with theory = "covariance": the sampling, not its cost
    build_plan(c, fuzz::physics());
  });
}
