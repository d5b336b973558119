-- An SCD2 reconciliation (common/scd2.cpp) holds its dimension's lock exclusively, so no fact load resolves keys
-- while versions move, and collects the members it reconciles in dim_scope.
select pg_advisory_xact_lock(hashtextextended($1, 0));
create temporary table dim_scope (id text primary key) on commit drop;
