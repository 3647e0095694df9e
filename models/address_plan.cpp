#include "models/address_plan.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace wormsim::models {

namespace {
// IANA IPv4 address space registry, blocks ALLOCATED or LEGACY with a date up to July 2001 (124)
// and up to August 2003 (133); regenerate with tools/iana_blocks.py.
constexpr std::array<std::uint8_t, 124> kIana2001 = {
    3,   4,   6,   7,   8,   9,   11,  12,  13,  15,  16,  17,  18,  19,  20,  21,  22,  24,
    25,  26,  28,  29,  30,  32,  33,  34,  35,  38,  40,  43,  44,  45,  47,  48,  51,  52,
    53,  54,  55,  56,  57,  61,  62,  63,  64,  65,  66,  67,  68,  80,  81,  128, 129, 130,
    131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148,
    149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166,
    167, 168, 169, 170, 171, 172, 188, 189, 190, 191, 192, 193, 194, 195, 196, 198, 199, 202,
    203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218};
constexpr std::array<std::uint8_t, 133> kIana2003 = {
    3,   4,   6,   7,   8,   9,   11,  12,  13,  15,  16,  17,  18,  19,  20,  21,  22,  24,  25,
    26,  28,  29,  30,  32,  33,  34,  35,  38,  40,  43,  44,  45,  47,  48,  51,  52,  53,  54,
    55,  56,  57,  60,  61,  62,  63,  64,  65,  66,  67,  68,  69,  80,  81,  82,  128, 129, 130,
    131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149,
    150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168,
    169, 170, 171, 172, 188, 189, 190, 191, 192, 193, 194, 195, 196, 198, 199, 200, 201, 202, 203,
    204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222};

template <std::size_t N>
std::vector<sim::Prefix> clip(const std::array<std::uint8_t, N>& slash8s, sim::Prefix space) {
  std::vector<sim::Prefix> out;
  for (std::uint8_t b : slash8s) {
    const sim::Prefix block{static_cast<std::uint32_t>(b) << 24, 8};
    if (space.length <= 8) {
      if (space.contains(block.base)) out.push_back(block);
    } else if (block.contains(space.base)) {
      out.push_back(space);
    }
  }
  return out;
}
}  // namespace

std::vector<sim::Prefix> allocated_blocks(std::string_view plan, sim::Prefix space) {
  if (plan == "all") return {space};
  if (plan == "iana-2001") return clip(kIana2001, space);
  if (plan == "iana-2003") return clip(kIana2003, space);
  return {};
}

}  // namespace wormsim::models
