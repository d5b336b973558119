// extract_products: incoming/products/<date>/*.json -> raw.products (rerun replaces the date).
#include "extract_products.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/errors.hpp"
#include "common/json_landing.hpp"
#include "common/landing.hpp"
#include "common/logging.hpp"

namespace ecomm {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A quarantined record's text is kept whole up to this size (a whole broken file can be large).
constexpr size_t max_kept_bytes = 1 << 20;

}  // namespace

void split_json_array(std::string_view text, const std::function<void(std::string_view, long)>& on_element,
                      const std::function<void(long, std::string_view, std::string_view)>& on_malformed) {
    size_t i = 0;
    long line = 1;
    const size_t n = text.size();
    auto skip_space = [&] {
        while (i < n && is_space(text[i])) {
            if (text[i] == '\n') ++line;
            ++i;
        }
    };
    skip_space();
    if (i < n && text[i] == '\xEF' && text.substr(i, 3) == "\xEF\xBB\xBF") {  // a UTF-8 byte order mark
        i += 3;
        skip_space();
    }
    if (i == n) {
        on_malformed(line, "empty file: expected a JSON array", text.substr(0, max_kept_bytes));
        return;
    }
    if (text[i] != '[') {
        on_malformed(line, "not a JSON array", text.substr(i, max_kept_bytes));
        return;
    }
    ++i;
    for (;;) {
        skip_space();
        while (i < n && text[i] == ',') {  // a stray comma: tolerated, there is no element to lose
            ++i;
            skip_space();
        }
        if (i == n) {
            on_malformed(line, "the array is not closed (truncated file?)", "");
            return;
        }
        if (text[i] == ']') {
            ++i;
            skip_space();
            if (i < n) on_malformed(line, "trailing content after the JSON array", text.substr(i, max_kept_bytes));
            return;
        }
        // one element: track nesting and strings only, so its end is found whatever its content
        const size_t start = i;
        const long start_line = line;
        int depth = 0;
        bool in_string = false;
        bool done = false;
        while (i < n && !done) {
            char c = text[i];
            if (c == '\n') ++line;
            if (in_string) {
                if (c == '\\' && i + 1 < n) {
                    if (text[i + 1] == '\n') ++line;
                    ++i;
                } else if (c == '"') {
                    in_string = false;
                }
                ++i;
                continue;
            }
            switch (c) {
                case '"': in_string = true; break;
                case '{':
                case '[': ++depth; break;
                case '}':
                case ']':
                    if (depth == 0) {  // the array's own ']' ends a scalar element
                        done = true;
                        continue;
                    }
                    if (--depth == 0) done = true;
                    break;
                case ',':
                    if (depth == 0) {
                        done = true;
                        continue;
                    }
                    break;
                default: break;
            }
            ++i;
        }
        if (!done) {
            on_malformed(start_line, in_string ? "the file ends inside a string of this element"
                                               : "the file ends inside this element",
                         text.substr(start, std::min(n - start, max_kept_bytes)));
            return;
        }
        std::string_view element = text.substr(start, i - start);
        while (!element.empty() && is_space(element.back())) element.remove_suffix(1);
        on_element(element, start_line);
    }
}

void extract_products(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    DayDrop drop = find_day_drop(ctx.options.data_dir, "products", ctx.date(), {".json"});
    // Every file is checked to its end first: a snapshot closes the products it lacks, so one file cut off or
    // not an array makes the day's snapshot unusable, and it is rejected whole before anything is written.
    for (const std::string& path : drop.files) {
        simdjson::padded_string content;
        if (auto err = simdjson::padded_string::load(path).get(content))
            throw RetryableError("cannot read " + path + ": " + simdjson::error_message(err));
        split_json_array(
            std::string_view(content), [](std::string_view, long) {},
            [&](long line, std::string_view detail, std::string_view) {
                throw DataError(lineage_name(path), line,
                                std::string(detail) + ": the products snapshot is rejected whole (closes nothing)");
            });
    }

    RawJsonLanding landing(ctx, "products");
    for (const std::string& path : drop.files) {
        const std::string file = lineage_name(path);
        simdjson::padded_string content;  // a catalogue is small: the whole file, padded for simdjson
        if (auto err = simdjson::padded_string::load(path).get(content))
            throw RetryableError("cannot read " + path + ": " + simdjson::error_message(err));
        long long before = landing.records();
        split_json_array(
            std::string_view(content), [&](std::string_view element, long line) { landing.add(file, line, element); },
            [&](long line, std::string_view detail, std::string_view) {
                throw DataError(file, line, std::string(detail));  // checked above: the file changed meanwhile
            });
        spdlog::info("{}: {} elements", file, with_commas(landing.records() - before));
        ctx.check_interrupted();
    }
    landing.finish();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("loaded {} rows into raw.products from {} file(s), {} quarantined, in {:.2f} s",
                 with_commas(ctx.counts.rows_written), drop.files.size(), with_commas(ctx.counts.rows_quarantined),
                 seconds);
}

}  // namespace ecomm
