// One rank: the build without MPI. Collectives return their argument.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "host/mpi/communicator.hpp"

namespace bscan {

const Communicator& Communicator::world() {
  static const Communicator one;
  return one;
}

void Communicator::barrier() const {}
long long Communicator::sum(long long x) const { return x; }
double Communicator::sum(double x) const { return x; }
void Communicator::sum(std::vector<long long>&) const {}
double Communicator::max(double x) const { return x; }
double Communicator::min(double x) const { return x; }
bool Communicator::from_root(bool x) const { return x; }
std::string Communicator::from_root(const std::string& s) const { return s; }
std::vector<std::pair<long long, long long>> Communicator::gather_all(
    const std::vector<std::pair<long long, long long>>& ranges) const {
  return ranges;
}
void Communicator::agree(std::exception_ptr local) const {
  if (local) std::rethrow_exception(local);
}
void Communicator::abort(const std::string& message, int code) const {
  fmt::print(stderr, "bscan: error: {}\n", message);
  std::exit(code);
}

MpiSession::MpiSession(int&, char**&) {}
MpiSession::~MpiSession() = default;

}  // namespace bscan
