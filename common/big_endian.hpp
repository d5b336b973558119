// Unsigned 32-bit integers in network byte order: the binary COPY format's lengths and integers, and the sort
// keys of a KeySortedSpool, whose byte order is then the numbers' order.
#pragma once

#include <cstdint>
#include <string>

namespace ecomm {

inline void append_be32(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

inline uint32_t read_be32(const char* p) {
    return static_cast<uint32_t>(static_cast<unsigned char>(p[0])) << 24 |
           static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 8 | static_cast<unsigned char>(p[3]);
}

}  // namespace ecomm
