-- Removes the facts this load replaces and collects their order dates (to queue): what an earlier run of
-- this load date wrote, and the older states, loaded by other load dates, that this load's states replace.
-- The load date is the parameter of each statement that uses one.
create temporary table tmp_touched_dates (order_date date) on commit drop;

with gone as (
    delete from warehouse.fact_orders where load_date = $1::date returning order_date
)
insert into tmp_touched_dates select distinct order_date from gone;

delete from warehouse.fact_order_lines where load_date = $1::date;

-- An older state's facts may sit in any partition (its order_ts may differ from the new state's).
with gone as (
    delete from warehouse.fact_orders f
    using staging.orders s
    where s.load_date = $1::date and s.replaced_earlier and f.order_id = s.order_id
    returning f.order_date
)
insert into tmp_touched_dates select distinct order_date from gone;

delete from warehouse.fact_order_lines f
using staging.orders s
where s.load_date = $1::date and s.replaced_earlier and f.order_id = s.order_id;

insert into tmp_touched_dates select order_date from load_order_dates
