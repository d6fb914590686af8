// The bscan executable: the command line over the library's models.
#include "host/cli/main.hpp"

int main(int argc, char** argv) { return bscan::cli::main(argc, argv); }
