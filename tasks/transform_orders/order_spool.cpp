// Fixed-width integers and length-prefixed strings: the spool is read back by this process only.
#include "order_spool.hpp"

#include "common/errors.hpp"

namespace ecomm {

OrderSpool::OrderSpool() : file_(std::tmpfile()) {
    if (!file_) throw RetryableError("cannot create a temporary file for the order versions");
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

OrderSpool::~OrderSpool() { std::fclose(file_); }

void OrderSpool::put(const void* p, size_t n) {
    if (std::fwrite(p, 1, n, file_) != n) throw RetryableError("cannot write the order versions' spool file");
}

void OrderSpool::put_text(const std::string& s) {
    auto n = static_cast<uint32_t>(s.size());
    put(&n, sizeof n);
    put(s.data(), n);
}

void OrderSpool::get(void* p, size_t n) {
    if (std::fread(p, 1, n, file_) != n) throw RetryableError("cannot read the order versions' spool file");
}

void OrderSpool::get_text(std::string& s) {
    uint32_t n = 0;
    get(&n, sizeof n);
    s.resize(n);
    if (n) get(s.data(), n);
}

void OrderSpool::add(const Order& o, uint32_t file, long long line_no) {
    put(&file, sizeof file);
    put(&line_no, sizeof line_no);
    for (const auto* s : {&o.order_id, &o.user_id, &o.status, &o.currency, &o.channel, &o.payment_method,
                          &o.ship_country})
        put_text(*s);
    put(&o.order_ts, sizeof o.order_ts);
    put(&o.updated_at, sizeof o.updated_at);
    put(&o.payment_cents, sizeof o.payment_cents);
    for (const auto* opt : {&o.ship_region, &o.ship_city, &o.ship_postal_code}) {
        uint8_t present = opt->has_value();
        put(&present, 1);
        if (present) put_text(**opt);
    }
    auto n = static_cast<uint32_t>(o.lines.size());
    put(&n, sizeof n);
    for (const auto& l : o.lines) {
        put_text(l.product_id);
        put(&l.quantity, sizeof l.quantity);
        put(&l.unit_price_cents, sizeof l.unit_price_cents);
        put(&l.discount_cents, sizeof l.discount_cents);
    }
}

bool OrderSpool::next(Order& o, uint32_t& file, long long& line_no) {
    if (!reading_) {
        if (std::fflush(file_) != 0) throw RetryableError("cannot write the order versions' spool file");
        std::rewind(file_);
        reading_ = true;
    }
    if (std::fread(&file, 1, sizeof file, file_) != sizeof file) {
        if (std::ferror(file_)) throw RetryableError("cannot read the order versions' spool file");
        return false;
    }
    get(&line_no, sizeof line_no);
    for (auto* s : {&o.order_id, &o.user_id, &o.status, &o.currency, &o.channel, &o.payment_method,
                    &o.ship_country})
        get_text(*s);
    get(&o.order_ts, sizeof o.order_ts);
    get(&o.updated_at, sizeof o.updated_at);
    get(&o.payment_cents, sizeof o.payment_cents);
    for (auto* opt : {&o.ship_region, &o.ship_city, &o.ship_postal_code}) {
        uint8_t present = 0;
        get(&present, 1);
        if (present) {
            if (!*opt) opt->emplace();
            get_text(**opt);
        } else {
            opt->reset();
        }
    }
    uint32_t n = 0;
    get(&n, sizeof n);
    o.lines.resize(n);
    for (auto& l : o.lines) {
        get_text(l.product_id);
        get(&l.quantity, sizeof l.quantity);
        get(&l.unit_price_cents, sizeof l.unit_price_cents);
        get(&l.discount_cents, sizeof l.discount_cents);
    }
    return true;
}

}  // namespace ecomm
