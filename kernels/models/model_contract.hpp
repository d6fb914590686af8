// What a model declares about itself (docs/architecture.md, "The model contract"). A model is a
// struct of static members: its name, its parameters (ParamDef: name, unit, LaTeX, default,
// allowed range), its model quantities (QuantityDef, indexed by the model's Quantity enum), the
// symbol of its new particle with the particle's decays, and the BSCAN_HD physics functions
// pole, wc_shifts, bs_amplitudes, quantity, and for a particle total_width, width and
// production_br. The host registry and both backends are generated from the list in
// kernels/models/model_list.hpp.
#pragma once

#include <cmath>

#include "kernels/channels/channel.hpp"
#include "kernels/numerics/panel_quadrature.hpp"

namespace bscan {

enum class Range : int { real, positive, non_negative };

struct ParamDef {
  const char* name;
  const char* unit;
  const char* latex;
  double default_value;
  Range range;
  const char* description;
};

struct QuantityDef {
  const char* id;
  const char* latex;
  const char* unit;
};

// Final states of the new particle: the observables BR(X->f), BR(B->K X(f)) name them.
enum class Decay : int { ee = 0, mumu = 1, gammagamma = 2, invisible = 3, kNumDecays = 4 };
inline constexpr int kNumDecays = static_cast<int>(Decay::kNumDecays);

BSCAN_HD inline Decay lepton_decay(Lepton l) { return l == Lepton::e ? Decay::ee : Decay::mumu; }

// Defaults for a model without a new particle (wet, alp_cp): no symbol, no decays, no width.
struct NoParticle {
  static constexpr const char* kSymbol = nullptr;
  static constexpr const char* kSymbolLatex = nullptr;
  static constexpr int kMassParam = -1;
  static constexpr unsigned kDecays = 0u;  // bit d = Decay d
  BSCAN_HD static double total_width(const PhysicsInputs&, const double*) { return 0.0; }
  BSCAN_HD static double width(const PhysicsInputs&, const double*, Decay) { return 0.0; }
  BSCAN_HD static double production_br(const PhysicsInputs&, const double*, Channel) { return 0.0; }
};

// Defaults for a model without model quantities.
struct NoQuantities {
  static constexpr int kNumQuantities = 0;
  static constexpr const QuantityDef* kQuantities = nullptr;
  BSCAN_HD static double quantity(const PhysicsInputs&, const double*, int) { return 0.0; }
};

// A model's production rate BR(B -> M X) from its formula per channel: k() for B+ -> K+, kstar()
// for B0 -> K*0.
template <class K, class Kstar>
BSCAN_HD double per_channel(Channel c, const K& k, const Kstar& kstar) {
  switch (c) {
    case Channel::BplusKplus:
      return k();
    case Channel::B0Kstar0:
      return kstar();
    case Channel::kNumChannels:
      break;
  }
  return NAN;
}

// BR(B -> M X) BR(X -> f): the on-shell rate resonance searches bound (paper 000 Eq. 4.1).
template <class Model>
BSCAN_HD double on_shell_br(const PhysicsInputs& in, const double* p, Channel c, Decay f) {
  const double prod = Model::production_br(in, p, c);
  return prod > 0.0 ? prod * Model::width(in, p, f) / Model::total_width(in, p) : 0.0;
}

}  // namespace bscan
