// The pending events of a scheduler, popped in the total order (time, source partition,
// sequence). A radix heap on the time with 256-way digits (Ahuja, Mehlhorn, Orlin, Tarjan, "Faster
// algorithms for the shortest path problem", JACM 1990; the multi-level form is also known as a
// hierarchical timing wheel): events sit in buckets by the highest 8-bit digit in which their time
// differs from a base, and each moves down at most once per digit. The least events wait in a
// sorted run, the front: a bucket that reaches it is sorted whole (a radix sort on its one or two
// low digits, or a comparison sort when small) rather than spread over lower levels, and a queue
// that never holds many events keeps them all there and allocates no buckets.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "sim/event.hpp"

namespace wormsim::sim {

class EventQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void reserve(std::size_t n) { front_.reserve(n < kSmall ? n : kSmall); }
  /// Removes every event; the queue keeps its storage and may take events at any time again.
  void clear() {
    for (unsigned level = 0; level < kLevels; ++level) {
      if (!levels_[level]) continue;
      for (auto& bucket : levels_[level]->buckets)
        if (!bucket.empty()) release(bucket, level);
      levels_[level]->masks.fill(0);
    }
    used_words_ = 0;
    low_.clear();
    front_.clear();
    first_ = 0;
    base_ = 0;
    front_end_ = kAll;
    popped_ = 0;
    size_ = 0;
  }

  /// Adds an event. Precondition: its time is not before the last popped event's time. It may
  /// precede the event top() last returned (a merge of another partition's events does that).
  void push(const Event& e) {
    const auto t = static_cast<std::uint64_t>(e.time.us);
    assert(t >= popped_ && "EventQueue: an event earlier than the last popped one");
    ++size_;
    if (t < front_end_) {
      const auto at = std::lower_bound(front_.begin() + first_, front_.end(), e, after);
      if (front_.end() - at <= kMaxShift) {
        front_.insert(at, e);
        if (front_end_ == kAll && front_.size() > kSmall) spill();
        return;
      }
      if (t < base_) {
        // A top() refilled the front from a later bucket since the last pop, and this event
        // falls deep inside it: it can go neither to a bucket (keyed on the later base_) nor
        // cheaply into the front, so it waits in a heap of its own.
        low_.push_back(e);
        std::push_heap(low_.begin(), low_.end(), after);
        return;
      }
      shorten_front(t);
    }
    place(e, t);
  }

  /// The earliest event; the queue must not be empty. Not const: it may redistribute a bucket.
  const Event& top() {
    if (low_first()) return low_.front();
    settle();
    return front_.back();
  }

  /// Removes and returns the earliest event; the queue must not be empty.
  Event pop() {
    if (low_first()) {
      std::pop_heap(low_.begin(), low_.end(), after);
      const Event result = low_.back();
      low_.pop_back();
      --size_;
      popped_ = static_cast<std::uint64_t>(result.time.us);
      return result;
    }
    settle();
    const Event result = front_.back();
    front_.pop_back();
    if (front_.size() == first_) {
      front_.clear();
      first_ = 0;
    }
    --size_;
    popped_ = static_cast<std::uint64_t>(result.time.us);
    return result;
  }

  /// Pops the earliest event and pushes `e`.
  void replace_top(const Event& e) {
    pop();
    push(e);
  }

 private:
  static constexpr unsigned kDigitBits = 8;
  static constexpr unsigned kDigits = 1u << kDigitBits;
  static constexpr unsigned kWords = kDigits / 64;  // mask words per level
  // Times are non-negative 63-bit integers: 8 digits of 8 bits cover them.
  static constexpr unsigned kLevels = (63 + kDigitBits - 1) / kDigitBits;
  // Up to this many events, a queue keeps them all in the front; a bucket this small reaching
  // the front is sorted rather than spread over lower levels.
  static constexpr std::size_t kSmall = 32;
  // front_end_ while every event is in the front.
  static constexpr std::uint64_t kAll = std::numeric_limits<std::uint64_t>::max();
  // A push into the front moves the front's earlier events; beyond this many, the front ends at
  // the pushed time instead and its later events go back to the buckets, so no push costs more
  // than this many moves plus, at most once per event and refill, a move back.
  static constexpr std::ptrdiff_t kMaxShift = 64;

  struct Level {
    std::array<std::vector<Event>, kDigits> buckets;
    std::array<std::uint64_t, kWords> masks{};  // bit d set when bucket d holds events
    // Storage of emptied buckets, the latest last: it is reused before the cache forgets it, and
    // the queue's memory stays near the size of its contents rather than that of every bucket's
    // largest fill. Per level, as bucket sizes are typical of their level.
    std::vector<std::vector<Event>> spare;
  };

  /// The descending (time, order) order of the front, whose back is the least event.
  static bool after(const Event& x, const Event& y) { return event_before(y, x); }

  /// Whether the earliest event is in low_: every event there is below base_, hence before
  /// every bucket's, but the front may hold earlier ones still.
  bool low_first() const {
    return !low_.empty() && (front_.size() == first_ || event_before(low_.front(), front_.back()));
  }

  /// Files an event at or after the base in the level of the highest digit in which its time
  /// differs from the base (level 0 if none), under its own digit there.
  void place(const Event& e, std::uint64_t t) {
    const auto level = static_cast<unsigned>(std::bit_width((t ^ base_) | 1) - 1) / kDigitBits;
    const auto digit = static_cast<unsigned>(t >> (level * kDigitBits)) & (kDigits - 1);
    if (!levels_[level]) levels_[level] = std::make_unique<Level>();
    Level& l = *levels_[level];
    std::vector<Event>& bucket = l.buckets[digit];
    if (bucket.capacity() == 0 && !l.spare.empty()) {
      bucket.swap(l.spare.back());
      l.spare.pop_back();
    }
    bucket.push_back(e);
    l.masks[digit / 64] |= std::uint64_t{1} << (digit % 64);
    used_words_ |= 1u << (level * kWords + digit / 64);
  }

