// serve_dashboard: the monitoring dashboard (pipeline health and business KPIs) on http://<listen>:<port>/.
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "common/exit_codes.hpp"
#include "common/logging.hpp"
#include "common/task.hpp"
#include "dashboard.hpp"

int main(int argc, char** argv) {
    ecomm::CommonOptions common;  // --dsn and the logging options; the others are accepted and unused
    ecomm::dashboard::Config config;
    config.static_dir = ecomm::dashboard::default_static_dir();
    config.chart_js = "/usr/share/javascript/chart.js/chart.min.js";
    config.sql_dir = ecomm::sql_dir();

    CLI::App app{"Serve the monitoring dashboard: pipeline health and business KPIs, read-only", "serve_dashboard"};
    ecomm::add_common_options(app, common);
    app.add_option("--listen", config.listen, "address to listen on (0.0.0.0: every interface)")->capture_default_str();
    app.add_option("--port", config.port, "TCP port")->check(CLI::Range(1, 65535))->capture_default_str();
    app.add_option("--role", config.role, "role to SET after connecting (\"\": the login role)")->capture_default_str();
    app.add_option("--static-dir", config.static_dir, "folder of the pages (ECOMM_DASHBOARD_DIR)")->capture_default_str();
    app.add_option("--chart-js", config.chart_js, "Chart.js UMD build (Debian libjs-chart.js)")->capture_default_str();
    app.add_option("--statement-timeout", config.statement_timeout_ms, "milliseconds a query may take")
        ->check(CLI::Range(100, 600000))
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : ecomm::to_int(ecomm::ExitCode::usage);
    }
    ecomm::setup_logging("serve_dashboard", common.log_format);
    config.dsn = common.dsn;
    // a database that does not answer must not hold a page (or /healthz) for libpq's default of forever
    setenv("PGCONNECT_TIMEOUT", "3", 0);
    return ecomm::dashboard::serve(config);
}
