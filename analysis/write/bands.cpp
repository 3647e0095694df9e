#include "analysis/write/bands.hpp"

#include <fmt/format.h>
#include <optional>

#include "analysis/statistics.hpp"

namespace wormsim::analysis {

std::string bands_csv(const std::vector<ReplicationResult>& runs) {
  std::string text = "time_s,metric,n,mean,median,low,high\n";
  if (runs.empty()) return text;
  const sim::MetricTable& first = runs.front().curves;
  // Each replication's column of every metric of the first one (metric_count(): it has none).
  std::vector<std::vector<std::size_t>> column(runs.size());
  for (std::size_t r = 0; r < runs.size(); ++r)
    for (std::size_t m = 0; m < first.metric_count(); ++m)
      column[r].push_back(runs[r].curves.find(first.info(m).name));
  std::vector<std::optional<double>> values(runs.size());
  for (std::size_t s = 0; s < first.sample_count(); ++s) {
    const std::string time = format_seconds(first.time(s));
    for (std::size_t m = 0; m < first.metric_count(); ++m) {
      for (std::size_t r = 0; r < runs.size(); ++r) {
        const sim::MetricTable& c = runs[r].curves;
        const bool has =
            s < c.sample_count() && c.time(s) == first.time(s) && column[r][m] < c.metric_count();
        values[r] = has ? std::optional<double>(c.value(s, column[r][m])) : std::nullopt;
      }
      const auto e = estimate(values);
      if (!e) continue;
      text += fmt::format("{},{},{},{},{},{},{}\n", time, first.info(m).name, e->n, e->mean,
                          e->median, e->ci_low, e->ci_high);
    }
  }
  return text;
}

void write_bands_csv(const std::filesystem::path& file,
                     const std::vector<ReplicationResult>& runs) {
  write_text_file(file, bands_csv(runs));
}

}  // namespace wormsim::analysis
