// What an event handler may do (STYLE.md, "How a model plugs in"): read the time and its
// partition, and post events — to its own partition at any later time, to another partition no
// sooner than the lookahead. Handlers get no other access to the engine.
#pragma once

#include <cassert>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/event.hpp"
#include "sim/event_queue.hpp"

namespace wormsim::sim {

class Context {
 public:
  /// Simulated time of the event being handled.
  SimTime now() const { return now_; }
  /// The partition whose state this handler may touch.
  std::uint32_t partition() const { return partition_; }

  /// Posts an event for `target_partition` at time `at`. `at` must not precede now(); for another
  /// partition it must be at least now() + lookahead (the model's promise to the scheduler).
  void post(std::uint32_t target_partition, SimTime at, std::uint16_t kind, std::uint16_t tag,
            std::uint32_t subject, std::uint32_t aux) {
    if (at < now_) [[unlikely]]
      throw_past(kind, at);
    assert((target_partition == partition_ || at >= now_ + lookahead_) &&
           "a cross-partition event must respect the lookahead");
    // An event at or after the run's end never runs: it is not stored. Dropping it changes no
    // other event's place in the order (time, source partition, sequence).
    if (at >= end_) return;
    Event e;
    e.time = at;
    e.order = Event::make_order(partition_, (*sequence_)++);
    e.target_partition = target_partition;
    e.kind = kind;
    e.tag = tag;
    e.subject = subject;
    e.aux = aux;
    if (outbox_ != nullptr && target_partition != partition_)
      outbox_->push_back(e);
    else
      queue_->push(e);
  }
  [[noreturn, gnu::cold, gnu::noinline]] void throw_past(std::uint16_t kind, SimTime at) const {
    throw std::logic_error("event kind " + std::to_string(kind) + " posted at " +
                           std::to_string(at.us) + " us, before now (" + std::to_string(now_.us) +
                           " us): events may not go into the past");
  }
  /// Posts an event for this partition.
  void post_local(SimTime at, std::uint16_t kind, std::uint16_t tag, std::uint32_t subject,
                  std::uint32_t aux) {
    post(partition_, at, kind, tag, subject, aux);
  }

  /// Set up by a scheduler: where events go, whose sequence numbers they take, and the run's end
  /// (events at or after it are not stored).
  void bind(std::uint32_t partition, SimTime now, std::uint64_t* sequence, EventQueue* queue,
            std::vector<Event>* outbox, SimTime lookahead, SimTime end = SimTime::max()) {
    partition_ = partition;
    end_ = end;
    now_ = now;
    sequence_ = sequence;
    queue_ = queue;
    outbox_ = outbox;
    lookahead_ = lookahead;
  }
  void set_now(SimTime t) { now_ = t; }
  void set_partition(std::uint32_t p, std::uint64_t* sequence) {
    partition_ = p;
    sequence_ = sequence;
  }

 private:
  SimTime now_{};
  std::uint32_t partition_ = 0;
  std::uint64_t* sequence_ = nullptr;
  EventQueue* queue_ = nullptr;
  std::vector<Event>* outbox_ = nullptr;
  SimTime lookahead_{};
  SimTime end_ = SimTime::max();
};

}  // namespace wormsim::sim
