// The pending events of a scheduler, popped in the total order (time, source partition,
// sequence). A radix heap on the time (Ahuja, Mehlhorn, Orlin, Tarjan, "Faster algorithms for
// the shortest path problem", JACM 1990): simulated time never runs backwards, so every pending
// event is at or after the last popped time, and events sit in buckets by the highest bit in
// which their time differs from it. A push is an append; a pop redistributes one bucket now and
// then. Events at the last popped time are ordered by their (source partition, sequence) key.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/event.hpp"

namespace wormsim::sim {

class EventQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void reserve(std::size_t n) { buckets_[0].reserve(n < 64 ? n : 64); }
  void clear() {
    for (auto& b : buckets_) b.clear();
    nonempty_ = 0;
    size_ = 0;
    last_ = 0;
  }

  /// Adds an event. Precondition: its time is not before the last popped event's time.
  void push(const Event& e) {
    const auto t = static_cast<std::uint64_t>(e.time.us);
    assert(t >= last_ && "EventQueue: an event earlier than the last popped one");
    const unsigned b = bucket_of(t);
    if (b == 0) {
      // Bucket 0 stays sorted by descending order key, its least at the back.
      auto& zero = buckets_[0];
      const auto at = std::lower_bound(zero.begin(), zero.end(), e.order,
                                       [](const Event& x, std::uint64_t o) { return x.order > o; });
      zero.insert(at, e);
    } else {
      buckets_[b].push_back(e);
    }
    nonempty_ |= std::uint64_t{1} << b;
    ++size_;
  }

  /// The earliest event; the queue must not be empty. Not const: it may redistribute a bucket.
  const Event& top() {
    settle();
    return buckets_[0].back();
  }

  /// Removes and returns the earliest event; the queue must not be empty.
  Event pop() {
    settle();
    auto& zero = buckets_[0];
    const Event result = zero.back();
    zero.pop_back();
    --size_;
    if (zero.empty()) nonempty_ &= ~std::uint64_t{1};
    return result;
  }

  /// Pops the earliest event and pushes `e`.
  void replace_top(const Event& e) {
    pop();
    push(e);
  }

 private:
  // Bucket 0 holds events at the last popped time; bucket b >= 1 those whose highest bit of
  // difference from it is bit b - 1. Times are non-negative, so bit 63 never differs: 64 buckets.
  unsigned bucket_of(std::uint64_t t) const {
    const std::uint64_t x = t ^ last_;
    return x == 0 ? 0u : static_cast<unsigned>(std::bit_width(x));
  }

  void settle() {
    assert(size_ > 0);
    if ((nonempty_ & 1) == 0) {
      // Empty the lowest non-empty bucket into lower ones around its least time.
      const auto b = static_cast<unsigned>(std::countr_zero(nonempty_));
      auto& from = buckets_[b];
      std::uint64_t least = static_cast<std::uint64_t>(from[0].time.us);
      for (const Event& e : from) {
        const auto t = static_cast<std::uint64_t>(e.time.us);
        if (t < least) least = t;
      }
      last_ = least;
      nonempty_ &= ~(std::uint64_t{1} << b);
      for (const Event& e : from) {
        const unsigned nb = bucket_of(static_cast<std::uint64_t>(e.time.us));
        buckets_[nb].push_back(e);
        nonempty_ |= std::uint64_t{1} << nb;
      }
      from.clear();
      // Bucket 0 was empty: what arrived in it ties at the least time; sort it by order key,
      // descending, so pops take the back (many hosts may act at one instant, e.g. a calendar).
      auto& zero = buckets_[0];
      if (zero.size() > 1)
        std::sort(zero.begin(), zero.end(),
                  [](const Event& x, const Event& y) { return x.order > y.order; });
    }
  }

  std::array<std::vector<Event>, 64> buckets_;
  std::uint64_t nonempty_ = 0;  // bit b set when bucket b holds events
  std::uint64_t last_ = 0;      // time of the last popped event (or of the current minimum)
  std::size_t size_ = 0;
};

}  // namespace wormsim::sim
