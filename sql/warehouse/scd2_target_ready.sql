-- The target versions (dim_target, made by the dimension's versions file) are matched on (natural id,
-- valid_from) by every later step.
create index on dim_target ({{id}}, valid_from);
analyze dim_target;
