-- The date dimension's key, yyyymmdd as an integer, defined once: warehouse.dim_date's rows
-- (sql/warehouse/dim_date_fill.sql) and the order facts' date_key (load_fact_orders, through
-- sql/warehouse/fact_orders_dates.sql) both take it from here.
create function warehouse.date_key(p_date date) returns integer
language sql immutable strict parallel safe
return (extract(year from p_date) * 10000 + extract(month from p_date) * 100 + extract(day from p_date))::integer;
comment on function warehouse.date_key(date) is 'the warehouse.dim_date key of a date: yyyymmdd as an integer';
