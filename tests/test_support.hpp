// Shared helpers of the tests: the default physics data and the flavio reference values.
#pragma once
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "host/physics_data.hpp"

namespace bscan::test {

inline std::filesystem::path source_dir() { return BSCAN_SOURCE_DIR; }

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

}  // namespace bscan::test
