-- Versions of the reconciled members that the target no longer holds go, once no fact points at them.
delete from {{table}} d
using dim_scope s
where s.id = d.{{id}}
  and not exists (select 1 from dim_target t where t.{{id}} = d.{{id}} and t.valid_from = d.valid_from)
