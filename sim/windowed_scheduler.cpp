#include "sim/windowed_scheduler.hpp"

#include <oneapi/tbb/task_group.h>

#include <immintrin.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sim/context.hpp"
#include "sim/event_queue.hpp"

namespace wormsim::sim {

namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t nanoseconds_since(Clock::time_point t0) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
}

/// Chunks of partitions per thread: more than one, so that a thread done early takes work from
/// a slower one, yet few, so that each partition mostly stays on one thread (and in its cache).
constexpr std::uint32_t kChunksPerThread = 2;

/// One partition's queue and sequence counter, on cache lines of their own so that partitions
/// handled by different threads never share one.
struct alignas(64) PartitionState {
  EventQueue queue;
  std::uint64_t sequence = 0;
};

/// A contiguous range of partitions handled as one task, its outgoing mail and what it reports
/// after a window.
struct alignas(64) Chunk {
  std::uint32_t first = 0, last = 0;      // partitions [first, last)
  std::atomic<std::uint64_t> claimed{0};  // the last window it was claimed for
  std::uint64_t events = 0;               // handled in the window
  SimTime next = SimTime::max();          // earliest event left in its queues and mail
  std::uint64_t merge_ns = 0;
  std::exception_ptr error;
  /// The outbox of all its partitions: they run in partition order, each posting in sequence
  /// order, so it is in (source partition, sequence) order.
  std::vector<Event> outbox;
  /// mail[w % 2][d]: what window w's outbox holds for chunk d, in the outbox's order.
  std::vector<std::vector<Event>> mail[2];
};

