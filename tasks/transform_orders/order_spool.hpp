// A day's valid order versions, parsed once and kept on disk (an anonymous temporary file) so the transform
// can decide the winners first and then write only them, with memory that does not grow with the day's text.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "order_record.hpp"

namespace ecomm {

class OrderSpool {
public:
    OrderSpool();
    ~OrderSpool();
    OrderSpool(const OrderSpool&) = delete;
    OrderSpool& operator=(const OrderSpool&) = delete;

    void add(const Order& o, uint32_t file, long long line_no);
    // Reads the versions back in the order they were added; false at the end. The first read rewinds.
    bool next(Order& o, uint32_t& file, long long& line_no);

private:
    void put(const void* p, size_t n);
    void put_text(const std::string& s);
    void get(void* p, size_t n);
    void get_text(std::string& s);
    std::FILE* file_;
    bool reading_ = false;
};

}  // namespace ecomm
