// UTF-8 and JSON well-formedness checks shared by the JSON feeds' extract tasks.
#include "common/record_checks.hpp"

#include <algorithm>
#include <vector>

#include "common/logging.hpp"

namespace ecomm {

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r") == std::string_view::npos; }

namespace {

// The first key that appears twice in one object, at any depth (empty when none). simdjson keeps every
// occurrence and a reader would see one or both depending on how it looks a field up, so docs/DATA_CONTRACT.md
// quarantines such a record rather than pick one. `keys` is scratch reused across calls (no allocation per record).
std::string_view first_duplicate_key(simdjson::dom::element element, std::vector<std::string_view>& keys) {
    simdjson::dom::array array;
    if (element.get(array) == simdjson::SUCCESS) {
        for (simdjson::dom::element child : array) {
            std::string_view dup = first_duplicate_key(child, keys);
            if (!dup.empty()) return dup;
        }
        return {};
    }
    simdjson::dom::object object;
    if (element.get(object) != simdjson::SUCCESS) return {};
    const size_t mark = keys.size();
    for (auto field : object) keys.push_back(field.key);
    std::string_view dup;
    const auto first = keys.begin() + static_cast<long>(mark);
    if (keys.size() - mark <= 32) {  // the usual record: a few keys, compared pairwise
        for (auto k = first; k != keys.end() && dup.empty(); ++k)
            if (std::find(first, k, *k) != k) dup = *k;
    } else {  // a wide object: sorted, so a hostile record cannot make this quadratic
        std::sort(first, keys.end());
        auto adjacent = std::adjacent_find(first, keys.end());
        if (adjacent != keys.end()) dup = *adjacent;
    }
    for (auto field : object) {
        if (!dup.empty()) break;
        dup = first_duplicate_key(field.value, keys);
    }
    keys.resize(mark);
    return dup;
}

}  // namespace

std::string check_json_object(simdjson::dom::parser& parser, std::string_view text) {
    simdjson::dom::element element;
    if (auto error = parser.parse(text.data(), text.size(), false).get(element))
        return std::string("not valid JSON: ") + simdjson::error_message(error);
    if (!element.is_object()) return "not a JSON object";
    thread_local std::vector<std::string_view> keys;
    keys.clear();
    std::string_view dup = first_duplicate_key(element, keys);
    if (!dup.empty()) return "duplicate key \"" + std::string(dup) + "\"";
    return {};
}

std::optional<RecordProblem> check_json_record(simdjson::dom::parser& parser, std::string_view text,
                                               bool terminated) {
    if (!is_valid_utf8(text))
        return RecordProblem{Reason::invalid_utf8, "invalid UTF-8 at byte " + std::to_string(first_invalid_utf8(text)) +
                                                       " (bytes shown as \\xNN in record)"};
    if (text.size() > max_record_bytes)
        return RecordProblem{Reason::malformed, "record of " + with_commas(static_cast<long long>(text.size())) +
                                                    " bytes exceeds the " + std::to_string(max_record_bytes >> 20) +
                                                    " MiB limit"};
    std::string why = check_json_object(parser, text);
    if (why.empty()) return std::nullopt;
    if (!terminated) why += " (last line has no newline: the file may be truncated)";
    return RecordProblem{Reason::malformed, std::move(why)};
}

}  // namespace ecomm