  /// Makes the front end at t: its events at or after t go back to the buckets. Its first events
  /// are its latest, so they leave by moving first_, without shifting the rest.
  void shorten_front(std::uint64_t t) {
    auto it = front_.begin() + first_;
    for (; it != front_.end() && static_cast<std::uint64_t>(it->time.us) >= t; ++it)
      place(*it, static_cast<std::uint64_t>(it->time.us));
    first_ = static_cast<std::size_t>(it - front_.begin());
    if (first_ == front_.size()) {
      front_.clear();
      first_ = 0;
    }
    front_end_ = t;
  }

  /// The front outgrew a small queue: every event moves to the buckets, based at the last
  /// popped time, which no event can precede; the front ends there, and stays empty until the
  /// least bucket fills it.
  void spill() {
    base_ = popped_;
    front_end_ = base_;
    for (auto it = front_.begin() + first_; it != front_.end(); ++it)
      place(*it, static_cast<std::uint64_t>(it->time.us));
    front_.clear();
    first_ = 0;
  }

  void settle() {
    assert(size_ > 0);
    if (front_.empty()) refill_front();
  }

  /// Fills the empty front with the events of the least non-empty bucket, which hold the least
  /// pending time. The base moves to that bucket's first possible time, which keeps every other
  /// event in its bucket; a large bucket's events fall to lower levels first. Out of line: pops
  /// mostly find the front filled.
  [[gnu::noinline]] void refill_front() {
    while (front_.empty()) {
      const auto word = static_cast<unsigned>(std::countr_zero(used_words_));
      const unsigned level = word / kWords;
      Level& l = *levels_[level];
      std::uint64_t& mask = l.masks[word % kWords];
      const auto digit = (word % kWords) * 64 + static_cast<unsigned>(std::countr_zero(mask));
      mask &= mask - 1;
      if (mask == 0) used_words_ &= ~(1u << word);
      std::vector<Event>& bucket = l.buckets[digit];
      const unsigned shift = level * kDigitBits;
      const std::uint64_t span = std::uint64_t{1} << shift;
      // Keep the digits above this level (none at the top one: the mask wraps to zero), set this
      // one, clear those below.
      base_ = (base_ & ~(span * kDigits - 1)) | (std::uint64_t{digit} << shift);
      if (level == 0 || bucket.size() <= kSmall) {
        front_end_ = base_ + span;
        front_.assign(bucket.begin(), bucket.end());
        std::sort(front_.begin(), front_.end(), after);
      } else if (level <= 2) {
        front_end_ = base_ + span;
        radix_sort_into_front(bucket, level);
      } else {
        for (const Event& e : bucket) place(e, static_cast<std::uint64_t>(e.time.us));
      }
      release(bucket, level);
    }
  }

  /// Sorts a bucket of level 1 or 2 into the (empty) front by descending (time, order): a stable
  /// least-significant-digit radix sort on the time's offset from the base (one digit per level),
  /// then runs of equal times by their order keys.
  void radix_sort_into_front(const std::vector<Event>& bucket, unsigned level) {
    const std::size_t n = bucket.size();
    const std::vector<Event>* from = &bucket;
    for (unsigned pass = 0; pass < level; ++pass) {
      std::vector<Event>& to = pass + 1 == level ? front_ : scratch_;
      to.resize(n);
      std::array<std::uint32_t, kDigits> start{};
      const unsigned shift = pass * kDigitBits;
      // Digits complemented: descending order.
      const auto key = [&](const Event& e) {
        return (kDigits - 1) - (static_cast<unsigned>(e.time.us >> shift) & (kDigits - 1));
      };
      for (const Event& e : *from) ++start[key(e)];
      std::uint32_t sum = 0;
      for (std::uint32_t& c : start) {
        const std::uint32_t count = c;
        c = sum;
        sum += count;
      }
      for (const Event& e : *from) to[start[key(e)]++] = e;
      from = &to;
    }
    for (std::size_t i = 0; i < n;) {
      std::size_t j = i + 1;
      while (j < n && front_[j].time == front_[i].time) ++j;
      if (j - i > 1)
        std::sort(front_.begin() + static_cast<std::ptrdiff_t>(i),
                  front_.begin() + static_cast<std::ptrdiff_t>(j), after);
      i = j;
    }
  }

  /// Empties a bucket, keeping its storage among the level's spares.
  void release(std::vector<Event>& bucket, unsigned level) {
    bucket.clear();
    auto& spare = levels_[level]->spare;
    spare.emplace_back();
    spare.back().swap(bucket);
  }

  // Levels are made on first use: a queue that stays small never makes one.
  std::array<std::unique_ptr<Level>, kLevels> levels_;
  std::uint32_t used_words_ = 0;  // bit l * kWords + w set when word w of level l's mask is not 0
  // The least events, by descending (time, order): every pending event before front_end_, and
  // no other. Every event in a bucket is at or after front_end_ and the base.
  // Events pushed below base_ (after a top() moved it past the last popped time) that would
  // have shifted much of the front: earlier than every bucket's events, a binary heap on the
  // engine's order.
  std::vector<Event> low_;
  std::vector<Event> front_;
  std::size_t first_ = 0;       // front_[first_, end) are the pending ones
  std::vector<Event> scratch_;  // the radix sort's first pass
  std::uint64_t base_ = 0;
  std::uint64_t front_end_ = kAll;
  std::uint64_t popped_ = 0;  // time of the last popped event
  std::size_t size_ = 0;
};

}  // namespace wormsim::sim
