#include "host/config/nuisances.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <Eigen/Cholesky>
#include <cmath>

#include "host/errors.hpp"

namespace bscan {
namespace {

using Map = NuisanceParameter::Map;

double number(const toml::node_view<const toml::node>& node, const std::string& where) {
  const std::optional<double> v = node.value<double>();
  if (!v || !std::isfinite(*v))
    throw InputError(fmt::format("{}: missing or not a finite number", where));
  return *v;
}

NuisanceParameter parameter(const toml::table& t, const std::string& where) {
  NuisanceParameter p;
  const toml::node_view<const toml::node> node(t);
  p.name = node["name"].value_or(std::string());
  if (p.name.empty()) throw InputError(fmt::format("{}.name: missing", where));
  p.central = number(node["central"], where + ".central");
  p.sigma = number(node["sigma"], where + ".sigma");
  if (!(p.sigma > 0.0)) throw InputError(fmt::format("{}.sigma: {} is not > 0", where, p.sigma));
  const std::string map = node["map"].value_or(std::string("value"));
  if (map == "value")
    p.map = Map::value;
  else if (map == "scale")
    p.map = Map::scale;
  else if (map == "inverse")
    p.map = Map::inverse;
  else if (map == "power")
    p.map = Map::power;
  else
    throw InputError(
        fmt::format("{}.map: '{}' is none of value, scale, inverse, power", where, map));
  if (p.map == Map::power) p.exponent = number(node["exponent"], where + ".exponent");
  if (p.map != Map::value && p.central == 0.0)
    throw InputError(
        fmt::format("{}.central: a '{}' map needs a non-zero central value", where, map));
  const toml::array* targets = node["targets"].as_array();
  if (targets == nullptr || targets->empty())
    throw InputError(fmt::format("{}.targets: give the physics-data keys it moves", where));
  PhysicsInputs probe{};
  for (std::size_t i = 0; i < targets->size(); ++i) {
    const std::optional<std::string> key = (*targets)[i].value<std::string>();
    if (!key || physics_slot(probe, *key) == nullptr)
      throw InputError(
          fmt::format("{}.targets[{}]: not a physics-data key of one number", where, i));
    p.targets.push_back(*key);
  }
  return p;
}

}  // namespace

int Nuisances::size() const {
  int n = 0;
  for (const NuisanceGroup& g : groups) n += static_cast<int>(g.parameters.size());
  return n;
}

std::vector<double> Nuisances::draw(std::mt19937_64& rng) const {
  std::normal_distribution<double> normal;
  std::vector<double> x;
  for (const NuisanceGroup& g : groups) {
    const auto n = static_cast<Eigen::Index>(g.parameters.size());
    Eigen::VectorXd z(n);
    for (Eigen::Index i = 0; i < n; ++i) z(i) = normal(rng);
    const Eigen::VectorXd d = g.chol * z;
    for (Eigen::Index i = 0; i < n; ++i) x.push_back(g.parameters[i].central + d(i));
  }
  return x;
}

PhysicsInputs Nuisances::apply(const PhysicsInputs& central, const std::vector<double>& x) const {
  PhysicsInputs in = central, base = central;
  std::size_t k = 0;
  for (const NuisanceGroup& g : groups)
    for (const NuisanceParameter& p : g.parameters) {
      const double v = x[k++], r = v / p.central;
      for (const std::string& key : p.targets) {
        double& slot = *physics_slot(in, key);
        const double c = *physics_slot(base, key);
        switch (p.map) {
          case Map::value:
            slot = v;
            break;
          case Map::scale:
            slot = c * r;
            break;
          case Map::inverse:
            slot = c / r;
            break;
          case Map::power:
            slot = c * std::pow(r, p.exponent);
            break;
        }
      }
    }
  apply_endpoint_relations(in.b0_kstar0);
  return in;
}

Nuisances load_nuisances(const std::filesystem::path& file) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("nuisance parameters '{}': {}", file.string(), e.description()));
  }
  Nuisances out;
  out.file = file;
  out.name = root["name"].value_or(std::string());
  const toml::array* groups = root["group"].as_array();
  if (groups == nullptr || groups->empty())
    throw InputError(fmt::format("{}: no [[group]] of nuisance parameters", file.string()));
  for (std::size_t gi = 0; gi < groups->size(); ++gi) {
    const std::string where = fmt::format("{}: key 'group[{}]", file.string(), gi);
    const toml::table* t = (*groups)[gi].as_table();
    const toml::array* params = t != nullptr ? (*t)["parameters"].as_array() : nullptr;
    if (params == nullptr || params->empty())
      throw InputError(fmt::format("{}.parameters': missing", where));
    NuisanceGroup g;
    g.source = (*t)["source"].value_or(std::string());
    for (std::size_t i = 0; i < params->size(); ++i) {
      const toml::table* pt = (*params)[i].as_table();
      const std::string pw = fmt::format("{}.parameters[{}]'", where, i);
      if (pt == nullptr) throw InputError(pw + ": not a table");
      g.parameters.push_back(parameter(*pt, pw));
    }
    const auto n = static_cast<Eigen::Index>(g.parameters.size());
    Eigen::MatrixXd corr = Eigen::MatrixXd::Identity(n, n);
    if (const toml::array* rows = (*t)["correlation"].as_array()) {
      if (static_cast<Eigen::Index>(rows->size()) != n)
        throw InputError(
            fmt::format("{}.correlation': {} rows for {} parameters", where, rows->size(), n));
      for (Eigen::Index i = 0; i < n; ++i) {
        const toml::array* row = (*rows)[i].as_array();
        if (row == nullptr || static_cast<Eigen::Index>(row->size()) != n)
          throw InputError(fmt::format("{}.correlation[{}]': give {} numbers", where, i, n));
        for (Eigen::Index j = 0; j < n; ++j)
          corr(i, j) = number(toml::node_view<const toml::node>((*row)[j]),
                              fmt::format("{}.correlation[{}][{}]'", where, i, j));
      }
      if (!corr.isApprox(corr.transpose(), 1e-12) || (corr.diagonal().array() != 1.0).any())
        throw InputError(fmt::format("{}.correlation': not symmetric with a unit diagonal", where));
    }
    Eigen::VectorXd sigma(n);
    for (Eigen::Index i = 0; i < n; ++i) sigma(i) = g.parameters[i].sigma;
    const Eigen::MatrixXd cov = sigma.asDiagonal() * corr * sigma.asDiagonal();
    const Eigen::LLT<Eigen::MatrixXd> llt(cov);
    if (llt.info() != Eigen::Success)
      throw InputError(fmt::format("{}.correlation': not positive definite", where));
    g.chol = llt.matrixL();
    out.groups.push_back(std::move(g));
  }
  return out;
}

}  // namespace bscan
