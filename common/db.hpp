// The one place that talks to libpq: connections, checked results, COPY in and out.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecomm {

struct PgResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
struct PgConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
using ResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

// A checked query result (PGRES_TUPLES_OK or PGRES_COMMAND_OK).
class Result {
public:
    explicit Result(ResultPtr r) : r_(std::move(r)) {}
    int rows() const { return PQntuples(r_.get()); }
    int columns() const { return PQnfields(r_.get()); }
    bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col); }
    std::string_view get(int row, int col) const {
        return {PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col))};
    }
    std::string text(int row, int col) const { return std::string(get(row, col)); }
    long long integer(int row, int col) const;
    // rows affected by INSERT/UPDATE/DELETE
    long long affected() const;

private:
    ResultPtr r_;
};

class Connection {
public:
    // conninfo may be empty: libpq then uses the PG* environment variables.
    Connection(const std::string& conninfo, const std::string& application_name);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    PGconn* raw() const { return conn_.get(); }

    Result exec(const std::string& sql);
    Result exec(const std::string& sql, const std::vector<std::optional<std::string>>& params);
    // Runs a script of statements separated by ";" at the end of a line (split_script), each with the params it
    // uses ($1..$n appear in it, outside "--" comments) or none.
    // Returns the row count of the last statement (an insert's, update's or delete's; else 0).
    long long exec_script(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
    // convenience: first column of first row, or nullopt when no row / null
    std::optional<std::string> scalar(const std::string& sql,
                                      const std::vector<std::optional<std::string>>& params = {});
    long long scalar_int(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});

    // Streams COPY ... TO STDOUT, handing over each CopyData message as the server sent it (one row each;
    // copy_out_binary reads them).
    long long copy_out_messages(const std::string& copy_sql, const std::function<void(std::string_view)>& on_message);

    // Prefer Transaction below, which cannot be left open on an error path.
    void rollback_quietly() noexcept;
    std::string quote_literal(std::string_view s) const;
    std::string quote_identifier(std::string_view s) const;

    // Asks the server to cancel this connection's running statement, if any; safe from another thread.
    void cancel_running() noexcept;
    // Sends a cancel request for the running statement of every open connection; safe in a signal handler.
    static void cancel_from_signal() noexcept;

private:
    friend class CopyIn;
    [[noreturn]] void throw_error(PGresult* r, const std::string& statement) const;
    Result check(PGresult* r, const std::string& statement);

    std::unique_ptr<PGconn, PgConnDeleter> conn_;
    int cancel_slot_ = -1;  // this connection's cancel handle in the signal handler's table, or -1
};

// A transaction that rolls back unless committed (libpqxx's idea): begins when constructed; commit() ends it;
// destroyed still open (an exception on the way out, an early return), it rolls back.
class Transaction {
public:
    explicit Transaction(Connection& db) : db_(db) { db_.exec("begin"); }
    ~Transaction() {
        if (open_) db_.rollback_quietly();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit() {
        open_ = false;  // a failed commit leaves no transaction to roll back either
        db_.exec("commit");
    }

private:
    Connection& db_;
    bool open_ = true;
};

// Whether a statement refers to a parameter ($1, $2, ...) outside its "--" comments: the server refuses
// parameters a statement does not use, so a caller with one to give passes it only then.
bool uses_parameters(std::string_view statement);

// A script's statements: split at each ";" that ends a line outside a "--" comment (a comment may end in ";"),
// without the ";"; a piece holding only comments and blanks is no statement (the server would answer it with an
// empty query). Our own SQL only: no ";" at a line end inside a literal or a dollar-quoted body.
std::vector<std::string> split_script(std::string_view sql);

}  // namespace ecomm
