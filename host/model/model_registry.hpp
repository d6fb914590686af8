// The models as the host sees them: names, parameters (name, unit, LaTeX, default, allowed range),
// model quantities and the new particle, read off the kernels' model types (model_contract.hpp).
// The registry starts with the library's list (kernels/models/model_list.hpp); a program may add
// its own models (host/exec/register_model.hpp).
#pragma once
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kernels/models/model_contract.hpp"

namespace bscan {

struct ParamInfo {
  std::string name, unit, latex;
  double default_value;
  Range range;
  std::string description;
  std::string replaces;  // an alternative input: set, it fixes this parameter (else empty)
};

struct QuantityInfo {
  std::string id, latex, unit;
  int index;  // the kernel model's Quantity enum value
};

struct ModelInfo {
  std::string name, description;
  std::string symbol, symbol_latex;  // the new particle; empty: none
  int mass_param = -1;               // its mass parameter
  unsigned decays = 0;               // bit d: the particle decays into Decay d
  unsigned pole_params = 0;          // bit i: parameter i moves the pole
  bool resonant = false;             // some shift goes through the propagator (stage 1 needed)
  const char* (*outside_domain)(const double* p) = nullptr;  // why p is no valid point, or null
  double (*quantity_at)(const PhysicsInputs&, const double* p, int q) = nullptr;  // on the host
  Pole (*pole_at)(const PhysicsInputs&, double* p) = nullptr;  // completes p, then its pole
  std::vector<ParamInfo> params;
  std::vector<QuantityInfo> quantities;
  WcMasks wc_masks{};  // which shifts are contact and which resonant (stage-1 bases)

  bool has_particle() const { return !symbol.empty(); }
  bool decays_into(Decay d) const { return (decays >> static_cast<int>(d) & 1u) != 0; }
  // Index of a parameter by name, or nullopt.
  std::optional<int> param_index(const std::string& name) const;
  const QuantityInfo* quantity(const std::string& id) const;
  // Throws InputError naming `where` when `name` is no parameter or `value` is out of its range.
  int check_value(const std::string& name, double value, const std::string& where) const;
  // Defaults, overridden by `values` (name -> value, already checked).
  std::vector<double> resolve(const std::map<std::string, double>& values) const;
};

// A point's pole on the host (alternative inputs completed first, as the kernels do).
template <class Model>
Pole host_pole(const PhysicsInputs& in, double* p) {
  complete_params<Model>(in, p);
  return Model::pole(in, p);
}

// The host description of a kernel model type.
template <class Model>
ModelInfo describe_model() {
  ModelInfo m{Model::kName,
              Model::kDescription,
              "",
              "",
              Model::kMassParam,
              Model::kDecays,
              Model::kPoleParams,
              Model::wc_masks().resonant != 0u,
              &bscan::outside_domain<Model>,
              &Model::quantity,
              &host_pole<Model>,
              {},
              {}};
  m.wc_masks = Model::wc_masks();
  if constexpr (Model::kSymbol != nullptr) {
    m.symbol = Model::kSymbol;
    m.symbol_latex = Model::kSymbolLatex;
  }
  for (const ParamDef& p : Model::kParams)
    m.params.push_back({p.name, p.unit, p.latex, p.default_value, p.range, p.description,
                        p.replaces != nullptr ? p.replaces : ""});
  for (int q = 0; q < Model::kNumQuantities; ++q) {
    const QuantityDef& d = Model::kQuantities[q];
    m.quantities.push_back({d.id, d.latex, d.unit, q});
  }
  return m;
}

// In registration order; references stay valid when models are added.
const std::deque<ModelInfo>& all_models();
// Adds a model to the registry (before any lookup that should see it); throws InputError when
// the name is taken.
void add_model(ModelInfo model);
// Throws InputError listing the known models.
const ModelInfo& find_model(const std::string& name);

}  // namespace bscan
