// libpq wrapper: every result is checked against the status we expect; COPY ends are verified.
#include "common/db.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <chrono>
#include <charconv>
#include <cstring>

#include <array>

#include <spdlog/spdlog.h>

#include "common/errors.hpp"

namespace ecomm {

namespace {
// The cancel handles of every open connection, for the SIGTERM handler (PQcancel is signal-safe): a task may
// hold several (a main merge connection and a reader), and each running statement must stop, not only the newest.
constexpr size_t max_cancel_slots = 32;
std::array<std::atomic<PGcancel*>, max_cancel_slots> g_cancels{};
}  // namespace

long long Result::integer(int row, int col) const {
    auto v = get(row, col);
    long long out = 0;
    std::from_chars(v.data(), v.data() + v.size(), out);
    return out;
}

long long Result::affected() const {
    const char* t = PQcmdTuples(r_.get());
    return (t && *t) ? std::atoll(t) : 0;
}

Connection::Connection(const std::string& conninfo, const std::string& application_name) {
    const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
    const char* vals[] = {conninfo.c_str(), application_name.c_str(), "UTF8", nullptr};
    // expand_dbname=1: the dbname value may be a full conninfo string or URI
    conn_.reset(PQconnectdbParams(keys, vals, 1));
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
        std::string msg = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        throw DbError("08001", "cannot connect: " + msg, "");
    }
    if (PGcancel* handle = PQgetCancel(conn_.get())) {
        for (size_t i = 0; i < max_cancel_slots && cancel_slot_ < 0; ++i) {
            PGcancel* expected = nullptr;
            if (g_cancels[i].compare_exchange_strong(expected, handle)) cancel_slot_ = static_cast<int>(i);
        }
        if (cancel_slot_ < 0) {  // more connections than slots: this one is not cancelled by a signal
            PQfreeCancel(handle);
            spdlog::warn("more than {} open connections: a signal will not cancel this one's statements",
                         max_cancel_slots);
        }
    }
    exec("set timezone = 'UTC'");
}

Connection::~Connection() {
    if (cancel_slot_ >= 0)
        if (PGcancel* handle = g_cancels[static_cast<size_t>(cancel_slot_)].exchange(nullptr)) PQfreeCancel(handle);
}

void Connection::cancel_running() noexcept {
    char errbuf[256];
    if (cancel_slot_ >= 0) {
        if (PGcancel* c = g_cancels[static_cast<size_t>(cancel_slot_)].load()) PQcancel(c, errbuf, sizeof errbuf);
    } else if (PGcancel* c = PQgetCancel(conn_.get())) {
        PQcancel(c, errbuf, sizeof errbuf);
        PQfreeCancel(c);
    }
}

void Connection::cancel_from_signal() noexcept {
    for (auto& slot : g_cancels) {
        if (PGcancel* c = slot.load()) {
            char errbuf[256];
            PQcancel(c, errbuf, sizeof errbuf);
        }
    }
}

void Connection::throw_error(PGresult* r, const std::string& statement) const {
    std::string sqlstate, message;
    if (r) {
        const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (s) sqlstate = s;
        message = PQresultErrorMessage(r);
        PQclear(r);
    }
    if (message.empty()) message = PQerrorMessage(conn_.get());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    if (message.rfind("ERROR:  ", 0) == 0) message = message.substr(8);
    if (PQstatus(conn_.get()) != CONNECTION_OK && sqlstate.empty()) sqlstate = "08006";
    throw DbError(sqlstate, message, statement);
}

Result Connection::check(PGresult* r, const std::string& statement) {
    auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) throw_error(r, statement);
    return Result(ResultPtr(r));
}

namespace {

// ECOMM_LOG_LEVEL=debug: every statement's time and first line, to see where a task spends it.
void log_statement_time(std::chrono::steady_clock::time_point started, const std::string& sql) {
    if (!spdlog::should_log(spdlog::level::debug)) return;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto first = sql.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) first = 0;
    spdlog::debug("{:.3f} s: {}", secs, sql.substr(first, sql.find('\n', first) - first));
}

}  // namespace

Result Connection::exec(const std::string& sql) {
    auto started = std::chrono::steady_clock::now();
    Result r = check(PQexec(conn_.get(), sql.c_str()), sql);
    log_statement_time(started, sql);
    return r;
}

Result Connection::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    auto started = std::chrono::steady_clock::now();
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    Result r = check(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0),
                     sql);
    log_statement_time(started, sql);
    return r;
}

bool uses_parameters(std::string_view statement) {
    bool in_comment = false;
    for (size_t i = 0; i + 1 < statement.size(); ++i) {
        const char c = statement[i];
        if (c == '\n') in_comment = false;
        else if (!in_comment && c == '-' && statement[i + 1] == '-') in_comment = true;
        else if (!in_comment && c == '$' && statement[i + 1] >= '0' && statement[i + 1] <= '9') return true;
    }
    return false;
}

