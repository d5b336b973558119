// Orders transform. The day's raw rows are parsed once; the newest version of each order within the day is
// decided in C++ as the versions stream by (greatest updated_at, then file name by bytes, then line), and the
// versions wait in a spool file. The winners are then compared with the state staging holds for them, read by
// primary-key probes of the day's ids in chunks (the day's cost, whatever history holds or the ids look like),
// by the same rule across loads: greatest (updated_at, load_date, source_file, line_no). That comparison is
// commutative and idempotent: any load order, any rerun, the same state. Only the final rows reach
// PostgreSQL, by binary COPY straight into staging, each table's rows sorted in C++ into its key order (the
// states they replace deleted first, by their ids).
#include "transform_orders.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/copy.hpp"
#include "common/erasure.hpp"
#include "common/key_sorted_spool.hpp"
#include "common/lanes.hpp"
#include "common/errors.hpp"
#include "common/landing.hpp"
#include "common/logging.hpp"
#include "common/quarantine.hpp"
#include "common/raw_records.hpp"
#include "common/sql_files.hpp"
#include "common/text_array.hpp"
#include "common/user_keys.hpp"
#include "order_record.hpp"
#include "order_spool.hpp"

namespace ecomm {

namespace {

// What this load does with an order's winning version of the day.
enum class Fate : uint8_t { insert, update, keep_staged };

struct DayWinner {
    int64_t updated_at = 0;
    uint32_t file = 0;
    long long line_no = 0;
    Fate fate = Fate::insert;
    bool shipping_known = false;
};

constexpr size_t probe_chunk = 10000;  // ids per primary-key probe statement

constexpr const char* staging_orders_columns =
    "order_id, user_id, order_ts, updated_at, status, currency, channel, payment_method, payment_amount, revenue, "
    "units, line_count, ship_country, ship_region, load_date, replaced_earlier, source_file, line_no, user_key";
constexpr const char* staging_lines_columns =
    "order_id, line_number, product_id, quantity, unit_price, discount, revenue, load_date";

// The day's ids on their way to sql/staging/orders_staged_states.sql, a chunk at a time, while the day is still
// being parsed: the parse (lane 0) queues each chunk of new ids as it fills, the task's connection (lane 1, idle
// until the writes) probes staging with it, and the parse takes the answers between rows. The server's index
// probes and the client's parsing then share the two cores instead of following each other.
class StagedStateProbes {
public:
    // greatest: the greatest id staging holds (none: nothing to look up)
    StagedStateProbes(std::string sql, std::optional<std::string> greatest)
        : sql_(std::move(sql)), greatest_(std::move(greatest)) {}

    // lane 0: a new id of the day (its string lives in the winners' map for the whole task)
    void add(const std::string& id) {
        if (!greatest_) return;
        pending_.push_back(&id);
        if (pending_.size() == probe_chunk) send();
    }
    // lane 0, after the last add()
    void close() {
        send();
        std::lock_guard lock(mutex_);
        closed_ = true;
        changed_.notify_one();
    }
    // lane 0: the answers so far, each handed to on_result (then freed)
    template <typename OnResult>
    void take_answers(OnResult&& on_result) {
        if (answered_ == 0) return;
        std::vector<Result> answers;
        {
            std::lock_guard lock(mutex_);
            answers.swap(answers_);
            answered_ = 0;
        }
        for (const auto& r : answers) on_result(r);
    }
    // lane 1: probes every chunk until close(); stops at the other lane's failure
    void run(Connection& db, const LaneStop& stop) {
        for (;;) {
            std::string chunk;
            {
                std::unique_lock lock(mutex_);
                while (chunks_.empty() && !closed_) {
                    changed_.wait_for(lock, std::chrono::milliseconds(50));
                    stop.check();
                }
                if (chunks_.empty()) return;
                chunk = std::move(chunks_.front());
                chunks_.pop_front();
            }
            Result r = db.exec(sql_, {chunk, greatest_});
            std::lock_guard lock(mutex_);
            answers_.push_back(std::move(r));
            ++answered_;
        }
    }

private:
    void send() {
        if (pending_.empty()) return;
        std::string literal;
        assign_text_array_literal(literal, pending_.begin(), pending_.end(),
                                  [](const std::string* id) -> std::string_view { return *id; });
        pending_.clear();
        std::lock_guard lock(mutex_);
        chunks_.push_back(std::move(literal));
        changed_.notify_one();
    }

