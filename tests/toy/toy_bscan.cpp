// bscan with the toy model of the tests added: the only line a program needs for a new model.
#include "host/cli/main.hpp"
#include "host/exec/register_model.hpp"
#include "toy/toy_scalar.hpp"

int main(int argc, char** argv) {
  bscan::register_model<bscan::test::ToyScalarModel>();
  return bscan::cli::main(argc, argv);
}
