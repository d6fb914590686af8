// Shared helpers of the tests: the default physics data and the flavio reference values.
#pragma once
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "host/physics_data.hpp"

namespace bscan::test {

inline std::filesystem::path source_dir() { return BSCAN_SOURCE_DIR; }

inline const PhysicsData& physics() {
  static const PhysicsData data =
      load_physics_data(source_dir() / "data/parameters/flavio-2.7.toml");
  return data;
}

inline const nlohmann::json& flavio_reference() {
  static const nlohmann::json j = [] {
    std::ifstream in(source_dir() / "tests/data/flavio_reference.json");
    return nlohmann::json::parse(in);
  }();
  return j;
}

}  // namespace bscan::test
