// The scan kernels instantiated for one Thrust system: the same functors run under OpenMP
// (cpu_backend.hpp) and CUDA (backend_cuda.cu). Vec is that system's vector, Policy its execution
// policy. Memory is bounded by the chunk size (buffers grow to the largest chunk and are reused)
// and, with a per-slab pole table, by kPoleTableBudgetBytes.
#pragma once
#include <thrust/copy.h>
#include <thrust/fill.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/sort.h>
#include <thrust/transform.h>
#include <thrust/unique.h>

#include <algorithm>

#include "host/plan/scan_plan.hpp"
#include "kernels/scan/scan_functors.hpp"

namespace bscan {

// Bound on the stage-1 table of one evaluation when the plan keeps it per chunk.
inline constexpr long long kResonantBudgetBytes = 64ll << 20;

// Marks the pole key of a point (per-slab pole tables: which poles a slab holds).
struct MarkPoleKey {
  GridView g;
  int* mark;
  BSCAN_HD void operator()(long long flat) const { mark[pole_key(g, flat)] = 1; }
};

struct IsMarked {
  const int* mark;
  BSCAN_HD bool operator()(long long key) const { return mark[key] != 0; }
};

// kHostMemory: Vec lives in host memory (OpenMP), so results go straight into the caller's buffers.
template <class Model, class Policy, template <class> class Vec, bool kHostMemory>
class ThrustScan {
  static_assert(Model::kNumParams < kQ2Param, "raise kMaxParams");

 public:
  ThrustScan(const ScanPlan& pb, Policy policy) : policy_(policy) {
    const PhysicsData& ph = *pb.physics;
    in_ = ph.inputs();
    in_.options = pb.options;
    q2_ = Vec<double>(ph.table_q2().begin(), ph.table_q2().end());
    y_ = Vec<double>(ph.table_values().begin(), ph.table_values().end());
    y2_ = Vec<double>(ph.table_second_derivatives().begin(), ph.table_second_derivatives().end());
    in_.corrections = {raw(q2_), raw(y_), raw(y2_), static_cast<int>(q2_.size()),
                       ph.inputs().corrections.mc0};
    qcdf_q2_ = Vec<double>(ph.qcdf_q2().begin(), ph.qcdf_q2().end());
    qcdf_y_ = Vec<double>(ph.qcdf_values().begin(), ph.qcdf_values().end());
    in_.bvll_qcdf.q2 = raw(qcdf_q2_);
    in_.bvll_qcdf.y = raw(qcdf_y_);
    g_.n_axes = static_cast<int>(pb.axes.size());
    for (std::size_t a = 0; a < pb.axes.size(); ++a) {
      axis_values_[a] = Vec<double>(pb.axes[a].values.begin(), pb.axes[a].values.end());
      g_.param[a] = pb.axes[a].param;
      g_.size[a] = static_cast<long long>(pb.axes[a].values.size());
      g_.values[a] = raw(axis_values_[a]);
    }
    for (std::size_t i = 0; i < pb.fixed.size(); ++i) g_.fixed[i] = pb.fixed[i];
    g_.pole_axes = pb.pole_axes;
    g_.n_derived = static_cast<int>(pb.derived.size());
    for (std::size_t d = 0; d < pb.derived.size(); ++d) {
      derived_values_[d] = Vec<double>(pb.derived[d].values.begin(), pb.derived[d].values.end());
      g_.derived_param[d] = pb.derived[d].param;
      g_.derived_axes[d] = pb.derived[d].axes;
      g_.derived_values[d] = raw(derived_values_[d]);
    }
    const std::vector<RateTerm>& terms = pb.compiled.terms;
    std::vector<int> slot(terms.size(), -1);
    std::vector<DirMasks> dirs(terms.size());
    int n_binned = 0;
    for (std::size_t t = 0; t < terms.size(); ++t) {
      if (terms[t].kind == TermKind::binned) slot[t] = n_binned++;
      dirs[t] = project(terms[t].channel, Model::wc_masks());
    }
    terms_ = Vec<RateTerm>(terms.begin(), terms.end());
    contact_ = Vec<Spectral>(pb.contact.begin(), pb.contact.end());
    slot_ = Vec<int>(slot.begin(), slot.end());
    dirs_ = Vec<DirMasks>(dirs.begin(), dirs.end());
    ops_ = Vec<ObservableOp>(pb.compiled.ops.begin(), pb.compiled.ops.end());
    tt_ = {raw(terms_), raw(contact_), raw(slot_), raw(dirs_), static_cast<int>(terms.size()),
           n_binned};
    n_ops_ = static_cast<int>(pb.compiled.ops.size());
    const BasisTables& bt = pb.bases;
    basis_term_ = Vec<ResonantBasis>(bt.term.begin(), bt.term.end());
    basis_fun_ = Vec<BasisFun>(bt.fun.begin(), bt.fun.end());
    basis_panel_ = Vec<BasisPanel>(bt.panel.begin(), bt.panel.end());
    basis_mom_ = Vec<double>(bt.mom.begin(), bt.mom.end());
    basis_data_ = Vec<double>(bt.data.begin(), bt.data.end());
    basis_ = {raw(basis_term_), raw(basis_fun_), raw(basis_panel_), raw(basis_mom_),
              raw(basis_data_)};
    cons_ = Vec<ConstraintOp>(pb.constraints.begin(), pb.constraints.end());
    n_pulls_ = static_cast<int>(pb.pull_names.size());
    n_words_ = pb.flag_words();
    bit_allowed_ = pb.bit_allowed_2s;
    chi2_ = pb.chi2;
    const GaussianPlan& gp = pb.gaussian;
    gauss_op_ = Vec<int>(gp.op.begin(), gp.op.end());
    gauss_members_ = Vec<int>(gp.members.begin(), gp.members.end());
    gauss_scale_ = Vec<double>(gp.scale.begin(), gp.scale.end());
    gauss_value_ = Vec<double>(gp.value.begin(), gp.value.end());
    gauss_chol_ = Vec<double>(gp.chol.begin(), gp.chol.end());
    gauss_blocks_ = Vec<GaussianBlock>(gp.blocks.begin(), gp.blocks.end());
    chi2_.terms = {raw(gauss_op_),      raw(gauss_scale_),  raw(gauss_value_),
                   raw(gauss_members_), raw(gauss_blocks_), raw(gauss_chol_)};
    scope_ = pb.pole_scope;
    pole_keys_ = pb.pole_keys;
    total_ = pb.total_points();
  }

