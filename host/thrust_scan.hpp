// The scan kernels instantiated for one Thrust system: the same functors run under OpenMP
// (backend_cpu.cpp) and CUDA (backend_cuda.cu). Vec is that system's vector, Policy its execution
// policy. Memory is bounded by the chunk size: buffers grow to the largest chunk and are reused.
#pragma once
#include <thrust/copy.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/sort.h>
#include <thrust/transform.h>
#include <thrust/unique.h>

#include <algorithm>

#include "host/scan_problem.hpp"
#include "kernels/scan_functors.hpp"

namespace bscan {

// Bound on the stage-1 table of one evaluation (one row per distinct pole and binned term).
inline constexpr long long kResonantBudgetBytes = 64ll << 20;

template <class Model, class Policy, template <class> class Vec>
class ThrustScan {
  static_assert(Model::kNumParams <= kMaxParams, "raise kMaxParams");

 public:
  ThrustScan(const ScanProblem& pb, Policy policy) : policy_(policy) {
    const PhysicsData& ph = *pb.physics;
    in_ = ph.inputs();
    in_.options = pb.options;
    q2_ = Vec<double>(ph.table_q2().begin(), ph.table_q2().end());
    y_ = Vec<double>(ph.table_values().begin(), ph.table_values().end());
    y2_ = Vec<double>(ph.table_second_derivatives().begin(), ph.table_second_derivatives().end());
    in_.corrections = {raw(q2_), raw(y_), raw(y2_), static_cast<int>(q2_.size())};
    g_.n_axes = static_cast<int>(pb.axes.size());
    for (std::size_t a = 0; a < pb.axes.size(); ++a) {
      axis_values_[a] = Vec<double>(pb.axes[a].values.begin(), pb.axes[a].values.end());
      g_.param[a] = pb.axes[a].param;
      g_.size[a] = static_cast<long long>(pb.axes[a].values.size());
      g_.values[a] = raw(axis_values_[a]);
    }
    for (std::size_t i = 0; i < pb.fixed.size(); ++i) g_.fixed[i] = pb.fixed[i];
    const std::vector<RateTerm>& terms = pb.compiled.terms;
    std::vector<int> slot(terms.size(), -1);
    int n_binned = 0;
    for (std::size_t t = 0; t < terms.size(); ++t)
      if (terms[t].kind == TermKind::binned) slot[t] = n_binned++;
    terms_ = Vec<RateTerm>(terms.begin(), terms.end());
    contact_ = Vec<Spectral>(pb.contact.begin(), pb.contact.end());
    slot_ = Vec<int>(slot.begin(), slot.end());
    ops_ = Vec<ObservableOp>(pb.compiled.ops.begin(), pb.compiled.ops.end());
    tt_ = {raw(terms_), raw(contact_), raw(slot_), static_cast<int>(terms.size()), n_binned};
    n_ops_ = static_cast<int>(pb.compiled.ops.size());
    cons_ = Vec<ConstraintOp>(pb.constraints.begin(), pb.constraints.end());
    n_pulls_ = static_cast<int>(pb.pull_names.size());
    n_words_ = pb.flag_words();
    bit_allowed_ = pb.bit_allowed_2s;
  }

  void evaluate(long long begin, long long count, double* host_out, float* host_pulls,
                std::uint32_t* host_flags) {
    out_.resize(static_cast<std::size_t>(n_ops_) * count);
    const bool resonant = Model::wc_masks().resonant != 0u && tt_.n_binned > 0;
    // The stage-1 table holds one row per distinct pole: cap it by evaluating the chunk in parts.
    const long long part =
        resonant ? std::max<long long>(
                       1, kResonantBudgetBytes / (tt_.n_binned * sizeof(ResonantIntegrals)))
                 : count;
    for (long long s = 0; s < count; s += part) {
      const long long n = std::min(part, count - s);
      long long n_keys = 0;
      if (resonant) {
        keys_.resize(n);
        thrust::transform(policy_, thrust::counting_iterator<long long>(begin + s),
                          thrust::counting_iterator<long long>(begin + s + n), keys_.begin(),
                          PoleKeyOf<Model>{g_});
        thrust::sort(policy_, keys_.begin(), keys_.end());
        n_keys = thrust::unique(policy_, keys_.begin(), keys_.end()) - keys_.begin();
        res_.resize(n_keys * tt_.n_binned);
        thrust::for_each(policy_, thrust::counting_iterator<long long>(0),
                         thrust::counting_iterator<long long>(n_keys * tt_.n_binned),
                         ResonantStage<Model>{in_, g_, tt_, raw(keys_), raw(res_)});
      }
      thrust::for_each(
          policy_, thrust::counting_iterator<long long>(0), thrust::counting_iterator<long long>(n),
          PointStage<Model>{in_, g_, tt_, raw(ops_), n_ops_, resonant ? raw(keys_) : nullptr,
                            n_keys, resonant ? raw(res_) : nullptr, begin + s, count,
                            raw(out_) + s});
    }
    thrust::copy(out_.begin(), out_.end(), host_out);
    if (cons_.empty()) return;
    pulls_.resize(static_cast<std::size_t>(n_pulls_) * count);
    flags_.resize(static_cast<std::size_t>(n_words_) * count);
    thrust::for_each(policy_, thrust::counting_iterator<long long>(0),
                     thrust::counting_iterator<long long>(count),
                     ConstraintStage{raw(cons_), static_cast<int>(cons_.size()), n_words_,
                                     bit_allowed_, raw(out_), count, raw(pulls_), raw(flags_)});
    if (host_pulls != nullptr) thrust::copy(pulls_.begin(), pulls_.end(), host_pulls);
    if (host_flags != nullptr) thrust::copy(flags_.begin(), flags_.end(), host_flags);
  }

 private:
  template <class T>
  static T* raw(Vec<T>& v) {
    return thrust::raw_pointer_cast(v.data());
  }

  Policy policy_;
  PhysicsInputs in_{};
  GridView g_{};
  TermTable tt_{};
  int n_ops_ = 0, n_pulls_ = 0, n_words_ = 0, bit_allowed_ = -1;
  Vec<double> q2_, y_, y2_;
  Vec<double> axis_values_[kMaxAxes];
  Vec<RateTerm> terms_;
  Vec<Spectral> contact_;
  Vec<int> slot_;
  Vec<ObservableOp> ops_;
  Vec<long long> keys_;
  Vec<ResonantIntegrals> res_;
  Vec<double> out_;
  Vec<ConstraintOp> cons_;
  Vec<float> pulls_;
  Vec<std::uint32_t> flags_;
};

}  // namespace bscan
