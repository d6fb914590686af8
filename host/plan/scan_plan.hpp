// The scan plan: everything a scan is, resolved and immutable, independent of the backend that
// runs it. build_plan turns a config into a plan; executors (host/exec) run its slabs and hand
// the results to sinks (host/output).
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/config/physics_data.hpp"
#include "host/config/scan_config.hpp"
#include "host/model/model_registry.hpp"
#include "host/plan/chunk_layout.hpp"
#include "host/plan/derived_params.hpp"
#include "host/plan/likelihood.hpp"
#include "host/plan/observables.hpp"
#include "host/plan/resonant_basis.hpp"
#include "kernels/constraints/constraint_eval.hpp"

namespace bscan {

struct MeasurementSet;    // host/config/measurement_set.hpp
struct TheoryCovariance;  // host/plan/theory_covariance.hpp

struct Axis {
  std::string name;  // = parameter name
  int param;
  std::vector<double> values;
  bool log_spacing = false;
};

// A contiguous flat index range [begin, end) on chunk boundaries: one per MPI rank later.
struct Slab {
  long long begin = 0, end = 0;
};

// Where the stage-1 resonance integrals live: nowhere (no resonant term), one table per slab
// (every distinct pole of the slab integrated once) or, when that table would exceed
// kPoleTableBudgetBytes or every point has a pole of its own, one per chunk.
enum class PoleTableScope { none, slab, chunk };
inline constexpr long long kPoleTableBudgetBytes = 256ll << 20;

// Confidence regions of a scan's chi2 groups: a point is inside the n-sigma region of group G when
// chi2_G - min chi2_G <= level[n - 1] (host/output/best_fit.cpp sets the bits after the scan).
struct Chi2Confidence {
  int dof = 1;
  double level[3] = {};
  std::vector<std::array<int, 3>> bits;  // per group: cl_1s_G, cl_2s_G, cl_3s_G
};

struct ScanPlan {
  const ModelInfo* model = nullptr;
  const PhysicsData* physics = nullptr;
  std::vector<Axis> axes;
  std::vector<double> fixed;  // every parameter of the model; axes and derived ones override theirs
  std::vector<DerivedParam> derived;        // parameters set by expressions of axes
  std::vector<ObservableSpec> observables;  // the user's first, then those constraints read
  std::size_t n_user_observables = 0;       // how many of them are the user's
  std::vector<std::size_t> stored;          // the user's observables the output stores
  bool store_pulls = true;                  // the output stores the pulls and chi2 rows
  double checkpoint_seconds = 1.0;          // how often the output records completed chunks
  CompiledObservables compiled;
  std::vector<Spectral> contact;  // stage 0 of every term (host-computed, model independent)
  BasisTables bases;              // stage-1 bases of the binned terms (resonant models only)
  ModelOptions options;

  // Constraints of the measurement set (host/plan/constraints.hpp): kernel table, output names.
  std::string measurement_set = "none";
  std::shared_ptr<const MeasurementSet> set;  // null without constraints
  std::vector<ConstraintOp> constraints;
  std::vector<std::string> pull_names, pull_labels;
  std::vector<std::string> flag_names;  // by bit index
  int bit_allowed_2s = -1;
  std::vector<std::string> chi2_groups;  // names; their chi2_ and delta_chi2_ rows end pull_names
  Chi2Groups chi2;                       // the kernel's view: rows, SM chi2, improves_ bits
  Chi2Confidence chi2_cl;
  GaussianPlan gaussian;  // Gaussian sets: components, covariance, block factors
  std::shared_ptr<const TheoryCovariance> theory;  // theory = "covariance": the sampled SM one
  std::vector<std::string> skipped;  // "name (why)" of the entries the model cannot evaluate

  // Execution layout.
  long long chunk_size = 1 << 16;      // most points per evaluation
  std::size_t chunk_target = 1 << 16;  // points per HDF5 chunk aimed at (layout's target)
  ChunkLayout layout{{1}, 1};          // HDF5 chunks = flat ranges the executor hands out
  std::vector<Slab> slabs;             // the flat range split on chunk boundaries
  PoleTableScope pole_scope = PoleTableScope::none;
  unsigned pole_axes = 0;   // bit a: axis a moves the pole (its parameter or a derived one)
  long long pole_keys = 0;  // distinct pole keys on the grid (product of the pole axes)
  int device = 0;           // GPU index for the CUDA backend

  long long total_points() const;
  int flag_words() const { return static_cast<int>((flag_names.size() + 31) / 32); }
  // The end of the executor's chunk that starts at `begin` in `slab` (chunk_size points at most,
  // on an HDF5 chunk boundary).
  long long chunk_end(const Slab& slab, long long begin) const {
    return std::min<long long>(
        slab.end, static_cast<long long>(layout.aligned_end(static_cast<std::size_t>(begin),
                                                            static_cast<std::size_t>(chunk_size))));
  }
  // Row k of the pull outputs is a chi2 (chi2_G, delta_chi2_G, delta_chi2_best_G), not a pull_NAME.
  bool is_chi2_row(std::size_t k) const {
    return chi2.n > 0 && k >= static_cast<std::size_t>(chi2.first_row);
  }
  // Row k is delta_chi2_best_G: known only once the whole map is (not for a single point).
  bool is_best_fit_row(std::size_t k) const {
    return is_chi2_row(k) && (k - static_cast<std::size_t>(chi2.first_row)) % 3 == 2;
  }
  std::string pull_output_name(std::size_t k) const {
    return is_chi2_row(k) ? pull_names[k] : "pull_" + pull_names[k];
  }
};

// How the plan cuts the grid (MPI ranks and GPUs come later).
struct PlanLayoutOptions {
  int slabs = 1;
  int device = 0;
  long long pole_table_budget = kPoleTableBudgetBytes;  // largest per-slab pole table
};

// Resolves a config against its model, the physics data and its measurement set: observables,
// constraints (with their SM predictions), stage 0, the layout. Throws InputError naming the
// config key.
ScanPlan build_plan(const ScanConfig& c, const PhysicsData& physics,
                    const PlanLayoutOptions& layout = {});

}  // namespace bscan
