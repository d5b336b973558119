-- The greatest order id staging's orders or shipping rows hold (null: none), for orders_staged_states.sql: two
-- reads of the primary keys' last leaves. The task's lock keeps it true until the task's writes.
select greatest((select max(order_id) from staging.orders), (select max(order_id) from private.order_shipping))