std::vector<std::string> split_script(std::string_view sql) {
    std::vector<std::string> statements;
    size_t start = 0;
    bool in_comment = false, has_code = false;
    for (size_t i = 0; i <= sql.size(); ++i) {
        const bool at_end = i == sql.size();
        const char c = at_end ? '\n' : sql[i];
        if (c == '\n') in_comment = false;
        else if (!in_comment && c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') in_comment = true;
        const bool ends = at_end || (!in_comment && c == ';' && i + 1 < sql.size() && sql[i + 1] == '\n');
        if (ends) {
            if (has_code) statements.emplace_back(sql.substr(start, i - start));
            start = i + 1;
            has_code = false;
        } else if (!in_comment && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            has_code = true;
        }
    }
    return statements;
}

long long Connection::exec_script(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    long long affected = 0;
    for (const std::string& statement : split_script(sql)) {
        if (!params.empty() && uses_parameters(statement))
            affected = exec(statement, params).affected();
        else
            affected = exec(statement).affected();  // each logs its time at debug level
    }
    return affected;
}

std::optional<std::string> Connection::scalar(const std::string& sql,
                                              const std::vector<std::optional<std::string>>& params) {
    Result r = params.empty() ? exec(sql) : exec(sql, params);
    if (r.rows() == 0 || r.is_null(0, 0)) return std::nullopt;
    return r.text(0, 0);
}

long long Connection::scalar_int(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    auto v = scalar(sql, params);
    return v ? std::stoll(*v) : 0;
}

long long Connection::copy_out_messages(const std::string& copy_sql,
                                        const std::function<void(std::string_view)>& on_message) {
    PGresult* r = PQexec(conn_.get(), copy_sql.c_str());
    if (!r || PQresultStatus(r) != PGRES_COPY_OUT) throw_error(r, copy_sql);
    PQclear(r);

    // A reader thread pulls the server's messages a few batches ahead while on_message runs on this thread.
    // Reading and consuming in turns on one thread, the server stalls as soon as the socket buffer is full and
    // the caller waits for the next row; with the thread both sides work at once. Memory stays bounded: at most
    // max_ready batches of about batch_bytes wait.
    struct Batch {
        std::string bytes;
        std::vector<size_t> ends;  // end offset of each message in bytes
    };
    constexpr size_t batch_bytes = 256 << 10;
    constexpr size_t max_ready = 8;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Batch> ready;
    bool done = false, stop = false;
    std::exception_ptr failure;

    std::thread reader([&] {
        try {
            Batch batch;
            auto publish = [&] {  // false once the consumer has stopped
                std::unique_lock lock(mu);
                cv.wait(lock, [&] { return ready.size() < max_ready || stop; });
                if (stop) return false;
                ready.push_back(std::move(batch));
                batch = Batch{};
                cv.notify_all();
                return true;
            };
            bool stopped = false;
            for (;;) {
                char* buf = nullptr;
                int n = PQgetCopyData(conn_.get(), &buf, 0);
                if (n == -1) break;  // done
                if (n == -2) throw_error(nullptr, copy_sql);
                batch.bytes.append(buf, static_cast<size_t>(n));
                batch.ends.push_back(batch.bytes.size());
                PQfreemem(buf);
                if (batch.bytes.size() >= batch_bytes && !publish()) {
                    // the consumer failed: end the statement and drain, so the connection stays usable
                    stopped = true;
                    cancel_running();
                    while ((n = PQgetCopyData(conn_.get(), &buf, 0)) >= 0) PQfreemem(buf);
                    break;
                }
            }
            if (stopped) {
                while (PGresult* rest = PQgetResult(conn_.get())) PQclear(rest);
            } else {
                check(PQgetResult(conn_.get()), copy_sql);
                while (PGresult* rest = PQgetResult(conn_.get())) PQclear(rest);
                if (!batch.ends.empty()) publish();
            }
        } catch (...) {
            std::lock_guard lock(mu);
            failure = std::current_exception();
        }
        std::lock_guard lock(mu);
        done = true;
        cv.notify_all();
    });

    long long messages = 0;
    try {
        for (;;) {
            Batch batch;
            {
                std::unique_lock lock(mu);
                cv.wait(lock, [&] { return !ready.empty() || done; });
                if (ready.empty()) break;
                batch = std::move(ready.front());
                ready.pop_front();
                cv.notify_all();
            }
            size_t begin = 0;
            for (size_t end : batch.ends) {
                on_message(std::string_view(batch.bytes.data() + begin, end - begin));
                begin = end;
                ++messages;
            }
        }
    } catch (...) {
        {
            std::lock_guard lock(mu);
            stop = true;
        }
        cv.notify_all();
        reader.join();
        throw;
    }
    reader.join();
    if (failure) std::rethrow_exception(failure);
    return messages;
}

void Connection::rollback_quietly() noexcept {
    if (!conn_) return;
    if (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) return;
    if (PGresult* r = PQexec(conn_.get(), "rollback")) PQclear(r);
}

std::string Connection::quote_literal(std::string_view s) const {
    char* q = PQescapeLiteral(conn_.get(), s.data(), s.size());
    if (!q) throw DbError("", "cannot quote literal", "");
    std::string out(q);
    PQfreemem(q);
    return out;
}

std::string Connection::quote_identifier(std::string_view s) const {
    char* q = PQescapeIdentifier(conn_.get(), s.data(), s.size());
    if (!q) throw DbError("", "cannot quote identifier", "");
    std::string out(q);
    PQfreemem(q);
    return out;
}

}  // namespace ecomm
