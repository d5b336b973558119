-- The personal data of the day's upserts into private.customer_pii. The newest upsert of each user wins
-- (updated_at, then load date, file, line): commutative, so days loaded in any order or twice converge. A
-- delete keeps the personal data (until erased).
insert into private.customer_pii as p (user_id, user_key, email, first_name, last_name, phone, city, updated_at,
                                       load_date, source_file, line_no)
select distinct on (c.user_id)
       c.user_id, private.user_key(c.user_id), c.email, c.first_name, c.last_name, c.phone, c.city, c.updated_at,
       $1::date, c.source_file, c.line_no
from customers_in c
where c.op = 'upsert'
order by c.user_id, c.updated_at desc, c.source_file collate "C" desc, c.line_no desc
on conflict (user_id) do update
set email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name,
    phone = excluded.phone, city = excluded.city, updated_at = excluded.updated_at,
    load_date = excluded.load_date, source_file = excluded.source_file, line_no = excluded.line_no
where (excluded.updated_at, excluded.load_date, excluded.source_file collate "C", excluded.line_no)
    > (p.updated_at, p.load_date, p.source_file collate "C", p.line_no)
