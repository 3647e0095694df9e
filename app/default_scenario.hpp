// The default scenario (Code Red v2, 19 July 2001), embedded in the binary at build time.
#pragma once

namespace wormsim::app {
extern const char* const kDefaultScenarioName;
extern const char* const kDefaultScenarioText;
}  // namespace wormsim::app
