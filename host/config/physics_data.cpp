#include "host/config/physics_data.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <Eigen/Sparse>
#include <cmath>
#include <fstream>
#include <sstream>

#include "host/errors.hpp"

namespace bscan {
namespace {

class TomlReader {
 public:
  TomlReader(const toml::table& root, std::filesystem::path file)
      : root_(root), file_(std::move(file)) {}

  // A number given as `key = { value = x, source = "..." }` or as a bare number.
  double number(std::string_view dotted) const {
    const toml::node_view<const toml::node> node = root_.at_path(dotted);
    if (auto v = node["value"].value<double>()) return *v;
    if (auto v = node.value<double>()) return *v;
    throw InputError(fmt::format("{}: missing or non-numeric key '{}'", file_.string(), dotted));
  }

  // `a0_derived`: a0 is fixed by an endpoint relation and may be nan in the file.
  BszSeries bsz(std::string_view dotted, bool a0_derived = false) const {
    const toml::node_view<const toml::node> node = root_.at_path(dotted);
    const toml::array* a = node["a"].as_array();
    const std::optional<double> m = node["m_pole"].value<double>();
    if (a == nullptr || a->size() != 3 || !m)
      throw InputError(
          fmt::format("{}: '{}' needs a = [a0, a1, a2] and m_pole", file_.string(), dotted));
    BszSeries s{};
    for (std::size_t i = 0; i < 3; ++i) {
      const std::optional<double> ai = (*a)[i].value<double>();
      if (!ai || (!std::isfinite(*ai) && !(a0_derived && i == 0)))
        throw InputError(
            fmt::format("{}: '{}.a[{}]' is not a finite number", file_.string(), dotted, i));
      s.a[i] = *ai;
    }
    s.m_pole = *m;
    return s;
  }

  std::string string(std::string_view dotted) const {
    if (auto v = root_.at_path(dotted).value<std::string>()) return *v;
    throw InputError(fmt::format("{}: missing string key '{}'", file_.string(), dotted));
  }

 private:
  const toml::table& root_;
  std::filesystem::path file_;
};

// Reads a table of q2 nodes: '#' comment lines, one header line, then q2 and `columns` values per
// row.
void read_q2_table(const std::filesystem::path& file, int columns, std::vector<double>& q2,
                   std::vector<double>& y) {
  std::ifstream in(file);
  if (!in) throw InputError(fmt::format("cannot open the table '{}'", file.string()));
  std::string line;
  bool header_seen = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    std::stringstream ss(line);
    std::string cell;
    std::vector<double> row;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    if (row.size() != static_cast<std::size_t>(1 + columns))
      throw InputError(fmt::format("{}: row '{}' has {} columns, expected {}", file.string(), line,
                                   row.size(), 1 + columns));
    if (!q2.empty() && row[0] <= q2.back())
      throw InputError(fmt::format("{}: q2 nodes must increase (at {})", file.string(), row[0]));
    q2.push_back(row[0]);
    y.insert(y.end(), row.begin() + 1, row.end());
  }
  if (q2.size() < 3) throw InputError(fmt::format("{}: fewer than 3 table rows", file.string()));
}

}  // namespace

std::vector<double> natural_spline_second_derivatives(const std::vector<double>& x,
                                                      const std::vector<double>& y, int cols) {
  const int n = static_cast<int>(x.size());
  std::vector<double> y2(y.size(), 0.0);
  if (n < 3) return y2;
  // Interior equations h_{i-1} M_{i-1} + 2 (h_{i-1} + h_i) M_i + h_i M_{i+1} = 6 (d_i - d_{i-1}).
  const int m = n - 2;
  Eigen::SparseMatrix<double> A(m, m);
  std::vector<Eigen::Triplet<double>> trip;
  for (int i = 1; i <= m; ++i) {
    const double hl = x[i] - x[i - 1], hr = x[i + 1] - x[i];
    trip.emplace_back(i - 1, i - 1, 2.0 * (hl + hr));
    if (i > 1) trip.emplace_back(i - 1, i - 2, hl);
    if (i < m) trip.emplace_back(i - 1, i, hr);
  }
  A.setFromTriplets(trip.begin(), trip.end());
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(A);
  for (int c = 0; c < cols; ++c) {
    Eigen::VectorXd rhs(m);
    for (int i = 1; i <= m; ++i) {
      const double hl = x[i] - x[i - 1], hr = x[i + 1] - x[i];
      rhs(i - 1) = 6.0 * ((y[(i + 1) * cols + c] - y[i * cols + c]) / hr -
                          (y[i * cols + c] - y[(i - 1) * cols + c]) / hl);
    }
    const Eigen::VectorXd M = solver.solve(rhs);
    for (int i = 1; i <= m; ++i) y2[i * cols + c] = M(i - 1);
  }
  return y2;
}