/// Spins briefly, then yields: for waits that last about as long as a chunk of a window, on
/// threads that may outnumber the cores.
template <typename Done>
void spin_until(Done&& done) {
  for (int i = 0; !done(); ++i) {
    if (i < 2'000)
      _mm_pause();
    else
      std::this_thread::yield();
  }
}

/// Spins briefly, then yields, then sleeps until `value` differs from `old`. `sleepers` counts
/// the threads asleep so that the writer only pays for a wake-up when someone sleeps.
void wait_while_equal(const std::atomic<std::uint64_t>& value, std::uint64_t old,
                      std::atomic<int>& sleepers) {
  for (int i = 0; i < 4'000; ++i) {
    if (value.load(std::memory_order_acquire) != old) return;
    _mm_pause();
  }
  for (int i = 0; i < 200; ++i) {
    if (value.load(std::memory_order_acquire) != old) return;
    std::this_thread::yield();
  }
  sleepers.fetch_add(1);
  while (value.load() == old) value.wait(old);
  sleepers.fetch_sub(1);
}

SimTime earliest(EventQueue& queue) {
  return queue.empty() ? SimTime::max() : queue.top().time;
}

[[noreturn]] void throw_zero_lookahead(std::uint32_t partitions, SimTime lookahead) {
  std::string message = "WindowedScheduler: a model with ";
  message += std::to_string(partitions);
  message += " partitions needs a positive lookahead, got ";
  message += std::to_string(lookahead.us);
  message += " us (the sequential scheduler runs models without one)";
  throw std::invalid_argument(message);
}

/// A cross-partition event that breaks the model's promise: it lands before the end of the
/// window it was posted in, where its target may already have handled later events.
[[noreturn]] void throw_broken_lookahead(const Event& e, SimTime window_end) {
  std::string message = "WindowedScheduler: partition ";
  message += std::to_string(e.source_partition());
  message += " posted event ";
  message += std::to_string(e.order & ((std::uint64_t{1} << kSequenceBits) - 1));
  message += " for partition ";
  message += std::to_string(e.target_partition);
  message += " at ";
  message += std::to_string(e.time.us);
  message += " us, before the end of its window at ";
  message += std::to_string(window_end.us);
  message += " us: cross-partition events must come at least the lookahead later";
  throw std::logic_error(message);
}

[[noreturn]] void throw_no_such_partition(const Event& e, std::uint32_t partitions) {
  std::string message = "WindowedScheduler: partition ";
  message += std::to_string(e.source_partition());
  message += " posted an event for partition ";
  message += std::to_string(e.target_partition);
  message += " of a model with ";
  message += std::to_string(partitions);
  throw std::logic_error(message);
}

/// One run: the partitions' state, the chunks, and the window protocol between the calling
/// thread (participant 0, which also runs the barriers) and the arena's other threads.
///
/// Window w: each chunk first merges into its partitions' queues the mail that every chunk
/// addressed to it in window w - 1 (in chunk order, hence source-partition order), then handles
/// its partitions' events before the window's end, then sorts its outbox into mail[w % 2] by
/// target chunk. Mail of window w - 1 is read only during window w, so a chunk may clear its
/// mail[w % 2] (read during window w - 1) as it starts window w.
class Run {
 public:
  Run(Model& model, const RunPlan& plan, int threads)
      : model_(model),
        plan_(plan),
        partitions_(model.partition_count()),
        lookahead_(model.lookahead()),
        parts_(partitions_),
        chunk_of_(partitions_) {
    if (partitions_ > 1 && lookahead_ <= SimTime{0}) throw_zero_lookahead(partitions_, lookahead_);
    participants_ = static_cast<std::uint32_t>(
        std::clamp<std::uint64_t>(static_cast<std::uint64_t>(threads), 1, partitions_));
    const std::uint32_t count = std::max<std::uint32_t>(
        1, std::min<std::uint32_t>(partitions_, participants_ * kChunksPerThread));
    chunks_ = std::vector<Chunk>(count);
    for (std::uint32_t c = 0; c < count; ++c) {
      Chunk& chunk = chunks_[c];
      chunk.first = static_cast<std::uint32_t>(std::uint64_t{c} * partitions_ / count);
      chunk.last = static_cast<std::uint32_t>(std::uint64_t{c + 1} * partitions_ / count);
      for (std::uint32_t p = chunk.first; p < chunk.last; ++p) chunk_of_[p] = c;
      for (auto& mail : chunk.mail) mail.resize(count);
    }
  }

  /// Runs the model to the plan's end on the calling thread and `participants() - 1` helpers
  /// that `spawn(i)` starts, each calling help(i); `wait()` returns once they have all left.
  template <typename Spawn, typename Wait>
  RunStats run(Spawn&& spawn, Wait&& wait) {
    for (std::uint32_t i = 1; i < participants_; ++i) spawn(i);
    try {
      drive();
    } catch (...) {
      finish();
      wait();
      throw;
    }
    finish();
    wait();
    return stats_;
  }

  /// A helper thread's loop: take part in every window until the run finishes.
  void help(std::uint32_t participant) {
    std::uint64_t seen = 0;
    for (;;) {
      wait_while_equal(window_, seen, sleepers_);
      seen = window_.load(std::memory_order_acquire);
      if (seen == kFinished) return;
      work(participant, seen);
    }
  }

 private:
  static constexpr std::uint64_t kFinished = ~std::uint64_t{0};

  /// The calling thread's part: start, then windows and samples until the end.
  void drive() {
    // The start's cross-partition events are mailed as if posted in a window 0 ending at 0.
    SimTime next_event = SimTime::max();
    Context ctx;
    for (Chunk& chunk : chunks_) {
      for (std::uint32_t p = chunk.first; p < chunk.last; ++p) {
        PartitionState& part = parts_[p];
        ctx.bind(p, SimTime{0}, &part.sequence, &part.queue, &chunk.outbox, lookahead_, plan_.end);
        model_.start(ctx);
        next_event = std::min(next_event, earliest(part.queue));
      }
      next_event = std::min(next_event, post_mail(chunk, 0));
    }
    window_end_ = SimTime{0};

    // With one partition nothing crosses partitions: a window may last until the next sample.
    const bool single = partitions_ == 1;
    std::uint64_t window = 0;
    std::uint64_t sample_index = 0;
    NextBarrier next = first_barrier(model_, plan_);
    for (;;) {
      const SimTime barrier = next.at();
      if (next_event >= barrier) {
        const Clock::time_point t0 = Clock::now();
        const bool is_sample = next.sample == barrier;
        const bool more = run_barrier(model_, plan_, next, sample_index);
        stats_.barrier_ns += nanoseconds_since(t0);
        if (is_sample) ++stats_.samples;
        if (!more) return;
        continue;
      }
      previous_end_ = window_end_;
      window_end_ = single ? barrier : std::min(next_event + lookahead_, barrier);
      ++window;
      // Publish the window, then wake sleeping helpers: a helper about to sleep either sees the
      // new window or is seen among the sleepers (both sides are sequentially consistent).
      window_.store(window);
      if (sleepers_.load() > 0) window_.notify_all();
      work(0, window);
      // Wait for the chunks that other threads took.
      spin_until([&] { return done_.load(std::memory_order_acquire) == chunks_.size(); });
      done_.store(0, std::memory_order_relaxed);

      std::uint64_t events = 0;
      next_event = SimTime::max();
      for (Chunk& chunk : chunks_) {
        if (chunk.error) std::rethrow_exception(chunk.error);
        events += chunk.events;
        next_event = std::min(next_event, chunk.next);
        stats_.merge_ns += chunk.merge_ns;
      }
      ++stats_.windows;
      stats_.events += events;
      stats_.max_window_events = std::max(stats_.max_window_events, events);
    }
  }

  /// Releases the helpers, whether the run ended or failed.
  void finish() {
    window_.store(kFinished);
    window_.notify_all();
  }

  /// Takes part in window `window`: first the chunks this participant prefers, then any left,
  /// from the end of the others' ranges, which their owners reach last.
  void work(std::uint32_t participant, std::uint64_t window) {
    const auto count = static_cast<std::uint32_t>(chunks_.size());
    const std::uint32_t own_first = participant * count / participants_;
    const std::uint32_t own_last = (participant + 1) * count / participants_;
    for (std::uint32_t c = own_first; c < own_last; ++c) try_chunk(c, window);
    for (std::uint32_t c = count; c-- > 0;)
      if (c < own_first || c >= own_last) try_chunk(c, window);
  }

  void try_chunk(std::uint32_t c, std::uint64_t window) {
    Chunk& chunk = chunks_[c];
    std::uint64_t expected = window - 1;
    if (chunk.claimed.load(std::memory_order_relaxed) != expected ||
        !chunk.claimed.compare_exchange_strong(expected, window, std::memory_order_acq_rel))
      return;
    run_chunk(c, window);
    done_.fetch_add(1, std::memory_order_acq_rel);
  }

  void run_chunk(std::uint32_t c, std::uint64_t window) {
    Chunk& chunk = chunks_[c];
    chunk.events = 0;
    chunk.next = SimTime::max();
    chunk.merge_ns = 0;
    try {
      const Clock::time_point t0 = Clock::now();
      merge_into(c, (window - 1) % 2);
      chunk.merge_ns = nanoseconds_since(t0);
      Context ctx;
      for (std::uint32_t p = chunk.first; p < chunk.last; ++p) {
        PartitionState& part = parts_[p];
        EventQueue& queue = part.queue;
        ctx.bind(p, SimTime{0}, &part.sequence, &queue, &chunk.outbox, lookahead_, plan_.end);
        while (!queue.empty() && queue.top().time < window_end_) {
          const Event e = queue.pop();
          if (!queue.empty()) model_.prefetch(queue.top());
          ctx.set_now(e.time);
          model_.handle(e, ctx);
          ++chunk.events;
        }
        chunk.next = std::min(chunk.next, earliest(queue));
      }
      chunk.next = std::min(chunk.next, post_mail(chunk, window % 2));
    } catch (...) {
      chunk.error = std::current_exception();
    }
  }

  /// Pushes into chunk c's partitions the mail every chunk sent it in the last window, taking
  /// senders in chunk order, and checks the lookahead promise: nothing may land before the end
  /// of the window it was posted in.
  void merge_into(std::uint32_t c, std::size_t in) {
    for (Chunk& from : chunks_) {
      for (const Event& e : from.mail[in][c]) {
        if (e.time < previous_end_) throw_broken_lookahead(e, previous_end_);
        parts_[e.target_partition].queue.push(e);
      }
    }
  }

  /// Sorts the chunk's outbox into mail[out] by target chunk, after emptying what mail[out] held
  /// (merged during the last window); returns the earliest time mailed.
  SimTime post_mail(Chunk& chunk, std::size_t out) {
    for (auto& box : chunk.mail[out]) box.clear();
    SimTime least = SimTime::max();
    for (const Event& e : chunk.outbox) {
      if (e.target_partition >= partitions_) throw_no_such_partition(e, partitions_);
      chunk.mail[out][chunk_of_[e.target_partition]].push_back(e);
      least = std::min(least, e.time);
    }
    chunk.outbox.clear();
    return least;
  }

  Model& model_;
  const RunPlan plan_;
  const std::uint32_t partitions_;
  const SimTime lookahead_;
  std::uint32_t participants_ = 1;
  std::vector<PartitionState> parts_;
  std::vector<std::uint32_t> chunk_of_;  // the chunk that owns each partition
  std::vector<Chunk> chunks_;
  // Set by the calling thread before it publishes a window; read-only during the window.
  SimTime window_end_{};
  SimTime previous_end_{};
  std::atomic<std::uint64_t> window_{0};  // the window under way, or kFinished
  std::atomic<std::uint64_t> done_{0};    // chunks finished in it
  std::atomic<int> sleepers_{0};
  RunStats stats_;
};

}  // namespace

WindowedScheduler::WindowedScheduler(int threads) : threads_(threads) {
  if (threads < 1) throw std::invalid_argument("WindowedScheduler: threads must be at least 1");
  arena_.initialize(threads);
}

RunStats WindowedScheduler::run(Model& model, const RunPlan& plan) {
  Run run(model, plan, threads_);
  RunStats stats;
  arena_.execute([&] {
    tbb::task_group helpers;
    stats = run.run([&](std::uint32_t i) { helpers.run([&run, i] { run.help(i); }); },
                    [&] { helpers.wait(); });
  });
  return stats;
}

}  // namespace wormsim::sim
