// The executor: runs one slab of a plan on a backend, chunk by chunk on chunk boundaries, and hands
// every finished chunk to the sinks on one writer thread, so that evaluating chunk k+1 overlaps
// writing chunk k (double buffering).
#pragma once
#include <functional>
#include <span>

#include "host/exec/backend.hpp"
#include "host/output/sink.hpp"
#include "host/plan/scan_plan.hpp"

namespace bscan {

// Where the time went: the main thread evaluates (stage 1 of the slab, then the chunks), the
// writer thread runs the sinks; `waited` is the main thread's wait for the writer.
struct ExecutionStats {
  long long points = 0, chunks = 0, stage1_integrals = 0;
  long long skipped = 0;  // points of chunks `skip` said are done
  double seconds = 0.0, stage1 = 0.0, evaluate = 0.0, write = 0.0, waited = 0.0;

  ExecutionStats& operator+=(const ExecutionStats& o) {
    points += o.points, chunks += o.chunks, stage1_integrals += o.stage1_integrals;
    skipped += o.skipped;
    seconds += o.seconds, stage1 += o.stage1, evaluate += o.evaluate, write += o.write;
    waited += o.waited;
    return *this;
  }
};

// Runs `slab` of `plan`; calls progress(points done or skipped) after each chunk; returns when
// every chunk is written (the caller finishes the sinks after its last slab). Chunks for which
// skip(begin, count) is true are left out (a resumed run: already in the file). An error in a
// sink stops the run and is rethrown here.
ExecutionStats execute(const ScanPlan& plan, const Slab& slab, Backend& backend,
                       std::span<Sink* const> sinks,
                       const std::function<void(long long)>& progress = {},
                       const std::function<bool(long long begin, long long count)>& skip = {});

}  // namespace bscan
