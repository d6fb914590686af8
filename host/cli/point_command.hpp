// `bscan point`: every requested observable at one parameter point (host/exec/evaluate_point).
#pragma once
#include <string>
#include <vector>

namespace bscan::cli {

struct PointOptions {
  std::string model;
  std::vector<std::string> sets;  // "name=value"
  std::vector<std::string> observables;
  std::vector<std::string> presets;
  std::string physics = "flavio-2.7";
  std::string measurements = "paper-2021";  // constraints to evaluate; "none": no constraints
  std::vector<std::string> only;            // only these entries of the set (names)
  bool json = false;
};

// Returns the text to print (a JSON object with --json: "observables", "pulls", "flags"; else one
// line per observable, pull and flag).
std::string point(const PointOptions& opt);

}  // namespace bscan::cli
