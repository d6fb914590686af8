#include "host/plan/derived_params.hpp"

#include <fmt/format.h>
#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <set>

#include "host/errors.hpp"
#include "host/plan/scan_plan.hpp"

namespace bscan {
namespace {

struct Expression {
  std::string name, text, key;
  int param = -1;
  std::unique_ptr<mu::Parser> parser;
  std::set<std::string> used;
};

// A parser over every model parameter, each bound to its slot in `vars`.
Expression parse(const ModelInfo& model, const std::string& name, const std::string& text,
                 std::vector<double>& vars, const std::string& origin) {
  Expression e{name,
               text,
               fmt::format("{}: key 'parameters.{}'", origin, name),
               *model.param_index(name),
               std::make_unique<mu::Parser>(),
               {}};
  try {
    for (std::size_t i = 0; i < model.params.size(); ++i)
      e.parser->DefineVar(model.params[i].name, &vars[i]);
    e.parser->SetExpr(text);
    for (const auto& [n, ptr] : e.parser->GetUsedVar()) {
      if (!model.param_index(n)) {
        std::string known;
        for (const ParamInfo& p : model.params) known += (known.empty() ? "" : ", ") + p.name;
        throw InputError(fmt::format("{}: unknown name '{}' in '{}' (parameters of model '{}': {})",
                                     e.key, n, text, model.name, known));
      }
      e.used.insert(n);
    }
  } catch (const mu::Parser::exception_type& err) {
    throw InputError(fmt::format("{}: cannot parse '{}': {}", e.key, text, err.GetMsg()));
  }
  return e;
}

// Depth-first order of the expressions (dependencies first); throws on a cycle, naming it.
std::vector<std::size_t> dependency_order(const std::vector<Expression>& ex,
                                          const std::string& origin) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < ex.size(); ++i) index[ex[i].name] = i;
  std::vector<int> state(ex.size(), 0);  // 0 new, 1 on the path, 2 done
  std::vector<std::size_t> order, path;
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    if (state[i] == 2) return;
    path.push_back(i);
    if (state[i] == 1) {
      std::string cycle;
      for (auto it = std::find(path.begin(), path.end(), i); it != path.end(); ++it)
        cycle += (cycle.empty() ? "" : " -> ") + ex[*it].name;
      throw InputError(fmt::format("{}: key 'parameters.{}': the expressions form a cycle: {}",
                                   origin, ex[i].name, cycle));
    }
    state[i] = 1;
    for (const std::string& n : ex[i].used)
      if (const auto it = index.find(n); it != index.end()) visit(it->second);
    state[i] = 2;
    path.pop_back();
    order.push_back(i);
  };
  for (std::size_t i = 0; i < ex.size(); ++i) visit(i);
  return order;
}

}  // namespace

std::vector<DerivedParam> derive_params(const ModelInfo& model,
                                        const std::map<std::string, std::string>& expressions,
                                        const std::vector<Axis>& axes, std::vector<double>& fixed,
                                        const std::string& origin) {
  std::vector<double> vars = fixed;
  std::vector<Expression> ex;
  for (const auto& [name, text] : expressions) ex.push_back(parse(model, name, text, vars, origin));
  std::map<int, unsigned> axes_of;  // parameter -> the axes it runs over (axes and derived ones)
  for (std::size_t a = 0; a < axes.size(); ++a)
    if (axes[a].param != kQ2Param) axes_of[axes[a].param] = 1u << a;
  std::map<int, std::size_t> table_of;  // derived parameter -> its entry in `out`
  std::vector<DerivedParam> out;
  for (const std::size_t i : dependency_order(ex, origin)) {
    Expression& e = ex[i];
    unsigned mask = 0;
    for (const std::string& n : e.used) mask |= axes_of[*model.param_index(n)];
    std::vector<int> on;  // the table's axes, in grid order
    long long n_entries = 1;
    for (std::size_t a = 0; a < axes.size(); ++a)
      if (mask >> a & 1u) {
        on.push_back(static_cast<int>(a));
        n_entries *= static_cast<long long>(axes[a].values.size());
      }
    if (n_entries > kMaxDerivedTable)
      throw InputError(fmt::format(
          "{}: '{}' depends on axes with {} points together (at most {}): give it fewer axes",
          e.key, e.text, n_entries, kMaxDerivedTable));
    DerivedParam d{e.name, e.text, e.param, mask, std::vector<double>(n_entries)};
    std::vector<long long> idx(axes.size(), 0);
    for (long long k = 0; k < n_entries; ++k) {
      long long rest = k;
      for (auto it = on.rbegin(); it != on.rend(); ++it) {
        const long long size = static_cast<long long>(axes[*it].values.size());
        idx[*it] = rest % size;
        rest /= size;
        vars[axes[*it].param] = axes[*it].values[idx[*it]];
      }
      for (const auto& [param, t] : table_of) {  // earlier tables: over a subset of these axes
        long long j = 0;
        for (std::size_t a = 0; a < axes.size(); ++a)
          if (out[t].axes >> a & 1u) j = j * static_cast<long long>(axes[a].values.size()) + idx[a];
        if ((out[t].axes & ~mask) == 0u) vars[param] = out[t].values[j];
      }
      double v = NAN;
      try {
        v = e.parser->Eval();
      } catch (const mu::Parser::exception_type& err) {
        throw InputError(fmt::format("{}: cannot evaluate '{}': {}", e.key, e.text, err.GetMsg()));
      }
      try {
        model.check_value(e.name, v, e.key);
      } catch (const InputError& err) {
        std::string at;
        for (const int a : on)
          at += fmt::format("{}{} = {}", at.empty() ? "" : ", ", axes[a].name,
                            axes[a].values[idx[a]]);
        throw InputError(
            fmt::format("{} ('{}'{})", err.what(), e.text, at.empty() ? "" : " at " + at));
      }
      d.values[k] = v;
    }
    if (mask == 0u) {
      fixed[e.param] = vars[e.param] = d.values[0];
      continue;
    }
    axes_of[e.param] = mask;
    table_of[e.param] = out.size();
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace bscan
