#include "host/exec/run_scan.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "host/errors.hpp"
#include "host/mpi/communicator.hpp"
#include "host/output/best_fit.hpp"
#include "host/output/flag_summary.hpp"
#include "host/output/hdf5_sink.hpp"
#include "host/output/nan_count.hpp"
#include "host/plan/theory_covariance.hpp"

namespace bscan {
namespace {

std::string describe_rules() {
  return "stage 0: composite 16-point Gauss-Legendre, panels <= 0.25 GeV^2; stage 1: composite "
         "10-point Gauss-Legendre, panels <= 0.5 GeV^2 graded x4 around the pole; smearing "
         "window +-6 r in |q|";
}

// Refuses a scan whose output, uncompressed (deflate only shrinks it, up to ~0.1 %), does not fit
// the free space of its file system.
void check_space(const ScanPlan& plan, const ScanConfig& c, const std::filesystem::path& out) {
  const std::filesystem::path dir = out.has_parent_path() ? out.parent_path() : ".";
  std::error_code error;
  const std::filesystem::space_info space = std::filesystem::space(dir, error);
  if (error) return;  // a missing directory is reported when the file is created
  const long double per_point = Hdf5Sink::point_bytes(plan, c.float32);
  const long double need = 1.01L * per_point * plan.total_points() + (1 << 20);
  if (need <= static_cast<long double>(space.available)) return;
  throw OutputError(fmt::format(
      "output '{}': up to {:.3g} GB uncompressed ({} points x {} bytes), but '{}' has {:.3g} GB "
      "free; store less ([output] observables, dtype = \"float32\", flags_only = true) or pass "
      "--no-space-check (deflate usually makes the file smaller)",
      out.string(), static_cast<double>(need / 1e9), plan.total_points(),
      static_cast<long long>(per_point), dir.string(), static_cast<double>(space.available) / 1e9));
}

// What --overwrite may replace: only a file bscan could have written, a regular file (not a link,
// device, pipe or directory) that starts as an HDF5 file does; for a .partial also one that a
// kill during its creation left empty or without its superblock (zeros).
void check_replaceable(const std::filesystem::path& p, bool partial) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(p, ec);
  if (ec || !fs::exists(st)) return;
  const char* kind = fs::is_symlink(st)         ? "a symbolic link"
                     : fs::is_directory(st)     ? "a directory"
                     : !fs::is_regular_file(st) ? "not a regular file (a device, pipe or socket)"
                                                : nullptr;
  char head[8] = {};
  std::ifstream in(p, std::ios::binary);
  in.read(head, sizeof head);
  const std::streamsize got = in.gcount();
  const bool hdf5 = got == 8 && std::memcmp(head, "\211HDF\r\n\032\n", 8) == 0;
  const bool zeros = std::all_of(head, head + got, [](char c) { return c == 0; });
  if (kind == nullptr && !hdf5 && !(partial && zeros)) kind = "not an HDF5 file";
  if (kind != nullptr)
    throw InputError(fmt::format(
        "output '{}' is {}: --overwrite replaces only a file bscan wrote; remove it yourself or "
        "choose another path",
        p.string(), kind));
}

// Chunks of the plan in the executor's order: (begin, count) of every one.
std::vector<std::pair<long long, long long>> all_chunks(const ScanPlan& plan) {
  std::vector<std::pair<long long, long long>> chunks;
  for (const Slab& slab : plan.slabs)
    for (long long begin = slab.begin; begin < slab.end; begin = plan.chunk_end(slab, begin))
      chunks.emplace_back(begin, plan.chunk_end(slab, begin) - begin);
  return chunks;
}

// A resumed run's flag summary: the flags of the chunks already in the file, read back (by every
// rank, as reads are collective; counted by rank 0).
void replay_flags(const ScanPlan& plan, const std::vector<std::pair<long long, long long>>& chunks,
                  Hdf5Sink& file, FlagSummary& summary, bool count) {
  Chunk c;
  for (const auto& [begin, n] : chunks) {
    if (!file.done(begin, n)) continue;
    c.begin = begin;
    c.count = n;
    c.flags.resize(static_cast<std::size_t>(plan.flag_words() * n));
    file.read_flags(begin, n, c.flags.data());
    if (count) summary.consume(c);
  }
}

// The sampled SM covariance the plan's chi2 uses, stored with the map it made.
void store_theory_covariance(const ScanPlan& plan, Hdf5Sink& file) {
  if (!plan.theory) return;
  const TheoryCovariance& t = *plan.theory;
  const std::size_t n = t.ids.size();
  const std::map<std::string, std::string> strings = {
      {"observables", nlohmann::json(t.ids).dump()},
      {"nuisances", t.nuisances},
      {"description",
       "SM covariance of the measured observables (rows and columns in the order "
       "of the attribute 'observables'), sampled over the nuisance parameters"}};
  const std::map<std::string, double> numbers = {{"samples", t.samples},
                                                 {"seed", static_cast<double>(t.seed)}};
  file.write_array({Hdf5Sink::kTheoryCovariance,
                    {n, n},
                    std::vector<double>(t.covariance.data(), t.covariance.data() + n * n),
                    strings,
                    numbers});
  file.write_array({Hdf5Sink::kTheoryCentral, {n}, t.central, strings, numbers});
}

using Skip = std::function<bool(long long, long long)>;

// Every slab of the plan through the executor, the statistics added to the report; chunks for
// which skip(begin, count) is true are left out (another rank's, or already in the file).
void scan_slabs(const ScanPlan& plan, Backend& backend, std::span<Sink* const> sinks,
                const RunOptions& opt, const Skip& skip, RunReport& report) {
  const long long total = plan.total_points();
  for (const Slab& slab : plan.slabs) {
    const long long before = report.stats.points + report.stats.skipped;
    report.stats += execute(
        plan, slab, backend, sinks,
        [&](long long done) {
          if (const int sig = opt.stop ? opt.stop() : 0) throw Interrupted(sig, "");
          if (opt.progress) opt.progress(before + done, total);
        },
        skip);
  }
}

// Which chunks this rank evaluates: the chunks still to do (all, or those a resumed file lacks),
// dealt out in turn, chunk i to rank i mod R. Cost varies smoothly along the grid (points with a
// pole of their own cost ~10x more than shared-pole points, on-shell regions more than
// off-shell ones), so dealing neighbouring chunks to different ranks gives every rank the same
// mix; contiguous blocks would give one rank the expensive region (docs/hpc.md, measured). Each
// round of R chunks is one collective write, so a rank with one chunk fewer writes an empty one.
struct ChunkDeal {
  std::vector<char> mine;  // by chunk ordinal
  long long rounds = 0, my_chunks = 0;

