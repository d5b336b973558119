// OrderGroups: refresh_order_groups' sums, grouped in the task.
#include "order_groups.hpp"

#include <cstring>

#include "common/big_endian.hpp"

namespace ecomm {

namespace {

constexpr size_t key_prefix = 5;  // the date's 4 bytes and the cancelled flag

}  // namespace

void OrderGroups::add(int64_t date, std::string_view user_key, bool cancelled, long long cents, long long units) {
    key_.clear();
    append_be32(key_, static_cast<uint32_t>(static_cast<int32_t>(date)) ^ 0x80000000u);
    key_.push_back(cancelled ? '\1' : '\0');
    key_.append(user_key);
    bytes_.assign(reinterpret_cast<const char*>(&cents), sizeof cents);
    bytes_.append(reinterpret_cast<const char*>(&units), sizeof units);
    orders_.add(key_, bytes_);
}

void OrderGroups::for_each(const std::function<void(const Row&)>& on_group) {
    std::string current;  // the key of the group being summed
    Row row;
    bool open = false;
    const auto flush = [&] {
        if (!open) return;
        row.date = static_cast<int32_t>(read_be32(current.data()) ^ 0x80000000u);
        row.cancelled = current[4] != '\0';
        row.user_key = std::string_view(current).substr(key_prefix);
        on_group(row);
    };
    orders_.for_each([&](std::string_view key, std::string_view bytes) {
        if (!open || key != current) {
            flush();
            current.assign(key);
            row = Row{};
            open = true;
        }
        long long cents = 0, units = 0;
        std::memcpy(&cents, bytes.data(), sizeof cents);
        std::memcpy(&units, bytes.data() + sizeof cents, sizeof units);
        ++row.orders;
        row.cents += cents;
        row.units += units;
    });
    flush();
}

}  // namespace ecomm
