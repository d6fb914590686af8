// Loads the physics inputs (data/parameters/*.toml and the tables they name) into PhysicsInputs.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "kernels/sm/physics_inputs.hpp"

namespace bscan {

class PhysicsData {
 public:
  // The inputs; table pointers point into this object (host memory). Not copyable for that reason.
  const PhysicsInputs& inputs() const { return inputs_; }
  const std::string& name() const { return name_; }
  const std::filesystem::path& path() const { return path_; }
  const std::vector<double>& table_q2() const { return q2_; }
  const std::vector<double>& table_values() const { return y_; }
  const std::vector<double>& table_second_derivatives() const { return y2_; }
  const std::vector<double>& qcdf_q2() const { return qcdf_q2_; }
  const std::vector<double>& qcdf_values() const { return qcdf_y_; }
  // The nuisance-parameter file the data name (`nuisances.file`); empty when they name none.
  const std::filesystem::path& nuisances_path() const { return nuisances_; }

  PhysicsData() = default;
  PhysicsData(const PhysicsData&) = delete;
  PhysicsData& operator=(const PhysicsData&) = delete;
  PhysicsData(PhysicsData&& other) noexcept;

 private:
  friend PhysicsData load_physics_data(const std::filesystem::path& toml_file);
  void bind_tables();

  PhysicsInputs inputs_{};
  std::string name_;
  std::filesystem::path path_, nuisances_;
  std::vector<double> q2_, y_, y2_;
  std::vector<double> qcdf_q2_, qcdf_y_;
};

// Throws InputError naming the file and the key when something is missing or malformed.
PhysicsData load_physics_data(const std::filesystem::path& toml_file);

// The input a physics-data key sets (e.g. "widths.Gamma_Bp", "form_factors.B_to_K.f_T.a[1]",
// "constants.xi_t_re"); null for a key that sets no single number.
double* physics_slot(PhysicsInputs& in, const std::string& key);

// a0(A12) and a0(T2) from a0(A0) and a0(T1): A0(0) = A3(0), T1(0) = T2(0) (arXiv:1503.05534 eq.
// 16).
void apply_endpoint_relations(BToVInputs& bv);

// Natural cubic spline second derivatives of each of `cols` columns of y (row-major n x cols).
std::vector<double> natural_spline_second_derivatives(const std::vector<double>& x,
                                                      const std::vector<double>& y, int cols);

}  // namespace bscan
