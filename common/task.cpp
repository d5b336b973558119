// The shared life of a task run: options, logging, signals, connection, lock, audit row, exit code.
#include "common/task.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "common/logging.hpp"
#include "common/timeutil.hpp"

namespace ecomm {

namespace {

// read by every thread of a task (run_two_lanes' too): lock-free, so the handler may store it
std::atomic<int> g_signal = 0;
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_terminate(int sig) {
    g_signal = sig;
    // Cancel the running statement so a long COPY or query returns at once; the body then sees the
    // error, the transaction rolls back, and the lock goes with it.
    Connection::cancel_from_signal();
}

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_terminate;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

std::string lock_key(const TaskSpec& spec, const CommonOptions& o) {
    return spec.lock == LockScope::task ? "ecomm:" + spec.name : "ecomm:" + spec.name + ":" + o.date;
}

}  // namespace

void lock_run(Connection& db, const std::string& key, const std::string& who, int timeout_seconds) {
    db.exec("set local lock_timeout = '" + std::to_string(timeout_seconds) + "s'");
    try {
        db.exec("select pg_advisory_xact_lock(hashtextextended($1, 0))", {key});
    } catch (const DbError& e) {
        if (e.sqlstate() == "55P03")
            throw RetryableError("another run of " + who + " still holds the lock after " +
                                 std::to_string(timeout_seconds) + " s");
        throw;
    }
    db.exec("set local lock_timeout = 0");
}

namespace {

// Records the run; a failure to audit is logged, never hides the task's own outcome.
class AuditRow {
public:
    AuditRow(Connection& db, const TaskContext& ctx) : db_(db) {
        auto id = db_.scalar(
            "insert into audit.task_runs (run_id, task, run_date, status, pid) "
            "values ($1, $2, $3::date, 'running', $4) returning task_run_id",
            {ctx.options.run_id.empty() ? std::nullopt : std::optional<std::string>(ctx.options.run_id), ctx.task,
             ctx.options.date.empty() ? std::nullopt : std::optional<std::string>(ctx.options.date),
             std::to_string(getpid())});
        id_ = id.value_or("");
    }
    const std::string& id() const { return id_; }

