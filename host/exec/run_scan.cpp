#include "host/exec/run_scan.hpp"

#include <fmt/format.h>

#include <optional>

#include "host/errors.hpp"
#include "host/output/flag_summary.hpp"
#include "host/output/hdf5_sink.hpp"

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

// A resumed run's flag summary: the flags of the chunks already in the file, read back.
void replay_flags(const ScanPlan& plan, Hdf5Sink& file, FlagSummary& summary) {
  Chunk c;
  for (const Slab& slab : plan.slabs)
    for (long long begin = slab.begin; begin < slab.end; begin = c.begin + c.count) {
      c.begin = begin;
      c.count = plan.chunk_end(slab, begin) - begin;
      if (!file.done(c.begin, c.count)) continue;
      c.flags.resize(static_cast<std::size_t>(plan.flag_words() * c.count));
      file.read_flags(c.begin, c.count, c.flags.data());
      summary.consume(c);
    }
}

using Skip = std::function<bool(long long, long long)>;

// Every slab of the plan through the executor, the statistics added to the report.
void scan_slabs(const ScanPlan& plan, Backend& backend, std::span<Sink* const> sinks,
                const RunOptions& opt, const Skip& skip, RunReport& report) {
  const long long total = plan.total_points();
  for (const Slab& slab : plan.slabs) {
    const long long before = report.stats.points + report.stats.skipped;
    report.stats += execute(
        plan, slab, backend, sinks,
        [&](long long done) {
          if (opt.progress) opt.progress(before + done, total);
        },
        skip);
  }
}

std::vector<std::string> skipped_notices(const ScanPlan& plan) {
  std::vector<std::string> out;
  for (const std::string& s : plan.skipped) out.push_back("constraint not applicable: " + s);
  return out;
}

}  // namespace

RunReport run_scan(const RunOptions& opt) {
  const ScanConfig c = load_config(opt.config);
  RunReport report;
  report.output = opt.output ? *opt.output : c.output;
  if (report.output.empty())
    throw InputError(
        fmt::format("{}: no output path: set key 'output' or pass -o", opt.config.string()));
  if (std::filesystem::exists(report.output) && !opt.overwrite)
    throw InputError(
        fmt::format("output '{}' exists; pass --overwrite to replace it", report.output.string()));
  const std::filesystem::path partial = std::filesystem::path(report.output) += ".partial";
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
  const PhysicsData physics = load_physics_data(physics_file(c.physics, opt.config.parent_path()));
  const ScanPlan plan = build_plan(c, physics, {1, opt.device});
  report.notices = skipped_notices(plan);
  if (!plan.bases.term.empty())
    report.notices.push_back(
        fmt::format("stage-1 bases: {} binned terms, {} panels, {} integrands, {:.0f} KiB",
                    plan.bases.term.size(), plan.bases.panel.size(), plan.bases.fun.size(),
                    plan.bases.bytes() / 1024.0));
  std::string notice;
  std::unique_ptr<Backend> backend = make_backend(opt.backend, plan, opt.threads, notice);
  if (!notice.empty()) report.notices.push_back(notice);
  report.backend = backend->name();
  report.device = backend->device();

  // On --resume every one of these but the device must match the .partial's (results do not
  // depend on the thread count).
  FileAttributes attrs;
  attrs.strings = {{"bscan_version", BSCAN_VERSION},
                   {"bscan_git_hash", BSCAN_GIT_HASH},
                   {"bscan_config", c.text},
                   {"model", c.model},
                   {"backend", report.backend},
                   {"physics_data", physics.name()},
                   {"integration_rule", describe_rules()},
                   {"measurement_set", plan.measurement_set}};
  if (opt.space_check && !opt.resume) check_space(plan, c, report.output);
  attrs.strings["device"] = report.device;
  attrs.may_differ = {"device"};
  std::optional<Hdf5Sink> opened;
  try {
    opened.emplace(plan, report.output, attrs, c.float32, opt.overwrite,
                   opt.resume ? PartialMode::resume : PartialMode::resumable);
  } catch (const ResumeMismatch& e) {
    throw InputError(fmt::format(
        "--resume: {}; run with --overwrite instead of --resume to start again", e.what()));
  }
  Hdf5Sink& file = *opened;
  if (file.restarted())
    report.notices.push_back(fmt::format(
        "'{}' held no completed chunk (killed while it was being created): started again",
        partial.string()));
  FlagSummary summary(plan);
  if (opt.resume) replay_flags(plan, file, summary);
  Sink* const sinks[] = {&file, &summary};
  const long long total = plan.total_points();
  const auto skip = [&](long long begin, long long count) { return file.done(begin, count); };
  try {
    scan_slabs(plan, *backend, sinks, opt, opt.resume ? skip : Skip{}, report);
    for (Sink* s : sinks) s->finish();
  } catch (const OutputError& e) {
    throw OutputError(
        fmt::format("{}; its completed chunks are kept in '{}': `bscan run {} "
                    "--resume` continues it once the cause is fixed",
                    e.what(), partial.string(), opt.config.string()));
  }
  if (report.stats.skipped > 0)
    report.notices.push_back(fmt::format("resumed: {} of {} points were already in '{}'",
                                         report.stats.skipped, total, partial.string()));
  if (!plan.flag_names.empty()) report.flag_table = summary.table(total);
  return report;
}

std::string validate_config(const std::filesystem::path& config,
                            std::vector<std::string>& notices) {
  const ScanConfig c = load_config(config);
  const PhysicsData physics = load_physics_data(physics_file(c.physics, config.parent_path()));
  const ScanPlan plan = build_plan(c, physics);
  notices = skipped_notices(plan);
  return fmt::format("{}: valid; model {}, {} axes, {} points, {} observables, {} constraints ({})",
                     config.string(), c.model, c.axes.size(), plan.total_points(),
                     c.observables.size(), plan.constraints.size(), plan.measurement_set);
}

}  // namespace bscan