  // Stage 1 once per distinct pole of [begin, end) (per-slab pole table).
  void prepare_slab(long long begin, long long end) {
    if (scope_ != PoleTableScope::slab) return;
    Vec<int> mark(static_cast<std::size_t>(pole_keys_));
    thrust::fill(policy_, mark.begin(), mark.end(), 0);
    thrust::for_each(policy_, thrust::counting_iterator<long long>(begin),
                     thrust::counting_iterator<long long>(end), MarkPoleKey{g_, raw(mark)});
    slab_keys_.resize(static_cast<std::size_t>(pole_keys_));
    const auto last = thrust::copy_if(policy_, thrust::counting_iterator<long long>(0),
                                      thrust::counting_iterator<long long>(pole_keys_),
                                      slab_keys_.begin(), IsMarked{raw(mark)});
    const long long n_keys = last - slab_keys_.begin();
    slab_keys_.resize(static_cast<std::size_t>(n_keys));
    integrate_poles(slab_keys_, n_keys, slab_res_, slab_poles_);
    slab_ = {begin, end};
  }

  long long stage1_integrals() const { return stage1_; }

  void evaluate(long long begin, long long count, double* host_out, float* host_pulls,
                std::uint32_t* host_flags) {
    if constexpr (kHostMemory) {
      dst_ = host_out;
    } else {
      out_.resize(static_cast<std::size_t>(n_ops_) * count);
      dst_ = raw(out_);
    }
    if (scope_ == PoleTableScope::slab) {
      if (begin < slab_.begin || begin + count > slab_.end) prepare_slab(0, total_);
      point_stage(begin, count, 0, count, raw(slab_keys_),
                  static_cast<long long>(slab_keys_.size()), raw(slab_res_), raw(slab_poles_));
    } else {
      evaluate_per_chunk(begin, count);
    }
    if constexpr (!kHostMemory) thrust::copy(out_.begin(), out_.end(), host_out);
    constraint_stage(count, host_pulls, host_flags);
  }

 private:
  // Stage 1 for n_keys sorted pole keys into res (one row of binned terms per key) and poles.
  void integrate_poles(Vec<long long>& keys, long long n_keys, Vec<ResonantIntegrals>& res,
                       Vec<Pole>& poles) {
    const long long n = n_keys * tt_.n_binned;
    res.resize(static_cast<std::size_t>(n));
    poles.resize(static_cast<std::size_t>(n_keys));
    using Stage = Interleaved<ResonantStage<Model>>;
    thrust::for_each(policy_, thrust::counting_iterator<long long>(0),
                     thrust::counting_iterator<long long>(Stage::iterations(n)),
                     Stage{{in_, g_, tt_, basis_, raw(keys), raw(res), raw(poles)}, n});
    stage1_ += n_keys * tt_.n_binned;
  }

