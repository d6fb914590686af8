// The scan as Thrust functors over a counting iterator (DESIGN §2, §4): point index -> parameters
// -> pole key (stage-1 sharing) -> resonance integrals per distinct pole -> observables per point.
#pragma once

#include "kernels/channels/bsll.hpp"
#include "kernels/channels/rate_terms.hpp"
#include "kernels/models/model_contract.hpp"

namespace bscan {

inline constexpr int kMaxAxes = 6;
inline constexpr int kMaxParams = 32;
inline constexpr int kMaxTerms = 64;

// A rectangular grid in C order (last axis fastest) over some of the model's parameters.
struct GridView {
  int n_axes = 0;
  int param[kMaxAxes] = {};
  long long size[kMaxAxes] = {};
  const double* values[kMaxAxes] = {};  // backend memory
  double fixed[kMaxParams] = {};        // all parameters; axes overwrite theirs
};

BSCAN_HD inline void decode_point(const GridView& g, long long flat, double* p) {
  for (int i = 0; i < kMaxParams; ++i) p[i] = g.fixed[i];
  for (int a = g.n_axes - 1; a >= 0; --a) {
    p[g.param[a]] = g.values[a][flat % g.size[a]];
    flat /= g.size[a];
  }
}

// Mixed-radix index over the axes whose parameter moves the pole; points with equal keys share
// their stage-1 integrals.
BSCAN_HD inline long long pole_key(const GridView& g, long long flat, unsigned pole_params) {
  long long key = 0, radix = 1;
  for (int a = g.n_axes - 1; a >= 0; --a) {
    const long long idx = flat % g.size[a];
    flat /= g.size[a];
    if (pole_params >> g.param[a] & 1u) {
      key += idx * radix;
      radix *= g.size[a];
    }
  }
  return key;
}

// Parameters of a representative point of a pole key.
BSCAN_HD inline void decode_pole_key(const GridView& g, long long key, unsigned pole_params,
                                     double* p) {
  for (int i = 0; i < kMaxParams; ++i) p[i] = g.fixed[i];
  for (int a = g.n_axes - 1; a >= 0; --a) {
    if (!(pole_params >> g.param[a] & 1u)) continue;
    p[g.param[a]] = g.values[a][key % g.size[a]];
    key /= g.size[a];
  }
}

// How an observable is evaluated from a point's rate terms and parameters; the host's observable
// registry (host/plan/observables.cpp) names one per observable kind.
enum class OpKind : int {
  term,             // scale * term t0 (branching ratios: scale = 1 / Gamma_B)
  term_ratio,       // t0 / t1
  fl,               // -J2c / rate
  afb,              // -(3/4 J6s + 3/8 J6c) / rate (LHCb sign, flavio's AFB)
  p5p,              // J5 / (2 sqrt(-J2s J2c))
  bs_ll,            // BR(B_s -> l l), lepton in `quantity`
  parameter,        // parameter `quantity`
  quantity,         // model quantity `quantity`
  particle_width,   // total width of the new particle
  width_over_mass,  // its width over its mass
  particle_br,      // BR(X -> f), decay in `quantity`
  production_br,    // BR(B -> M X), channel in `quantity`
  on_shell,         // BR(B -> M X) BR(X -> f) x fraction of the peak in `bin`; channel in
                    // `quantity`, decay in t0
};

struct ObservableOp {
  OpKind kind;
  int t0, t1, t2;  // terms
  int quantity;    // model quantity, parameter, lepton, decay or channel (see OpKind)
  double scale;    // multiplies a term (1 / Gamma_B for branching ratios)
  Bin bin;         // on_shell
};

// Whether a binned term holds the pole: its mass inside the bin's |q| range, widened by the
// smearing window. There the on-shell option decides on SM-resonance interference.
BSCAN_HD inline bool pole_in_bin(const Pole& pole, const Bin& b) {
  if (!pole.active) return false;
  const double m = std::sqrt(pole.M2), w = kSmearSigmas * b.r;
  return m >= std::sqrt(b.q2_lo) - w && m <= std::sqrt(b.q2_hi) + w;
}

// One observable of a point from its rate terms, parameters and pole.
template <class Model>
BSCAN_HD double evaluate_op(const PhysicsInputs& in, const ObservableOp& op, const double* p,
                            const Pole& pole, const double* rate) {
  switch (op.kind) {
    case OpKind::term:
      return op.scale * rate[op.t0];
    case OpKind::term_ratio:
      return rate[op.t0] / rate[op.t1];
    case OpKind::fl:
      return -rate[op.t0] / rate[op.t1];
    case OpKind::afb:
      return -(0.75 * rate[op.t0] + 0.375 * rate[op.t1]) / rate[op.t2];
    case OpKind::p5p:
      return rate[op.t0] / (2.0 * std::sqrt(-rate[op.t1] * rate[op.t2]));
    case OpKind::bs_ll: {
      const Lepton l = static_cast<Lepton>(op.quantity);
      return bsll_branching_ratio(in, l, Model::bs_amplitudes(in, p, l));
    }
    case OpKind::parameter:
      return p[op.quantity];
    case OpKind::quantity:
      return Model::quantity(in, p, op.quantity);
    case OpKind::particle_width:
      return Model::total_width(in, p);
    case OpKind::width_over_mass:
      if constexpr (Model::kMassParam >= 0) return Model::total_width(in, p) / p[Model::kMassParam];
      return NAN;
    case OpKind::particle_br:
      return Model::width(in, p, static_cast<Decay>(op.quantity)) / Model::total_width(in, p);
    case OpKind::production_br:
      return Model::production_br(in, p, static_cast<Channel>(op.quantity));
    case OpKind::on_shell:
      return pole.active ? on_shell_br<Model>(in, p, static_cast<Channel>(op.quantity),
                                              static_cast<Decay>(op.t0)) *
                               bin_window(op.bin, pole.M2)
                         : 0.0;
  }
  return NAN;
}

struct TermTable {
  const RateTerm* terms = nullptr;
  const Spectral* contact = nullptr;  // stage-0 results, one per term
  const int* slot = nullptr;          // index among binned terms, -1 for differential ones
  int n = 0, n_binned = 0;
};

template <class Model>
struct PoleKeyOf {
  GridView g;
  BSCAN_HD long long operator()(long long flat) const {
    return pole_key(g, flat, Model::kPoleParams);
  }
};

// Stage 1 for work item (distinct key j, binned term b) -> res[j * n_binned + b].
template <class Model>
struct ResonantStage {
  PhysicsInputs in;
  GridView g;
  TermTable tt;
  const long long* keys;
  ResonantIntegrals* res;
  BSCAN_HD void operator()(long long item) const {
    const long long j = item / tt.n_binned;
    const int b = static_cast<int>(item % tt.n_binned);
    double p[kMaxParams];
    decode_pole_key(g, keys[j], Model::kPoleParams, p);
    int t = 0;
    while (tt.slot[t] != b) ++t;
    res[item] = term_resonant(in, tt.terms[t], Model::pole(in, p),
                              project(tt.terms[t].channel, Model::wc_masks()));
  }
};

// Runs f on the items [0, n) in an interleaved order: consecutive indices visit items of 64
// segments of the range in turn, so that a static split of the indices among threads gives each
// thread a share of every segment (stage-1 costs vary strongly along the pole axes).
template <class F>
struct Interleaved {
  static constexpr long long kSegments = 64;
  F f;
  long long n;
  BSCAN_HD static long long segment_length(long long n) { return (n + kSegments - 1) / kSegments; }
  BSCAN_HD static long long iterations(long long n) { return kSegments * segment_length(n); }
  BSCAN_HD void operator()(long long i) const {
    const long long item = (i % kSegments) * segment_length(n) + i / kSegments;
    if (item < n) f(item);
  }
};

// Stage 2: all observables of point begin + i, written to out[o * stride + i].
template <class Model>
struct PointStage {
  PhysicsInputs in;
  GridView g;
  TermTable tt;
  const ObservableOp* ops;
  int n_ops;
  const long long* keys;  // sorted distinct pole keys of this chunk (null: no resonance)
  long long n_keys;
  const ResonantIntegrals* res;
  long long begin, stride;
  double* out;

