// What a model declares about itself (docs/architecture.md, "The model contract"). A model is a
// struct of static members: its name, its parameters (ParamDef: name, unit, LaTeX, default,
// allowed range), its model quantities (QuantityDef, indexed by the model's Quantity enum), the
// symbol of its new particle with the particle's decays, and the BSCAN_HD physics functions
// pole, wc_shifts, bs_amplitudes, quantity, and for a particle total_width, width and
// production_br. The host registry and both backends are generated from the list in
// kernels/models/model_list.hpp.
#pragma once

#include <cmath>
#include <type_traits>
#include <utility>

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
  // An alternative input: set, it fixes the parameter named here through the model's complete();
  // unset (default NaN), that parameter is the input.
  const char* replaces = nullptr;
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

// Fills the parameters a model derives from its alternative inputs (ParamDef::replaces), for the
// models that have any; called on every decoded point.
// (Detection idiom, not a requires-expression: the CUDA translation unit is C++17.)
template <class M, class = void>
struct HasComplete : std::false_type {};
template <class M>
struct HasComplete<M, std::void_t<decltype(M::complete(std::declval<const PhysicsInputs&>(),
                                                       std::declval<double*>()))>>
    : std::true_type {};

template <class Model>
BSCAN_HD void complete_params(const PhysicsInputs& in, double* p) {
  if constexpr (HasComplete<Model>::value) Model::complete(in, p);
}

template <class M, class = void>
struct HasDomain : std::false_type {};
template <class M>
struct HasDomain<M, std::void_t<decltype(M::outside_domain(std::declval<const double*>()))>>
    : std::true_type {};

// Why a point lies outside the model's domain (checked by the host before a scan), or null.
template <class Model>
const char* outside_domain(const double* p) {
  if constexpr (HasDomain<Model>::value)
    return Model::outside_domain(p);
  else
    return nullptr;
}

// BR(B -> M X) BR(X -> f): the on-shell rate resonance searches bound (paper 000 Eq. 4.1).
// `total_width` = Model::total_width(in, p), passed by callers that already have it.
template <class Model>
BSCAN_HD double on_shell_br(const PhysicsInputs& in, const double* p, Channel c, Decay f,
                            double total_width) {
  const double prod = Model::production_br(in, p, c);
  return prod > 0.0 ? prod * Model::width(in, p, f) / total_width : 0.0;
}

template <class M, class = void>
struct HasThresholds : std::false_type {};
template <class M>
struct HasThresholds<M, std::void_t<decltype(M::thresholds(std::declval<const double*>(), Decay{},
                                                           std::declval<double*>()))>>
    : std::true_type {};

// BR(B -> M X(-> f)) with q2 = m_f^2 in [lo, hi], for an X of any width and a final state that
// does not interfere with the SM (docs/physics.md, B -> K(*) + invisible off shell):
//   int dq2 BR(B -> M X)[m_X = sqrt q2] sqrt(q2) Gamma(X -> f)[m_X = sqrt q2] / (pi |D(q2)|^2),
// D = q2 - M^2 + i M Gamma; as Gamma -> 0 it tends to BR(B -> M X) BR(X -> f) (Eq. 3 for B -> K).
// The model's thresholds(p, f, m2) (optional) name the square-root branch points of Gamma(X -> f).
// Longest panel of the off-shell integral [GeV^2]: the smooth factor's nearest singularities (the
// form factors' poles, >= 6 GeV^2 beyond the kinematic end) leave a 16-point rule at ~1e-20 on it;
// the pole's panels are graded by panel_quadrature.
inline constexpr double kOffShellPanel = 4.0;
template <class Model, int N = 16>
BSCAN_HD double off_shell_br(const PhysicsInputs& in, const double* p, const Pole& pole, Channel c,
                             Decay f, double lo, double hi) {
  if constexpr (Model::kMassParam < 0) {
    return NAN;
  } else {
    if (!pole.active) return 0.0;
    constexpr double kPi = 3.14159265358979323846;
    const double end = per_channel(
        c, [&] { return in.bplus_kplus.m_B - in.bplus_kplus.m_K; },
        [&] { return in.b0_kstar0.m_B - in.b0_kstar0.m_V; });
    Interval iv{lo > 0.0 ? lo : 0.0, hi < end * end ? hi : end * end, {end * end}, 1};
    if constexpr (HasThresholds<Model>::value)
      iv.n_branch += Model::thresholds(p, f, iv.branch + iv.n_branch);
    double q[Model::kNumParams];
    for (int i = 0; i < Model::kNumParams; ++i) q[i] = p[i];
    double sum = 0.0;
    panel_quadrature<N>(iv, nullptr, 0, nullptr, 0, pole, kOffShellPanel,
                        [&](double q2, double x, double w) {
                          q[Model::kMassParam] = std::sqrt(q2);
                          const double prod = Model::production_br(in, q, c);
                          if (prod > 0.0)
                            sum += w * prod * q[Model::kMassParam] * Model::width(in, q, f) /
                                   (kPi * (x * x + pole.gamma * pole.gamma));
                        });
    return sum;
  }
}

}  // namespace bscan
