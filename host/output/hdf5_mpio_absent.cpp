// Stands in for hdf5_mpio.cpp in builds without MPI, where every communicator has one rank.
#include <stdexcept>

#include "host/output/hdf5_mpio.hpp"

namespace bscan {

void use_mpio(hid_t, const Communicator&) {
  throw std::logic_error("use_mpio: this build has no MPI (configure with -DBSCAN_MPI=ON)");
}

void use_collective_transfer(hid_t) {
  throw std::logic_error("use_collective_transfer: this build has no MPI");
}

}  // namespace bscan
