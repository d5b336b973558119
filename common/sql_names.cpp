#include "sql_names.hpp"

#include "errors.hpp"

namespace ecomm {

namespace {

void replace_all(std::string& sql, std::string_view mark, std::string_view text) {
    for (size_t at = sql.find(mark); at != std::string::npos; at = sql.find(mark, at + text.size()))
        sql.replace(at, mark.size(), text);
}

}  // namespace

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
        replace_all(sql, "{{" + placeholder + "}}", text);
    }
    if (size_t left = sql.find("{{"); left != std::string::npos)
        throw UsageError("no name given for " + sql.substr(left, sql.find("}}", left) + 2 - left) +
                         " in a statement from sql/");
    return sql;
}

std::string copy_query_with(const Connection& conn, std::string query, std::string_view value, std::string_view what) {
    if (query.find("$1") == std::string::npos)
        throw UsageError(std::string(what) + ": no $1 for the value the COPY takes");
    replace_all(query, "$1", conn.quote_literal(value));
    return "copy (" + query + ") to stdout";
}

}  // namespace ecomm
