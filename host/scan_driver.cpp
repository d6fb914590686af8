#include "host/scan_driver.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "host/errors.hpp"
#include "host/hdf5_writer.hpp"

namespace bscan {
namespace {

using Clock = std::chrono::steady_clock;

// One status line on stderr: points done, points/s, ETA.
class Progress {
 public:
  Progress(long long total, bool enabled)
      : total_(total), enabled_(enabled), tty_(isatty(2) != 0) {}
  void update(long long done) {
    if (!enabled_) return;
    const double s = std::chrono::duration<double>(Clock::now() - start_).count();
    if (done < total_ && s - last_ < (tty_ ? 0.2 : 5.0)) return;
    last_ = s;
    const double rate = s > 0.0 ? done / s : 0.0;
    const double eta = rate > 0.0 ? (total_ - done) / rate : 0.0;
    fmt::print(stderr, "{}{}/{} points  {:.3g} points/s  ETA {:.1f} s{}", tty_ ? "\r" : "", done,
               total_, rate, eta, tty_ && done < total_ ? "" : "\n");
    std::fflush(stderr);
  }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  long long total_;
  bool enabled_, tty_;
  Clock::time_point start_ = Clock::now();
  double last_ = -1e9;
};

std::string describe_rules() {
  return "stage 0: composite 16-point Gauss-Legendre, panels <= 0.25 GeV^2; stage 1: composite "
         "10-point Gauss-Legendre, panels <= 0.5 GeV^2 graded x4 around the pole; smearing "
         "window +-6 r in |q|";
}

}  // namespace

ScanProblem build_problem(const ScanConfig& c, const PhysicsData& physics) {
  ScanProblem pb;
  pb.model = &find_model(c.model);
  pb.physics = &physics;
  pb.fixed = pb.model->resolve(c.parameters);
  for (const AxisConfig& a : c.axes)
    pb.axes.push_back({a.name, *pb.model->param_index(a.name), a.values, a.log_spacing});
  const std::string origin = c.path.empty() ? "config" : c.path.string();
  for (std::size_t i = 0; i < c.observables.size(); ++i) {
    try {
      pb.observables.push_back(
          parse_observable(c.observables[i], *pb.model, c.smearing, physics.inputs()));
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: key 'observables[{}]': {}", origin, i, e.what()));
    }
  }
  prepare_terms(pb);
  return pb;
}

std::string validate_config(const std::filesystem::path& config) {
  const ScanConfig c = load_config(config);
  const PhysicsData physics = load_physics_data(physics_file(c.physics, config.parent_path()));
  const ScanProblem pb = build_problem(c, physics);
  return fmt::format("{}: valid; model {}, {} axes, {} points, {} observables", config.string(),
                     c.model, c.axes.size(), pb.total_points(), c.observables.size());
}

std::filesystem::path run_scan(const RunOptions& opt) {
  const ScanConfig c = load_config(opt.config);
  const std::filesystem::path out = opt.output ? *opt.output : c.output;
  if (out.empty())
    throw InputError(
        fmt::format("{}: no output path: set key 'output' or pass -o", opt.config.string()));
  if (std::filesystem::exists(out) && !opt.overwrite)
    throw InputError(
        fmt::format("output '{}' exists; pass --overwrite to replace it", out.string()));
  const PhysicsData physics = load_physics_data(physics_file(c.physics, opt.config.parent_path()));
  const ScanProblem pb = build_problem(c, physics);
  std::string notice;
  std::unique_ptr<Backend> backend = make_backend(opt.backend, pb, opt.threads, notice);
  if (!notice.empty()) spdlog::warn("{}", notice);
  spdlog::info("{} points x {} observables on {} ({})", pb.total_points(), pb.observables.size(),
               backend->name(), backend->device());

  std::vector<AxisSpec> axes;
  for (const Axis& a : pb.axes) {
    const ParamInfo& p = pb.model->params[a.param];
    axes.push_back({a.name, p.unit, p.latex, a.values});
  }
  std::vector<VariableSpec> vars;
  for (const ObservableSpec& o : pb.observables)
    vars.push_back({o.id, o.unit, o.latex, c.float32 ? DType::f32 : DType::f64, {}, {}});
  FileAttributes attrs;
  attrs.strings = {{"bscan_version", BSCAN_VERSION}, {"bscan_git_hash", BSCAN_GIT_HASH},
                   {"bscan_config", c.text},         {"model", c.model},
                   {"backend", backend->name()},     {"device", backend->device()},
                   {"physics_data", physics.name()}, {"integration_rule", describe_rules()},
                   {"measurement_set", "none"}};
  for (std::size_t i = 0; i < pb.fixed.size(); ++i) {
    const bool on_axis = std::any_of(pb.axes.begin(), pb.axes.end(),
                                     [&](const Axis& a) { return a.param == static_cast<int>(i); });
    if (!on_axis) attrs.numbers["parameter_" + pb.model->params[i].name] = pb.fixed[i];
  }
  Hdf5Writer writer(out, axes, vars, attrs, opt.overwrite,
                    static_cast<std::size_t>(std::min<long long>(c.chunk_size, 1 << 20)));

  const long long total = pb.total_points();
  Progress progress(total, opt.progress || isatty(2) != 0);
  std::vector<double> buf;
  std::vector<float> buf32;
  for (long long begin = 0; begin < total;) {
    const long long end = static_cast<long long>(writer.aligned_end(begin, c.chunk_size));
    const long long n = end - begin;
    buf.resize(static_cast<std::size_t>(n) * vars.size());
    backend->evaluate(begin, n, buf.data());
    for (std::size_t v = 0; v < vars.size(); ++v) {
      const double* col = buf.data() + v * n;
      if (c.float32) {
        buf32.assign(col, col + n);
        writer.write(v, begin, n, buf32.data());
      } else {
        writer.write(v, begin, n, col);
      }
    }
    begin = end;
    progress.update(begin);
  }
  writer.finish();
  spdlog::info("{} points in {:.2f} s ({:.3g} points/s)", total, progress.seconds(),
               total / progress.seconds());
  return out;
}

}  // namespace bscan
