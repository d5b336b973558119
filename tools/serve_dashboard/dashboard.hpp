// The monitoring dashboard's server: the pages, Chart.js, a JSON API over sql/dashboard/*.sql, /healthz.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ecomm::dashboard {

struct Config {
    std::string dsn;       // empty: libpq's PG* variables
    std::string listen = "127.0.0.1";
    int port = 5000;
    std::string role = "ecomm_monitor";  // SET ROLE after connecting; empty: stay the login role
    std::string static_dir;              // the pages (HTML, JS, CSS)
    std::string chart_js;                // Chart.js's UMD build, served as /vendor/chart.min.js
    std::string sql_dir;                 // holds the API's queries (<sql>/dashboard/*.sql)
    int statement_timeout_ms = 15000;
};

// How a request's query string is checked before it reaches SQL. Every API query is bounded: a date range of
// at most max_range_days, a number of nights of at most max_days, at most max_limit sample rows.
enum class ParamKind { date, days, limit, rule, feed, reason };

struct Param {
    std::string name;
    ParamKind kind;
};

struct Endpoint {
    std::string path;      // /api/...
    std::string sql_file;  // under <sql>/dashboard/
    std::vector<Param> params;
};

constexpr int max_range_days = 366;
constexpr int max_days = 90;
constexpr int default_days = 30;
constexpr int max_limit = 100;
constexpr int default_limit = 20;

const std::vector<Endpoint>& endpoints();

// A client mistake in the query string: answered with 400 and this message.
struct BadRequest {
    std::string message;
};

// The query's positional parameters ($1..$n, in the endpoint's order), null where the request left one out and
// the SQL picks the default. Throws BadRequest. A `from`/`to` pair is checked together (from <= to, the span).
std::vector<std::optional<std::string>> bind_params(const Endpoint& e,
                                                    const std::multimap<std::string, std::string>& query);

// The folder of the pages: an existing <prefix>/share/ecomm/dashboard beside the executable's bin/ (installed,
// the Docker image), else the source tree's (a build). ECOMM_DASHBOARD_DIR overrides both.
std::string default_static_dir();

// Serves until SIGTERM or SIGINT; returns the process's exit code (2 when it cannot start).
int serve(const Config& config);

}  // namespace ecomm::dashboard
