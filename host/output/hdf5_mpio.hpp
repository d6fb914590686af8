// HDF5's MPI-IO driver for one file shared by the ranks of a communicator (docs/architecture.md,
// MPI ranks: collective transfers, all metadata calls collective). hdf5_mpio.cpp in builds with
// MPI, hdf5_mpio_absent.cpp without (there a communicator has one rank and these are never called).
#pragma once
#include <hdf5.h>

#include "host/mpi/communicator.hpp"

namespace bscan {

// File access through MPI-IO on `comm`, every metadata read and write collective.
void use_mpio(hid_t fapl, const Communicator& comm);
// Raw data transfers collective (required for filtered datasets written in parallel).
void use_collective_transfer(hid_t dxpl);

}  // namespace bscan
