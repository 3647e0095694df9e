#include "models/worm/worm_catalog.hpp"

namespace wormsim::models {

bool is_infectable(std::string_view model, Os os, std::uint16_t services) {
  if (model == "codered-v1" || model == "codered-v2")
    // IIS 4.0 or 5.0 with the Index Server .ida/.idq mappings (MS01-033, CERT CA-2001-23).
    return (services & (kIis4Index | kIis5Index)) != 0;
  if (model == "codered-ii")
    // Runs only on Windows 2000 (IIS 5.0 with the mappings); NT 4.0 IIS crashes instead.
    return (services & kIis5Index) != 0 && is_win2000(os);
  if (model == "blaster")
    // DCOM RPC on Windows 2000 and XP (the exploit's two sets of offsets); NT 4.0 and Server
    // 2003 are hit but not infected.
    return (services & kDcomRpc) != 0 && (is_win2000(os) || is_xp(os));
  if (model == "welchia")
    // DCOM RPC (MS03-026) on Windows 2000 and XP, or WebDAV (MS03-007) on IIS 5.0.
    return ((services & kDcomRpc) != 0 && (is_win2000(os) || is_xp(os))) ||
           ((services & kWebdav) != 0 && is_win2000(os));
  return false;
}

bool is_relevant(std::string_view model, Os os, std::uint16_t services) {
  if (model == "codered-v1" || model == "codered-v2")
    // Also IIS 4.0 with URL redirection, which crashes on the long request (fixed by MS01-044).
    return is_infectable(model, os, services) || (services & kIis4Redirect) != 0;
  if (model == "codered-ii")
    return is_infectable(model, os, services) ||
           ((services & (kIis4Index | kIis5Index | kIis4Redirect)) != 0 && is_nt4(os));
  if (model == "blaster")
    return (services & kDcomRpc) != 0 &&
           (is_nt4(os) || is_win2000(os) || is_xp(os) || os == Os::win2003);
  if (model == "welchia") return is_infectable(model, os, services);
  return false;
}

std::string_view infectable_description(std::string_view model) {
  if (model == "codered-v1" || model == "codered-v2") return "iis4-index or iis5-index";
  if (model == "codered-ii") return "iis5-index on a win2000 OS";
  if (model == "blaster") return "dcom-rpc on a win2000 or xp OS";
  if (model == "welchia") return "dcom-rpc on a win2000 or xp OS, or webdav on win2000";
  return "?";
}

}  // namespace wormsim::models
