// The plan's layout and the executor: slabs on chunk boundaries that cover the grid once, chunks
// handed to the sinks in order, the same numbers whether stage 1 is kept per slab or per chunk
// and for any number of slabs, and a failing sink that stops the run with its own error.
#include <gtest/gtest.h>

#include <stdexcept>

#include "host/exec/executor.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

struct CollectSink final : Sink {
  std::vector<Chunk> chunks;
  void consume(const Chunk& c) override { chunks.push_back(c); }
};

struct FailingSink final : Sink {
  int calls = 0;
  void consume(const Chunk&) override {
    if (++calls == 2) throw std::runtime_error("disk full (test)");
  }
};

// An ALP map whose pole axis (m_a) runs fastest, every point with the constraints of paper-2021.
ScanConfig alp_map(long long chunk_size) {
  ScanConfig c;
  c.model = "alp";
  c.parameters = {{"c_ee", 0.1}, {"c_mumu", 1e-5}};
  c.axes = {{"c_sb_plus", {1e-10, 3e-10, 1e-9, 3e-9, 1e-8, 3e-8, 1e-7}, true},
            {"m_a", {0.3, 0.9, 1.05, 1.6, 2.2, 3.0, 4.1, 4.6}, false}};
  c.observables = {"RK[1.1,6.0]", "BR(B+->K+ee)[1.1,6.0]{smear}", "RKstar[0.045,1.1]", "Gamma_a"};
  c.constraints.measurements = "paper-2021";
  c.chunk_size = chunk_size;
  return c;
}

// Every chunk of every slab, in order, into one Chunk of the whole grid.
Chunk run_all(const ScanPlan& plan) {
  std::unique_ptr<Backend> backend = make_cpu_backend(plan, 2);
  CollectSink sink;
  Sink* const sinks[] = {&sink};
  for (const Slab& slab : plan.slabs) execute(plan, slab, *backend, sinks);
  Chunk all;
  const long long n = plan.total_points();
  const std::size_t nv = plan.observables.size(), np = plan.pull_names.size();
  const std::size_t nw = static_cast<std::size_t>(plan.flag_words());
  all.count = n;
  all.values.resize(nv * n);
  all.pulls.resize(np * n);
  all.flags.resize(nw * n);
  long long at = 0;
  for (const Chunk& c : sink.chunks) {
    EXPECT_EQ(c.begin, at) << "chunks out of order or overlapping";
    for (long long i = 0; i < c.count; ++i) {
      for (std::size_t o = 0; o < nv; ++o)
        all.values[o * n + c.begin + i] = c.values[o * c.count + i];
      for (std::size_t k = 0; k < np; ++k)
        all.pulls[k * n + c.begin + i] = c.pulls[k * c.count + i];
      for (std::size_t w = 0; w < nw; ++w)
        all.flags[w * n + c.begin + i] = c.flags[w * c.count + i];
    }
    at += c.count;
  }
  EXPECT_EQ(at, n) << "chunks do not cover the grid";
  return all;
}

TEST(Plan, SlabsCoverTheGridOnChunkBoundaries) {
  for (int slabs : {1, 2, 3, 5, 100}) {
    const ScanPlan plan = build_plan(alp_map(16), test::physics(), {slabs, 0});
    ASSERT_FALSE(plan.slabs.empty());
    EXPECT_LE(plan.slabs.size(), static_cast<std::size_t>(slabs));
    long long at = 0;
    for (const Slab& s : plan.slabs) {
      EXPECT_EQ(s.begin, at);
      EXPECT_GT(s.end, s.begin);
      if (s.end < plan.total_points())
        EXPECT_EQ(plan.layout.chunk_floor(static_cast<std::size_t>(s.end)),
                  static_cast<std::size_t>(s.end))
            << "slab end " << s.end << " is not a chunk boundary";
      at = s.end;
    }
    EXPECT_EQ(at, plan.total_points());
  }
}