    void finish(const TaskContext& ctx, ExitCode code, const std::string& error, double seconds) noexcept {
        try {
            db_.rollback_quietly();
            const char* status = code == ExitCode::ok ? "succeeded" : code == ExitCode::skipped ? "skipped" : "failed";
            db_.exec(
                "update audit.task_runs set finished_at = now(), status = $2, exit_code = $3, rows_read = $4, "
                "rows_written = $5, rows_quarantined = $6, duration_seconds = $7, error = $8 "
                "where task_run_id = $1",
                {id_, std::string(status), std::to_string(to_int(code)), std::to_string(ctx.counts.rows_read),
                 std::to_string(ctx.counts.rows_written), std::to_string(ctx.counts.rows_quarantined),
                 std::to_string(seconds),
                 error.empty() ? std::nullopt : std::optional<std::string>(error)});
        } catch (const std::exception& e) {
            spdlog::warn("could not record the run in audit.task_runs: {}", e.what());
        }
    }

private:
    Connection& db_;
    std::string id_;
};

}  // namespace

void add_common_options(CLI::App& app, CommonOptions& o) {
    app.add_option("--date", o.date, "logical date to process, YYYY-MM-DD");
    app.add_option("--data-dir", o.data_dir, "landing zone root (holds incoming/<feed>/<date>/)")
        ->capture_default_str();
    app.add_option("--dsn", o.dsn, "libpq connection string or URI (default: the PG* environment variables)");
    app.add_option("--run-id", o.run_id, "the orchestrator's run id, kept in the audit trail");
    app.add_option("--log-format", o.log_format, "log format on stderr")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    app.add_option("--lock-timeout", o.lock_timeout_seconds,
                   "seconds to wait for another run of the same task to finish before exiting 1")
        ->capture_default_str();
    app.set_version_flag("--version", std::string(ECOMM_VERSION));
}

int64_t TaskContext::load_day() const {
    if (!day) throw UsageError("--date is required");
    return *day;
}

void TaskContext::check_interrupted() const {
    if (g_signal) throw RetryableError(std::string("interrupted by signal ") + std::to_string(g_signal.load()));
}

std::string sql_dir() {
    if (const char* d = std::getenv("ECOMM_SQL_DIR"); d && *d) return d;
    return ECOMM_DEFAULT_SQL_DIR;
}

int run_task(int argc, char** argv, const TaskSpec& spec, const TaskBody& body) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // Airflow reads stdout through a pipe
    TaskContext ctx;
    ctx.task = spec.name;
    CLI::App app{spec.summary, spec.name};
    add_common_options(app, ctx.options);
    if (spec.add_options) spec.add_options(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);  // prints help/version (rc 0) or the usage error
        return rc == 0 ? 0 : to_int(ExitCode::usage);
    }
    setup_logging(spec.name, ctx.options.log_format);
    install_signal_handlers();

    auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };

    std::unique_ptr<Connection> db;
    std::unique_ptr<AuditRow> audit;
    ExitCode code = ExitCode::ok;
    std::string error;
    try {
        std::optional<Transaction> tx;  // the body's transaction: rolled back as an error leaves this block
        if (!ctx.options.date.empty()) {
            ctx.day = parse_date(ctx.options.date);
            if (!ctx.day) throw UsageError("--date must be a real date as YYYY-MM-DD, got \"" + ctx.options.date + "\"");
        } else if (spec.needs_date) {
            throw UsageError("--date is required");
        }
        if (spec.uses_db) {
            db = std::make_unique<Connection>(ctx.options.dsn, spec.name);
            ctx.db = db.get();
            if (spec.audited) {
                try {
                    audit = std::make_unique<AuditRow>(*db, ctx);
                } catch (const DbError& e) {
                    if (e.sqlstate() == "42P01" || e.sqlstate() == "3F000")
                        throw UsageError("the warehouse schema is missing: run `migrate` first (" +
                                         std::string(e.what()) + ")");
                    throw;
                }
            }
            if (spec.transactional) {
                tx.emplace(*db);
                lock_run(*db, lock_key(spec, ctx.options),
                         spec.name + (spec.lock == LockScope::task ? "" : " for " + ctx.options.date),
                         ctx.options.lock_timeout_seconds);
            }
        }
        spdlog::info("start{}{}", ctx.options.date.empty() ? "" : " for " + ctx.options.date,
                     ctx.options.run_id.empty() ? "" : " (run " + ctx.options.run_id + ")");
        body(ctx);
        ctx.check_interrupted();
        if (tx) tx->commit();
        if (spec.after_commit) spec.after_commit(ctx);
    } catch (const TaskError& e) {
        code = e.code();
        error = e.what();
        if (g_signal && code != ExitCode::usage) {
            code = ExitCode::retry;
            error = "interrupted by signal " + std::to_string(g_signal.load()) + " (" + error + ")";
        }
    } catch (const std::exception& e) {
        code = ExitCode::retry;
        error = std::string("unexpected error: ") + e.what();
    }
    if (db) db->rollback_quietly();  // what a task that runs its own transactions left open
    if (audit) audit->finish(ctx, code, error, elapsed());

    const double secs = elapsed();
    switch (code) {
        case ExitCode::ok:
            spdlog::info("done in {:.2f} s: read {}, wrote {}, quarantined {}", secs, with_commas(ctx.counts.rows_read),
                         with_commas(ctx.counts.rows_written), with_commas(ctx.counts.rows_quarantined));
            break;
        case ExitCode::skipped:
            spdlog::info("skipped: {}", error);
            break;
        default:
            spdlog::error("{} (exit {})", error, to_int(code));
    }
    return to_int(code);
}

}  // namespace ecomm
