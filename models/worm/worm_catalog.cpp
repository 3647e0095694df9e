#include "models/worm/worm_catalog.hpp"

namespace wormsim::models {

namespace {

constexpr std::uint16_t kAnyIis = kIis4Index | kIis5Index | kIis4Redirect | kIis4 | kIis5;

bool has(std::uint16_t services, std::uint16_t bits) {
  return (services & bits) != 0;
}
bool applied(std::uint8_t patches, Patch p) {
  return (patches & p) != 0;
}
bool dcom_open(std::uint16_t services, std::uint8_t patches) {
  return has(services, kDcomRpc) && (patches & kDcomFixes) == 0;
}

}  // namespace

bool is_infectable(std::string_view model, Os os, std::uint16_t services, std::uint8_t patches) {
  if (model == "codered-v1" || model == "codered-v2")
    // IIS 4.0 or 5.0 with the Index Server .ida/.idq mappings (MS01-033, CERT CA-2001-23).
    return has(services, kIis4Index | kIis5Index) && !applied(patches, kMs01033);
  if (model == "codered-ii")
    // Runs only on Windows 2000 (IIS 5.0 with the mappings); NT 4.0 IIS crashes instead.
    return has(services, kIis5Index) && is_win2000(os) && !applied(patches, kMs01033);
  if (model == "blaster")
    // DCOM RPC on Windows 2000 and XP (the exploit's two sets of offsets); NT 4.0 and Server
    // 2003 are hit but not infected.
    return dcom_open(services, patches) && (is_win2000(os) || is_xp(os));
  if (model == "welchia")
    // DCOM RPC (MS03-026) on Windows 2000 and XP, or WebDAV (MS03-007) on IIS 5.0.
    return (dcom_open(services, patches) && (is_win2000(os) || is_xp(os))) ||
           (has(services, kWebdav) && is_win2000(os) && !applied(patches, kMs03007));
  if (model == "sadmind-iis")
    // Solaris 2.x running sadmind without Sun's fix (Sun Security Bulletin #00191).
    return os == Os::solaris && has(services, kSadmind) && !applied(patches, kSun00191);
  return false;
}

bool is_relevant(std::string_view model, Os os, std::uint16_t services, std::uint8_t patches) {
  if (is_infectable(model, os, services, patches)) return true;
  if (model == "codered-v1" || model == "codered-v2")
    // IIS 4.0 with URL redirection crashes on the long request (fixed by MS01-044).
    return has(services, kIis4Redirect) && !applied(patches, kMs01044);
  if (model == "codered-ii")
    // IIS on NT 4.0 crashes: the overflow (MS01-033) or the redirection bug (MS01-044).
    return is_nt4(os) && ((has(services, kIis4Index | kIis5Index) && !applied(patches, kMs01033)) ||
                          (has(services, kIis4Redirect) && !applied(patches, kMs01044)));
  if (model == "blaster")
    // NT 4.0's RPC crashes and Server 2003 stops RPC.
    return dcom_open(services, patches) && (is_nt4(os) || os == Os::win2003);
  if (model == "sadmind-iis")
    // IIS 4.0/5.0 without MS00-078: defaced through the Unicode directory traversal.
    return has(services, kAnyIis) && (is_nt4(os) || is_win2000(os)) && !applied(patches, kMs00078);
  return false;
}

std::string_view infectable_description(std::string_view model) {
  if (model == "codered-v1" || model == "codered-v2")
    return "iis4-index or iis5-index without ms01-033";
  if (model == "codered-ii") return "iis5-index on a win2000 OS without ms01-033";
  if (model == "blaster") return "dcom-rpc on a win2000 or xp OS without ms03-026";
  if (model == "welchia")
    return "dcom-rpc on a win2000 or xp OS without ms03-026, or webdav on win2000 without "
           "ms03-007";
  if (model == "sadmind-iis") return "sadmind on solaris without sun-00191";
  return "?";
}

}  // namespace wormsim::models
