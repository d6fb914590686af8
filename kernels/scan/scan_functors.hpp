// The scan as Thrust functors over a counting iterator (docs/architecture.md, docs/numerics.md):
// point index -> parameters -> pole key (stage-1 sharing) -> resonance integrals per distinct pole
// -> observables per point.
#pragma once

#include "kernels/channels/bsll.hpp"
#include "kernels/channels/rate_terms.hpp"
#include "kernels/channels/resonant_basis.hpp"
#include "kernels/models/model_contract.hpp"

namespace bscan {

inline constexpr int kMaxAxes = 6;
inline constexpr int kMaxParams = 40;
inline constexpr int kMaxTerms = 512;  // rate terms of a plan: bsll-2025 alone needs ~150
inline constexpr int kMaxDerived = 8;
// The parameter slot of the axis `q2` (differential observables at the point's q2): after every
// model parameter.
inline constexpr int kQ2Param = kMaxParams - 1;

// A rectangular grid in C order (last axis fastest) over some of the model's parameters, with the
// parameters derived from them: tables over the axes each depends on (host/plan/derived_params).
struct GridView {
  int n_axes = 0;
  int param[kMaxAxes] = {};
  long long size[kMaxAxes] = {};
  const double* values[kMaxAxes] = {};  // backend memory
  double fixed[kMaxParams] = {};        // all parameters; axes and derived ones overwrite theirs
  unsigned pole_axes = 0;               // bit a: axis a moves the pole (directly or derived)
  int n_derived = 0;
  int derived_param[kMaxDerived] = {};
  unsigned derived_axes[kMaxDerived] = {};         // bit a: the table runs over axis a
  const double* derived_values[kMaxDerived] = {};  // backend memory, C order over its axes
};

// Sets the derived parameters of the grid point with axis indices idx.
BSCAN_HD inline void apply_derived(const GridView& g, const long long* idx, double* p) {
  for (int d = 0; d < g.n_derived; ++d) {
    long long k = 0;
    for (int a = 0; a < g.n_axes; ++a)
      if (g.derived_axes[d] >> a & 1u) k = k * g.size[a] + idx[a];
    p[g.derived_param[d]] = g.derived_values[d][k];
  }
}

BSCAN_HD inline void decode_point(const GridView& g, long long flat, double* p) {
  long long idx[kMaxAxes] = {};
  for (int i = 0; i < kMaxParams; ++i) p[i] = g.fixed[i];
  for (int a = g.n_axes - 1; a >= 0; --a) {
    idx[a] = flat % g.size[a];
    p[g.param[a]] = g.values[a][idx[a]];
    flat /= g.size[a];
  }
  apply_derived(g, idx, p);
}

// Mixed-radix index over the axes that move the pole; points with equal keys share their stage-1
// integrals.
BSCAN_HD inline long long pole_key(const GridView& g, long long flat) {
  long long key = 0, radix = 1;
  for (int a = g.n_axes - 1; a >= 0; --a) {
    const long long idx = flat % g.size[a];
    flat /= g.size[a];
    if (g.pole_axes >> a & 1u) {
      key += idx * radix;
      radix *= g.size[a];
    }
  }
  return key;
}

// Parameters of the representative point of a pole key: the grid point with that key and index 0
// on every other axis.
BSCAN_HD inline void decode_pole_key(const GridView& g, long long key, double* p) {
  long long idx[kMaxAxes] = {};
  for (int i = 0; i < kMaxParams; ++i) p[i] = g.fixed[i];
  for (int a = g.n_axes - 1; a >= 0; --a) {
    if (g.pole_axes >> a & 1u) {
      idx[a] = key % g.size[a];
      key /= g.size[a];
    }
    p[g.param[a]] = g.values[a][idx[a]];
  }
  apply_derived(g, idx, p);
}

// How an observable is evaluated from a point's rate terms and parameters; the host's observable
// registry (host/plan/observables.cpp) names one per observable kind.
enum class OpKind : int {
  term,             // scale * term t0 (branching ratios: scale = 1 / Gamma_B)
  term_ratio,       // t0 / t1
  fl,               // -J2c / rate
  afb,              // -(3/4 J6s + 3/8 J6c) / rate (LHCb sign, flavio's AFB)
  p_prime,          // scale J_i / (2 sqrt(-J2s J2c)): P4', P5', P6', P8' (scale: LHCb sign)
  p_ratio,          // scale J_i / J2s: P1, P2, P3
  bs_ll,            // BR(B_s -> l l), lepton in `quantity`
  bd_ll,            // BR(B0 -> l l) in the SM, lepton in `quantity`
  parameter,        // parameter `quantity`
  quantity,         // model quantity `quantity`
  particle_width,   // total width of the new particle
  width_over_mass,  // its width over its mass
  particle_br,      // BR(X -> f), decay in `quantity`
  production_br,    // BR(B -> M X), channel in `quantity`
  on_shell,         // BR(B -> M X) BR(X -> f) x fraction of the peak in `bin`; channel in
                    // `quantity`, decay in t0
  off_shell,        // BR(B -> M X(-> f)) with q2 in `bin`, X off shell; channel in `quantity`,
                    // decay in t0
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

// What several observables of one point share, computed on first use: the new particle's total
// width and BR(B -> M X) BR(X -> f) per channel and decay (the on-shell search bins of a channel
// differ only in their window).
template <class Model>
class PointMemo {
 public:
  PointMemo() = default;
  BSCAN_HD PointMemo(const PhysicsInputs& in, const double* p) : in_(&in), p_(p) {}
  BSCAN_HD double total_width() {
    if (!have_width_) width_ = Model::total_width(*in_, p_);
    have_width_ = true;
    return width_;
  }
  BSCAN_HD double on_shell_br(Channel c, Decay f) {
    const int k = static_cast<int>(c) * kNumDecays + static_cast<int>(f);
    if (!(have_ >> k & 1u)) on_shell_[k] = bscan::on_shell_br<Model>(*in_, p_, c, f, total_width());
    have_ |= 1u << k;
    return on_shell_[k];
  }

