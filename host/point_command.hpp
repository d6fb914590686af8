// `bscan point`: every requested observable at one parameter point.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "host/model_registry.hpp"
#include "host/physics_data.hpp"

namespace bscan {

struct PointOptions {
  std::string model;
  std::vector<std::string> sets;  // "name=value"
  std::vector<std::string> observables;
  std::vector<std::string> presets;
  std::string physics = "flavio-2.7";
  std::string measurements = "paper-2021";  // constraints to evaluate; "none": no constraints
  bool json = false;
};

// Observables `ids` at one point of `model` (parameters not in `values` take their defaults).
std::vector<double> evaluate_point(const ModelInfo& model, const PhysicsData& physics,
                                   const std::map<std::string, double>& values,
                                   const std::vector<std::string>& ids);

// Returns the text to print (a JSON object with --json: "observables", "pulls", "flags"; else one
// line per observable, pull and flag).
std::string run_point(const PointOptions& opt);

}  // namespace bscan
