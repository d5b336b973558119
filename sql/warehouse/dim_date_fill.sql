-- Calendar rows are a pure function of the date, so inserting what is missing is idempotent in any order.
-- $1 = load date. Covers five years back and one ahead of the load date, plus any earlier order date.
insert into warehouse.dim_date
with staged_orders as (
    select min(order_ts) as first_order_ts
    from staging.orders
),

bounds as (
    select least(($1::date - interval '5 years')::date,
                 coalesce((first_order_ts at time zone 'UTC')::date, $1::date)) as first_day,
           ($1::date + interval '1 year')::date as last_day
    from staged_orders
),

days as (
    select d::date as date
    from bounds, generate_series(bounds.first_day, bounds.last_day, interval '1 day') as d
),

final as (
    select
        warehouse.date_key(date) as date_key,
        date,
        extract(year from date)::smallint as year,
        extract(quarter from date)::smallint as quarter,
        extract(month from date)::smallint as month,
        trim(to_char(date, 'Month')) as month_name,
        extract(day from date)::smallint as day,
        extract(isodow from date)::smallint as day_of_week,
        trim(to_char(date, 'Day')) as day_name,
        extract(week from date)::smallint as iso_week,
        extract(isodow from date) in (6, 7) as is_weekend
    from days
)
select * from final
on conflict (date_key) do nothing
