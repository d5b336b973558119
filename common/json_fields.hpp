// The JSON field-capture engine: one pass over a JSON object with simdjson On-Demand, capturing the fields a
// transform knows (any order; a key given twice never gets here: extract quarantines the record), so
// validation can then check them in docs/DATA_CONTRACT.md's reason order.
#pragma once

#include <simdjson.h>

#include <array>
#include <string>
#include <string_view>

namespace ecomm {

enum class JsonKind { absent, null, string, number, boolean, other };

struct JsonField {
    JsonKind kind = JsonKind::absent;
    std::string text;  // a string's unescaped value, or a number's exact JSON text
    bool flag = false; // a boolean's value
    bool present() const { return kind != JsonKind::absent && kind != JsonKind::null; }
};

// Captures one value; false when it is not well-formed JSON.
inline bool capture_json_value(simdjson::ondemand::value value, JsonField& out) {
    simdjson::ondemand::json_type type;
    if (value.type().get(type)) return false;
    switch (type) {
        case simdjson::ondemand::json_type::string: {
            std::string_view s;
            if (value.get_string().get(s)) return false;
            out.text.assign(s);  // the view dies with the document: copy
            out.kind = JsonKind::string;
            return true;
        }
        case simdjson::ondemand::json_type::number: {
            std::string_view token = value.raw_json_token();  // exact text: money is parsed from it
            while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                                      token.back() == '\r'))
                token.remove_suffix(1);
            out.text.assign(token);
            out.kind = JsonKind::number;
            return true;
        }
        case simdjson::ondemand::json_type::boolean: {
            bool b;
            if (value.get_bool().get(b)) return false;
            out.flag = b;
            out.kind = JsonKind::boolean;
            return true;
        }
        case simdjson::ondemand::json_type::null: {
            bool is_null = false;
            if (value.is_null().get(is_null) || !is_null) return false;
            out.kind = JsonKind::null;
            return true;
        }
        default:
            out.kind = JsonKind::other;  // object or array: skipped by the iteration
            return true;
    }
}

// Parses `json` (which must be followed by simdjson::SIMDJSON_PADDING readable bytes) as one object and
// captures the fields named in `names` into `fields` (same index). Returns an empty string, or why the text
// is not a well-formed JSON object.
template <size_t N>
std::string capture_json_object(simdjson::ondemand::parser& parser, const char* json, size_t len, size_t capacity,
                                const std::array<std::string_view, N>& names, std::array<JsonField, N>& fields) {
    for (auto& f : fields) f.kind = JsonKind::absent;
    simdjson::ondemand::document doc;
    if (auto err = parser.iterate(json, len, capacity).get(doc)) return simdjson::error_message(err);
    simdjson::ondemand::object object;
    if (auto err = doc.get_object().get(object)) return std::string("not a JSON object: ") + simdjson::error_message(err);
    for (auto field : object) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return simdjson::error_message(err);
        size_t i = 0;
        while (i < N && names[i] != key) ++i;
        simdjson::ondemand::value value;
        if (auto err = field.value().get(value)) return simdjson::error_message(err);
        if (i == N) continue;  // an unknown field is allowed and skipped
        if (!capture_json_value(value, fields[i])) return "field \"" + std::string(key) + "\" is not well-formed JSON";
    }
    return {};
}

// A reusable buffer that keeps simdjson's padding after whatever text is put in it.
class PaddedText {
public:
    void assign(std::string_view text) {
        buf_.assign(text);
        len_ = text.size();
        buf_.append(simdjson::SIMDJSON_PADDING, ' ');
    }
    const char* data() const { return buf_.data(); }
    size_t size() const { return len_; }
    size_t capacity() const { return buf_.size(); }

private:
    std::string buf_;
    size_t len_ = 0;
};

}  // namespace ecomm
