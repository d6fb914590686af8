// Public contract of the models: names, parameters (name, unit, LaTeX, default, allowed range) and
// model quantities, in the order of the kernels' parameter enums.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bscan {

enum class ModelKind { wet, alp, alp_cp };

struct ParamInfo {
  std::string name, unit, latex;
  double default_value;
  bool positive;  // must be > 0 (masses, scales); otherwise any finite real
  std::string description;
  bool non_negative = false;  // must be >= 0 (widths, masses that may vanish)
};

struct QuantityInfo {
  std::string id, latex, unit;
  int index;  // the kernel model's Quantity enum value
};

struct ModelInfo {
  ModelKind kind;
  std::string name, description;
  std::vector<ParamInfo> params;
  std::vector<QuantityInfo> quantities;

  // Index of a parameter by name, or nullopt.
  std::optional<int> param_index(const std::string& name) const;
  const QuantityInfo* quantity(const std::string& id) const;
  // Throws InputError naming `where` when `name` is no parameter or `value` is out of its range.
  int check_value(const std::string& name, double value, const std::string& where) const;
  // Defaults, overridden by `values` (name -> value, already checked).
  std::vector<double> resolve(const std::map<std::string, double>& values) const;
};

const std::vector<ModelInfo>& all_models();
// Throws InputError listing the known models.
const ModelInfo& find_model(const std::string& name);

}  // namespace bscan
