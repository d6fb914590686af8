#include "host/output/hdf5_mpio.hpp"

#include <mpi.h>

#include "host/errors.hpp"

namespace bscan {

void use_mpio(hid_t fapl, const Communicator& comm) {
  const MPI_Comm world = *static_cast<const MPI_Comm*>(comm.native());
  if (H5Pset_fapl_mpio(fapl, world, MPI_INFO_NULL) < 0 ||
      H5Pset_all_coll_metadata_ops(fapl, true) < 0 || H5Pset_coll_metadata_write(fapl, true) < 0)
    throw OutputError("cannot set up HDF5's MPI-IO driver");
}

void use_collective_transfer(hid_t dxpl) {
  if (H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE) < 0)
    throw OutputError("cannot set up collective HDF5 transfers");
}

}  // namespace bscan
