// The vocabulary of hosts of 2001–2003: operating systems with their service packs, locales and
// network services (REFERENCE.md). Scenario files name them with the strings below.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wormsim::models {

enum class Os : std::uint8_t {
  win9x,         ///< Windows 95/98/Me: unaffected by every worm here
  nt4_pre_sp6a,  ///< Windows NT 4.0 before SP6a
  nt4_sp6a,
  win2000_rtm,
  win2000_sp1,
  win2000_sp2,
  win2000_sp3,
  win2000_sp4,
  xp_rtm,
  xp_sp1,
  win2003,
  solaris,  ///< Solaris 2.x
  other,
};
inline constexpr std::array<std::string_view, 13> kOsNames = {
    "win9x",       "nt4-pre-sp6a", "nt4-sp6a",    "win2000-rtm", "win2000-sp1",
    "win2000-sp2", "win2000-sp3",  "win2000-sp4", "xp-rtm",      "xp-sp1",
    "win2003",     "solaris",      "other"};

enum class Locale : std::uint8_t { en, zh, other };
inline constexpr std::array<std::string_view, 3> kLocaleNames = {"en", "zh", "other"};

/// Services a host runs, as bits. The Code Red family needs IIS with the .ida/.idq mappings.
enum Service : std::uint16_t {
  kIis4Index = 1u << 0,     ///< IIS 4.0 with Index Server .ida/.idq mappings (NT 4.0)
  kIis5Index = 1u << 1,     ///< IIS 5.0 with Index Server .ida/.idq mappings (Windows 2000)
  kIis4Redirect = 1u << 2,  ///< IIS 4.0 with URL redirection (crashes on Code Red requests)
  kIis4 = 1u << 3,          ///< IIS 4.0 without the mappings
  kIis5 = 1u << 4,          ///< IIS 5.0 without the mappings
  kDcomRpc = 1u << 5,       ///< DCOM RPC listening on TCP 135
  kWebdav = 1u << 6,        ///< IIS WebDAV (MS03-007)
  kSadmind = 1u << 7,       ///< Solaris sadmind
};
struct ServiceName {
  std::string_view name;
  std::uint16_t bit;
};
inline constexpr std::array<ServiceName, 8> kServiceNames = {{
    {"iis4-index", kIis4Index},
    {"iis5-index", kIis5Index},
    {"iis4-redirect", kIis4Redirect},
    {"iis4", kIis4},
    {"iis5", kIis5},
    {"dcom-rpc", kDcomRpc},
    {"webdav", kWebdav},
    {"sadmind", kSadmind},
}};

template <typename Enum, std::size_t N>
std::optional<Enum> enum_from_name(const std::array<std::string_view, N>& names,
                                   std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<Enum>(i);
  return std::nullopt;
}

inline std::optional<std::uint16_t> service_from_name(std::string_view name) {
  for (const auto& s : kServiceNames)
    if (s.name == name) return s.bit;
  return std::nullopt;
}

}  // namespace wormsim::models
