// LiveIndex: live counts, k-th live and next live agree with a brute-force scan of the flags
// through any sequence of removals.
#include <catch2/catch.hpp>
#include <vector>

#include "sim/live_index.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

using namespace wormsim::sim;

TEST_CASE("sim::LiveIndex: queries match brute force through random removals", "[sim]") {
  for (std::size_t n : {1u, 2u, 7u, 63u, 64u, 65u, 128u, 130u, 1000u}) {
    CAPTURE(n);
    std::vector<std::uint32_t> addresses(n);
    for (std::size_t i = 0; i < n; ++i) addresses[i] = static_cast<std::uint32_t>(i * 37 + 5);
    const AddressIndex index(addresses);
    LiveIndex live(index);
    std::vector<bool> flag(n, true);
    RandomStream rng(3, 0, 0, Purpose::test);
    for (std::size_t step = 0; step <= n; ++step) {
      std::vector<std::size_t> alive;
      for (std::size_t i = 0; i < n; ++i)
        if (flag[i]) alive.push_back(i);
      REQUIRE(live.live_count() == alive.size());
      for (std::size_t k = 0; k < alive.size(); ++k) REQUIRE(live.kth_live(k) == alive[k]);
      for (std::size_t i = 0; i < n; ++i) REQUIRE(live.is_live(i) == flag[i]);
      for (std::size_t p = 0; p <= n; ++p) {
        std::size_t before = 0, next = n;
        for (std::size_t i = 0; i < p; ++i) before += flag[i];
        for (std::size_t i = p; i < n; ++i)
          if (flag[i]) {
            next = i;
            break;
          }
        REQUIRE(live.live_before(p) == before);
        if (p < n) REQUIRE(live.next_live(p) == next);
      }
      if (step < n) {
        const auto victim = variates::uniform_below(rng, n);
        live.remove(victim);
        live.remove(victim);  // idempotent
        flag[victim] = false;
      }
    }
  }
}
