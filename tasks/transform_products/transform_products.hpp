// transform_products: raw.products of a date -> staging.products_snapshot (typed, validated, one row per product).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/json_fields.hpp"
#include "common/quarantine.hpp"
#include "common/task.hpp"

namespace ecomm {

struct ProductRecord {
    std::string product_id, name, category, subcategory, brand, supplier_id;
    bool has_subcategory = false, has_brand = false, has_supplier_id = false;
    long long price_cents = 0;
    bool active = false;
    int64_t updated_at = 0;  // microseconds since the epoch, UTC
};

// Parses and validates one snapshot element (one long-lived On-Demand parser, reused buffer).
class ProductParser {
public:
    // nullopt when the element is a valid product (then `out` holds it), else the first rule it breaks.
    std::optional<RecordProblem> parse(std::string_view json, int64_t load_day, ProductRecord& out);
    // After a failed parse: the element's product_id when it was read as a non-empty string, else empty (the
    // element's product is then unknown).
    std::string_view product_id_read() const { return product_id_read_; }

private:
    simdjson::ondemand::parser parser_;
    PaddedText text_;
    std::array<JsonField, 9> fields_;
    std::string product_id_read_;
};

void transform_products(TaskContext& ctx);

}  // namespace ecomm
