// Numbers written by the user (observable ids, --set): the whole text must be one finite double.
#pragma once
#include <string>

namespace bscan {

// Parses `text`; InputError naming `what` when it is not a number or beyond the range of a double.
// A value below the smallest double (1e-400) becomes that nearest double (0 or a subnormal).
double parse_number(const std::string& text, const std::string& what);

}  // namespace bscan
