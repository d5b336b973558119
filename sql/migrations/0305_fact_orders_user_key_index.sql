-- Customer-grain reads of fact_orders (repeat customers, customer_summary, one customer's history) by user.
create index fact_orders_user_key on warehouse.fact_orders (user_key, order_date);
