-- The load's own fact rows go before it writes them again (an event may be gone from the load, or re-typed):
-- found by the load_date BRIN, the dates they held kept for the marts' refresh.
with

own as (
    delete from warehouse.fact_events f
    where f.load_date = $1::date
    returning f.event_date
)

insert into events_touched (event_date)
select distinct event_date from own
