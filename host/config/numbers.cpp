#include "host/config/numbers.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "host/errors.hpp"

namespace bscan {

double parse_number(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);  // ERANGE on underflow: v is still nearest
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])) ||
      end != text.c_str() + text.size())
    throw InputError(fmt::format("{}: '{}' is not a number", what, text));
  if (!std::isfinite(v))
    throw InputError(
        fmt::format("{}: '{}' is not a finite number (a double holds |x| < 1.8e308)", what, text));
  return v;
}

}  // namespace bscan
