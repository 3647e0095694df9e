// Time-binned metrics: a table of named series sampled at the run's sample times. Values are set
// at barriers only (Model::on_sample), from per-partition counters combined in partition order,
// so they never depend on the thread count.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace wormsim::sim {

struct MetricInfo {
  std::string name;
  std::string unit;
  std::string description;
};

class MetricTable {
 public:
  /// Declares a series; returns its id. Declare all series before the first sample.
  std::size_t declare(MetricInfo info) {
    infos_.push_back(std::move(info));
    return infos_.size() - 1;
  }
  /// Opens the row of a new sample time; every series must then be set.
  void begin_sample(SimTime t) {
    times_.push_back(t);
    values_.resize(values_.size() + infos_.size(), 0.0);
  }
  void set(std::size_t metric, double value) {
    values_[(times_.size() - 1) * infos_.size() + metric] = value;
  }

  std::size_t metric_count() const { return infos_.size(); }
  std::size_t sample_count() const { return times_.size(); }
  const MetricInfo& info(std::size_t metric) const { return infos_[metric]; }
  SimTime time(std::size_t sample) const { return times_[sample]; }
  double value(std::size_t sample, std::size_t metric) const {
    return values_[sample * infos_.size() + metric];
  }
  /// Id of the named series, or metric_count() if there is none.
  std::size_t find(const std::string& name) const {
    for (std::size_t i = 0; i < infos_.size(); ++i)
      if (infos_[i].name == name) return i;
    return infos_.size();
  }

 private:
  std::vector<MetricInfo> infos_;
  std::vector<SimTime> times_;
  std::vector<double> values_;  // row-major: sample, metric
};

}  // namespace wormsim::sim
