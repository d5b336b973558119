-- $1 = load date. What compute_daily_metrics refreshes: the load, and the order and event dates its fact loads
-- queued (warehouse.mart_refresh_queue), which every mart file reads.
create temporary table refresh_load (load_date date not null) on commit drop;
create temporary table refresh_order_dates (order_date date primary key) on commit drop;
create temporary table refresh_event_dates (event_date date primary key) on commit drop;

insert into refresh_load values ($1::date);

insert into refresh_order_dates
select business_date from warehouse.mart_refresh_queue where load_date = $1::date and subject = 'orders';

insert into refresh_event_dates
select business_date from warehouse.mart_refresh_queue where load_date = $1::date and subject = 'events';

analyze refresh_order_dates;

analyze refresh_event_dates
