#include "sql_files.hpp"

#include <fstream>
#include <sstream>

#include "errors.hpp"
#include "task.hpp"

namespace ecomm {

std::string read_sql_file(const std::string& relative) {
    const std::string path = sql_dir() + "/" + relative;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read " + path + " (set ECOMM_SQL_DIR to the sql/ folder)");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace ecomm
