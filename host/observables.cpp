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
         a.component == b.component && a.bin.q2_lo == b.bin.q2_lo && a.bin.q2_hi == b.bin.q2_hi &&
         a.bin.r == b.bin.r && a.q2 == b.q2;
}

RateTerm binned(Channel c, Lepton l, Bin b) { return {c, l, TermKind::binned, b, 0.0}; }

// "B+->K+" / "B0->K*0" -> channel and its LaTeX.
Channel channel_of(const std::string& s) {
  return s == "B0->K*0" ? Channel::B0Kstar0 : Channel::BplusKplus;
}
std::string channel_latex(Channel c) {
  return c == Channel::B0Kstar0 ? "B^0\\to K^{*0}" : "B^+\\to K^+";
}

}  // namespace

ObservableSpec parse_observable(const std::string& id, const ModelInfo& model,
                                const SmearingResolutions& res, const PhysicsInputs& in) {
  const std::string mode = R"((B\+->K\+|B0->K\*0)(ee|mumu))";
  static const std::regex br(R"(^BR\()" + mode + R"(\)\[)" + kNum + "," + kNum +
                             R"(\](\{smear\})?$)");
  static const std::regex dbr(R"(^dBR/dq2\()" + mode + R"(\)\[)" + kNum + R"(\]$)");
  static const std::regex ratio(std::string(R"(^(RK|RKstar)\[)") + kNum + "," + kNum +
                                R"(\](\{smear\})?$)");
  std::smatch m;
  if (std::regex_match(id, m, br)) {
    const Channel c = channel_of(m[1]);
    const Lepton l = lepton_of(m[2]);
    const Bin b = make_bin(id, to_number(m[3]), to_number(m[4]), m[5].matched, l, res);
    return {id,
            fmt::format("\\mathcal{{B}}({}{})_{{[{},{}]}}", channel_latex(c), lepton_latex(l),
                        m[3].str(), m[4].str()),
            "1",
            OpKind::term,
            {binned(c, l, b)},
            1.0 / channel_width(in, c)};
  }
  if (std::regex_match(id, m, dbr)) {
    const Channel c = channel_of(m[1]);
    const Lepton l = lepton_of(m[2]);
    const double q2 = to_number(m[3]);
    if (!(q2 > 0.0)) throw InputError(fmt::format("observable '{}': q2 must be > 0", id));
    return {id,
            fmt::format("d\\mathcal{{B}}/dq^2({}{})", channel_latex(c), lepton_latex(l)),
            "GeV^-2",
            OpKind::term,
            {{c, l, TermKind::differential, {}, q2}},
            1.0 / channel_width(in, c)};
  }
  if (std::regex_match(id, m, ratio)) {
    const Channel c = m[1] == "RKstar" ? Channel::B0Kstar0 : Channel::BplusKplus;
    const double lo = to_number(m[2]), hi = to_number(m[3]);
    const bool smear = m[4].matched;
    return {id,
            fmt::format("R_{{{}}}^{{[{},{}]}}", c == Channel::B0Kstar0 ? "K^*" : "K", m[2].str(),
                        m[3].str()),
            "1",
            OpKind::term_ratio,
            {binned(c, Lepton::mu, make_bin(id, lo, hi, smear, Lepton::mu, res)),
             binned(c, Lepton::e, make_bin(id, lo, hi, smear, Lepton::e, res))}};
  }
  static const std::regex angular(R"(^(FL|AFB|P5p)\(B0->K\*0(ee|mumu)\)\[)" + std::string(kNum) +
                                  "(?:," + kNum + R"()?\](\{smear\})?$)");
  if (std::regex_match(id, m, angular)) {
    // Ratios of (bin-integrated) CP-averaged angular coefficients, as flavio defines them.
    const std::string name = m[1];
    const Lepton l = lepton_of(m[2]);
    const bool is_bin = m[4].matched;
    RateTerm t{Channel::B0Kstar0, l, is_bin ? TermKind::binned : TermKind::differential, {}, 0.0};
    if (is_bin) {
      t.bin = make_bin(id, to_number(m[3]), to_number(m[4]), m[5].matched, l, res);
    } else {
      t.q2 = to_number(m[3]);
      if (!(t.q2 > 0.0) || m[5].matched)
        throw InputError(fmt::format("observable '{}': needs q2 > 0 (no {{smear}} at one q2)", id));
    }
    auto with = [t](int c) {
      RateTerm u = t;
      u.component = c;
      return u;
    };
    const std::string latex =
        fmt::format("{}(B^0\\to K^{{*0}}{})",
                    name == "P5p" ? "P_5'" : (name == "FL" ? "F_L" : "A_{FB}"), lepton_latex(l));
    if (name == "FL") return {id, latex, "1", OpKind::fl, {with(kJ2c), with(kRate)}};
    if (name == "AFB") return {id, latex, "1", OpKind::afb, {with(kJ6s), with(kJ6c), with(kRate)}};
    return {id, latex, "1", OpKind::p5p, {with(kJ5), with(kJ2s), with(kJ2c)}};
  }
  static const std::regex on_shell(R"(^BR\((B\+->K\+|B0->K\*0)a\((ee|mumu)\)\)\[)" +
                                   std::string(kNum) + "," + kNum + R"(\](\{smear\})?$)");
  if (std::regex_match(id, m, on_shell)) {
    // BR(B -> X a) BR(a -> l l) times the fraction of the peak inside the m_a^2 window (paper 000
    // Eq. 4.18): the quantity resonance searches bound.
    if (!model.quantity("BR(a->ee)"))
      throw InputError(
          fmt::format("observable '{}': model '{}' has no on-shell particle", id, model.name));
    const Channel c = channel_of(m[1]);
    const Lepton l = lepton_of(m[2]);
    ObservableSpec s{id,
                     fmt::format("\\mathcal{{B}}({}a)\\,\\mathcal{{B}}(a\\to {})_{{[{},{}]}}",
                                 channel_latex(c), lepton_latex(l), m[3].str(), m[4].str()),
                     "1",
                     OpKind::on_shell,
                     {},
                     1.0,
                     static_cast<int>(c)};
    s.lepton = static_cast<int>(l);
    s.bin = make_bin(id, to_number(m[3]), to_number(m[4]), m[5].matched, l, res);
    return s;
  }
  if (const std::optional<int> k = model.param_index(id)) {
    const ParamInfo& p = model.params[*k];
    return {id, p.latex, p.unit, OpKind::parameter, {}, 1.0, *k};
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
      "BR(B0->K*0ee)[..], RKstar[..], FL/AFB/P5p(B0->K*0mumu)[q2min,q2max] or [q2]   B0->K*0",
      "PARAMETER                     any parameter of the model, e.g. m_a",
  };
  if (model.quantity("BR(a->ee)"))
    out.push_back(
        "BR(B+->K+a(ee))[m2min,m2max]  BR(B->X a) BR(a->ll) x fraction of the peak in the m_a^2 "
        "window ({smear}: Gaussian); also B0->K*0, mumu");
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
    ObservableOp op{s.kind, -1, -1, -1, s.quantity, s.scale, s.bin};
    if (s.kind == OpKind::on_shell) op.t0 = s.lepton;
    if (!s.terms.empty()) op.t0 = index_of(s.terms[0]);
    if (s.terms.size() > 1) op.t1 = index_of(s.terms[1]);
    if (s.terms.size() > 2) op.t2 = index_of(s.terms[2]);
    out.ops.push_back(op);
  }
  if (out.terms.size() > static_cast<std::size_t>(kMaxTerms))
    throw InputError(
        fmt::format("too many distinct rate terms ({} > {})", out.terms.size(), kMaxTerms));
  return out;
}

}  // namespace bscan
