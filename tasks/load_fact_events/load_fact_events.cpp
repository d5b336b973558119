// Events fact load: set-based SQL over the load's staging rows, no per-row statement or function call.
#include "load_fact_events.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/logging.hpp"

namespace ecomm {

namespace {

// Fact rows that this load must replace: its own rows (their event may be gone from the load, or
// re-typed), and the rows of other loads whose arrival this load displaced (staging replaced_earlier). Two
// deletes, not one with an OR: the first finds the load's rows by the load_date BRIN, the second the few
// displaced events by their key; an OR of the two read every fact row of every day.
constexpr const char* remove_sql = R"sql(
with

own as (
    delete from warehouse.fact_events f
    where f.load_date = $1::date
    returning f.event_date
),

displaced as (
    delete from warehouse.fact_events f
    where f.event_id in (
            select s.event_id from staging.events s
            where s.load_date = $1::date and s.replaced_earlier)
      and f.load_date <> $1::date
    returning f.event_date
)

insert into events_touched (event_date)
select event_date from own
union
select event_date from displaced
)sql";

// product_key as warehouse.product_key_at gives it (the product's latest version with valid_from <= the
// event's time), but by one hash join over the dimension's version ranges instead of a call per row.
constexpr const char* insert_sql = R"sql(
insert into warehouse.fact_events (event_id, event_date, event_ts, event_type, session_id, user_key, product_key,
                                   device, country, page_url, load_date)
with

load_events as (
    select *
    from staging.events s
    where s.load_date = $1::date
),

versions as (
    select
        d.product_id,
        d.product_key,
        d.valid_from,
        lead(d.valid_from, 1, 'infinity') over (partition by d.product_id order by d.valid_from) as next_from
    from warehouse.dim_product d
    -- the whole dimension (small beside a day of events): filtered by the load's products, the load's events
    -- would be read twice and copied whole into a tuple store
),

final as (
    select
        e.event_id, e.event_date, e.event_ts, e.event_type, e.session_id, e.user_key, v.product_key,
        e.device, e.country, e.page_url, e.load_date
    from load_events e
    left join versions v
        on v.product_id = e.product_id and e.event_ts >= v.valid_from and e.event_ts < v.next_from
)

select * from final
)sql";

}  // namespace

void load_fact_events(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    const std::vector<std::optional<std::string>> date{ctx.date()};

    // the load's event dates, in one scan: the span for the partitions, the count, and the dates to queue
    db.exec("create temporary table load_event_dates on commit drop as "
            "select event_date, count(*) as events from staging.events where load_date = $1::date group by 1",
            date);
    auto span = db.exec("select min(event_date), max(event_date), coalesce(sum(events), 0) from load_event_dates");
    ctx.counts.rows_read = span.integer(0, 2);
    if (ctx.counts.rows_read > 0)
        db.exec("select warehouse.ensure_month_partitions('warehouse.fact_events', $1::date, $2::date)",
                {span.text(0, 0), span.text(0, 1)});
    long long inferred = db.scalar_int(
        "select warehouse.ensure_inferred_products(array(select distinct product_id from staging.events "
        "where load_date = $1::date and product_id is not null))",
        date);

    db.exec("create temporary table events_touched (event_date date not null) on commit drop");
    long long removed = db.exec(remove_sql, date).affected();
    // A bulk load: staging's statistics may still describe it before this load's merge (estimate: one row),
    // and a nested loop over the product versions then costs minutes instead of one hash join.
    db.exec("set local enable_nestloop = off");
    db.exec("set local jit = off");
    db.exec("set local work_mem = '256MB'");
    ctx.counts.rows_written = db.exec(insert_sql, date).affected();
    db.exec("set local enable_nestloop = on");
    // every event date this load changed, old and new, so compute_daily_metrics refreshes exactly those
    long long dates = db.exec(R"sql(
        insert into warehouse.mart_refresh_queue (load_date, subject, business_date)
        select $1::date, 'events', event_date from events_touched
        union
        select $1::date, 'events', event_date from load_event_dates
        on conflict do nothing)sql",
                              date)
                          .affected();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("loaded {} rows into warehouse.fact_events in {:.2f} s ({}); earlier rows removed on {} event date(s), "
                 "{} inferred product(s), {} event date(s) queued",
                 with_commas(ctx.counts.rows_written), secs, rate(ctx.counts.rows_written, secs), with_commas(removed),
                 inferred, dates);
}

}  // namespace ecomm
