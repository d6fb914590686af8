#include "host/output/hdf5_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "host/errors.hpp"

namespace bscan {
namespace {

std::vector<AxisSpec> axis_specs(const ScanPlan& plan) {
  std::vector<AxisSpec> axes;
  for (const Axis& a : plan.axes) {
    if (a.param == kQ2Param) {
      axes.push_back({a.name, "GeV^2", "q^2", a.values});
      continue;
    }
    const ParamInfo& p = plan.model->params[a.param];
    axes.push_back({a.name, p.unit, p.latex, a.values});
  }
  return axes;
}

// The flag word w as a CF flag variable: flag_masks and flag_meanings of its (up to 32) bits.
VariableSpec flag_variable(const ScanPlan& plan, int w) {
  std::vector<std::uint32_t> masks;
  std::string meanings;
  for (std::size_t b = 32 * w; b < std::min<std::size_t>(plan.flag_names.size(), 32 * (w + 1));
       ++b) {
    masks.push_back(1u << (b % 32));
    meanings += (meanings.empty() ? "" : " ") + plan.flag_names[b];
  }
  return {w == 0 ? "flags" : fmt::format("flags_{}", w),
          "1",
          "constraint flags (bit set = passes)",
          DType::u32,
          {{"flag_meanings", meanings}},
          {{"flag_masks", masks}}};
}

std::vector<VariableSpec> variable_specs(const ScanPlan& plan, bool float32) {
  std::vector<VariableSpec> vars;
  for (std::size_t o : plan.stored) {
    const ObservableSpec& s = plan.observables[o];
    vars.push_back({s.id, s.unit, s.latex, float32 ? DType::f32 : DType::f64, {}, {}});
  }
  for (std::size_t k = 0; k < (plan.store_pulls ? plan.pull_names.size() : 0); ++k)
    vars.push_back({plan.pull_output_name(k),
                    "1",
                    plan.is_chi2_row(k) ? plan.pull_labels[k] : "pull of " + plan.pull_names[k],
                    DType::f32,
                    {{"source", plan.pull_labels[k]}},
                    {}});
  for (int w = 0; w < plan.flag_words(); ++w) vars.push_back(flag_variable(plan, w));
  return vars;
}

// Fixed parameters as numbers (an unset alternative input is absent), those set by expressions
// of axes as their expression.
FileAttributes with_parameters(FileAttributes attrs, const ScanPlan& plan) {
  for (std::size_t i = 0; i < plan.fixed.size(); ++i) {
    const bool on_axis = std::any_of(plan.axes.begin(), plan.axes.end(),
                                     [&](const Axis& a) { return a.param == static_cast<int>(i); });
    const bool derived =
        std::any_of(plan.derived.begin(), plan.derived.end(),
                    [&](const DerivedParam& d) { return d.param == static_cast<int>(i); });
    if (!on_axis && !derived && !std::isnan(plan.fixed[i]))
      attrs.numbers["parameter_" + plan.model->params[i].name] = plan.fixed[i];
  }
  for (const DerivedParam& d : plan.derived) attrs.strings["parameter_" + d.name] = d.expression;
  return attrs;
}

}  // namespace

Hdf5Sink::Hdf5Sink(const ScanPlan& plan, const std::filesystem::path& path, FileAttributes attrs,
                   bool float32, bool overwrite, PartialMode mode, const Communicator& comm)
    : stored_(plan.stored),
      n_pulls_(plan.store_pulls ? plan.pull_names.size() : 0),
      first_flag_var_(stored_.size() + n_pulls_),
      n_words_(plan.flag_words()),
      float32_(float32),
      comm_(comm),
      checkpoint_seconds_(plan.checkpoint_seconds),
      writer_(path, axis_specs(plan), variable_specs(plan, float32),
              with_parameters(std::move(attrs), plan), overwrite, plan.chunk_target, mode, comm) {}

bool Hdf5Sink::done(long long begin, long long count) const {
  return writer_.done(static_cast<std::size_t>(begin), static_cast<std::size_t>(count));
}

void Hdf5Sink::read_flags(long long begin, long long count, std::uint32_t* flags) {
  for (int w = 0; w < n_words_; ++w)
    writer_.read(first_flag_var_ + w, static_cast<std::size_t>(begin),
                 static_cast<std::size_t>(count), flags + w * count);
}

void Hdf5Sink::read_pulls(std::size_t k, long long begin, long long count, float* out) {
  writer_.read(stored_.size() + k, static_cast<std::size_t>(begin), static_cast<std::size_t>(count),
               out);
}

void Hdf5Sink::write_pulls(std::size_t k, long long begin, long long count, const float* in) {
  writer_.write(stored_.size() + k, static_cast<std::size_t>(begin),
                static_cast<std::size_t>(count), in);
}

void Hdf5Sink::write_flags(long long begin, long long count, const std::uint32_t* flags) {
  for (int w = 0; w < n_words_; ++w)
    writer_.write(first_flag_var_ + w, static_cast<std::size_t>(begin),
                  static_cast<std::size_t>(count), flags + w * count);
}

void Hdf5Sink::write_pull_attribute(std::size_t k, const std::string& name, double value) {
  writer_.set_number_attribute(stored_.size() + k, name, value);
}

void Hdf5Sink::check_names(const ScanPlan& plan, const std::string& origin) {
  std::map<std::string, std::string> taken = {
      {Hdf5Writer::kDoneDataset, "bscan's bookkeeping"},
      {kTheoryCovariance, "the theory covariance"},
      {kTheoryCentral, "the theory covariance's central values"}};
  for (const Axis& a : plan.axes) taken.emplace(a.name, fmt::format("the axis '{}'", a.name));
  const std::vector<VariableSpec> vars = variable_specs(plan, false);
  for (std::size_t v = 0; v < vars.size(); ++v) {
    const std::size_t o = v < plan.stored.size() ? plan.stored[v] : plan.observables.size();
    const std::string what =
        o < plan.n_user_observables
            ? fmt::format("observable '{}' (key 'observables[{}]')", vars[v].id, o)
            : fmt::format("'{}'", vars[v].id);
    const std::string name = Hdf5Writer::dataset_name(vars[v].id);
    const auto [it, fresh] = taken.emplace(name, what);
    if (!fresh)
      throw InputError(fmt::format(
          "{}: {} would be stored as the dataset '{}', which is already {}: list each observable "
          "once and no axis among them (axes are stored as coordinates)",
          origin, what, name, it->second));
  }
}

std::size_t Hdf5Sink::point_bytes(const ScanPlan& plan, bool float32) {
  return plan.stored.size() * (float32 ? 4 : 8) +
         (plan.store_pulls ? plan.pull_names.size() : 0) * 4 + plan.flag_words() * 4;
}

void Hdf5Sink::consume(const Chunk& chunk) {
  const std::size_t n = static_cast<std::size_t>(chunk.count);
  const std::size_t begin = static_cast<std::size_t>(chunk.begin);
  std::size_t v = 0;
  for (std::size_t o : stored_) {
    const double* col = chunk.values.data() + o * n;
    if (float32_) {
      buf32_.assign(col, col + n);
      writer_.write(v, begin, n, buf32_.data());
    } else {
      writer_.write(v, begin, n, col);
    }
    ++v;
  }
  for (std::size_t k = 0; k < n_pulls_; ++k, ++v)
    writer_.write(v, begin, n, chunk.pulls.data() + k * n);
  for (int w = 0; w < n_words_; ++w, ++v) writer_.write(v, begin, n, chunk.flags.data() + w * n);
  if (chunk.count > 0) {
    if (!pending_.empty() && pending_.back().first + pending_.back().second == chunk.begin)
      pending_.back().second += chunk.count;
    else
      pending_.emplace_back(chunk.begin, chunk.count);
  }
  const auto now = std::chrono::steady_clock::now();
  if (comm_.from_root(std::chrono::duration<double>(now - last_mark_).count() >=
                      checkpoint_seconds_))
    checkpoint();
}

void Hdf5Sink::checkpoint() {
  writer_.mark_done(pending_);
  pending_.clear();
  last_mark_ = std::chrono::steady_clock::now();
}

}  // namespace bscan
