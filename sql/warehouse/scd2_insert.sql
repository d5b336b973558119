-- Target versions the dimension lacks get new keys.
insert into {{table}} ({{columns}})
select {{columns}}
from dim_target t
where not exists (select 1 from {{table}} d where d.{{id}} = t.{{id}} and d.valid_from = t.valid_from)
order by {{id}}, valid_from
