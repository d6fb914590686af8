// Constraints per point (docs/architecture.md, Constraints): a pull and pass bits from a point's
// observables. The host builds the ConstraintOp table from a measurement set
// (host/plan/constraints.cpp); the kernel only compares numbers. Bit k of the flag words is
// word k / 32, bit k % 32; a set bit means "passes".
#pragma once
#include <cmath>
#include <cstdint>

#include "kernels/backend.hpp"
#include "kernels/constraints/gaussian_chi2.hpp"

namespace bscan {

inline constexpr int kMaxConstraintOps = 8;
inline constexpr int kMaxChi2Groups = 16;

enum class ConstraintKind : int { measurement, upper_limit, at_least, at_most, excluded_region };

struct ConstraintOp {
  ConstraintKind kind;
  int n_ops = 0;
  int ops[kMaxConstraintOps] = {};  // observable ops read (indices into the point's outputs)
  // measurement: prediction x = scale * observable against value (+err_plus, -err_minus); theory
  // errors: absolute th_plus/th_minus and relative scale_plus/scale_minus of the scale.
  double value = 0.0, err_plus = 0.0, err_minus = 0.0;
  double th_plus = 0.0, th_minus = 0.0;
  double scale = 1.0, scale_plus = 0.0, scale_minus = 0.0;
  // upper_limit: limit per op; at_least / at_most: threshold in lo[0]; excluded_region: |op k| in
  // [lo[k], hi[k]] for all k excludes.
  double lo[kMaxConstraintOps] = {}, hi[kMaxConstraintOps] = {};
  double sigma_level = 2.0;      // upper_limit: the limit is this many sigma
  int pull = -1;                 // index of its pull output, -1: none
  int bit_1s = -1, bit_2s = -1;  // validity conditions use bit_1s only
  bool bound = false;            // enters allowed_2s (bounds and validity conditions)
  // A measurement of an anomaly or of a chi2 group: where it has no finite prediction the point
  // is not allowed (it is no solution, whatever else it passes).
  bool required = false;
  unsigned groups = 0u;  // measurement: bit g adds its pull^2 to chi2 group g
  // A measurement of a Gaussian plan: its block of the Gaussian terms (-1: sided pull above);
  // passes at 1 (2) sigma when its chi2 <= lo[0] (hi[0]), the chi2 quantiles of its size.
  int block = -1;
};

// chi2 per group of measurements, its difference to the SM's (computed once by the plan) and the
// flag Delta chi2 <= -4 (paper 001's "2 sigma": the point improves on the SM by 4). Sided plans
// sum the members' pull^2, Gaussian plans solve the group's block; a member without a finite
// prediction makes the group's chi2 NaN (never an improvement).
struct Chi2Groups {
  int n = 0;
  // Rows first_row + 3g (chi2), + 3g + 1 (delta chi2 vs the SM) and + 3g + 2 (delta chi2 vs the
  // map's minimum: NaN here, filled after the scan, host/output/best_fit.cpp) of the pull outputs.
  int first_row = -1;
  double sm[kMaxChi2Groups] = {};
  int bit_improves_2s[kMaxChi2Groups] = {};
  // Gaussian plans: group g is the leading prefix[g] members of block[g]; order lists the groups
  // by (block, prefix), so each block is solved once for all the groups it holds.
  int block[kMaxChi2Groups] = {};
  int prefix[kMaxChi2Groups] = {};
  int order[kMaxChi2Groups] = {};
  bool gaussian = false;
  GaussianTerms terms;
};

struct ConstraintResult {
  double pull;  // NaN: not applicable / no prediction
  bool pass_1s, pass_2s;
};

// Gaussian pull with asymmetric errors: the measurement's error on the side of the prediction,
// the theory error on the side of the measurement, added in quadrature.
BSCAN_HD inline double measurement_pull(const ConstraintOp& c, double obs) {
  const double x = c.scale * obs, d = x - c.value;
  const double e = d > 0.0 ? c.err_plus : c.err_minus;
  const double t = d > 0.0 ? c.th_minus : c.th_plus;
  const double s = (d > 0.0 ? c.scale_minus : c.scale_plus) * std::fabs(obs);
  return d / std::sqrt(e * e + t * t + s * s);
}

// `value(k)` returns the k-th observable the constraint reads.
template <class Values>
BSCAN_HD ConstraintResult evaluate_constraint(const ConstraintOp& c, const Values& value) {
  switch (c.kind) {
    case ConstraintKind::measurement: {
      const double pull = measurement_pull(c, value(0));
      return {pull, std::fabs(pull) <= 1.0, std::fabs(pull) <= 2.0};
    }
    case ConstraintKind::upper_limit: {  // the strongest of its limits; NaN ignored
      double pull = NAN;
      for (int k = 0; k < c.n_ops; ++k) {
        const double r = c.sigma_level * value(k) / c.lo[k];
        if (!std::isnan(r) && !(r <= pull)) pull = r;
      }
      return {pull, !(pull > 1.0), !(pull > 2.0)};
    }
    case ConstraintKind::at_least: {
      const bool ok = !(value(0) < c.lo[0]);
      return {NAN, ok, ok};
    }
    case ConstraintKind::at_most: {
      const bool ok = !(value(0) > c.lo[0]);
      return {NAN, ok, ok};
    }
    default: {  // excluded_region
      bool inside = true;
      for (int k = 0; k < c.n_ops; ++k) {
        const double v = std::fabs(value(k));
        inside = inside && v >= c.lo[k] && v <= c.hi[k];
      }
      return {NAN, !inside, !inside};
    }
  }
}

BSCAN_HD inline void set_bit(std::uint32_t* words, long long stride, long long i, int bit) {
  words[(bit / 32) * stride + i] |= 1u << (bit % 32);
}

// All constraints of the points of work item `item`: kPointLanes consecutive points (fewer at the
// end), observables at out[o * stride + i], pulls and flag words written at the same stride (the
// chunk's point count). A measurement without prediction (NaN) solves nothing and excludes
// nothing; one that is required (an anomaly, a chi2 group's member) clears allowed_2s.
struct ConstraintStage {
  const ConstraintOp* cons;
  int n_cons;
  int n_words;
  int bit_allowed_2s;
  const double* out;
  long long stride;
  float* pulls;
  std::uint32_t* flags;
  Chi2Groups chi2;

