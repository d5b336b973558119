#include "sql_names.hpp"

#include "errors.hpp"

namespace ecomm {

std::string quoted_name(const Connection& db, std::string_view dotted) {
    std::string out;
    size_t start = 0;
    while (true) {
        size_t dot = dotted.find('.', start);
        out += db.quote_identifier(dotted.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) return out;
        out += '.';
        start = dot + 1;
    }
}

std::string splice_names(std::string sql, const std::vector<std::pair<std::string, std::string>>& names) {
    for (const auto& [placeholder, text] : names) {
        const std::string mark = "{{" + placeholder + "}}";
        for (size_t at = sql.find(mark); at != std::string::npos; at = sql.find(mark, at + text.size()))
            sql.replace(at, mark.size(), text);
    }
    if (size_t left = sql.find("{{"); left != std::string::npos)
        throw UsageError("no name given for " + sql.substr(left, sql.find("}}", left) + 2 - left) +
                         " in a statement from sql/");
    return sql;
}

}  // namespace ecomm
