#include "models/host/host_kinds.hpp"

namespace wormsim::models {

bool can_install(Patch patch, Os os) {
  switch (patch) {
    case kMs01033:
      return os == Os::nt4_sp6a || (is_win2000(os) && os != Os::win2000_rtm) || is_xp(os);
    case kMs03026:
    case kMs03039:
      return os == Os::nt4_sp6a ||
             (is_win2000(os) && os != Os::win2000_rtm && os != Os::win2000_sp1) || is_xp(os) ||
             os == Os::win2003;
    case kMs00078:
    case kMs01044:
      return os == Os::nt4_sp6a || is_win2000(os) || is_xp(os);
    case kMs03007:
      return (is_win2000(os) && os != Os::win2000_rtm && os != Os::win2000_sp1) || is_xp(os);
    case kSun00191:
      return os == Os::solaris;
  }
  return false;
}

std::uint8_t included_in_service_pack(Os os) {
  switch (os) {
    case Os::win2000_sp2:
      return kMs00078;
    case Os::win2000_sp3:
      return kMs00078 | kMs01033 | kMs01044;
    case Os::win2000_sp4:
      return kMs00078 | kMs01033 | kMs01044 | kMs03007;
    case Os::xp_rtm:
    case Os::xp_sp1:
    case Os::win2003:
      // IIS 5.1 and 6.0 shipped after both IIS fixes of 2000-2001.
      return kMs00078 | kMs01033 | kMs01044;
    default:
      return 0;
  }
}

}  // namespace wormsim::models