 private:
  static constexpr int kPairs = kNumChannels * kNumDecays;
  static_assert(kPairs <= 32, "one bit per (channel, decay)");
  const PhysicsInputs* in_ = nullptr;
  const double* p_ = nullptr;
  bool have_width_ = false;
  double width_ = 0.0;
  unsigned have_ = 0u;
  double on_shell_[kPairs];
};

// One observable of a point from its rate terms, parameters and pole.
template <class Model>
BSCAN_HD double evaluate_op(const PhysicsInputs& in, const ObservableOp& op, const double* p,
                            const Pole& pole, const double* rate, PointMemo<Model>& memo) {
  switch (op.kind) {
    case OpKind::term:
      return op.scale * rate[op.t0];
    case OpKind::term_ratio:
      return rate[op.t0] / rate[op.t1];
    case OpKind::fl:
      return -rate[op.t0] / rate[op.t1];
    case OpKind::afb:
      return -(0.75 * rate[op.t0] + 0.375 * rate[op.t1]) / rate[op.t2];
    case OpKind::p_prime:
      return op.scale * rate[op.t0] / (2.0 * std::sqrt(-rate[op.t1] * rate[op.t2]));
    case OpKind::p_ratio:
      return op.scale * rate[op.t0] / rate[op.t1];
    case OpKind::bs_ll: {
      const Lepton l = static_cast<Lepton>(op.quantity);
      return bsll_branching_ratio(in, l, Model::bs_amplitudes(in, p, l));
    }
    case OpKind::bd_ll:
      return bdll_branching_ratio(in, static_cast<Lepton>(op.quantity));
    case OpKind::parameter:
      return p[op.quantity];
    case OpKind::quantity:
      return Model::quantity(in, p, op.quantity);
    case OpKind::particle_width:
      return memo.total_width();
    case OpKind::width_over_mass:
      if constexpr (Model::kMassParam >= 0) return memo.total_width() / p[Model::kMassParam];
      return NAN;
    case OpKind::particle_br:
      return Model::width(in, p, static_cast<Decay>(op.quantity)) / memo.total_width();
    case OpKind::production_br:
      return Model::production_br(in, p, static_cast<Channel>(op.quantity));
    case OpKind::on_shell:
      return pole.active
                 ? memo.on_shell_br(static_cast<Channel>(op.quantity), static_cast<Decay>(op.t0)) *
                       bin_window(op.bin, pole.M2)
                 : 0.0;
    case OpKind::off_shell:
      return off_shell_br<Model>(in, p, pole, static_cast<Channel>(op.quantity),
                                 static_cast<Decay>(op.t0), op.bin.q2_lo, op.bin.q2_hi);
  }
  return NAN;
}

struct TermTable {
  const RateTerm* terms = nullptr;
  const Spectral* contact = nullptr;  // stage-0 results, one per term
  const int* slot = nullptr;          // index among binned terms, -1 for differential ones
  const DirMasks* dirs = nullptr;     // the directions the model shifts, per term
  int n = 0, n_binned = 0;
};

struct PoleKeyOf {
  GridView g;
  BSCAN_HD long long operator()(long long flat) const { return pole_key(g, flat); }
};

// Stage 1 for work item (distinct key j, binned term b) -> res[j * n_binned + b]: from the term's
// basis, or by the graded quadrature where the basis declines the pole; the pole itself ->
// poles[j] (stage 2 reads it there).
template <class Model>
struct ResonantStage {
  PhysicsInputs in;
  GridView g;
  TermTable tt;
  BasisStore basis;
  const long long* keys;
  ResonantIntegrals* res;
  Pole* poles;
  BSCAN_HD void operator()(long long item) const {
    const long long j = item / tt.n_binned;
    const int b = static_cast<int>(item % tt.n_binned);
    double p[kMaxParams];
    decode_pole_key(g, keys[j], p);
    complete_params<Model>(in, p);
    const Pole pole = Model::pole(in, p);
    if (b == 0) poles[j] = pole;
    int t = 0;
    while (tt.slot[t] != b) ++t;
    if (!term_resonant_basis(basis, b, pole, res[item]))
      res[item] = term_resonant(in, tt.terms[t], pole, tt.dirs[t]);
    res[item].pole_inside = pole_in_bin(pole, tt.terms[t].bin);
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

// Stage 2: all observables of the points of work item `item`, point i (of [0, n)) at begin + i,
// written to out[o * stride + i]. An item holds kPointLanes consecutive points: where they share
// their pole (the pole keys grow with the flat index), each term's coefficients are read once for
// all of them and each observable's formula runs over them in turn.
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
  const Pole* poles;  // per key: the pole of its stage-1 row (all points of a key share it)
  long long begin, stride;
  double* out;
  long long n;

  BSCAN_HD void operator()(long long item) const {
    const long long i0 = item * kPointLanes, last = i0 + kPointLanes - 1;
    if (last < n && (keys == nullptr || pole_key(g, begin + i0) == pole_key(g, begin + last)))
      return points<kPointLanes>(i0);
    for (long long i = i0; i < n && i <= last; ++i) points<1>(i);
  }

 private:
  using Couplings = DirCouplings[kNumChannels][kLeptons];

  // Index of the stage-1 row of the point at flat index `flat`.
  BSCAN_HD long long row_of(long long flat) const {
    const long long key = pole_key(g, flat);
    long long lo = 0, hi = n_keys - 1;
    while (lo < hi) {
      const long long mid = (lo + hi) / 2;
      if (keys[mid] < key)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

  // Points i0 .. i0 + W - 1, which share their stage-1 row.
  template <int W>
  BSCAN_HD void points(long long i0) const {
    double p[W][kMaxParams];
    Pole pole[W];
    const ResonantIntegrals* row = nullptr;
    const long long k = keys != nullptr ? row_of(begin + i0) : -1;
    if (k >= 0) row = res + k * tt.n_binned;
    Couplings cp[W];  // the points' shifts in each channel's directions
    for (int x = 0; x < W; ++x) {
      decode_point(g, begin + i0 + x, p[x]);
      complete_params<Model>(in, p[x]);
      pole[x] = k >= 0 ? poles[k] : Model::pole(in, p[x]);
      for (int l = 0; l < kLeptons; ++l) {
        const WcShifts shifts = Model::wc_shifts(in, p[x], static_cast<Lepton>(l));
        for (int c = 0; c < kNumChannels; ++c)
          cp[x][c][l] = project(static_cast<Channel>(c), shifts);
      }
    }
    double rate[W][kMaxTerms];
    for (int t = 0; t < tt.n; ++t) {
      const RateTerm& term = tt.terms[t];
      if (term.kind == TermKind::differential && term.q2 == kQ2FromAxis) {
        for (int x = 0; x < W; ++x) {  // the contact integrand at the point's own q2
          RateTerm at_point = term;
          at_point.q2 = p[x][kQ2Param];
          const Spectral c0 = term_contact(in, at_point);
          rate[x][t] = with_channel(term.channel, [&](auto ch) {
            return differential_rate(at_point, c0, pole[x], cp[x], Dirs<decltype(ch)>{});
          });
        }
        continue;
      }
      const ResonantIntegrals* r =
          term.kind == TermKind::binned && row != nullptr ? row + tt.slot[t] : nullptr;
      with_channel(term.channel, [&](auto ch) {
        for (int x = 0; x < W; ++x)
          rate[x][t] =
              term.kind == TermKind::binned
                  ? binned_rate(term, tt.contact[t], r, cp[x], Dirs<decltype(ch)>{})
                  : differential_rate(term, tt.contact[t], pole[x], cp[x], Dirs<decltype(ch)>{});
      });
    }
    PointMemo<Model> memo[W];
    for (int x = 0; x < W; ++x) memo[x] = PointMemo<Model>(in, p[x]);
    for (int o = 0; o < n_ops; ++o)
      for (int x = 0; x < W; ++x)
        out[o * stride + i0 + x] = evaluate_op<Model>(in, ops[o], p[x], pole[x], rate[x], memo[x]);
  }

  // The directions the model shifts in channel Ch, known to the compiler.
  template <class Ch>
  static constexpr DirMasks kDirMasks = project_masks<Ch>(Model::wc_masks());
  template <class Ch>
  using Dirs = FixedDirs<kDirMasks<Ch>.contact, kDirMasks<Ch>.resonant>;

  BSCAN_HD static const DirCouplings& of(const Couplings& cp, const RateTerm& term) {
    return cp[static_cast<int>(term.channel)][static_cast<int>(term.lepton)];
  }

  template <class Dirs>
  BSCAN_HD static double differential_rate(const RateTerm& term, const Spectral& contact,
                                           const Pole& pole, const Couplings& cp, Dirs dirs) {
    cplx P{0.0, 0.0};
    if (pole.active) P = cplx{1.0, 0.0} / cplx{term.q2 - pole.M2, pole.gamma};
    return term_rate(contact, nullptr, of(cp, term), TermKind::differential, P, true, dirs);
  }

  template <class Dirs>
  BSCAN_HD double binned_rate(const RateTerm& term, const Spectral& contact,
                              const ResonantIntegrals* r, const Couplings& cp, Dirs dirs) const {
    const bool interference = in.options.on_shell_interference || r == nullptr || !r->pole_inside;
    return term_rate(contact, r, of(cp, term), TermKind::binned, cplx{0.0, 0.0}, interference,
                     dirs);
  }
};

}  // namespace bscan
