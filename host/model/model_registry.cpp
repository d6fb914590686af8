#include "host/model/model_registry.hpp"

#include <fmt/format.h>

#include <cmath>
#include <deque>

#include "host/errors.hpp"
#include "kernels/models/model_list.hpp"

namespace bscan {
namespace {

template <class... Models>
std::deque<ModelInfo> describe_all(ModelList<Models...>) {
  return {describe_model<Models>()...};
}

// A deque: references handed out stay valid when a model is added.
std::deque<ModelInfo>& registry() {
  static std::deque<ModelInfo> models = describe_all(LibraryModels{});
  return models;
}

}  // namespace

std::optional<int> ModelInfo::param_index(const std::string& n) const {
  for (std::size_t i = 0; i < params.size(); ++i)
    if (params[i].name == n) return static_cast<int>(i);
  return std::nullopt;
}

const QuantityInfo* ModelInfo::quantity(const std::string& id) const {
  for (const QuantityInfo& q : quantities)
    if (q.id == id) return &q;
  return nullptr;
}

int ModelInfo::check_value(const std::string& n, double v, const std::string& where) const {
  const std::optional<int> idx = param_index(n);
  if (!idx)
    throw InputError(fmt::format(
        "{}: unknown parameter '{}' of model '{}' (see `bscan list parameters`)", where, n, name));
  if (!std::isfinite(v))
    throw InputError(
        fmt::format("{}: parameter '{}' must be a finite number, got {}", where, n, v));
  // Squares and fourth powers of couplings (rates, widths) must stay finite in double precision.
  constexpr double kMaxMagnitude = 1e30;
  if (std::abs(v) > kMaxMagnitude)
    throw InputError(
        fmt::format("{}: parameter '{}' = {} is out of range: |{}| <= {:g} [{}] keeps rates finite",
                    where, n, v, n, kMaxMagnitude, params[*idx].unit));
  const Range r = params[*idx].range;
  if (r == Range::positive && !(v > 0.0))
    throw InputError(fmt::format("{}: parameter '{}' must be > 0, got {}", where, n, v));
  if (r == Range::non_negative && v < 0.0)
    throw InputError(fmt::format("{}: parameter '{}' must be >= 0, got {}", where, n, v));
  return *idx;
}

std::vector<double> ModelInfo::resolve(const std::map<std::string, double>& values) const {
  std::vector<double> out;
  for (const ParamInfo& p : params) out.push_back(p.default_value);
  for (const auto& [n, v] : values) out[check_value(n, v, "parameter")] = v;
  return out;
}

const std::deque<ModelInfo>& all_models() { return registry(); }

void add_model(ModelInfo model) {
  for (const ModelInfo& m : registry())
    if (m.name == model.name)
      throw InputError(fmt::format("model '{}' is already registered", model.name));
  registry().push_back(std::move(model));
}

const ModelInfo& find_model(const std::string& name) {
  std::string known;
  for (const ModelInfo& m : registry()) {
    if (m.name == name) return m;
    known += (known.empty() ? "" : ", ") + m.name;
  }
  throw InputError(fmt::format("unknown model '{}' (known: {})", name, known));
}

}  // namespace bscan
