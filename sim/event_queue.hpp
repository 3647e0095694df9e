// The pending events of a scheduler, popped in the total order (time, source partition,
// sequence). A radix heap on the time with 256-way digits (Ahuja, Mehlhorn, Orlin, Tarjan, "Faster
// algorithms for the shortest path problem", JACM 1990; the multi-level form is also known as a
// hierarchical timing wheel): events sit in buckets by the highest 8-bit digit in which their time
// differs from a base, and each moves down at most once per digit. The least events wait in a
// short sorted run, the front: a bucket that reaches it small is sorted rather than spread, and a
// queue that never holds many events keeps them all there and allocates no buckets.
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
    front_.clear();
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
      front_.insert(std::lower_bound(front_.begin(), front_.end(), e, after), e);
      if (front_end_ == kAll && front_.size() > kSmall) spill();
      return;
    }
    place(e, t);
  }

  /// The earliest event; the queue must not be empty. Not const: it may redistribute a bucket.
  const Event& top() {
    settle();
    return front_.back();
  }

  /// Removes and returns the earliest event; the queue must not be empty.
  Event pop() {
    settle();
    const Event result = front_.back();
    front_.pop_back();
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

  /// The front outgrew a small queue: every event moves to the buckets around the least time,
  /// which the front then ends at.
  void spill() {
    base_ = static_cast<std::uint64_t>(front_.back().time.us);
    front_end_ = base_;
    for (const Event& e : front_) place(e, static_cast<std::uint64_t>(e.time.us));
    front_.clear();
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
      } else {
        for (const Event& e : bucket) place(e, static_cast<std::uint64_t>(e.time.us));
      }
      release(bucket, level);
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
  std::vector<Event> front_;
  std::uint64_t base_ = 0;
  std::uint64_t front_end_ = kAll;
  std::uint64_t popped_ = 0;  // time of the last popped event
  std::size_t size_ = 0;
};

}  // namespace wormsim::sim
