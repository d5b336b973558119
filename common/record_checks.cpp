// UTF-8 and JSON well-formedness checks shared by the JSON feeds' extract tasks.
#include "common/record_checks.hpp"

#include "common/logging.hpp"

namespace ecomm {

bool is_blank(std::string_view text) {
    for (char c : text)
        if (c != ' ' && c != '\t' && c != '\r') return false;
    return true;
}

std::optional<RecordProblem> check_json_record(simdjson::dom::parser& parser, const Line& line, size_t padding) {
    if (!is_valid_utf8(line.text)) {
        size_t at = first_invalid_utf8(line.text);
        return RecordProblem{Reason::invalid_utf8,
                             "invalid UTF-8 at byte " + std::to_string(at) + " (bytes shown as \\xNN in record)"};
    }
    if (line.text.size() > max_record_bytes)
        return RecordProblem{Reason::malformed, "record of " + with_commas(static_cast<long long>(line.text.size())) +
                                                    " bytes exceeds the " +
                                                    std::to_string(max_record_bytes >> 20) + " MiB limit"};
    simdjson::dom::element doc;
    static_assert(LineReader::padding >= simdjson::SIMDJSON_PADDING);
    (void)padding;
    auto error = parser.parse(line.text.data(), line.text.size(), false).get(doc);
    if (error) {
        std::string detail = std::string("not valid JSON: ") + simdjson::error_message(error);
        if (!line.terminated) detail += " (last line has no newline: the file may be truncated)";
        return RecordProblem{Reason::malformed, detail};
    }
    if (!doc.is_object()) return RecordProblem{Reason::malformed, "record is not a JSON object"};
    return std::nullopt;
}

}  // namespace ecomm
