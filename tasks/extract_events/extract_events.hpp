// extract_events: lands the day's events CSV files in raw.events (exact line, lineage) and their headers
// in raw.event_files.
#pragma once

#include "common/task.hpp"

namespace ecomm {

// Reads incoming/events/<date>/*.csv|*.csv.gz and replaces the date's rows of raw.events and raw.event_files;
// records that are not valid UTF-8 or not one well-formed CSV row are quarantined (stage "extract"). A file
// whose header lacks a required column rejects the whole day (DataError, exit 3) before anything is written.
void extract_events(TaskContext& ctx);

}  // namespace ecomm
