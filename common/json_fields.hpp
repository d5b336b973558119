// The JSON field-capture engine of every JSON feed: one pass over a JSON object with simdjson On-Demand,
// capturing the fields a transform knows (any order; a key given twice never gets here: extract quarantines
// the record), so validation can then check them in docs/DATA_CONTRACT.md's reason order. A known field that
// holds an object or an array is handed to the caller, which descends with the same engine in the same pass.
#pragma once

#include <simdjson.h>

#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace ecomm {

enum class JsonKind { absent, null, string, number, boolean, object, array };

struct JsonField {
    JsonKind kind = JsonKind::absent;
    // A string's unescaped value or a number's exact JSON text (money is parsed from it). A view, not a copy
    // (transform_orders reads ~220k records a night): valid until the parser's next document.
    std::string_view text;
    bool flag = false;  // a boolean's value
    // The contract treats an absent and a null field alike: missing.
    bool present() const { return kind != JsonKind::absent && kind != JsonKind::null; }
    // Present, but not the kind the contract expects: an invalid value rather than a missing field.
    bool wrong_type(JsonKind expected) const { return present() && kind != expected; }
};

// Why a capture stopped: simdjson's error, and where it was met (each feed words its malformed detail).
struct JsonCaptureError {
    enum class At { none, document, root, field, value };
    At at = At::none;  // document: not JSON; root: not an object; field: a key or the iteration; value: `key`'s
    simdjson::error_code code = simdjson::SUCCESS;
    std::string_view key;  // At::value: the known field whose value is not well-formed
    explicit operator bool() const { return at != At::none; }
    // The detail the products and customers feeds give a malformed record.
    std::string message() const;
};

// Captures one value's kind and text; an error when it is not well-formed JSON. An object or an array is only
// typed here: the iteration skips it unless the caller descends.
simdjson_inline simdjson::error_code capture_json_value(simdjson::ondemand::value& value, JsonField& out) {
    using simdjson::ondemand::json_type;
    json_type type;
    if (auto e = value.type().get(type)) return e;
    switch (type) {
        case json_type::string:
            out.kind = JsonKind::string;
            return value.get_string().get(out.text);
        case json_type::number: {
            std::string_view token = value.raw_json_token();  // the exact text, with the whitespace after it
            while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                                      token.back() == '\r'))
                token.remove_suffix(1);
            out.text = token;
            out.kind = JsonKind::number;
            return simdjson::SUCCESS;
        }
        case json_type::boolean:
            out.kind = JsonKind::boolean;
            return value.get_bool().get(out.flag);
        case json_type::null: {
            bool is_null = false;
            if (auto e = value.is_null().get(is_null)) return e;
            out.kind = JsonKind::null;
            return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
        }
        case json_type::object:
            out.kind = JsonKind::object;
            return simdjson::SUCCESS;
        case json_type::array:
            out.kind = JsonKind::array;
            return simdjson::SUCCESS;
    }
    return simdjson::INCORRECT_TYPE;
}

// The callback of a caller that never descends: a known field's object or array is skipped.
struct SkipNested {
    simdjson::error_code operator()(size_t, const JsonField&, simdjson::ondemand::value&) const {
        return simdjson::SUCCESS;
    }
};

// Captures the fields of `object` named in `names` into `fields` (same index); an unknown field is allowed and
// skipped. For a known field holding an object or an array, `descend(index, field, value)` is called (a template,
// not a std::function: no allocation per record) and may read the value, typically with capture_json_fields
// again; its error stops the capture. On an error `fields` is left part-filled: read none of it.
template <size_t N, typename Descend = SkipNested>
JsonCaptureError capture_json_fields(simdjson::ondemand::object& object, const std::array<std::string_view, N>& names,
                                     std::array<JsonField, N>& fields, Descend&& descend = {}) {
    static_assert(N > 0);
    using At = JsonCaptureError::At;
    fields.fill(JsonField{});
    size_t next = 0;
    for (auto field_result : object) {
        simdjson::ondemand::field field;
        std::string_view key;
        if (auto e = std::move(field_result).get(field)) return {At::field, e};
        if (auto e = field.unescaped_key().get(key)) return {At::field, e};
        size_t i = next;  // producers write the fields in the order of `names`: the one after the last match first
        if (names[i] != key) {
            i = 0;
            while (i < N && names[i] != key) ++i;
            if (i == N) continue;
        }
        next = i + 1 == N ? 0 : i + 1;
        simdjson::ondemand::value value = field.value();
        JsonField& out = fields[i];
        if (auto e = capture_json_value(value, out)) return {At::value, e, key};
        if (out.kind == JsonKind::object || out.kind == JsonKind::array)
            if (auto e = descend(i, std::as_const(out), value)) return {At::value, e, key};
    }
    return {};
}

// The same for a nested value that capture_json_value found to be an object (inside a `descend` callback).
template <size_t N, typename Descend = SkipNested>
JsonCaptureError capture_json_fields(simdjson::ondemand::value& value, const std::array<std::string_view, N>& names,
                                     std::array<JsonField, N>& fields, Descend&& descend = {}) {
    simdjson::ondemand::object object;
    if (auto e = value.get_object().get(object)) return {JsonCaptureError::At::root, e};
    return capture_json_fields(object, names, fields, std::forward<Descend>(descend));
}

// Parses `json` (which must be followed by simdjson::SIMDJSON_PADDING readable bytes) as one object and
// captures its fields as capture_json_fields does.
template <size_t N, typename Descend = SkipNested>
JsonCaptureError capture_json_document(simdjson::ondemand::parser& parser, const char* json, size_t len,
                                       size_t capacity, const std::array<std::string_view, N>& names,
                                       std::array<JsonField, N>& fields, Descend&& descend = {}) {
    using At = JsonCaptureError::At;
    simdjson::ondemand::document doc;
    if (auto e = parser.iterate(json, len, capacity).get(doc)) return {At::document, e};
    simdjson::ondemand::object object;
    if (auto e = doc.get_object().get(object)) return {At::root, e};
    return capture_json_fields(object, names, fields, std::forward<Descend>(descend));
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
