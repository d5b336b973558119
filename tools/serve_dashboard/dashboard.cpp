// serve_dashboard's server: routes, per-thread database connections, the checked query string, /healthz.
#include "dashboard.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <pthread.h>
#include <set>
#include <sstream>
#include <thread>

#include "common/db.hpp"
#include "common/errors.hpp"
#include "common/exit_codes.hpp"
#include "common/timeutil.hpp"

namespace ecomm::dashboard {

namespace fs = std::filesystem;

const std::vector<Endpoint>& endpoints() {
    using K = ParamKind;
    static const std::vector<Endpoint> list = {
        {"/api/overview", "overview.sql", {}},
        {"/api/runs/night", "night_runs.sql", {{"date", K::date}}},
        {"/api/runs/durations", "night_durations.sql", {{"days", K::days}}},
        {"/api/quality/latest", "quality_latest.sql", {}},
        {"/api/quality/history", "quality_history.sql", {{"rule", K::rule}, {"days", K::days}}},
        {"/api/quarantine/daily", "quarantine_daily.sql", {{"from", K::date}, {"to", K::date}}},
        {"/api/quarantine/samples", "quarantine_samples.sql",
         {{"date", K::date}, {"feed", K::feed}, {"reason", K::reason}, {"limit", K::limit}}},
        {"/api/freshness", "freshness.sql", {}},
        {"/api/volume", "volume.sql", {}},
        {"/api/completion", "completion.sql", {{"from", K::date}, {"to", K::date}}},
        {"/api/sales/daily", "sales_daily.sql", {{"from", K::date}, {"to", K::date}}},
        {"/api/sales/categories", "sales_categories.sql", {{"from", K::date}, {"to", K::date}}},
        {"/api/funnel", "funnel.sql", {{"from", K::date}, {"to", K::date}}},
        {"/api/customers", "customers.sql", {{"from", K::date}, {"to", K::date}}},
    };
    return list;
}

namespace {

const std::set<std::string> feeds = {"orders", "events", "products", "customers"};
const std::set<std::string> reasons = {"invalid_utf8",         "malformed",     "missing_field",
                                       "unsupported_currency", "invalid_value", "future_timestamp"};

int bounded_int(const Param& p, const std::string& text, int low, int high) {
    int v = 0;
    size_t used = 0;
    try {
        v = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || v < low || v > high)
        throw BadRequest{p.name + " must be a whole number from " + std::to_string(low) + " to " +
                         std::to_string(high) + ", got \"" + text + "\""};
    return v;
}

std::string check_value(const Param& p, const std::string& text) {
    switch (p.kind) {
        case ParamKind::date:
            if (!parse_date(text)) throw BadRequest{p.name + " must be a date as YYYY-MM-DD, got \"" + text + "\""};
            return text;
        case ParamKind::days: return std::to_string(bounded_int(p, text, 1, max_days));
        case ParamKind::limit: return std::to_string(bounded_int(p, text, 1, max_limit));
        case ParamKind::rule:
            if (text.empty() || text.size() > 200) throw BadRequest{"rule must be a rule's name"};
            return text;
        case ParamKind::feed:
            if (!feeds.count(text)) throw BadRequest{"feed must be one of orders, events, products, customers"};
            return text;
        case ParamKind::reason:
            if (!reasons.count(text)) throw BadRequest{"reason \"" + text + "\" is not a quarantine reason"};
            return text;
    }
    return text;
}

std::optional<std::string> default_value(const Param& p) {
    switch (p.kind) {
        case ParamKind::days: return std::to_string(default_days);
        case ParamKind::limit: return std::to_string(default_limit);
        case ParamKind::rule: throw BadRequest{"rule is required"};
        default: return std::nullopt;  // the SQL's default: the latest day the warehouse has
    }
}

}  // namespace

std::vector<std::optional<std::string>> bind_params(const Endpoint& e,
                                                    const std::multimap<std::string, std::string>& query) {
    std::vector<std::optional<std::string>> values;
    std::optional<int64_t> from, to;
    for (const auto& p : e.params) {
        auto [first, last] = query.equal_range(p.name);
        if (first == last || first->second.empty()) {
            values.push_back(default_value(p));
            continue;
        }
        if (std::next(first) != last) throw BadRequest{p.name + " is given more than once"};
        values.push_back(check_value(p, first->second));
        if (p.name == "from") from = parse_date(first->second);
        if (p.name == "to") to = parse_date(first->second);
    }
    if (from && to) {
        if (*from > *to) throw BadRequest{"from must not be after to"};
        if (*to - *from + 1 > max_range_days)
            throw BadRequest{"the date range is " + std::to_string(*to - *from + 1) + " days; at most " +
                             std::to_string(max_range_days) + " are served at once"};
    }
    // One bound alone: the SQL fills the other within max_range_days (the window ends at `to`, or starts at `from`).
    return values;
}

std::string default_static_dir() {
    if (const char* d = std::getenv("ECOMM_DASHBOARD_DIR"); d && *d) return d;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        fs::path installed = exe.parent_path().parent_path() / "share" / "ecomm" / "dashboard";
        if (fs::is_regular_file(installed / "index.html", ec)) return installed.string();
    }
    return ECOMM_DASHBOARD_SOURCE_DIR;
}

namespace {

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string error_json(const std::string& status, const std::string& message) {
    return "{\"status\":" + json_string(status) + ",\"error\":" + json_string(message) + "}";
}

// One connection per server thread, opened on first use and dropped when it breaks, so a database that went
// away is reconnected by the next request; libpq connections are never shared between threads.
class ThreadConnection {
public:
    explicit ThreadConnection(const Config& c) : config_(c) {}

