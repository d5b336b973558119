// spdlog set-up: one line per event on stderr, as text or JSON (--log-format json) for log shippers.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace ecomm {

void setup_logging(const std::string& task, const std::string& format);

// "1234567" -> "1,234,567" for log lines people read.
std::string with_commas(long long n);
// "476k rows/s" style rate.
std::string rate(long long rows, double seconds);

}  // namespace ecomm
