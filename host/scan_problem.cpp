#include "host/scan_problem.hpp"

#include "host/errors.hpp"

namespace bscan {

long long ScanProblem::total_points() const {
  long long n = 1;
  for (const Axis& a : axes) n *= static_cast<long long>(a.values.size());
  return n;
}

void prepare_terms(ScanProblem& pb) {
  pb.compiled = compile_observables(pb.observables);
  const PhysicsInputs& in = pb.physics->inputs();
  pb.contact.assign(pb.compiled.terms.size(), Spectral{});
#pragma omp parallel for schedule(dynamic)
  for (std::size_t t = 0; t < pb.compiled.terms.size(); ++t) {
    RateTerm term = pb.compiled.terms[t];
    if (!pb.smear_non_resonant) term.bin.r = 0.0;  // paper 000 smears the resonance only
    pb.contact[t] = term_contact(in, term);
  }
}

std::unique_ptr<Backend> make_backend(BackendChoice choice, const ScanProblem& pb, int threads,
                                      std::string& notice) {
  if (choice == BackendChoice::cpu) return make_cpu_backend(pb, threads);
  std::string why;
  std::unique_ptr<Backend> cuda = make_cuda_backend(pb, why);
  if (cuda) return cuda;
  if (choice == BackendChoice::cuda) throw InputError("--backend cuda: " + why);
  notice = "backend auto: " + why + "; running on the CPU (OpenMP)";
  return make_cpu_backend(pb, threads);
}

}  // namespace bscan
