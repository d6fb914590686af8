// Shared helpers of the tests: the default physics data and the flavio reference values.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "host/config/physics_data.hpp"
#include "host/exec/backend.hpp"
#include "host/plan/scan_plan.hpp"

namespace bscan::test {

inline std::filesystem::path source_dir() { return BSCAN_SOURCE_DIR; }

// A fresh, empty directory for the running test, PREFIX_PID_TEST under the temporary directory
// (the fixture removes it in TearDown).
inline std::filesystem::path fresh_test_dir(const std::string& prefix) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (prefix + "_" + std::to_string(::getpid()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A file's whole text ("" when it cannot be read).
inline std::string read_text(const std::filesystem::path& p) {
  std::stringstream ss;
  ss << std::ifstream(p).rdbuf();
  return ss.str();
}

inline const PhysicsData& physics() {
  static const PhysicsData data =
      load_physics_data(source_dir() / "data/parameters/flavio-2.7.toml");
  return data;
}

inline const nlohmann::json& flavio_reference() {
  static const nlohmann::json j =
      nlohmann::json::parse(std::ifstream(source_dir() / "tests/data/flavio_reference.json"));
  return j;
}

// A JSON file under tests/data/.
inline nlohmann::json load_json(const std::string& name) {
  std::ifstream in(source_dir() / "tests/data" / name);
  return nlohmann::json::parse(in);
}

// `wet` parameters of a flavio point: "CP_bsmumu": x or [re, im] (-> "CP_bsmumu_im").
inline std::map<std::string, double> wet_values(const nlohmann::json& wc) {
  std::map<std::string, double> v;
  for (const auto& [name, x] : wc.items()) {
    if (x.is_array()) {
      v[name] = x[0].get<double>();
      v[name + "_im"] = x[1].get<double>();
    } else {
      v[name] = x.get<double>();
    }
  }
  return v;
}

// A plan of `model` at `values` with the observables `ids` and no axes (one point), with
// `edit` applied to the config first (options, axes).
template <class Edit>
ScanPlan point_plan(const std::string& model, const std::map<std::string, double>& values,
                    const std::vector<std::string>& ids, Edit edit) {
  ScanConfig c;
  c.model = model;
  c.parameters = values;
  c.observables = ids;
  edit(c);
  return build_plan(c, physics());
}

// A whole scan evaluated on the CPU backend: observables, pulls and flag words, [k * n + i].
struct ScanRun {
  ScanPlan pb;
  long long n = 0;
  std::vector<double> out;
  std::vector<float> pulls;
  std::vector<std::uint32_t> flags;

  bool flag(const std::string& name, long long i) const {
    const auto it = std::find(pb.flag_names.begin(), pb.flag_names.end(), name);
    if (it == pb.flag_names.end()) throw std::out_of_range("no flag " + name);
    const std::size_t b = it - pb.flag_names.begin();
    return (flags[(b / 32) * n + i] >> (b % 32) & 1u) != 0;
  }
  double axis(long long i) const { return pb.axes[0].values[i]; }
};

inline ScanRun run_problem(ScanPlan pb) {
  ScanRun s;
  s.n = pb.total_points();
  s.out.resize(pb.observables.size() * s.n);
  s.pulls.resize(pb.pull_names.size() * s.n);
  s.flags.resize(pb.flag_words() * s.n);
  make_cpu_backend(pb, 2)->evaluate(0, s.n, s.out.data(), s.pulls.data(), s.flags.data());
  s.pb = std::move(pb);
  return s;
}

}  // namespace bscan::test