  BSCAN_HD void operator()(long long i) const {
    double p[kMaxParams];
    decode_point(g, begin + i, p);
    const Pole pole = Model::pole(in, p);
    const ResonantIntegrals* row = nullptr;
    if (keys != nullptr) {
      const long long key = pole_key(g, begin + i, Model::kPoleParams);
      long long lo = 0, hi = n_keys - 1;
      while (lo < hi) {
        const long long mid = (lo + hi) / 2;
        if (keys[mid] < key)
          lo = mid + 1;
        else
          hi = mid;
      }
      row = res + lo * tt.n_binned;
    }
    const WcShifts shifts[kLeptons] = {Model::wc_shifts(in, p, Lepton::e),
                                       Model::wc_shifts(in, p, Lepton::mu)};
    double rate[kMaxTerms];
    for (int t = 0; t < tt.n; ++t) {
      const RateTerm& term = tt.terms[t];
      cplx P{0.0, 0.0};
      if (pole.active && term.kind == TermKind::differential)
        P = cplx{1.0, 0.0} / cplx{term.q2 - pole.M2, pole.gamma};
      const ResonantIntegrals* r = (row != nullptr && tt.slot[t] >= 0) ? row + tt.slot[t] : nullptr;
      const bool interference = in.options.on_shell_interference || term.kind != TermKind::binned ||
                                !pole_in_bin(pole, term.bin);
      rate[t] =
          term_rate(tt.contact[t], r, project(term.channel, shifts[static_cast<int>(term.lepton)]),
                    term.kind, P, interference);
    }
    for (int o = 0; o < n_ops; ++o)
      out[o * stride + i] = evaluate_op<Model>(in, ops[o], p, pole, rate);
  }
};

}  // namespace bscan
