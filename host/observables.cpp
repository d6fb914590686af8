#include "host/observables.hpp"

#include <fmt/format.h>

#include <cmath>
#include <regex>

#include "host/errors.hpp"

namespace bscan {
namespace {

const char* kNum = R"(([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?))";

double to_number(const std::string& s) { return std::stod(s); }

Lepton lepton_of(const std::string& s) { return s == "ee" ? Lepton::e : Lepton::mu; }

std::string lepton_latex(Lepton l) { return l == Lepton::e ? "e^+e^-" : "\\mu^+\\mu^-"; }

Bin make_bin(const std::string& id, double lo, double hi, bool smear, Lepton l,
             const SmearingResolutions& res) {
  if (!(lo >= 0.0) || !(hi > lo))
    throw InputError(fmt::format("observable '{}': the bin needs 0 <= q2_min < q2_max", id));
  return {lo, hi, smear ? (l == Lepton::e ? res.r_e : res.r_mu) : 0.0};
}

bool same_term(const RateTerm& a, const RateTerm& b) {
  return a.channel == b.channel && a.lepton == b.lepton && a.kind == b.kind &&
         a.bin.q2_lo == b.bin.q2_lo && a.bin.q2_hi == b.bin.q2_hi && a.bin.r == b.bin.r &&
         a.q2 == b.q2;
}

RateTerm binned(Lepton l, Bin b) { return {Channel::BplusKplus, l, TermKind::binned, b, 0.0}; }

}  // namespace

ObservableSpec parse_observable(const std::string& id, const ModelInfo& model,
                                const SmearingResolutions& res, const PhysicsInputs& in) {
  static const std::regex br(std::string(R"(^BR\(B\+->K\+(ee|mumu)\)\[)") + kNum + "," + kNum +
                             R"(\](\{smear\})?$)");
  static const std::regex dbr(std::string(R"(^dBR/dq2\(B\+->K\+(ee|mumu)\)\[)") + kNum + R"(\]$)");
  static const std::regex rk(std::string(R"(^RK\[)") + kNum + "," + kNum + R"(\](\{smear\})?$)");
  const double inv_width = 1.0 / in.bplus_kplus.Gamma_B;
  std::smatch m;
  if (std::regex_match(id, m, br)) {
    const Lepton l = lepton_of(m[1]);
    const Bin b = make_bin(id, to_number(m[2]), to_number(m[3]), m[4].matched, l, res);
    return {id,
            fmt::format("\\mathcal{{B}}(B^+\\to K^+{})_{{[{},{}]}}", lepton_latex(l), m[2].str(),
                        m[3].str()),
            "1",
            OpKind::term,
            {binned(l, b)},
            inv_width};
  }
  if (std::regex_match(id, m, dbr)) {
    const Lepton l = lepton_of(m[1]);
    const double q2 = to_number(m[2]);
    if (!(q2 > 0.0)) throw InputError(fmt::format("observable '{}': q2 must be > 0", id));
    return {id,
            fmt::format("d\\mathcal{{B}}/dq^2(B^+\\to K^+{})", lepton_latex(l)),
            "GeV^-2",
            OpKind::term,
            {{Channel::BplusKplus, l, TermKind::differential, {}, q2}},
            inv_width};
  }
  if (std::regex_match(id, m, rk)) {
    const double lo = to_number(m[1]), hi = to_number(m[2]);
    const bool smear = m[3].matched;
    return {id,
            fmt::format("R_K^{{[{},{}]}}", m[1].str(), m[2].str()),
            "1",
            OpKind::term_ratio,
            {binned(Lepton::mu, make_bin(id, lo, hi, smear, Lepton::mu, res)),
             binned(Lepton::e, make_bin(id, lo, hi, smear, Lepton::e, res))}};
  }
  static const std::regex bsll(R"(^BR\(Bs->(ee|mumu)\)$)");
  if (std::regex_match(id, m, bsll)) {
    const Lepton l = lepton_of(m[1]);
    return {id,
            fmt::format("\\overline{{\\mathcal{{B}}}}(B_s\\to {})", lepton_latex(l)),
            "1",
            OpKind::bs_ll,
            {},
            1.0,
            static_cast<int>(l)};
  }
  if (const QuantityInfo* q = model.quantity(id))
    return {id, q->latex, q->unit, OpKind::quantity, {}, 1.0, q->index};
  throw InputError(fmt::format(
      "unknown observable '{}' for model '{}' (see `bscan list observables`)", id, model.name));
}

std::vector<std::string> observable_grammar(const ModelInfo& model) {
  std::vector<std::string> out = {
      "BR(B+->K+ee)[q2min,q2max]     binned branching ratio, q2 in GeV^2; append {smear} for "
      "resolution",
      "BR(B+->K+mumu)[q2min,q2max]   (same, muons)",
      "dBR/dq2(B+->K+ee)[q2]         differential branching ratio [GeV^-2] (also mumu)",
      "RK[q2min,q2max]               BR(mumu)/BR(ee) in the bin; {smear} allowed",
      "BR(Bs->mumu), BR(Bs->ee)      time-integrated (untagged) branching ratio",
  };
  for (const QuantityInfo& q : model.quantities)
    out.push_back(fmt::format("{:<30}model quantity [{}]", q.id, q.unit));
  return out;
}

CompiledObservables compile_observables(const std::vector<ObservableSpec>& specs) {
  CompiledObservables out;
  auto index_of = [&](const RateTerm& t) {
    for (std::size_t i = 0; i < out.terms.size(); ++i)
      if (same_term(out.terms[i], t)) return static_cast<int>(i);
    out.terms.push_back(t);
    return static_cast<int>(out.terms.size() - 1);
  };
  for (const ObservableSpec& s : specs) {
    ObservableOp op{s.kind, -1, -1, s.quantity, s.scale};
    if (!s.terms.empty()) op.t0 = index_of(s.terms[0]);
    if (s.terms.size() > 1) op.t1 = index_of(s.terms[1]);
    out.ops.push_back(op);
  }
  if (out.terms.size() > static_cast<std::size_t>(kMaxTerms))
    throw InputError(
        fmt::format("too many distinct rate terms ({} > {})", out.terms.size(), kMaxTerms));
  return out;
}

}  // namespace bscan
