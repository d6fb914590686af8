#include "host/exec/run_scan.hpp"

#include <fmt/format.h>

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
  const PhysicsData physics = load_physics_data(physics_file(c.physics, opt.config.parent_path()));
  const ScanPlan plan = build_plan(c, physics, {1, opt.device});
  report.notices = skipped_notices(plan);
  std::string notice;
  std::unique_ptr<Backend> backend = make_backend(opt.backend, plan, opt.threads, notice);
  if (!notice.empty()) report.notices.push_back(notice);
  report.backend = backend->name();
  report.device = backend->device();

  FileAttributes attrs;
  attrs.strings = {{"bscan_version", BSCAN_VERSION},
                   {"bscan_git_hash", BSCAN_GIT_HASH},
                   {"bscan_config", c.text},
                   {"model", c.model},
                   {"backend", report.backend},
                   {"device", report.device},
                   {"physics_data", physics.name()},
                   {"integration_rule", describe_rules()},
                   {"measurement_set", plan.measurement_set}};
  Hdf5Sink file(plan, report.output, attrs, c.float32, opt.overwrite);
  FlagSummary summary(plan);
  Sink* const sinks[] = {&file, &summary};
  const long long total = plan.total_points();
  for (const Slab& slab : plan.slabs) {
    const ExecutionStats st = execute(plan, slab, *backend, sinks, [&](long long done) {
      if (opt.progress) opt.progress(report.stats.points + done, total);
    });
    report.stats.points += st.points;
    report.stats.chunks += st.chunks;
    report.stats.stage1_integrals += st.stage1_integrals;
    report.stats.seconds += st.seconds;
    report.stats.stage1 += st.stage1;
    report.stats.evaluate += st.evaluate;
    report.stats.write += st.write;
    report.stats.waited += st.waited;
  }
  for (Sink* s : sinks) s->finish();
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