    Connection& get() {
        auto& conn = slot();
        drop_if_broken();
        if (!conn) {
            auto fresh = std::make_unique<Connection>(config_.dsn, "serve_dashboard");
            fresh->exec("set default_transaction_read_only = on");
            fresh->exec("set statement_timeout = " + std::to_string(config_.statement_timeout_ms));
            // small bounded queries: compiling one with JIT costs more than running it
            fresh->exec("set jit = off");
            if (!config_.role.empty()) fresh->exec("set role " + fresh->quote_identifier(config_.role));
            conn = std::move(fresh);
        }
        return *conn;
    }
    // After an error: a connection that is no longer usable is closed; the next request reconnects.
    void drop_if_broken() {
        auto& conn = slot();
        if (conn && PQstatus(conn->raw()) != CONNECTION_OK) conn.reset();
    }

private:
    static std::unique_ptr<Connection>& slot() {
        thread_local std::unique_ptr<Connection> conn;
        return conn;
    }
    const Config& config_;
};

// The error a page shows: the database is unreachable (503) or the query failed (500).
void answer_db_error(httplib::Response& res, const DbError& e) {
    // connection failures and server shutdowns; a query cancelled by statement_timeout (57014) is a 500
    const std::string& state = e.sqlstate();
    const bool unavailable = state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
    res.status = unavailable ? 503 : 500;
    res.set_content(error_json(unavailable ? "unavailable" : "error", e.what()), "application/json");
}

void no_store(httplib::Response& res) { res.set_header("Cache-Control", "no-store"); }

sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}

}  // namespace

int serve(const Config& config) {
    // Everything the pages need is read now: a missing file is a configuration error, said at start.
    std::map<std::string, std::string> queries;
    std::string chart_js;
    try {
        for (const auto& e : endpoints())
            queries[e.path] = read_file(fs::path(config.sql_dir) / "dashboard" / e.sql_file);
        chart_js = read_file(config.chart_js);
        for (const char* page : {"index.html", "business.html", "dashboard.js", "dashboard.css"})
            if (!fs::is_regular_file(fs::path(config.static_dir) / page))
                throw UsageError("the dashboard's pages are not in " + config.static_dir + " (no " + page + ")");
    } catch (const UsageError& e) {
        spdlog::error("{}{}", e.what(),
                      config.chart_js.empty() || fs::exists(config.chart_js) ? "" : " (install libjs-chart.js)");
        return to_int(ExitCode::usage);
    }

    // SIGTERM/SIGINT are taken by one thread with sigwait, blocked in every other (the pool inherits the mask).
    sigset_t signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    ThreadConnection db(config);
    httplib::Server svr;
    svr.set_read_timeout(10, 0);
    svr.set_write_timeout(10, 0);

    for (const auto& endpoint : endpoints()) {
        const std::string& sql = queries.at(endpoint.path);
        svr.Get(endpoint.path, [&db, &endpoint, &sql](const httplib::Request& req, httplib::Response& res) {
            auto started = std::chrono::steady_clock::now();
            no_store(res);
            try {
                auto params = bind_params(endpoint, req.params);
                auto json = db.get().scalar(sql, params);
                res.status = 200;
                res.set_content(json.value_or("null"), "application/json");
            } catch (const BadRequest& e) {
                res.status = 400;
                res.set_content(error_json("bad_request", e.message), "application/json");
            } catch (const DbError& e) {
                db.drop_if_broken();
                answer_db_error(res, e);
                spdlog::warn("{} {}: {}", req.method, req.path, e.what());
            }
            double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            spdlog::info("{} {} {} in {:.1f} ms", req.method, req.target, res.status, ms);
        });
    }

    svr.Get("/healthz", [&db](const httplib::Request&, httplib::Response& res) {
        no_store(res);
        try {
            db.get().exec("select 1");
            res.set_content("{\"status\":\"ok\"}", "application/json");
        } catch (const DbError& e) {
            db.drop_if_broken();
            res.status = 503;
            res.set_content(error_json("unavailable", e.what()), "application/json");
            spdlog::warn("healthz: {}", e.what());
        }
    });

    svr.Get("/vendor/chart.min.js", [&chart_js](const httplib::Request&, httplib::Response& res) {
        res.set_header("Cache-Control", "max-age=86400");
        res.set_content(chart_js, "text/javascript; charset=utf-8");
    });
    auto page = [&config](const char* file) {
        return [&config, file](const httplib::Request&, httplib::Response& res) {
            no_store(res);
            try {
                res.set_content(read_file(fs::path(config.static_dir) / file), "text/html; charset=utf-8");
            } catch (const UsageError& e) {
                res.status = 500;
                res.set_content(e.what(), "text/plain");
            }
        };
    };
    svr.Get("/", page("index.html"));
    svr.Get("/business", page("business.html"));
    svr.set_mount_point("/static", config.static_dir);
    svr.set_file_extension_and_mimetype_mapping("js", "text/javascript; charset=utf-8");
    svr.set_file_extension_and_mimetype_mapping("css", "text/css; charset=utf-8");

    if (!svr.bind_to_port(config.listen.c_str(), config.port)) {
        spdlog::error("cannot listen on {}:{} (in use, or not an address of this machine)", config.listen,
                      config.port);
        return to_int(ExitCode::usage);
    }
    std::thread stopper([&svr, signals] {
        int sig = 0;
        sigwait(&signals, &sig);
        spdlog::info("signal {}: stopping", sig);
        svr.stop();
    });
    spdlog::info("serving the dashboard on http://{}:{}/ (pages from {}, queries from {}/dashboard)", config.listen,
                 config.port, config.static_dir, config.sql_dir);
    svr.listen_after_bind();
    // listen ended without a signal (a socket error): wake the stopper so it can be joined
    if (svr.is_running() == false) pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    return to_int(ExitCode::ok);
}

}  // namespace ecomm::dashboard
