#include "app/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>

namespace wormsim::app {

namespace {

/// "42s", "3m 05s", "2h 03m": a wall-clock span, to the second below an hour.
std::string span(double seconds) {
  const auto s = static_cast<std::int64_t>(std::llround(std::max(0.0, seconds)));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m {:02d}s", s / 60, s % 60);
  return fmt::format("{}h {:02d}m", s / 3600, (s / 60) % 60);
}

/// A simulated time to the second (to the minute from an hour on), with units.
std::string simulated(double us) {
  auto s = static_cast<std::int64_t>(us / 1e6);
  if (s >= 3600) s -= s % 60;
  return sim::format_duration(sim::SimTime::from_s(s));
}

std::string rate_text(double per_s) {
  if (per_s >= 10) return fmt::format("{:.0f}", per_s);
  if (per_s >= 1) return fmt::format("{:.1f}", per_s);
  return fmt::format("{:.2f}", per_s);
}

/// Display width of UTF-8 text, one column per code point.
std::size_t width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

bool progress_wanted(bool forced_on, bool forced_off) {
  if (forced_off) return false;
  if (forced_on) return true;
  return ::isatty(STDERR_FILENO) == 1;
}

ProgressMeter::ProgressMeter(std::string label, std::string unit,
                             std::vector<sim::SimTime> horizons, bool enabled,
                             std::size_t done_before)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      horizons_(std::move(horizons)),
      done_before_(done_before),
      enabled_(enabled && !horizons_.empty()),
      clocks_(enabled_ ? horizons_.size() : 0),
      start_(std::chrono::steady_clock::now()) {
  for (const auto& h : horizons_) total_us_ += static_cast<double>(h.us);
  if (enabled_) thread_ = std::thread([this] { loop(); });
}

ProgressMeter::~ProgressMeter() {
  finish();
}

std::atomic<std::int64_t>* ProgressMeter::clock(std::size_t task) {
  return enabled_ ? &clocks_.at(task) : nullptr;
}

void ProgressMeter::task_done(std::size_t task) {
  if (!enabled_) return;
  clocks_.at(task).store(horizons_.at(task).us, std::memory_order_relaxed);
  done_.fetch_add(1, std::memory_order_relaxed);
}

void ProgressMeter::finish() {
  if (!thread_.joinable()) return;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  // Erase the line: what follows (the command's own summary) starts on a clean line.
  const std::string blank = fmt::format("\r{}\r", std::string(drawn_width_, ' '));
  std::fputs(blank.c_str(), stderr);
  std::fflush(stderr);
}

std::string ProgressMeter::line(double elapsed_s) const {
  const std::size_t tasks = horizons_.size();
  double reached_us = 0;
  for (std::size_t i = 0; i < tasks && i < clocks_.size(); ++i)
    reached_us += static_cast<double>(
        std::min(clocks_[i].load(std::memory_order_relaxed), horizons_[i].us));
  const std::size_t done = done_.load(std::memory_order_relaxed);
  const double share = total_us_ > 0 ? reached_us / total_us_
                       : tasks > 0   ? static_cast<double>(done) / static_cast<double>(tasks)
                                     : 1.0;
  // Too early to say: the first samples of a run say little about its pace.
  const bool can_tell = share > 0 && elapsed_s >= 0.5;
  const std::string left =
      can_tell ? fmt::format("{} left", span(elapsed_s * (1 - share) / share)) : "estimating";
  const int percent = static_cast<int>(std::floor(100 * share));
  if (tasks == 1 && done_before_ == 0) {
    // One long replication: how far its simulated clock has come.
    const std::string speed =
        can_tell ? fmt::format("{} simulated/s", simulated(reached_us / elapsed_s)) : "";
    return fmt::format("{}: simulated {} of {} ({}%){}{} · {}", label_, simulated(reached_us),
                       simulated(total_us_), percent, speed.empty() ? "" : " · ", speed, left);
  }
  const std::string speed =
      can_tell ? fmt::format("{} {}/s", rate_text(share * static_cast<double>(tasks) / elapsed_s),
                             unit_)
               : "";
  return fmt::format("{}: {}/{} {} ({}%){}{} · {}", label_, done_before_ + done,
                     done_before_ + tasks, unit_, percent, speed.empty() ? "" : " · ", speed, left);
}

void ProgressMeter::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    draw();
    wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_; });
  }
}

void ProgressMeter::draw() {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string text = line(elapsed);
  const std::size_t w = width(text);
  // Spaces cover what is left of a longer line drawn before.
  const std::string padded =
      fmt::format("\r{}{}", text, std::string(drawn_width_ > w ? drawn_width_ - w : 0, ' '));
  drawn_width_ = std::max(drawn_width_, w);
  std::fputs(padded.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace wormsim::app