  ChunkDeal(const std::vector<std::pair<long long, long long>>& chunks, const Communicator& comm,
            const Skip& done) {
    long long todo = 0;
    mine.resize(chunks.size(), 0);
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      if (done && done(chunks[i].first, chunks[i].second)) continue;
      if (todo++ % comm.size() == comm.rank()) mine[i] = 1, ++my_chunks;
    }
    rounds = (todo + comm.size() - 1) / comm.size();
  }
};

// CPU threads of one rank: all cores with one rank per node, else the node's cores shared out
// (and no more than the cores it is bound to).
int threads_per_rank(int requested, const Communicator& comm) {
  if (requested > 0 || comm.node_size() == 1) return requested;
  cpu_set_t set;
  const int bound = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
  const int share = static_cast<int>(std::thread::hardware_concurrency()) / comm.node_size();
  return std::max(1, std::min(bound, share));
}

std::vector<std::string> skipped_notices(const ScanPlan& plan) {
  std::vector<std::string> out;
  for (const std::string& s : plan.skipped) out.push_back("constraint not applicable: " + s);
  return out;
}

// Everything a run needs before its file is opened: the checks of the command line, the config,
// the plan and this rank's backend. Built in place (the plan points into the physics data).
struct Prepared {
  ScanConfig c;
  PhysicsData physics;
  ScanPlan plan;
  std::vector<std::pair<long long, long long>> chunks;  // all_chunks(plan)
  std::unique_ptr<Backend> backend;
  std::string notice;

  Prepared(const RunOptions& opt, const Communicator& comm, RunReport& report)
      : c(load_config(opt.config)),
        physics(checked_physics(opt, report)),
        plan(build_plan(c, physics, {1, opt.device + comm.node_rank()})),
        chunks(all_chunks(plan)) {
    Hdf5Sink::check_names(plan, opt.config.string());
    if (static_cast<std::size_t>(comm.size()) > chunks.size())
      throw InputError(fmt::format(
          "{} ranks but the grid has {} chunks of at most {} points (key 'chunk_size'): run at "
          "most {} ranks or lower chunk_size",
          comm.size(), chunks.size(), plan.chunk_size, chunks.size()));
    try {
      backend = make_backend(opt.backend, plan, threads_per_rank(opt.threads, comm), notice);
    } catch (const InputError& e) {
      if (!comm.parallel()) throw;
      throw InputError(fmt::format("{} (one GPU per rank: rank {} of its node uses GPU {})",
                                   e.what(), comm.node_rank(), plan.device));
    }
  }

