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
    return copy_query_with(conn, std::move(query), std::vector<std::string>{std::string(value)}, what);
}

std::string copy_query_with(const Connection& conn, std::string query, const std::vector<std::string>& values,
                            std::string_view what) {
    // the highest first, so that $1 is not taken for the start of $10
    for (size_t n = values.size(); n >= 1; --n) {
        const std::string parameter = "$" + std::to_string(n);
        if (query.find(parameter) == std::string::npos)
            throw UsageError(std::string(what) + ": no " + parameter + " for the value the COPY takes");
        replace_all(query, parameter, conn.quote_literal(values[n - 1]));
    }
    // one statement, without the ";" that may end it (split_script): a COPY wraps a query in parentheses
    const std::vector<std::string> statements = split_script(query);
    if (statements.size() != 1)
        throw UsageError(std::string(what) + ": a COPY query is one statement, not " +
                         std::to_string(statements.size()));
    return "copy (" + statements.front() + "\n) to stdout";
}

}  // namespace ecomm