PhysicsData::PhysicsData(PhysicsData&& other) noexcept
    : inputs_(other.inputs_),
      name_(std::move(other.name_)),
      path_(std::move(other.path_)),
      nuisances_(std::move(other.nuisances_)),
      q2_(std::move(other.q2_)),
      y_(std::move(other.y_)),
      y2_(std::move(other.y2_)),
      qcdf_q2_(std::move(other.qcdf_q2_)),
      qcdf_y_(std::move(other.qcdf_y_)) {
  bind_tables();
}

void PhysicsData::bind_tables() {
  inputs_.corrections = {q2_.data(), y_.data(), y2_.data(), static_cast<int>(q2_.size()),
                         inputs_.corrections.mc0};
  inputs_.bvll_qcdf = {qcdf_q2_.data(), qcdf_y_.data(), static_cast<int>(qcdf_q2_.size()),
                       inputs_.bvll_qcdf.q2_cut};
}

PhysicsData load_physics_data(const std::filesystem::path& toml_file) {
  if (!std::filesystem::exists(toml_file))
    throw InputError(fmt::format("physics data file '{}' does not exist", toml_file.string()));
  toml::table root;
  try {
    root = toml::parse_file(toml_file.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}: {}", toml_file.string(), e.description()));
  }
  const TomlReader r(root, toml_file);
  PhysicsData d;
  d.name_ = r.string("name");
  d.path_ = toml_file;
  PhysicsInputs& in = d.inputs_;
  in.m_lepton[static_cast<int>(Lepton::e)] = r.number("masses.m_e");
  in.m_lepton[static_cast<int>(Lepton::mu)] = r.number("masses.m_mu");
  in.alpha_em_0 = r.number("constants.alpha_em_0");
  in.m_Z = r.number("masses.m_Z");
  const double hbar_c = r.number("constants.hbar_c_GeV_cm");
  in.gev_m2_in_cm3_per_s = hbar_c * hbar_c * r.number("constants.c_cm_per_s");
  SmInputs& sm = in.sm;
  sm.xi_t = {r.number("constants.xi_t_re"), r.number("constants.xi_t_im")};
  // Real SM inputs: member <- data key.
  const std::pair<double SmInputs::*, const char*> sm_keys[] = {
      {&SmInputs::G_F, "constants.G_F"},
      {&SmInputs::alpha_e, "constants.alpha_e"},
      {&SmInputs::m_b, "constants.m_b"},
      {&SmInputs::m_s, "masses.m_s"},
      {&SmInputs::mu_b, "constants.mu_b"},
      {&SmInputs::C7eff, "sm_wilson_coefficients.C7eff"},
      {&SmInputs::C7peff, "sm_wilson_coefficients.C7peff"},
      {&SmInputs::C9, "sm_wilson_coefficients.C9"},
      {&SmInputs::C10, "sm_wilson_coefficients.C10"},
      {&SmInputs::C1, "sm_wilson_coefficients.C1"},
      {&SmInputs::C2, "sm_wilson_coefficients.C2"},
      {&SmInputs::C3, "sm_wilson_coefficients.C3"},
      {&SmInputs::C4, "sm_wilson_coefficients.C4"},
      {&SmInputs::C5, "sm_wilson_coefficients.C5"},
      {&SmInputs::C6, "sm_wilson_coefficients.C6"},
      {&SmInputs::m_c_pole, "masses.m_c_pole"},
      {&SmInputs::m_c_BVgamma, "constants.m_c_BVgamma"},
      {&SmInputs::m_b_pole, "masses.m_b_pole"},
  };
  for (const auto& [member, key] : sm_keys) sm.*member = r.number(key);
  in.corrections.mc0 = sm.m_c_BVgamma;  // the correction table is made at the central m_c
  BToKInputs& bk = in.bplus_kplus;
  bk.m_B = r.number("masses.m_Bp");
  bk.m_K = r.number("masses.m_Kp");
  bk.Gamma_B = r.number("widths.Gamma_Bp");
  bk.z_m_B = r.number("form_factors.B_to_K.z_m_B");
  bk.z_m_K = r.number("form_factors.B_to_K.z_m_K");
  bk.f_plus = r.bsz("form_factors.B_to_K.f_plus");
  bk.f_zero = r.bsz("form_factors.B_to_K.f_zero");
  bk.f_T = r.bsz("form_factors.B_to_K.f_T");
  BToVInputs& bv = in.b0_kstar0;
  bv.m_B = r.number("masses.m_B0");
  bv.m_V = r.number("masses.m_Kstar0");
  bv.Gamma_B = r.number("widths.Gamma_B0");
  bv.z_m_B = r.number("form_factors.B_to_Kstar.z_m_B");
  bv.z_m_V = r.number("form_factors.B_to_Kstar.z_m_V");
  const std::pair<BszSeries BToVInputs::*, const char*> bv_keys[] = {
      {&BToVInputs::A0, "A0"},  {&BToVInputs::A1, "A1"}, {&BToVInputs::A12, "A12"},
      {&BToVInputs::V, "V"},    {&BToVInputs::T1, "T1"}, {&BToVInputs::T2, "T2"},
      {&BToVInputs::T23, "T23"}};
  for (const auto& [member, key] : bv_keys)
    bv.*member = r.bsz(std::string("form_factors.B_to_Kstar.") + key, /*a0_derived=*/
                       std::string(key) == "A12" || std::string(key) == "T2");
  apply_endpoint_relations(bv);
  in.bs = {r.number("masses.m_Bs"),
           r.number("widths.Gamma_Bs"),
           r.number("decay_constants.f_Bs"),
           r.number("widths.y_s"),
           {r.number("mixing.M12_SM_re"), r.number("mixing.M12_SM_im")},
           r.number("mixing.B2"),
           r.number("mixing.B4"),
           r.number("mixing.hbar")};
  in.bd = {r.number("decay_constants.f_B0"),
           {r.number("constants.xi_t_bd_re"), r.number("constants.xi_t_bd_im")}};
  const std::filesystem::path table = toml_file.parent_path() / r.string("sm_corrections.file");
  read_q2_table(table, kCorrectionColumns, d.q2_, d.y_);
  d.y2_ = natural_spline_second_derivatives(d.q2_, d.y_, kCorrectionColumns);
  read_q2_table(toml_file.parent_path() / r.string("bvll_qcdf.file"), kQcdfColumns, d.qcdf_q2_,
                d.qcdf_y_);
  in.bvll_qcdf.q2_cut = r.number("bvll_qcdf.q2_cut");
  if (root.at_path("nuisances.file"))
    d.nuisances_ = toml_file.parent_path() / r.string("nuisances.file");
  d.bind_tables();
  return d;
}

