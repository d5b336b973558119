-- Percent of the sessions staged by this load with at most one known user (a session belongs to one visitor).
select round(100.0 * consistent_sessions / nullif(sessions, 0), 4) from dq_staging_events