    std::string sql_;
    std::optional<std::string> greatest_;
    std::vector<const std::string*> pending_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::string> chunks_;
    std::vector<Result> answers_;
    std::atomic<size_t> answered_ = 0;
    bool closed_ = false;
};

// A state staging holds, kept only while the day's version seen so far does not beat it (a later version of the
// day may still do so).
struct StagedState {
    int64_t updated_at;
    std::string load_date, source_file;
    long long line_no;
};

void write_order(BinaryRowWriter& out, const Order& o, const std::string& user_key, int64_t load_day,
                 bool replaced_earlier, const std::string& source_file, long long line_no) {
    out.text(o.order_id).text(o.user_id).timestamp(o.order_ts).timestamp(o.updated_at);
    out.text(o.status).text(o.currency).text(o.channel).text(o.payment_method);
    out.cents(o.payment_cents).cents(o.revenue_cents()).int4(static_cast<int32_t>(o.units()));
    out.int4(static_cast<int32_t>(o.lines.size())).text(o.ship_country);
    if (o.ship_region)
        out.text(*o.ship_region);
    else
        out.null();
    out.date(load_day).boolean(replaced_earlier).text(source_file).int8(line_no).text(user_key);
    out.end_row();
}

void write_lines(BinaryRowWriter& out, const Order& o, int64_t load_day) {
    int32_t n = 0;
    for (const auto& l : o.lines) {
        out.text(o.order_id).int4(++n).text(l.product_id).int4(static_cast<int32_t>(l.quantity));
        out.cents(l.unit_price_cents).cents(l.discount_cents).cents(l.revenue_cents()).date(load_day);
        out.end_row();
    }
}

void write_shipping(BinaryRowWriter& out, const Order& o) {
    out.text(o.order_id);
    for (const auto* opt : {&o.ship_city, &o.ship_postal_code}) {
        if (*opt)
            out.text(**opt);
        else
            out.null();
    }
    out.end_row();
}

}  // namespace

void transform_orders(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    const int64_t load_day = ctx.load_day();
    const std::string apply_updates_sql = read_sql_file("staging/orders_apply_updates.sql");
    const std::string analyze_sql = read_sql_file("staging/orders_analyze.sql");

    // Pass 1: parse every raw row once; quarantine the bad, spool the valid, keep the day's winner per order,
    // and meanwhile look each order up in staging (StagedStateProbes).
    Connection reader(ctx.options.dsn, ctx.task);
    Quarantine quarantine("orders", ctx.date());
    OrderSpool spool;
    std::vector<std::string> files;  // source file names by index, in order of first appearance
    std::unordered_map<std::string, DayWinner> winners;
    StringSet users;  // the day's distinct user ids
    simdjson::ondemand::parser parser;
    Order order;
    long long valid = 0;
    std::unordered_map<std::string, uint32_t> file_index;
    uint32_t current_file = 0;
    StagedStateProbes probes(read_sql_file("staging/orders_staged_states.sql"),
                             db.scalar(read_sql_file("staging/orders_greatest_id.sql")));
    std::unordered_map<std::string, StagedState> undecided;  // staged states the day's version does not beat yet
    // (updated_at, load_date, source_file by bytes, line_no): this load's version against the staged one
    auto beats = [&](const DayWinner& w, int64_t updated_at, std::string_view load_date, std::string_view file,
                     long long line_no) {
        if (w.updated_at != updated_at) return w.updated_at > updated_at;
        if (int by = ctx.date().compare(load_date)) return by > 0;
        if (int by = std::string_view(files[w.file]).compare(file)) return by > 0;
        return w.line_no > line_no;
    };
    // A staged state can only lose to the day's winner once it lost to a version of the day (they only get
    // newer): the rest wait in `undecided` for the final winners.
    auto take_staged = [&](const Result& known) {
        for (int r = 0; r < known.rows(); ++r) {
            auto it = winners.find(known.text(r, 0));
            DayWinner& w = it->second;
            w.shipping_known = known.get(r, 5) == "t";
            if (known.is_null(r, 1)) continue;  // only a shipping row: the order is new to staging
            const int64_t updated_at = known.integer(r, 1);
            if (beats(w, updated_at, known.get(r, 2), known.get(r, 3), known.integer(r, 4))) {
                w.fate = Fate::update;
            } else {
                w.fate = Fate::keep_staged;
                undecided.emplace(it->first, StagedState{updated_at, known.text(r, 2), known.text(r, 3),
                                                          known.integer(r, 4)});
            }
        }
    };
    run_two_lanes(
        reader,
        [&](const LaneStop& stop) {
            for_each_raw_record(reader, "orders", ctx.date(), [&](const RawRecord& raw) {
                if ((++ctx.counts.rows_read & 0xFFF) == 0) {
                    ctx.check_interrupted();
                    stop.check();
                    probes.take_answers(take_staged);
                }
                auto problem = parse_order(parser, raw.record, raw.record.capacity(), load_day, order);
                if (problem) {
                    quarantine.add(problem->reason, raw.source_file, raw.line_no, problem->detail, raw.record);
                    return;
                }
                if (files.empty() || files[current_file] != raw.source_file) {  // rows come file by file
                    auto [it, added] = file_index.try_emplace(raw.source_file, static_cast<uint32_t>(files.size()));
                    if (added) files.push_back(raw.source_file);
                    current_file = it->second;
                }
                ++valid;
                spool.add(order, current_file, raw.line_no);
                if (users.find(order.user_id) == users.end()) users.emplace(order.user_id);
                auto [it, added] = winners.try_emplace(order.order_id);
                DayWinner& w = it->second;
                if (added) probes.add(it->first);
                int file_order = added ? 1 : files[current_file].compare(files[w.file]);
                if (added || order.updated_at > w.updated_at ||
                    (order.updated_at == w.updated_at &&
                     (file_order > 0 || (file_order == 0 && raw.line_no > w.line_no)))) {
                    w.updated_at = order.updated_at;
                    w.file = current_file;
                    w.line_no = raw.line_no;
                }
            });
            probes.close();
        },
        db, [&](const LaneStop& stop) { probes.run(db, stop); });
    probes.take_answers(take_staged);
    auto parsed = std::chrono::steady_clock::now();
    if (ctx.counts.rows_read == 0) {
        // an extract that ran and found nothing leaves no raw rows either: that is not an error
        if (!feed_has_drop(db, "orders", ctx.date())) throw no_drop("orders", ctx.date(), "no raw.orders rows");
    }
    // the day's users' keys, stored beside their ids (the fact load and the quality rules read them from there):
    // on the reader connection, in a thread, while this one settles the day's winners
    auto user_keys_ready = std::async(std::launch::async, [&] { return user_keys_of(reader, users); });
    for (const auto& [id, staged] : undecided) {
        DayWinner& w = winners.find(id)->second;
        if (beats(w, staged.updated_at, staged.load_date, staged.source_file, staged.line_no)) w.fate = Fate::update;
    }
    std::unordered_map<std::string, StagedState>().swap(undecided);
    long long updates = 0, changed_orders = 0;
    for (const auto& [id, w] : winners) {
        updates += w.fate == Fate::update;
        changed_orders += w.fate != Fate::keep_staged;
    }
    auto probed = std::chrono::steady_clock::now();

    const auto user_keys = user_keys_ready.get();
    auto step_done = [t = std::chrono::steady_clock::now()](const char* what) mutable {
        auto now = std::chrono::steady_clock::now();
        spdlog::debug("{} in {:.2f} s", what, std::chrono::duration<double>(now - t).count());
        t = now;
    };
    step_done("the user keys ready");
    auto key_of = [&](const Order& o) -> const std::string& {
        auto it = user_keys.find(o.user_id);
        if (it == user_keys.end()) throw RetryableError("no user key computed for user id \"" + o.user_id + "\"");
        return it->second;
    };

    // Pass 2: the spool again, encoding only the versions this load sets, each table's rows gathered in its key
    // order (KeySortedSpool): written by COPY straight into staging, each leaf of a primary key larger than the
    // buffer cache (random ids: UUIDs) is visited once, in turn. Meanwhile the task's connection deletes the
    // states they replace, by their ids (the winners are only read from here on).
    KeySortedSpool sorted_orders, sorted_lines, sorted_shipping;
    run_two_lanes(
        db,
        [&](const LaneStop& stop) {
            CopySpool updated_ids, shipping_updated_ids;
            for (const auto& [id, w] : winners) {
                if (w.fate == Fate::update) updated_ids.field(id).end_row();
                if (w.fate != Fate::keep_staged && w.shipping_known) shipping_updated_ids.field(id).end_row();
            }
            db.exec("create temporary table tmp_order_updates (order_id text) on commit drop");
            db.exec("create temporary table tmp_shipping_updates (order_id text) on commit drop");
            updated_ids.load(db, "copy tmp_order_updates (order_id) from stdin");
            shipping_updated_ids.load(db, "copy tmp_shipping_updates (order_id) from stdin");
            stop.check();
            db.exec_script(apply_updates_sql);
        },
        reader,  // idle once the user keys are in: a lane needs a connection to cancel, this one has none to do
        [&](const LaneStop& stop) {
            BinaryRowWriter order_row, line_rows, shipping_row;  // sinkless: each order's rows go to the spools
            uint32_t file = 0;
            long long line_no = 0;
            long long replayed = 0;
            while (spool.next(order, file, line_no)) {
                if ((++replayed & 0xFFFF) == 0) stop.check();
                const DayWinner& w = winners.find(order.order_id)->second;
                if (w.fate == Fate::keep_staged || w.file != file || w.line_no != line_no) continue;
                write_order(order_row, order, key_of(order), load_day, w.fate == Fate::update, files[file], line_no);
                write_lines(line_rows, order, load_day);
                write_shipping(shipping_row, order);
                for (auto [writer, sorted] : {std::pair{&order_row, &sorted_orders}, {&line_rows, &sorted_lines},
                                              {&shipping_row, &sorted_shipping}}) {
                    sorted->add(order.order_id, writer->captured());
                    writer->clear_captured();
                }
            }
        });
    ctx.check_interrupted();
    step_done("the set versions encoded and sorted, the states they replace deleted");
    auto copy_sorted = [&](KeySortedSpool& sorted, const std::string& table, const char* columns) {
        BinaryCopyIn copy(db, "copy " + table + " (" + columns + ") from stdin with (format binary)");
        sorted.for_each([&](std::string_view, std::string_view rows) { copy.write_rows(rows); });
        copy.finish();
        step_done(table.c_str());
    };
    copy_sorted(sorted_orders, "staging.orders", staging_orders_columns);
    copy_sorted(sorted_lines, "staging.order_lines", staging_lines_columns);
    copy_sorted(sorted_shipping, "private.order_shipping", "order_id, city, postal_code");
    db.exec_script(analyze_sql);
    ctx.counts.rows_written = changed_orders;
    ctx.counts.rows_quarantined = quarantine.store(db, "transform");
    redact_erased_users(db, "orders", ctx.date(), "transform");  // erased users stay erased on a reload

    auto now = std::chrono::steady_clock::now();
    auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    spdlog::info("validated {} raw orders and looked them up in staging in {:.2f} s ({}): {} valid versions of {} "
                 "orders, {} quarantined",
                 with_commas(ctx.counts.rows_read), secs(started, parsed),
                 rate(ctx.counts.rows_read, secs(started, parsed)),
                 with_commas(valid), with_commas(static_cast<long long>(winners.size())),
                 with_commas(ctx.counts.rows_quarantined));
    spdlog::info("settled the day's winners in {:.2f} s; wrote in {:.2f} s: {} orders took this load's "
                 "state ({} new to staging, {} newer than its state)",
                 secs(parsed, probed), secs(probed, now), with_commas(ctx.counts.rows_written),
                 with_commas(ctx.counts.rows_written - updates), with_commas(updates));
}

}  // namespace ecomm
