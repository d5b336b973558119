-- Versions whose attributes a mart groups by change in place (a late snapshot, an inferred member completed):
-- the marts must be refreshed for every date of their facts, though no fact's key moves.
create temporary table dim_corrected on commit drop as
select d.{{key}} as key
from {{table}} d
join dim_target t on t.{{id}} = d.{{id}} and t.valid_from = d.valid_from
where row({{d.mart_attributes}}) is distinct from row({{t.mart_attributes}})
