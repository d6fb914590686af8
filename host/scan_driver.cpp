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

// The flag word w as a CF flag variable: flag_masks and flag_meanings of its (up to 32) bits.
VariableSpec flag_variable(const ScanProblem& pb, int w) {
  std::vector<std::uint32_t> masks;
  std::string meanings;
  for (std::size_t b = 32 * w; b < std::min<std::size_t>(pb.flag_names.size(), 32 * (w + 1)); ++b) {
    masks.push_back(1u << (b % 32));
    meanings += (meanings.empty() ? "" : " ") + pb.flag_names[b];
  }
  return {w == 0 ? "flags" : fmt::format("flags_{}", w),
          "1",
          "constraint flags (bit set = passes)",
          DType::u32,
          {{"flag_meanings", meanings}},
          {{"flag_masks", masks}}};
}

void count_passing(const std::vector<std::uint32_t>& flags, std::size_t n,
                   std::vector<long long>& passing) {
  for (std::size_t b = 0; b < passing.size(); ++b) {
    const std::uint32_t* word = flags.data() + (b / 32) * n;
    const std::uint32_t mask = 1u << (b % 32);
    long long k = 0;
    for (std::size_t i = 0; i < n; ++i) k += (word[i] & mask) != 0;
    passing[b] += k;
  }
}

// The run's summary on stdout: the fraction of points passing each flag.
void print_summary(const ScanProblem& pb, const std::vector<long long>& passing, long long total) {
  fmt::print("{:<28} {:>12} {:>10}\n", "flag", "points", "fraction");
  for (std::size_t b = 0; b < passing.size(); ++b)
    fmt::print("{:<28} {:>12} {:>10.4f}\n", pb.flag_names[b], passing[b],
               static_cast<double>(passing[b]) / static_cast<double>(total));
}

}  // namespace

ScanProblem build_problem(const ScanConfig& c, const PhysicsData& physics,
                          std::vector<std::string>& skipped, std::string& measurement_set) {
  ScanProblem pb;
  pb.options = c.options;
  pb.smear_non_resonant = c.smear_non_resonant;
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
  try {
    measurement_set =
        plan_constraints(pb, c.constraints, c.path.parent_path(), c.smearing, skipped);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", origin, e.what()));
  }
  prepare_terms(pb);
  return pb;
}

std::string validate_config(const std::filesystem::path& config) {
  const ScanConfig c = load_config(config);
  const PhysicsData physics = load_physics_data(physics_file(c.physics, config.parent_path()));
  std::vector<std::string> skipped;
  std::string set;
  const ScanProblem pb = build_problem(c, physics, skipped, set);
  for (const std::string& s : skipped) spdlog::info("constraint not applicable: {}", s);
  return fmt::format("{}: valid; model {}, {} axes, {} points, {} observables, {} constraints ({})",
                     config.string(), c.model, c.axes.size(), pb.total_points(),
                     c.observables.size(), pb.constraints.size(), set);
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
  std::vector<std::string> skipped;
  std::string set;
  const ScanProblem pb = build_problem(c, physics, skipped, set);
  for (const std::string& s : skipped) spdlog::info("constraint not applicable: {}", s);
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
  const std::size_t n_obs = pb.n_user_observables, n_all = pb.observables.size();
  const std::size_t n_pulls = pb.pull_names.size();
  const int n_words = pb.flag_words();
  std::vector<VariableSpec> vars;
  for (std::size_t o = 0; o < n_obs; ++o) {
    const ObservableSpec& s = pb.observables[o];
    vars.push_back({s.id, s.unit, s.latex, c.float32 ? DType::f32 : DType::f64, {}, {}});
  }
  for (std::size_t k = 0; k < n_pulls; ++k)
    vars.push_back({"pull_" + pb.pull_names[k],
                    "1",
                    "pull of " + pb.pull_names[k],
                    DType::f32,
                    {{"source", pb.pull_labels[k]}},
                    {}});
  for (int w = 0; w < n_words; ++w) vars.push_back(flag_variable(pb, w));
  FileAttributes attrs;
  attrs.strings = {{"bscan_version", BSCAN_VERSION}, {"bscan_git_hash", BSCAN_GIT_HASH},
                   {"bscan_config", c.text},         {"model", c.model},
                   {"backend", backend->name()},     {"device", backend->device()},
                   {"physics_data", physics.name()}, {"integration_rule", describe_rules()},
                   {"measurement_set", set}};
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
  std::vector<float> buf32, pulls;
  std::vector<std::uint32_t> flags;
  std::vector<long long> passing(pb.flag_names.size(), 0);
  for (long long begin = 0; begin < total;) {
    const long long end = static_cast<long long>(writer.aligned_end(begin, c.chunk_size));
    const std::size_t n = static_cast<std::size_t>(end - begin);
    buf.resize(n * n_all);
    pulls.resize(n * n_pulls);
    flags.resize(n * n_words);
    backend->evaluate(begin, static_cast<long long>(n), buf.data(), pulls.data(), flags.data());
    std::size_t v = 0;
    for (std::size_t o = 0; o < n_obs; ++o, ++v) {
      const double* col = buf.data() + o * n;
      if (c.float32) {
        buf32.assign(col, col + n);
        writer.write(v, begin, n, buf32.data());
      } else {
        writer.write(v, begin, n, col);
      }
    }
    for (std::size_t k = 0; k < n_pulls; ++k, ++v) writer.write(v, begin, n, pulls.data() + k * n);
    for (int w = 0; w < n_words; ++w, ++v) writer.write(v, begin, n, flags.data() + w * n);
    count_passing(flags, n, passing);
    begin = end;
    progress.update(begin);
  }
  writer.finish();
  spdlog::info("{} points in {:.2f} s ({:.3g} points/s)", total, progress.seconds(),
               total / progress.seconds());
  if (!pb.flag_names.empty()) print_summary(pb, passing, total);
  return out;
}

}  // namespace bscan