  BSCAN_HD void operator()(long long item) const {
    const long long i0 = item * kPointLanes;
    if (i0 + kPointLanes <= stride) return points<kPointLanes>(i0);
    for (long long i = i0; i < stride; ++i) points<1>(i);
  }

 private:
  template <int W>
  BSCAN_HD void points(long long i0) const {
    for (int w = 0; w < n_words; ++w)
      for (int p = 0; p < W; ++p) flags[w * stride + i0 + p] = 0u;
    double sum[kMaxChi2Groups][W] = {};
    bool allowed[W];
    for (int p = 0; p < W; ++p) allowed[p] = true;
    const GaussianTerms& gt = chi2.terms;
    const auto residual = [&](int k, double* r) {
      const double* o = out + gt.op[k] * stride + i0;
      BSCAN_SIMD for (int p = 0; p < W; ++p) r[p] = gt.scale[k] * o[p] - gt.value[k];
    };
    for (int n = 0; n < n_cons; ++n) {
      const ConstraintOp& c = cons[n];
      if (c.block >= 0) {
        const GaussianBlock& b = gt.blocks[c.block];
        BlockChi2 x[W];
        block_chi2_lanes<W>(
            gt, b, residual, [](int, const double*) {}, x);
        for (int p = 0; p < W; ++p) {
          ConstraintResult r{b.n == 1 ? x[p].y0 : std::sqrt(x[p].chi2), x[p].chi2 <= c.lo[0],
                             x[p].chi2 <= c.hi[0]};
          if (std::isnan(x[p].chi2)) r.pull = NAN;
          record(c, r, i0 + p, allowed[p]);
        }
      } else {
        for (int p = 0; p < W; ++p) {
          const ConstraintResult r =
              evaluate_constraint(c, [&](int k) { return out[c.ops[k] * stride + i0 + p]; });
          record(c, r, i0 + p, allowed[p]);
          if (!chi2.gaussian)  // NaN and inf stay: the group is NaN below
            for (int g = 0; g < chi2.n; ++g)
              if (c.groups >> g & 1u) sum[g][p] += r.pull * r.pull;
        }
      }
    }
    for (int p = 0; p < W; ++p)
      if (allowed[p] && bit_allowed_2s >= 0) set_bit(flags, stride, i0 + p, bit_allowed_2s);
    if (chi2.gaussian) {
      for (int c = 0; c < chi2.n;) {
        const int blk = chi2.block[chi2.order[c]];
        BlockChi2 x[W];
        block_chi2_lanes<W>(
            gt, gt.blocks[blk], residual,
            [&](int len, const double* acc) {
              for (; c < chi2.n && chi2.block[chi2.order[c]] == blk &&
                     chi2.prefix[chi2.order[c]] == len;
                   ++c)
                for (int p = 0; p < W; ++p)
                  sum[chi2.order[c]][p] = std::isfinite(acc[p]) ? acc[p] : NAN;
            },
            x);
      }
    }
    for (int g = 0; g < chi2.n; ++g)
      for (int p = 0; p < W; ++p) {
        const long long i = i0 + p;
        const double x = std::isfinite(sum[g][p]) ? sum[g][p] : NAN;
        const double delta = x - chi2.sm[g];
        pulls[(chi2.first_row + 3 * g) * stride + i] = static_cast<float>(x);
        pulls[(chi2.first_row + 3 * g + 1) * stride + i] = static_cast<float>(delta);
        pulls[(chi2.first_row + 3 * g + 2) * stride + i] = NAN;
        if (delta <= -4.0) set_bit(flags, stride, i, chi2.bit_improves_2s[g]);
      }
  }

  // A constraint's pull and bits at point i.
  BSCAN_HD void record(const ConstraintOp& c, ConstraintResult r, long long i,
                       bool& allowed) const {
    if (std::isnan(r.pull) && c.pull >= 0) r.pass_1s = r.pass_2s = c.bound;
    if (c.pull >= 0) pulls[c.pull * stride + i] = static_cast<float>(r.pull);
    if (r.pass_1s && c.bit_1s >= 0) set_bit(flags, stride, i, c.bit_1s);
    if (r.pass_2s && c.bit_2s >= 0) set_bit(flags, stride, i, c.bit_2s);
    if (c.bound) allowed = allowed && r.pass_2s;
    if (c.required && !std::isfinite(r.pull)) allowed = false;
  }
};

}  // namespace bscan
