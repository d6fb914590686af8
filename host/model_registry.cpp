#include "host/model_registry.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numbers>

#include "host/errors.hpp"
#include "kernels/alp_cp_model.hpp"
#include "kernels/alp_model.hpp"
#include "kernels/wet_model.hpp"

namespace bscan {
namespace {

std::vector<ParamInfo> wet_params() {
  static constexpr const char* kCoefs[] = {"C9", "C10", "CS", "CP", "C9p", "C10p", "CSp", "CPp"};
  static constexpr const char* kLatex[] = {"C_9",  "C_{10}",  "C_S",  "C_P",
                                           "C_9'", "C_{10}'", "C_S'", "C_P'"};
  std::vector<ParamInfo> out;
  for (const bool imag : {false, true})
    for (const char* lep : {"ee", "mumu"})
      for (int c = 0; c < WetModel::kCoefs; ++c) {
        const bool dimensionful =
            c == WetModel::CS || c == WetModel::CP || c == WetModel::CSp || c == WetModel::CPp;
        out.push_back(
            {fmt::format("{}_bs{}{}", kCoefs[c], lep, imag ? "_im" : ""),
             dimensionful ? "GeV^-1" : "1",
             fmt::format("{}\\,\\delta {}^{{bs{}}}", imag ? "\\mathrm{Im}" : "\\mathrm{Re}",
                         kLatex[c], lep),
             0.0, false,
             fmt::format("{} part of the new-physics shift at mu = 4.8 GeV, flavio WET basis",
                         imag ? "imaginary" : "real")});
      }
  return out;
}

ModelInfo make_wet() {
  return {ModelKind::wet,
          "wet",
          "contact shifts of the b->sll Wilson coefficients (flavio WET basis, mu = 4.8 GeV)",
          wet_params(),
          {}};
}

ModelInfo make_alp() {
  std::vector<ParamInfo> p(AlpModel::kNumParams);
  p[AlpModel::m_a] = {"m_a", "GeV", "m_a", 1.0, true, "ALP mass"};
  p[AlpModel::c_sb_plus] = {"c_sb_plus", "GeV^-1", "(c_d+c_Q)_{sb}/f_a",
                            0.0,         false,    "scalar s-b coupling over f_a"};
  p[AlpModel::c_sb_minus] = {"c_sb_minus", "GeV^-1", "(c_d-c_Q)_{sb}/f_a",
                             0.0,          false,    "pseudoscalar s-b coupling over f_a"};
  p[AlpModel::c_ee] = {"c_ee", "GeV^-1", "(c_e-c_L)_{ee}/f_a",
                       0.0,    false,    "electron coupling over f_a"};
  p[AlpModel::c_mumu] = {"c_mumu", "GeV^-1", "(c_e-c_L)_{\\mu\\mu}/f_a",
                         0.0,      false,    "muon coupling over f_a"};
  p[AlpModel::c_gamma] = {"c_gamma", "GeV^-1", "c_{a\\gamma\\gamma}/f_a",
                          0.0,       false,    "photon coupling over f_a (no alpha/4pi inside)"};
  // Lambda = 4 pi f_a = 1 TeV, paper 000 after Eq. (3.29); enters only logarithms.
  p[AlpModel::f_a] = {"f_a", "GeV",
                      "f_a", 1000.0 / (4.0 * std::numbers::pi),
                      true,  "ALP decay constant (only in loop logarithms)"};
  std::vector<QuantityInfo> q = {
      {"Gamma_a", "\\Gamma_a", "GeV", AlpModel::Gamma_a},
      {"BR(a->ee)", "\\mathcal{B}(a\\to e^+e^-)", "1", AlpModel::BR_a_ee},
      {"BR(a->mumu)", "\\mathcal{B}(a\\to \\mu^+\\mu^-)", "1", AlpModel::BR_a_mumu},
      {"BR(B+->K+a)", "\\mathcal{B}(B^+\\to K^+ a)", "1", AlpModel::BR_Bplus_Kplus_a},
      {"BR(B0->K*0a)", "\\mathcal{B}(B^0\\to K^{*0} a)", "1", AlpModel::BR_B0_Kstar0_a},
      {"delta_a_e", "\\Delta a_e", "1", AlpModel::delta_a_e},
      {"delta_a_mu", "\\Delta a_\\mu", "1", AlpModel::delta_a_mu},
      {"DeltaMs", "\\Delta M_s", "ps^-1", AlpModel::DeltaMs},
      {"DeltaMs/SM", "\\Delta M_s/\\Delta M_s^{\\rm SM}", "1", AlpModel::DeltaMs_over_SM},
      {"Gamma_a/m_a", "\\Gamma_a/m_a", "1", AlpModel::Gamma_a_over_m_a},
      {"eft_coupling", "\\max_i |c_i|", "1", AlpModel::eft_coupling},
      {"delta_a_e_paper", "\\Delta a_e^{\\rm paper}", "1", AlpModel::delta_a_e_paper},
      {"delta_a_mu_paper", "\\Delta a_\\mu^{\\rm paper}", "1", AlpModel::delta_a_mu_paper},
  };
  return {ModelKind::alp, "alp",
          "axion-like particle coupled to s-b, leptons and photons (paper 000)", std::move(p),
          std::move(q)};
}

ModelInfo make_alp_cp() {
  std::vector<ParamInfo> p(AlpCpModel::kNumParams);
  for (const bool tilde : {false, true})
    for (const char* lep : {"ee", "mumu"})
      for (const bool plus : {true, false}) {
        const int i = (tilde ? AlpCpModel::CPplus_tilde_ee : AlpCpModel::CPplus_ee) +
                      (std::string(lep) == "ee" ? 0 : 2) + (plus ? 0 : 1);
        const char* sign = plus ? "plus" : "minus";
        p[i] = {fmt::format("CP{}{}_{}", sign, tilde ? "_tilde" : "", lep),
                tilde ? "GeV^2" : "1",
                fmt::format("{}C_{{P{}}}^{{{}}}", tilde ? "\\tilde " : "", plus ? "+" : "-",
                            std::string(lep) == "ee" ? "e" : "\\mu"),
                0.0,
                false,
                tilde ? "light-ALP coefficient times GeV^2/(q2 - m_a^2 + i m_a Gamma_a) (Eq. 5.6)"
                      : "contact coefficient, heavy ALP (Eqs. 3.5-3.9)"};
      }
  p[AlpCpModel::m_a] = {"m_a", "GeV", "m_a", 0.0, false, "pole mass of the tilde terms", true};
  p[AlpCpModel::Gamma_a] = {"Gamma_a", "GeV", "\\Gamma_a", 0.0, false, "pole width", true};
  return {ModelKind::alp_cp,
          "alp_cp",
          "paper 000's effective coefficients C_P+-^l (heavy) and C~_P+-^l (very light ALP)",
          std::move(p),
          {}};
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
  if (params[*idx].positive && !(v > 0.0))
    throw InputError(fmt::format("{}: parameter '{}' must be > 0, got {}", where, n, v));
  if (params[*idx].non_negative && v < 0.0)
    throw InputError(fmt::format("{}: parameter '{}' must be >= 0, got {}", where, n, v));
  return *idx;
}

std::vector<double> ModelInfo::resolve(const std::map<std::string, double>& values) const {
  std::vector<double> out;
  for (const ParamInfo& p : params) out.push_back(p.default_value);
  for (const auto& [n, v] : values) out[check_value(n, v, "parameter")] = v;
  return out;
}

const std::vector<ModelInfo>& all_models() {
  static const std::vector<ModelInfo> models = {make_wet(), make_alp(), make_alp_cp()};
  return models;
}

const ModelInfo& find_model(const std::string& name) {
  for (const ModelInfo& m : all_models())
    if (m.name == name) return m;
  throw InputError(fmt::format("unknown model '{}' (known: wet, alp, alp_cp)", name));
}

}  // namespace bscan