TEST(Plan, PoleTableScopeFollowsTheBudget) {
  const ScanPlan slab = build_plan(alp_map(16), test::physics());
  EXPECT_EQ(slab.pole_scope, PoleTableScope::slab);
  EXPECT_EQ(slab.pole_keys, 8);  // m_a moves the pole, c_sb_plus does not
  PlanLayoutOptions tight;
  tight.pole_table_budget = 1;
  EXPECT_EQ(build_plan(alp_map(16), test::physics(), tight).pole_scope, PoleTableScope::chunk);
  ScanConfig own = alp_map(16);  // c_ee on an axis: every point its own pole, nothing to share
  own.axes[0] = {"c_ee", {1e-3, 1e-2, 0.1}, true};
  const ScanPlan own_plan = build_plan(own, test::physics());
  EXPECT_EQ(own_plan.pole_keys, own_plan.total_points());
  EXPECT_EQ(own_plan.pole_scope, PoleTableScope::chunk);
  ScanConfig wet;
  wet.model = "wet";
  wet.axes = {{"C9_bsmumu", {-1.0, 0.0, 1.0}, false}};
  wet.observables = {"RK[1.1,6.0]"};
  EXPECT_EQ(build_plan(wet, test::physics()).pole_scope, PoleTableScope::none);
}

// Bit-identical results for per-slab and per-chunk pole tables, one or several slabs, and small or
// large chunks: the work is cut differently, every number is computed the same way.
TEST(Executor, SameNumbersForAnyCut) {
  const ScanPlan reference = build_plan(alp_map(1 << 16), test::physics());
  const Chunk want = run_all(reference);
  PlanLayoutOptions per_chunk;
  per_chunk.pole_table_budget = 1;
  const ScanPlan cuts[] = {build_plan(alp_map(16), test::physics(), {3, 0}),
                           build_plan(alp_map(8), test::physics(), per_chunk),
                           build_plan(alp_map(24), test::physics(), {4, 0})};
  for (const ScanPlan& plan : cuts) {
    const Chunk got = run_all(plan);
    ASSERT_EQ(got.values.size(), want.values.size());
    for (std::size_t i = 0; i < want.values.size(); ++i)
      if (!(std::isnan(want.values[i]) && std::isnan(got.values[i])))
        ASSERT_EQ(got.values[i], want.values[i]) << "value " << i;
    for (std::size_t i = 0; i < want.pulls.size(); ++i)
      if (!(std::isnan(want.pulls[i]) && std::isnan(got.pulls[i])))
        ASSERT_EQ(got.pulls[i], want.pulls[i]) << "pull " << i;
    EXPECT_EQ(got.flags, want.flags);
  }
}

// Stage 1 runs once per pole of each slab: with the pole axis fastest every chunk holds every
// pole, so a table per chunk would integrate each pole once per chunk.
TEST(Executor, StageOneOncePerPolePerSlab) {
  const ScanPlan plan = build_plan(alp_map(8), test::physics(), {2, 0});  // 7 chunks of 8 points
  long long n_binned = 0;
  for (const RateTerm& t : plan.compiled.terms) n_binned += t.kind == TermKind::binned;
  std::unique_ptr<Backend> backend = make_cpu_backend(plan, 2);
  CollectSink sink;
  Sink* const sinks[] = {&sink};
  long long integrals = 0, chunks = 0;
  for (const Slab& slab : plan.slabs) {
    const ExecutionStats st = execute(plan, slab, *backend, sinks);
    integrals += st.stage1_integrals;
    chunks += st.chunks;
  }
  EXPECT_EQ(chunks, 7);
  EXPECT_EQ(integrals, static_cast<long long>(plan.slabs.size()) * 8 * n_binned);
}

TEST(Executor, AFailingSinkStopsTheRunWithItsError) {
  const ScanPlan plan = build_plan(alp_map(8), test::physics());
  std::unique_ptr<Backend> backend = make_cpu_backend(plan, 1);
  FailingSink failing;
  CollectSink collect;
  Sink* const sinks[] = {&failing, &collect};
  try {
    execute(plan, plan.slabs.front(), *backend, sinks);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "disk full (test)");
  }
  EXPECT_LT(collect.chunks.size(), 7u) << "the run went on after the sink failed";
}

}  // namespace
}  // namespace bscan