  // The physics data, after the checks of the output path (cheap first).
  PhysicsData checked_physics(const RunOptions& opt, RunReport& report) const {
    report.output = opt.output ? *opt.output : c.output;
    if (report.output.empty())
      throw InputError(
          fmt::format("{}: no output path: set key 'output' or pass -o", opt.config.string()));
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(report.output, ec)) &&
        !opt.overwrite)
      throw InputError(fmt::format("output '{}' exists; pass --overwrite to replace it",
                                   report.output.string()));
    const std::filesystem::path partial = std::filesystem::path(report.output) += ".partial";
    if (opt.overwrite) {
      check_replaceable(report.output, false);
      check_replaceable(partial, true);
    }
    if (opt.resume && !std::filesystem::is_regular_file(partial))
      throw InputError(
          fmt::format("--resume: there is no '{}' to continue (the run finished, never "
                      "started, or its partial file was removed)",
                      partial.string()));
    if (!opt.resume && !opt.overwrite && std::filesystem::exists(partial))
      throw InputError(
          fmt::format("'{}' exists (an interrupted run, or one still running): pass "
                      "--resume to continue it or --overwrite to start again",
                      partial.string()));
    return load_physics_data(physics_file(c.physics, opt.config.parent_path()));
  }
};

// Runs `step` on every rank; a failure on any rank is rethrown on all (Communicator::agree).
template <class F>
void on_all_ranks(const Communicator& comm, F&& step) {
  std::exception_ptr error;
  try {
    step();
  } catch (...) {
    error = std::current_exception();
  }
  comm.agree(error);
}

// The ranks' load: points and evaluation seconds, least and most (several ranks only).
std::string load_notice(const ExecutionStats& mine, const Communicator& comm) {
  const double points = static_cast<double>(mine.points);
  const double lo = comm.min(mine.evaluate), hi = comm.max(mine.evaluate);
  const double mean = comm.sum(mine.evaluate) / comm.size();
  return fmt::format(
      "{} ranks: {:.0f}..{:.0f} points and {:.2f}..{:.2f} s of evaluation per rank (slowest "
      "{:.1f} % above the mean)",
      comm.size(), comm.min(points), comm.max(points), lo, hi,
      mean > 0 ? 100.0 * (hi / mean - 1.0) : 0.0);
}

}  // namespace

