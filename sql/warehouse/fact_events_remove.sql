-- Fact rows that this load must replace: its own rows (their event may be gone from the load, or re-typed),
-- the rows of other loads whose arrival this load displaced (staging replaced_earlier), and any row of the
-- events it gave up to another load's arrival ($2, by key: usually none). Separate deletes, not one with an OR: the
-- first finds the load's rows by the load_date BRIN, the others the few events by their key; an OR of them
-- read every fact row of every day.
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
),

given_up as (
    delete from warehouse.fact_events f
    where f.event_id = any($2::text[])
      and f.load_date <> $1::date
    returning f.event_date
)

insert into events_touched (event_date)
select event_date from own
union
select event_date from displaced
union
select event_date from given_up
