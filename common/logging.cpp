// Logging to stderr: Airflow shows stderr in the task log; stdout stays for machine output.
#include "common/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>
#include <cstdio>
#include <mutex>

namespace ecomm {

namespace {

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (char c : s) {
        switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out.append(buf);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

// One JSON object per line: {"ts":...,"level":...,"task":...,"msg":...}
class JsonStderrSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit JsonStderrSink(std::string task) : task_(std::move(task)) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        using namespace std::chrono;
        auto t = system_clock::to_time_t(msg.time);
        auto ms = duration_cast<milliseconds>(msg.time.time_since_epoch()).count() % 1000;
        std::tm tm{};
        gmtime_r(&t, &tm);
        char ts[64];
        std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
        std::string line = "{\"ts\":\"";
        line += ts;
        line += "\",\"level\":";
        auto lv = spdlog::level::to_string_view(msg.level);
        append_json_string(line, std::string_view(lv.data(), lv.size()));
        line += ",\"task\":";
        append_json_string(line, task_);
        line += ",\"msg\":";
        append_json_string(line, std::string_view(msg.payload.data(), msg.payload.size()));
        line += "}\n";
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }

private:
    std::string task_;
};

}  // namespace

void setup_logging(const std::string& task, const std::string& format) {
    std::shared_ptr<spdlog::logger> logger;
    if (format == "json") {
        logger = std::make_shared<spdlog::logger>(task, std::make_shared<JsonStderrSink>(task));
    } else {
        logger = std::make_shared<spdlog::logger>(task, std::make_shared<spdlog::sinks::stderr_sink_mt>());
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %n: %v", spdlog::pattern_time_type::utc);
    }
    logger->flush_on(spdlog::level::trace);  // a crash must not swallow the last lines
    spdlog::set_default_logger(logger);
    if (const char* lvl = std::getenv("ECOMM_LOG_LEVEL")) spdlog::set_level(spdlog::level::from_str(lvl));
}

std::string with_commas(long long n) {
    const std::string digits = std::to_string(n);  // a leading '-' for negative numbers
    const size_t first = n < 0 ? 1 : 0;
    std::string s(digits, 0, first);
    for (size_t i = first; i < digits.size(); ++i) {
        if (i > first && (digits.size() - i) % 3 == 0) s.push_back(',');
        s.push_back(digits[i]);
    }
    return s;
}

std::string rate(long long rows, double seconds) {
    if (seconds <= 0) return "-";
    double r = rows / seconds;
    char buf[32];
    if (r >= 1e6)
        std::snprintf(buf, sizeof buf, "%.2fM rows/s", r / 1e6);
    else if (r >= 1e3)
        std::snprintf(buf, sizeof buf, "%.0fk rows/s", r / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%.0f rows/s", r);
    return buf;
}

}  // namespace ecomm
