// fast-cpp-csv-parser (Debian libfccp-dev), included the one way the project uses it: only its parsing
// functions (no CSVReader, so no reader thread), without the warning its header raises in any includer.
#pragma once

#define CSV_IO_NO_THREAD
// its LineReader copies a file name with strncpy into a fixed buffer, which GCC 12 warns about
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#include <libfccp/csv.h>
#pragma GCC diagnostic pop
