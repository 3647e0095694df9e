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

inline bool is_nt4(Os os) {
  return os == Os::nt4_pre_sp6a || os == Os::nt4_sp6a;
}
inline bool is_win2000(Os os) {
  return os == Os::win2000_rtm || os == Os::win2000_sp1 || os == Os::win2000_sp2 ||
         os == Os::win2000_sp3 || os == Os::win2000_sp4;
}
inline bool is_xp(Os os) {
  return os == Os::xp_rtm || os == Os::xp_sp1;
}

/// Security fixes a host may have applied, as bits. A scenario gives, per population, the share
/// of hosts that applied each (`patched`); service packs that shipped a fix count as applied.
enum Patch : std::uint8_t {
  kMs00078 = 1u << 0,   ///< IIS Unicode directory traversal (sadmind/IIS defaces through it)
  kMs01033 = 1u << 1,   ///< Index Server .ida/.idq overflow (Code Red, Code Red II)
  kMs01044 = 1u << 2,   ///< IIS 4.0 URL-redirection crash on long requests
  kMs03026 = 1u << 3,   ///< DCOM RPC overflow (Blaster, Welchia); MS03-039 supersedes it
  kMs03007 = 1u << 4,   ///< WebDAV ntdll.dll overflow (Welchia's second exploit)
  kSun00191 = 1u << 5,  ///< Sun Security Bulletin #00191, sadmind (sadmind/IIS)
  kMs03039 = 1u << 6,   ///< supersedes MS03-026 (same hole closed, plus two more RPCSS holes)
};
/// The fixes that close the DCOM RPC hole Blaster and Welchia exploit.
inline constexpr std::uint8_t kDcomFixes = kMs03026 | kMs03039;
inline constexpr std::array<ServiceName, 7> kPatchNames = {{
    {"ms00-078", kMs00078},
    {"ms01-033", kMs01033},
    {"ms01-044", kMs01044},
    {"ms03-026", kMs03026},
    {"ms03-007", kMs03007},
    {"sun-00191", kSun00191},
    {"ms03-039", kMs03039},
}};

/// Whether the fix can be installed on this OS (its service-pack prerequisite, REFERENCE.md):
/// MS01-033 on NT 4.0 SP6a and Windows 2000 SP1 or later [V, seeds]; MS03-026 on NT 4.0 SP6a,
/// Windows 2000 SP2 or later, XP and Server 2003 [V, seeds], and so does MS03-039; MS00-078 and MS01-044 on NT 4.0
/// SP6a and Windows 2000 [?]; MS03-007 on Windows 2000 SP2 or later [?]; Sun's sadmind fix on
/// Solaris.
bool can_install(Patch patch, Os os);

/// The fixes a service pack already contains (released before it): Windows 2000 SP2 (May 2001)
/// has MS00-078; SP3 (August 2002) also MS01-033 and MS01-044; SP4 (June 2003) also MS03-007.
/// XP and Server 2003 shipped with IIS 5.1 and 6.0, after both IIS fixes of 2000-2001. MS03-026
/// (July 2003) is in none of them. [V, Microsoft service-pack fix lists; S]
std::uint8_t included_in_service_pack(Os os);

inline std::optional<std::uint8_t> patch_from_name(std::string_view name) {
  for (const auto& s : kPatchNames)
    if (s.name == name) return static_cast<std::uint8_t>(s.bit);
  return std::nullopt;
}

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
