// extract_products: lands a day's catalogue snapshot files (JSON arrays) in raw.products, one row per element.
#pragma once

#include <functional>
#include <string_view>

#include "common/task.hpp"

namespace ecomm {

// Splits the text of a JSON array file into its top-level elements without parsing them, so one broken
// element cannot take the rest of the file with it. on_element gets each element's exact text and the
// physical line where it starts; on_malformed gets what cannot be an element (not an array, an element cut
// by the end of the file, trailing content) with its line, a detail and the text concerned.
void split_json_array(std::string_view text, const std::function<void(std::string_view element, long line)>& on_element,
                      const std::function<void(long line, std::string_view detail, std::string_view text)>& on_malformed);

void extract_products(TaskContext& ctx);

}  // namespace ecomm
