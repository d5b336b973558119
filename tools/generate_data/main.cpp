// generate_data: writes a deterministic landing zone (orders, events, products, customers) plus its oracle.
#include <CLI/CLI.hpp>

#include <map>
#include <string>

#include "common/task.hpp"
#include "generate_data.hpp"

int main(int argc, char** argv) {
    ecomm::GeneratorOptions o;
    CLI::Option* out = nullptr;
    ecomm::TaskSpec spec{.name = "generate_data",
                         .summary = "Write deterministic synthetic feeds under <out>/incoming and the expected "
                                    "results under <out>/expected",
                         .needs_date = false,
                         .uses_db = false,
                         .audited = false,
                         .transactional = false,
                         .add_options = [&o, &out](CLI::App& app) {
                             app.add_option("--start", o.start, "first load date (YYYY-MM-DD)")->capture_default_str();
                             app.add_option("--days", o.days, "number of daily drops")->capture_default_str()
                                 ->check(CLI::Range(1, 3660));
                             out = app.add_option("--out", o.out, "output folder (default: --data-dir)");
                             app.add_option("--seed", o.seed, "random seed")->capture_default_str();
                             app.add_option("--orders-per-day", o.orders_per_day, "new orders per day")
                                 ->capture_default_str()->check(CLI::Range(0LL, 100'000'000LL));
                             app.add_option("--events-per-day", o.events_per_day, "events per day")
                                 ->capture_default_str()->check(CLI::Range(0LL, 1'000'000'000LL));
                             app.add_option("--products", o.products, "catalogue size")->capture_default_str()
                                 ->check(CLI::Range(130, 899'999));
                             app.add_option("--customers", o.customers, "customer count")->capture_default_str()
                                 ->check(CLI::Range(50, 8'999'999));
                             app.add_option("--defect-rate", o.defect_rate, "share of bad records (0 = clean)")
                                 ->capture_default_str()->check(CLI::Range(0.0, 0.5));
                             app.add_flag("--gzip", o.gzip, "gzip each day's second orders file");
                             app.add_flag("--shuffle", o.shuffle,
                                          "records in random order within each orders, events and customers file");
                             app.add_option("--id-style", o.uuid_ids, "order and event ids: sequential or uuid")
                                 ->transform(CLI::CheckedTransformer(
                                     std::map<std::string, bool>{{"sequential", false}, {"uuid", true}}))
                                 ->default_str("sequential");
                             app.add_option("--customer-changes", o.customer_changes,
                                            "customer records a day, most of them first records of customers who "
                                            "already ordered (0: everyone on the first day)")
                                 ->capture_default_str()->check(CLI::Range(0LL, 100'000'000LL));
                         }};
    return ecomm::run_task(argc, argv, spec, [&o, &out](ecomm::TaskContext& ctx) {
        if (out->count() == 0) o.out = ctx.options.data_dir;
        ecomm::GeneratorTotals t = ecomm::generate_data(o);
        ctx.counts.rows_written = t.records;
        ctx.counts.rows_quarantined = t.quarantined;
    });
}
