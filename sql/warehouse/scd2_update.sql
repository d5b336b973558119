-- Matched versions take the target's attributes and bounds in place, keeping their key.
update {{table}} d
set {{set_attributes}}, valid_to = t.valid_to, is_current = t.is_current, is_inferred = t.is_inferred
from dim_target t
where t.{{id}} = d.{{id}}
  and t.valid_from = d.valid_from
  and row({{d.attributes}}, d.valid_to, d.is_current, d.is_inferred)
      is distinct from row({{t.attributes}}, t.valid_to, t.is_current, t.is_inferred)