RunReport run_scan(const RunOptions& opt) {
  const Communicator& comm = Communicator::world();
  RunReport report;
  std::optional<Prepared> prep;
  on_all_ranks(comm, [&] { prep.emplace(opt, comm, report); });
  const ScanConfig& c = prep->c;
  const ScanPlan& plan = prep->plan;
  Backend& backend = *prep->backend;
  report.notices = skipped_notices(plan);
  if (!plan.bases.term.empty())
    report.notices.push_back(
        fmt::format("stage-1 bases: {} binned terms, {} panels, {} integrands, {:.0f} KiB",
                    plan.bases.term.size(), plan.bases.panel.size(), plan.bases.fun.size(),
                    plan.bases.bytes() / 1024.0));
  if (!prep->notice.empty()) report.notices.push_back(prep->notice);
  report.backend = backend.name();
  report.device = comm.from_root(backend.device());
  const std::filesystem::path partial = std::filesystem::path(report.output) += ".partial";
  on_all_ranks(comm, [&] {
    if (comm.from_root(report.backend) != report.backend)
      throw InputError(
          fmt::format("rank {} runs on the {} backend ({}), rank 0 on another: give "
                      "every rank a GPU or pass --backend cpu",
                      comm.rank(), report.backend, prep->notice));
    if (opt.space_check && !opt.resume) check_space(plan, c, report.output);
  });

  // On --resume every one of these but the device must match the .partial's (results do not
  // depend on the thread count or the number of ranks).
  FileAttributes attrs;
  attrs.strings = {{"bscan_version", BSCAN_VERSION},
                   {"bscan_git_hash", BSCAN_GIT_HASH},
                   {"bscan_config", c.text},
                   {"model", c.model},
                   {"backend", report.backend},
                   {"physics_data", prep->physics.name()},
                   {"integration_rule", describe_rules()},
                   {"measurement_set", plan.measurement_set},
                   {"device", report.device}};
  attrs.may_differ = {"device"};
  std::optional<Hdf5Sink> opened;
  try {
    opened.emplace(plan, report.output, attrs, c.float32, opt.overwrite,
                   opt.resume ? PartialMode::resume : PartialMode::resumable, comm);
  } catch (const ResumeMismatch& e) {
    throw InputError(fmt::format(
        "--resume: {}; run with --overwrite instead of --resume to start again", e.what()));
  }
  Hdf5Sink& file = *opened;
  store_theory_covariance(plan, file);
  if (file.restarted())
    report.notices.push_back(fmt::format(
        "'{}' held no completed chunk (killed while it was being created): started again",
        partial.string()));
  FlagSummary summary(plan);
  NanCount nans(plan);
  if (opt.resume) replay_flags(plan, prep->chunks, file, summary, comm.rank() == 0);
  const auto done = [&](long long begin, long long count) { return file.done(begin, count); };
  const ChunkDeal deal(prep->chunks, comm, opt.resume ? Skip(done) : Skip{});
  long long ordinal = 0;
  const auto not_mine = [&](long long, long long) { return deal.mine[ordinal++] == 0; };
  Sink* const sinks[] = {&file, &summary, &nans};
  const long long total = plan.total_points();
  std::vector<long long> cl_bits;  // this rank's points inside each confidence region
  try {
    scan_slabs(plan, backend, sinks, opt, not_mine, report);
    for (long long r = deal.my_chunks; r < deal.rounds; ++r)  // this rank's empty turns
      for (Sink* s : sinks) s->consume(Chunk{});
    file.checkpoint();
    cl_bits = write_best_fit(plan, prep->chunks, file, comm);
    for (Sink* s : sinks) s->finish();
  } catch (const Interrupted& e) {
    try {
      file.checkpoint();            // the chunks written so far count for --resume
    } catch (const OutputError&) {  // the .partial stays as of its last checkpoint
    }
    throw Interrupted(e.signal,
                      fmt::format("stopped by SIG{}: the chunks completed so far are kept in '{}'; "
                                  "`bscan run {} --resume` continues the scan",
                                  sigabbrev_np(e.signal), partial.string(), opt.config.string()));
  } catch (const std::exception& e) {
    const bool output = dynamic_cast<const OutputError*>(&e) != nullptr;
    const std::string message =
        output ? fmt::format(
                     "{}; its completed chunks are kept in '{}': `bscan run {} --resume` "
                     "continues it once the cause is fixed",
                     e.what(), partial.string(), opt.config.string())
               : e.what();
    // The other ranks may wait in a collective write: end the job (the .partial stays as of
    // its last checkpoint).
    if (comm.parallel()) comm.abort(message, output ? 3 : 1);
    if (output) throw OutputError(message);
    throw;
  }
  if (comm.parallel()) report.notices.push_back(load_notice(report.stats, comm));
  report.stats.points = comm.sum(report.stats.points);
  const long long skipped = total - report.stats.points;
  if (opt.resume && skipped > 0)
    report.notices.push_back(fmt::format("resumed: {} of {} points were already in '{}'", skipped,
                                         total, partial.string()));
  std::vector<long long> nan_counts = nans.counts();
  comm.sum(nan_counts);
  report.warnings = NanCount::lines(plan, nan_counts, report.stats.points);
  if (!plan.flag_names.empty()) {
    std::vector<long long> passing = summary.passing();
    for (const auto& bits : plan.chi2_cl.bits)  // set after the scan, not seen by the summary
      for (int b : bits)
        passing[static_cast<std::size_t>(b)] = cl_bits[static_cast<std::size_t>(b)];
    comm.sum(passing);
    report.flag_table = FlagSummary::table(plan.flag_names, passing, total);
  }
  return report;
}

std::string validate_config(const std::filesystem::path& config,
                            std::vector<std::string>& notices) {
  const ScanConfig c = load_config(config);
  const PhysicsData physics = load_physics_data(physics_file(c.physics, config.parent_path()));
  const ScanPlan plan = build_plan(c, physics);
  Hdf5Sink::check_names(plan, config.string());
  notices = skipped_notices(plan);
  return fmt::format("{}: valid; model {}, {} axes, {} points, {} observables, {} constraints ({})",
                     config.string(), c.model, c.axes.size(), plan.total_points(),
                     c.observables.size(), plan.constraints.size(), plan.measurement_set);
}

}  // namespace bscan
