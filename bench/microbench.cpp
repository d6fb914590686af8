// Kernel microbenchmarks (Google Benchmark) on the CPU backend: stage 1 per (pole, binned term)
// from the basis and by the graded quadrature it replaces, stage 2 per point, the constraint stage
// per point, and the scaling series of a whole scan (executor, no output file) against the number
// of bins and of points. Usage and recorded numbers: bench/README.md, bench/RESULTS.md.
#include <benchmark/benchmark.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/system/omp/execution_policy.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "host/config/physics_data.hpp"
#include "host/config/scan_config.hpp"
#include "host/exec/backend.hpp"
#include "host/exec/executor.hpp"
#include "host/plan/resonant_basis.hpp"
#include "host/plan/scan_plan.hpp"
#include "kernels/channels/rate_terms.hpp"
#include "kernels/constraints/constraint_eval.hpp"

namespace bscan {
namespace {

const PhysicsData& physics() {
  static const PhysicsData data =
      load_physics_data(std::filesystem::path(BSCAN_DATA_DIR) / "parameters/flavio-2.7.toml");
  return data;
}

// n log-spaced values in [lo, hi].
std::vector<double> log_axis(double lo, double hi, long long n) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (long long i = 0; i < n; ++i)
    v[i] = n == 1 ? lo : lo * std::pow(hi / lo, static_cast<double>(i) / (n - 1));
  return v;
}

// ---- stage 1 per (pole, binned term) ----------------------------------------------------------

// The binned terms of the benchmarks: R_K's central bin (B -> K, smeared electrons) and the rate
// of B -> K* mu mu in [1.1, 6] (the constraint set's costliest kind).
RateTerm stage1_term(int which) {
  RateTerm t{};
  t.kind = TermKind::binned;
  t.channel = which == 0 ? Channel::BplusKplus : Channel::B0Kstar0;
  t.lepton = which == 0 ? Lepton::e : Lepton::mu;
  t.bin = {1.1, 6.0, which == 0 ? 0.010 : 0.0};
  return t;
}

// 64 poles with masses log-spaced over [0.05, 4.5] GeV and Gamma/M fixed.
std::vector<Pole> stage1_poles(double width_over_mass) {
  std::vector<Pole> poles;
  for (double m : log_axis(0.05, 4.5, 64)) poles.push_back({m * m, m * m * width_over_mass, true});
  return poles;
}

constexpr WcMasks kAlpMasks{0u, 1u << kCP | 1u << kCPp};

// Args: term (0: B->K e smeared, 1: B->K* mu), -log10(Gamma/M).
void BM_Stage1Basis(benchmark::State& state) {
  const PhysicsInputs in = physics().inputs();
  const RateTerm term = stage1_term(static_cast<int>(state.range(0)));
  const BasisTables bt = build_resonant_basis(in, term, project(term.channel, kAlpMasks));
  const BasisStore st = bt.view();
  const std::vector<Pole> poles = stage1_poles(std::pow(10.0, -state.range(1)));
  long long fallback = 0;
  for (auto _ : state)
    for (const Pole& p : poles) {
      ResonantIntegrals r{};
      if (!term_resonant_basis(st, 0, p, r)) ++fallback;
      benchmark::DoNotOptimize(r);
    }
  state.SetItemsProcessed(state.iterations() * static_cast<long long>(poles.size()));
  state.counters["fallback"] = static_cast<double>(fallback) / (state.iterations() * poles.size());
}
BENCHMARK(BM_Stage1Basis)->ArgsProduct({{0, 1}, {1, 3, 9, 18}})->Unit(benchmark::kMicrosecond);

// The graded quadrature (the fallback and test oracle) on the same poles.
void BM_Stage1Quadrature(benchmark::State& state) {
  const PhysicsInputs in = physics().inputs();
  const RateTerm term = stage1_term(static_cast<int>(state.range(0)));
  const DirMasks masks = project(term.channel, kAlpMasks);
  const std::vector<Pole> poles = stage1_poles(std::pow(10.0, -state.range(1)));
  for (auto _ : state)
    for (const Pole& p : poles) benchmark::DoNotOptimize(term_resonant(in, term, p, masks));
  state.SetItemsProcessed(state.iterations() * static_cast<long long>(poles.size()));
}
BENCHMARK(BM_Stage1Quadrature)->ArgsProduct({{0, 1}, {1, 3, 9, 18}})->Unit(benchmark::kMicrosecond);

// ---- stage 2 and the constraint stage per point -----------------------------------------------

// The constraint benchmark's plane (bench/constraints_1000x1000.toml) at n x n: m_a x c_sb_minus,
// all of paper-2021 when `constraints`.
ScanConfig constraint_plane(long long n, bool constraints) {
  ScanConfig c;
  c.model = "alp";
  c.parameters = {{"c_sb_plus", 1e-10}, {"c_ee", 0.1}, {"c_mumu", 1e-5}};
  c.axes = {{"m_a", log_axis(0.01, 5.0, n), true}, {"c_sb_minus", log_axis(1e-12, 1e-7, n), true}};
  c.observables = {"RKstar[0.045,1.1]", "RKstar[1.1,6.0]"};
  if (constraints) c.constraints.measurements = "paper-2021";
  return c;
}

// R_K and both rates in [1.1, 6] over m_a x c_sb_plus (bench/rk_map_1000x1000.toml).
ScanConfig rk_plane(long long n_mass, long long n_coupling) {
  ScanConfig c;
  c.model = "alp";
  c.parameters = {{"c_ee", 0.1}, {"c_mumu", 1e-5}};
  c.axes = {{"m_a", log_axis(0.01, 5.0, n_mass), true},
            {"c_sb_plus", log_axis(1e-12, 1e-7, n_coupling), true}};
  c.observables = {"RK[1.1,6.0]", "BR(B+->K+ee)[1.1,6.0]", "BR(B+->K+mumu)[1.1,6.0]"};
  return c;
}

// Evaluates one chunk of 65536 points repeatedly after the slab's stage 1: stage 2 (with the
// constraint stage when the plan has constraints). Args: 0 R_K map, 1 constraint map without
// constraints (its 2 observables plus nothing hidden), 2 with all of paper-2021.
void BM_Stage2PerPoint(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const ScanPlan plan =
      build_plan(which == 0 ? rk_plane(256, 256) : constraint_plane(256, which == 2), physics());
  std::unique_ptr<Backend> backend = make_cpu_backend(plan, 0);
  backend->prepare_slab(plan.slabs.front());
  const long long n = plan.total_points();
  std::vector<double> out(plan.observables.size() * n);
  std::vector<float> pulls(plan.pull_names.size() * n);
  std::vector<std::uint32_t> flags(static_cast<std::size_t>(plan.flag_words()) * n);
  for (auto _ : state) backend->evaluate(0, n, out.data(), pulls.data(), flags.data());
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["observables"] = static_cast<double>(plan.observables.size());
  state.counters["rate_terms"] = static_cast<double>(plan.compiled.terms.size());
}
BENCHMARK(BM_Stage2PerPoint)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The constraint stage alone (pulls, flags, chi2 of paper-2021) on the constraint map's values.
void BM_ConstraintStage(benchmark::State& state) {
  const ScanPlan plan = build_plan(constraint_plane(256, true), physics());
  std::unique_ptr<Backend> backend = make_cpu_backend(plan, 0);
  const long long n = plan.total_points();
  std::vector<double> out(plan.observables.size() * n);
  std::vector<float> pulls(plan.pull_names.size() * n);
  const int words = plan.flag_words();
  std::vector<std::uint32_t> flags(static_cast<std::size_t>(words) * n);
  backend->evaluate(0, n, out.data(), pulls.data(), flags.data());
  const ConstraintStage stage{plan.constraints.data(),
                              static_cast<int>(plan.constraints.size()),
                              words,
                              plan.bit_allowed_2s,
                              out.data(),
                              n,
                              pulls.data(),
                              flags.data(),
                              plan.chi2};
  for (auto _ : state)
    thrust::for_each(thrust::omp::par, thrust::counting_iterator<long long>(0),
                     thrust::counting_iterator<long long>(lane_items(n)), stage);
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["constraints"] = static_cast<double>(plan.constraints.size());
}
BENCHMARK(BM_ConstraintStage)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- scaling series: whole scans through the executor, without an output file ----------------

struct NullSink final : Sink {
  void consume(const Chunk& c) override { benchmark::DoNotOptimize(c.values.data()); }
};

double run_scan_points(const ScanPlan& plan) {
  std::unique_ptr<Backend> backend = make_cpu_backend(plan, 0);
  NullSink sink;
  Sink* const sinks[] = {&sink};
  double seconds = 0.0;
  for (const Slab& slab : plan.slabs) seconds += execute(plan, slab, *backend, sinks).seconds;
  return seconds;
}

// Every point its own pole (m_a x c_ee), `bins` binned terms of the same geometry: BR(B+->K+ee)
// in [1.1, 6.0] shifted by 0.005 GeV^2 per bin (below the charm threshold), so that the cost per
// term stays the same and the series shows the cost against the number of terms. Args: bins.
void BM_ScalingBins(benchmark::State& state) {
  const long long bins = state.range(0);
  ScanConfig c;
  c.model = "alp";
  c.parameters = {{"c_sb_plus", 1e-9}, {"c_mumu", 1e-5}};
  c.axes = {{"m_a", log_axis(0.01, 5.0, 200), true}, {"c_ee", log_axis(1e-4, 1e3, 200), true}};
  for (long long b = 0; b < bins; ++b)
    c.observables.push_back("BR(B+->K+ee)[" + std::to_string(1.1 + 0.005 * b) + "," +
                            std::to_string(6.0 + 0.005 * b) + "]");
  const ScanPlan plan = build_plan(c, physics());
  for (auto _ : state) state.SetIterationTime(run_scan_points(plan));
  state.SetItemsProcessed(state.iterations() * plan.total_points());
  state.counters["points"] = static_cast<double>(plan.total_points());
}
BENCHMARK(BM_ScalingBins)
    ->Arg(1)
    ->Arg(4)
    ->Arg(16)
    ->Arg(64)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// Points per second against the number of points. Args: 0 the R_K map (shared poles: one per
// mass), 1 every point its own pole (m_a x c_ee); points = 10^range(1).
void BM_ScalingPoints(benchmark::State& state) {
  const long long n = static_cast<long long>(std::llround(std::pow(10.0, state.range(1))));
  const long long n_mass = std::min<long long>(1000, n / 10);
  ScanConfig c = rk_plane(n_mass, n / n_mass);
  if (state.range(0) == 1) {
    c.parameters = {{"c_sb_plus", 1e-9}, {"c_mumu", 1e-5}};
    c.axes[1] = {"c_ee", log_axis(1e-4, 1e3, n / n_mass), true};
  }
  const ScanPlan plan = build_plan(c, physics());
  for (auto _ : state) state.SetIterationTime(run_scan_points(plan));
  state.SetItemsProcessed(state.iterations() * plan.total_points());
  state.counters["points"] = static_cast<double>(plan.total_points());
}
BENCHMARK(BM_ScalingPoints)
    ->ArgsProduct({{0}, {4, 5, 6, 7, 8}})
    ->ArgsProduct({{1}, {4, 5, 6, 7}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace bscan

BENCHMARK_MAIN();
