// marts.customer_summary's r/f/m scores, ranked in the task: ntile(5) over every customer by last order date,
// orders and revenue, ties broken by user_key in byte order (sql/marts/README.md). Three sorts of the
// summary's rows here cost a few tens of milliseconds where the server's window functions took half a second.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ecomm {

struct CustomerTotals {
    std::string user_key;
    long long orders = 0, cents = 0;
    int64_t first_order_date = 0, last_order_date = 0;  // days since 1970-01-01
    int r_score = 0, f_score = 0, m_score = 0;           // set by rank_customers
};

// The bucket (1..buckets) of the row at `position` (0-based) of `rows` ordered rows, as PostgreSQL's ntile()
// assigns it: the first rows % buckets buckets hold one row more than the others.
int ntile(size_t position, size_t rows, int buckets);

// Sets every row's r_score, f_score and m_score.
void rank_customers(std::vector<CustomerTotals>& customers);

}  // namespace ecomm
