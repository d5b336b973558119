// extract_events: lands the day's events CSV files in raw.events with file and line.
#include "common/task.hpp"
#include "extract_events.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "extract_events",
                         .summary = "Land the day's events CSV files in raw.events (exact line, file and line) and "
                                    "their headers; quarantine records that are not UTF-8 or not one well-formed row"};
    return ecomm::run_task(argc, argv, spec, ecomm::extract_events);
}
