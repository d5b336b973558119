-- Members already in the dimension whose set of version starts changes, with the earliest start that moved:
-- their facts from then on may now belong to another version (facts before it keep theirs).
create temporary table dim_changed on commit drop as
with

dim_starts as (
    select d.{{id}} as id, d.valid_from
    from {{table}} d
    join dim_scope s on s.id = d.{{id}}
),

target_starts as (
    select t.{{id}} as id, t.valid_from
    from dim_target t
),

moved_starts as (
    (select * from dim_starts except select * from target_starts)
    union all
    (select * from target_starts except select * from dim_starts)
),

final as (
    select m.id, min(m.valid_from) as since
    from moved_starts m
    where m.id in (select id from dim_starts)
    group by m.id
)

select * from final
