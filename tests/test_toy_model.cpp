// The toy model of tests/toy/ (one header, one registration line) end to end: in the registry,
// at one point, in a scan run by the executor into a test sink, and through its own command line
// (point, run, list).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sstream>

#include "host/errors.hpp"
#include "host/exec/evaluate_point.hpp"
#include "host/exec/executor.hpp"
#include "host/exec/register_model.hpp"
#include "test_support.hpp"
#include "toy/toy_scalar.hpp"

namespace bscan {
namespace {

namespace fs = std::filesystem;
using test::ToyScalarModel;

const ModelInfo& toy() {
  static const bool registered = [] {
    register_model<ToyScalarModel>();
    return true;
  }();
  (void)registered;
  return find_model("toy_scalar");
}

// Collects every chunk it is handed (the test sink).
struct CollectSink final : Sink {
  std::vector<Chunk> chunks;
  bool finished = false;
  void consume(const Chunk& c) override { chunks.push_back(c); }
  void finish() override { finished = true; }
};

TEST(ToyModel, RegistryReadsTheHeader) {
  const ModelInfo& m = toy();
  EXPECT_EQ(m.symbol, "S");
  ASSERT_EQ(m.params.size(), 3u);
  EXPECT_EQ(m.params[1].name, "g_sb");
  EXPECT_TRUE(m.decays_into(Decay::mumu));
  EXPECT_FALSE(m.decays_into(Decay::ee));
  EXPECT_EQ(particle_observables(m),
            (std::vector<std::string>{"Gamma_S", "BR(S->mumu)", "BR(B+->K+S)", "BR(B0->K*0S)"}));
  // The particle grammar follows the symbol; the ALP's ids are not the toy's.
  EXPECT_THROW(parse_observable("Gamma_a", m, {}, test::physics().inputs()), InputError);
  EXPECT_THROW(parse_observable("BR(S->ee)", m, {}, test::physics().inputs()), InputError);
}

// Gamma_S against its closed form g^2 m beta^3 / (8 pi), written out here.
TEST(ToyModel, WidthIsTheClosedForm) {
  const double m = 2.0, g = 0.1, mmu = test::physics().inputs().m_lepton[1];
  const double beta = std::sqrt(1.0 - 4.0 * mmu * mmu / (m * m));
  const std::vector<double> v = evaluate_point(toy(), test::physics(), {{"m_S", m}, {"g_mumu", g}},
                                               {"Gamma_S", "BR(S->mumu)", "Gamma_S/m_S"});
  const double expected = g * g * m * beta * beta * beta / (8.0 * std::numbers::pi);
  EXPECT_NEAR(v[0] / expected, 1.0, 1e-14);
  EXPECT_DOUBLE_EQ(v[1], 1.0);
  EXPECT_NEAR(v[2] / (expected / m), 1.0, 1e-14);
}

// Without g_sb the toy is the SM; with it only the muon rate moves.
TEST(ToyModel, ResonanceShiftsOnlyTheMuons) {
  const std::vector<std::string> ids = {"BR(B+->K+mumu)[1.1,6.0]", "BR(B+->K+ee)[1.1,6.0]"};
  const std::vector<double> sm = evaluate_point(find_model("wet"), test::physics(), {}, ids);
  const std::vector<double> off =
      evaluate_point(toy(), test::physics(), {{"m_S", 2.0}, {"g_mumu", 0.1}}, ids);
  const std::vector<double> on =
      evaluate_point(toy(), test::physics(), {{"m_S", 2.0}, {"g_mumu", 0.1}, {"g_sb", 1.0}}, ids);
  EXPECT_NEAR(off[0] / sm[0], 1.0, 1e-12);
  EXPECT_NEAR(on[1] / sm[1], 1.0, 1e-12);
  EXPECT_GT(std::fabs(on[0] / sm[0] - 1.0), 1e-3);
}

// A scan of the toy through the executor: the chunks cover each slab once and in order, every
// point equals its one-point evaluation, and with the pole axis running fastest (every chunk holds
// every pole) stage 1 runs once per pole per slab, not once per chunk.
TEST(ToyModel, ScanThroughTheExecutorMatchesPoints) {
  ScanConfig c;
  c.model = toy().name;
  c.parameters = {{"g_mumu", 0.1}};
  c.axes = {{"g_sb", {0.0, 1e-4, 1e-3}, false}, {"m_S", {0.5, 1.5, 2.0, 2.5, 4.0}, false}};
  c.observables = {"BR(B+->K+mumu)[1.1,6.0]", "RK[1.1,6.0]", "Gamma_S"};
  c.chunk_size = 5;  // one g_sb row per chunk: each chunk holds all five poles
  const ScanPlan plan = build_plan(c, test::physics(), {2, 0});
  ASSERT_EQ(plan.pole_scope, PoleTableScope::slab);
  ASSERT_EQ(plan.slabs.size(), 2u);
  std::unique_ptr<Backend> backend = make_cpu_backend(plan, 2);
  CollectSink sink;
  Sink* const sinks[] = {&sink};
  long long stage1 = 0, next = 0;
  for (const Slab& slab : plan.slabs) {
    EXPECT_EQ(slab.begin, next);
    stage1 += execute(plan, slab, *backend, sinks).stage1_integrals;
    next = slab.end;
  }
  EXPECT_EQ(next, plan.total_points());
  long long n_binned = 0;
  for (const RateTerm& t : plan.compiled.terms) n_binned += t.kind == TermKind::binned;
  EXPECT_EQ(stage1, static_cast<long long>(plan.slabs.size()) * 5 * n_binned);
  EXPECT_LT(stage1, 3 * 5 * n_binned);  // what one table per chunk would cost
  long long at = 0;
  for (const Chunk& ch : sink.chunks) {
    ASSERT_EQ(ch.begin, at);
    for (long long i = 0; i < ch.count; ++i) {
      const long long flat = ch.begin + i;
      const double gsb = c.axes[0].values[flat / 5], ms = c.axes[1].values[flat % 5];
      const std::vector<double> p = evaluate_point(
          toy(), test::physics(), {{"g_mumu", 0.1}, {"g_sb", gsb}, {"m_S", ms}}, c.observables);
      for (std::size_t o = 0; o < p.size(); ++o)
        EXPECT_EQ(ch.values[o * ch.count + i], p[o]) << c.observables[o] << " at " << flat;
    }
    at += ch.count;
  }
  EXPECT_EQ(at, plan.total_points());
}

struct Result {
  int code;
  std::string out;
};

Result toy_bscan(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt";
  const std::string cmd = std::string(BSCAN_TOY_BINARY) + " " + args + " > " + out.string() +
                          " 2> " + (dir / "stderr.txt").string();
  const int status = std::system(cmd.c_str());
  std::stringstream ss;
  ss << std::ifstream(out).rdbuf();
  return {WEXITSTATUS(status), ss.str()};
}

TEST(ToyModel, CommandLinePointAndRun) {
  const fs::path dir = fs::temp_directory_path() / ("bscan_toy_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  EXPECT_NE(toy_bscan("list models", dir).out.find("toy_scalar"), std::string::npos);
  const Result p = toy_bscan(
      "point --model toy_scalar --set m_S=2 --set g_mumu=0.1 --set g_sb=1e-3 --observable "
      "'BR(B+->K+mumu)[1.1,6.0]' --observable Gamma_S --measurements none --json",
      dir);
  ASSERT_EQ(p.code, 0) << p.out;
  const nlohmann::json j = nlohmann::json::parse(p.out);
  const std::vector<double> v =
      evaluate_point(toy(), test::physics(), {{"m_S", 2.0}, {"g_mumu", 0.1}, {"g_sb", 1e-3}},
                     {"BR(B+->K+mumu)[1.1,6.0]", "Gamma_S"});
  EXPECT_NEAR(j["observables"]["BR(B+->K+mumu)[1.1,6.0]"].get<double>() / v[0], 1.0, 1e-15);
  EXPECT_NEAR(j["observables"]["Gamma_S"].get<double>() / v[1], 1.0, 1e-15);

  std::ofstream(dir / "toy.toml") << R"(model = "toy_scalar"
output = "toy.h5"
observables = ["Gamma_S", "RK[1.1,6.0]"]
[parameters]
g_sb = 1e-3
[[axes]]
name = "m_S"
values = [1.0, 2.0, 3.0]
[[axes]]
name = "g_mumu"
values = [0.05, 0.1]
)";
  const Result r = toy_bscan("run " + (dir / "toy.toml").string(), dir);
  ASSERT_EQ(r.code, 0) << r.out;
  const hid_t f = H5Fopen((dir / "toy.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  double gamma[6];
  ASSERT_GE(H5LTread_dataset_double(f, "Gamma_S", gamma), 0);
  H5Fclose(f);
  const double ms[] = {1.0, 2.0, 3.0}, g[] = {0.05, 0.1};
  for (int i = 0; i < 6; ++i) {
    const double w = evaluate_point(toy(), test::physics(),
                                    {{"m_S", ms[i / 2]}, {"g_mumu", g[i % 2]}}, {"Gamma_S"})[0];
    EXPECT_EQ(gamma[i], w) << i;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bscan
