// reprocess_quarantine: audit.bad_records of one feed and date -> raw (extract-stage records that now pass) ->
// staging (the feed's transform, which re-validates the day's raw records, the transform-stage ones included).
#pragma once

#include <string>

#include "common/task.hpp"

namespace ecomm {

struct ReprocessOptions {
    std::string feed;
    std::string reason;  // empty: every reason
};

void reprocess_quarantine(TaskContext& ctx, const ReprocessOptions& options);

}  // namespace ecomm
