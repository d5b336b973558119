// UTF-8 and JSON well-formedness checks shared by the JSON feeds' extract tasks.
#include "common/record_checks.hpp"

#include "common/logging.hpp"

namespace ecomm {

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r") == std::string_view::npos; }

std::string check_json_object(simdjson::dom::parser& parser, std::string_view text) {
    simdjson::dom::element element;
    if (auto error = parser.parse(text.data(), text.size(), false).get(element))
        return std::string("not valid JSON: ") + simdjson::error_message(error);
    if (!element.is_object()) return "not a JSON object";
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
