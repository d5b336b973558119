-- The surviving versions of the changed members, each with the instant the next one starts.
create temporary table dim_ranges on commit drop as
select
    d.{{id}} as id,
    d.{{key}} as key,
    d.valid_from,
    coalesce(lead(d.valid_from) over (partition by d.{{id}} order by d.valid_from), 'infinity') as until
from {{table}} d
join dim_changed c on c.id = d.{{id}}
where exists (select 1 from dim_target t where t.{{id}} = d.{{id}} and t.valid_from = d.valid_from);
create index on dim_ranges (id, valid_from);
analyze dim_ranges;
