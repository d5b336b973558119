// Typed errors thrown by the library and mapped to exit codes once, in run_task.
#pragma once

#include <stdexcept>
#include <string>

#include "common/exit_codes.hpp"

namespace ecomm {

// Base: every error knows which exit code it maps to.
class TaskError : public std::runtime_error {
public:
    TaskError(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ExitCode code() const { return code_; }

private:
    ExitCode code_;
};

// Bad options or configuration (exit 2).
class UsageError : public TaskError {
public:
    explicit UsageError(const std::string& m) : TaskError(ExitCode::usage, m) {}
};

// Worth retrying later: drop not complete, lock busy, interrupted (exit 1).
class RetryableError : public TaskError {
public:
    explicit RetryableError(const std::string& m) : TaskError(ExitCode::retry, m) {}
};

// Nothing to do for this date (exit 99).
class NothingToDo : public TaskError {
public:
    explicit NothingToDo(const std::string& m) : TaskError(ExitCode::skipped, m) {}
};

// A blocking data-quality failure (exit 3).
class DataQualityError : public TaskError {
public:
    explicit DataQualityError(const std::string& m) : TaskError(ExitCode::data_quality, m) {}
};

// A whole file that cannot be used (e.g. a CSV missing a required column): names file, line and reason.
class DataError : public TaskError {
public:
    DataError(const std::string& file, long line, const std::string& reason)
        : TaskError(ExitCode::data_quality, line > 0 ? file + ":" + std::to_string(line) + ": " + reason
                                                     : file + ": " + reason),
          file_(file), line_(line) {}
    const std::string& file() const { return file_; }
    long line() const { return line_; }

private:
    std::string file_;
    long line_;
};

// A database error: carries the SQLSTATE and the statement. Connection and server-side transient
// failures are retryable; errors in our own SQL or schema (class 42, 22, 23...) are not.
class DbError : public TaskError {
public:
    DbError(const std::string& sqlstate, const std::string& message, const std::string& statement)
        : TaskError(classify(sqlstate), compose(sqlstate, message, statement)),
          sqlstate_(sqlstate), statement_(statement) {}
    const std::string& sqlstate() const { return sqlstate_; }
    const std::string& statement() const { return statement_; }

    static ExitCode classify(const std::string& sqlstate) {
        // 08 connection, 40 rollback (40001 serialization, 40P01 deadlock), 53 resources, 55P03 lock not available,
        // 57 operator intervention (shutdown, cancel), 58 system error; empty = connection lost.
        if (sqlstate.empty()) return ExitCode::retry;
        const std::string cls = sqlstate.substr(0, 2);
        if (cls == "08" || cls == "40" || cls == "53" || cls == "57" || cls == "58" || sqlstate == "55P03")
            return ExitCode::retry;
        // a unique violation: two tasks inserting the same key at once (the parallel fact loads creating the
        // same inferred member); the rerun finds the other's row
        if (sqlstate == "23505") return ExitCode::retry;
        if (sqlstate == "3D000" || sqlstate == "28000" || sqlstate == "28P01") return ExitCode::usage;
        return ExitCode::usage;
    }

private:
    static std::string compose(const std::string& sqlstate, const std::string& message,
                               const std::string& statement) {
        std::string s = "database error";
        if (!sqlstate.empty()) s += " " + sqlstate;
        s += ": " + message;
        if (!statement.empty()) {
            std::string st = statement.size() > 300 ? statement.substr(0, 300) + "..." : statement;
            s += " (statement: " + st + ")";
        }
        return s;
    }

    std::string sqlstate_;
    std::string statement_;
};

}  // namespace ecomm
