// What the fuzz targets share: the physics data, loaded once, and the one accepted failure.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "host/config/physics_data.hpp"
#include "host/errors.hpp"

namespace bscan::fuzz {

inline const PhysicsData& physics() {
  static const PhysicsData data = load_physics_data(BSCAN_DATA_DIR "/parameters/flavio-2.7.toml");
  return data;
}

// Runs f(text); an InputError is the expected answer to bad input (bscan's exit 2), anything
// else (another exception, a sanitizer report, a signal) reaches libFuzzer as a crash.
template <class F>
int accept_input_errors(const std::uint8_t* data, std::size_t size, F&& f) {
  try {
    f(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const InputError&) {
  }
  return 0;
}

}  // namespace bscan::fuzz
