// reprocess_quarantine: re-validates a day's quarantined records of one feed with the current rules and moves
// those that now pass into staging through the feed's normal transform.
#include <CLI/CLI.hpp>

#include "common/task.hpp"
#include "reprocess_quarantine.hpp"

int main(int argc, char** argv) {
    ecomm::ReprocessOptions options;
    ecomm::TaskSpec spec{
        .name = "reprocess_quarantine",
        .summary = "Re-validate the quarantined records of a feed and date with the current rules; those that now "
                   "pass go to staging through the feed's transform, the rest stay in audit.bad_records",
        .transactional = false,  // commits the re-admitted raw rows before the transform reads them
        .add_options = [&](CLI::App& app) {
            app.add_option("--feed", options.feed, "orders, events, products or customers")->required();
            app.add_option("--reason", options.reason, "only the records quarantined for this reason");
        }};
    return ecomm::run_task(argc, argv, spec,
                           [&](ecomm::TaskContext& ctx) { ecomm::reprocess_quarantine(ctx, options); });
}