  // Stage 2 for points [begin + s, begin + s + n) of a chunk of `count` points.
  void point_stage(long long begin, long long count, long long s, long long n,
                   const long long* keys, long long n_keys, const ResonantIntegrals* res,
                   const Pole* poles) {
    thrust::for_each(policy_, thrust::counting_iterator<long long>(0),
                     thrust::counting_iterator<long long>(lane_items(n)),
                     PointStage<Model>{in_, g_, tt_, raw(ops_), n_ops_, keys, n_keys, res, poles,
                                       begin + s, count, dst_ + s, n});
  }

  // The pole table of each part of the chunk (capped by kResonantBudgetBytes), then stage 2.
  void evaluate_per_chunk(long long begin, long long count) {
    const bool resonant = scope_ == PoleTableScope::chunk;
    // The stage-1 table holds one row per distinct pole: cap it by evaluating the chunk in parts.
    const long long part =
        resonant ? std::max<long long>(
                       1, kResonantBudgetBytes / (tt_.n_binned * sizeof(ResonantIntegrals)))
                 : count;
    for (long long s = 0; s < count; s += part) {
      const long long n = std::min(part, count - s);
      if (!resonant) {
        point_stage(begin, count, s, n, nullptr, 0, nullptr, nullptr);
        continue;
      }
      keys_.resize(n);
      thrust::transform(policy_, thrust::counting_iterator<long long>(begin + s),
                        thrust::counting_iterator<long long>(begin + s + n), keys_.begin(),
                        PoleKeyOf{g_});
      thrust::sort(policy_, keys_.begin(), keys_.end());
      const long long n_keys = thrust::unique(policy_, keys_.begin(), keys_.end()) - keys_.begin();
      integrate_poles(keys_, n_keys, res_, poles_);
      point_stage(begin, count, s, n, raw(keys_), n_keys, raw(res_), raw(poles_));
    }
  }

  void constraint_stage(long long count, float* host_pulls, std::uint32_t* host_flags) {
    if (cons_.empty()) return;
    const bool direct = kHostMemory && host_pulls != nullptr && host_flags != nullptr;
    if (!direct) {
      pulls_.resize(static_cast<std::size_t>(n_pulls_) * count);
      flags_.resize(static_cast<std::size_t>(n_words_) * count);
    }
    thrust::for_each(policy_, thrust::counting_iterator<long long>(0),
                     thrust::counting_iterator<long long>(lane_items(count)),
                     ConstraintStage{raw(cons_), static_cast<int>(cons_.size()), n_words_,
                                     bit_allowed_, dst_, count, direct ? host_pulls : raw(pulls_),
                                     direct ? host_flags : raw(flags_), chi2_});
    if (direct) return;
    if (host_pulls != nullptr) thrust::copy(pulls_.begin(), pulls_.end(), host_pulls);
    if (host_flags != nullptr) thrust::copy(flags_.begin(), flags_.end(), host_flags);
  }

  template <class T>
  static T* raw(Vec<T>& v) {
    return thrust::raw_pointer_cast(v.data());
  }

  Policy policy_;
  PhysicsInputs in_{};
  GridView g_{};
  TermTable tt_{};
  BasisStore basis_{};
  Chi2Groups chi2_{};
  int n_ops_ = 0, n_pulls_ = 0, n_words_ = 0, bit_allowed_ = -1;
  Vec<double> q2_, y_, y2_, qcdf_q2_, qcdf_y_;
  Vec<double> axis_values_[kMaxAxes];
  Vec<double> derived_values_[kMaxDerived];
  Vec<RateTerm> terms_;
  Vec<Spectral> contact_;
  Vec<int> slot_;
  Vec<DirMasks> dirs_;
  Vec<ObservableOp> ops_;
  Vec<ResonantBasis> basis_term_;
  Vec<BasisFun> basis_fun_;
  Vec<BasisPanel> basis_panel_;
  Vec<double> basis_mom_, basis_data_;
  Vec<long long> keys_;
  Vec<ResonantIntegrals> res_;
  Vec<Pole> poles_;
  Vec<double> out_;        // device memory only
  double* dst_ = nullptr;  // where this evaluation's observables go
  Vec<ConstraintOp> cons_;
  Vec<int> gauss_op_, gauss_members_;  // the plan's Gaussian terms (chi2_.terms points here)
  Vec<double> gauss_scale_, gauss_value_, gauss_chol_;
  Vec<GaussianBlock> gauss_blocks_;
  Vec<float> pulls_;
  Vec<std::uint32_t> flags_;
  PoleTableScope scope_ = PoleTableScope::none;
  long long pole_keys_ = 0, total_ = 0, stage1_ = 0;
  Slab slab_{0, 0};  // the slab the per-slab table holds
  Vec<long long> slab_keys_;
  Vec<ResonantIntegrals> slab_res_;
  Vec<Pole> slab_poles_;
};

}  // namespace bscan
