// Parameters set by an expression of other parameters and axes (`g_muA = "-0.44 * g_muV"` in the
// config's [parameters]): parsed and evaluated with muparser, in dependency order, once per scan
// into a table over the axes each one depends on, which the kernels read (GridView).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "host/model/model_registry.hpp"

namespace bscan {

struct Axis;

struct DerivedParam {
  std::string name, expression;
  int param = -1;
  unsigned axes = 0;           // bit a: the table runs over axis a
  std::vector<double> values;  // C order over those axes
};

// Largest table of one derived parameter (entries).
inline constexpr long long kMaxDerivedTable = 1ll << 24;

// Evaluates `expressions` (parameter name -> expression) over `axes`; those that depend on no
// axis are written into `fixed`, the others returned as tables. Throws InputError naming
// `origin`'s key for an unparsable expression, an unknown name, a cycle, a value out of the
// parameter's range, or a table above kMaxDerivedTable.
std::vector<DerivedParam> derive_params(const ModelInfo& model,
                                        const std::map<std::string, std::string>& expressions,
                                        const std::vector<Axis>& axes, std::vector<double>& fixed,
                                        const std::string& origin);

}  // namespace bscan