void apply_endpoint_relations(BToVInputs& bv) {
  bv.A12.a[0] =
      bv.A0.a[0] * (bv.z_m_B * bv.z_m_B - bv.z_m_V * bv.z_m_V) / (8.0 * bv.z_m_B * bv.z_m_V);
  bv.T2.a[0] = bv.T1.a[0];
}

double* physics_slot(PhysicsInputs& in, const std::string& key) {
  const std::pair<const char*, double*> scalars[] = {
      {"masses.m_e", &in.m_lepton[static_cast<int>(Lepton::e)]},
      {"masses.m_mu", &in.m_lepton[static_cast<int>(Lepton::mu)]},
      {"masses.m_Z", &in.m_Z},
      {"masses.m_Bp", &in.bplus_kplus.m_B},
      {"masses.m_Kp", &in.bplus_kplus.m_K},
      {"masses.m_B0", &in.b0_kstar0.m_B},
      {"masses.m_Kstar0", &in.b0_kstar0.m_V},
      {"masses.m_Bs", &in.bs.m_Bs},
      {"masses.m_s", &in.sm.m_s},
      {"widths.Gamma_Bp", &in.bplus_kplus.Gamma_B},
      {"widths.Gamma_B0", &in.b0_kstar0.Gamma_B},
      {"widths.Gamma_Bs", &in.bs.Gamma_Bs},
      {"widths.y_s", &in.bs.y_s},
      {"decay_constants.f_Bs", &in.bs.f_Bs},
      {"decay_constants.f_B0", &in.bd.f_B0},
      {"constants.xi_t_bd_re", &in.bd.xi_t.re},
      {"constants.xi_t_bd_im", &in.bd.xi_t.im},
      {"mixing.B2", &in.bs.B2},
      {"mixing.B4", &in.bs.B4},
      {"constants.xi_t_re", &in.sm.xi_t.re},
      {"constants.xi_t_im", &in.sm.xi_t.im},
      {"constants.G_F", &in.sm.G_F},
      {"constants.alpha_e", &in.sm.alpha_e},
      {"constants.m_b", &in.sm.m_b},
      {"constants.m_c_BVgamma", &in.sm.m_c_BVgamma},
      {"sm_wilson_coefficients.C7eff", &in.sm.C7eff},
      {"sm_wilson_coefficients.C7peff", &in.sm.C7peff},
      {"sm_wilson_coefficients.C9", &in.sm.C9},
      {"sm_wilson_coefficients.C10", &in.sm.C10},
  };
  for (const auto& [name, slot] : scalars)
    if (key == name) return slot;
  const std::pair<const char*, BszSeries*> series[] = {
      {"form_factors.B_to_K.f_plus", &in.bplus_kplus.f_plus},
      {"form_factors.B_to_K.f_zero", &in.bplus_kplus.f_zero},
      {"form_factors.B_to_K.f_T", &in.bplus_kplus.f_T},
      {"form_factors.B_to_Kstar.A0", &in.b0_kstar0.A0},
      {"form_factors.B_to_Kstar.A1", &in.b0_kstar0.A1},
      {"form_factors.B_to_Kstar.A12", &in.b0_kstar0.A12},
      {"form_factors.B_to_Kstar.V", &in.b0_kstar0.V},
      {"form_factors.B_to_Kstar.T1", &in.b0_kstar0.T1},
      {"form_factors.B_to_Kstar.T2", &in.b0_kstar0.T2},
      {"form_factors.B_to_Kstar.T23", &in.b0_kstar0.T23},
  };
  for (const auto& [name, s] : series)
    for (int k = 0; k < 3; ++k)
      if (key == fmt::format("{}.a[{}]", name, k)) return &s->a[k];
  // Subleading corrections (zero in the data; set by nuisance draws): re and im parts.
  const auto part = [&](const std::string& stem, cplx& c) -> double* {
    if (key == stem + ".re") return &c.re;
    if (key == stem + ".im") return &c.im;
    return nullptr;
  };
  BkSubleading& bk = in.bk_subleading;
  for (auto& [name, c] : {std::pair<const char*, cplx*>{"a", &bk.a}, {"b", &bk.b}, {"c", &bk.c}})
    if (double* p = part(fmt::format("subleading.B_to_K.{}", name), *c)) return p;
  BvSubleading& bv = in.bv_subleading;
  const char* helicity[3] = {"0", "-", "+"};
  for (int h = 0; h < 3; ++h)
    for (auto& [name, c] :
         {std::pair<const char*, cplx*>{"a", &bv.a[h]}, {"b", &bv.b[h]}, {"c", &bv.c[h]}})
      if (double* p = part(fmt::format("subleading.B_to_Kstar.{}_{}", name, helicity[h]), *c))
        return p;
  return nullptr;
}

}  // namespace bscan
