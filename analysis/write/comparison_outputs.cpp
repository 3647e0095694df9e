#include "analysis/write/comparison_outputs.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/write/numbers.hpp"
#include "analysis/write/outputs.hpp"

namespace wormsim::analysis {

using Json = nlohmann::ordered_json;

namespace {

using numbers::csv_number;
using numbers::estimate_json;
using numbers::json_number;
using numbers::tidy;

}  // namespace

std::string_view unit_name(FigureUnit unit) {
  switch (unit) {
    case FigureUnit::hosts:
      return "hosts";
    case FigureUnit::percent:
      return "percent";
    case FigureUnit::seconds:
      return "s";
    case FigureUnit::per_minute:
      return "hosts/min";
    case FigureUnit::count:
      return "events";
  }
  return "";
}

void write_compare_csv(const std::filesystem::path& file, const Comparison& comparison) {
  const auto& figures = comparison_figures();
  std::string text =
      "column,figure,replications,mean,ci_low,ci_high,diff_mean,diff_ci_low,diff_ci_high\n";
  for (std::size_t k = 0; k < comparison.columns.size(); ++k)
    for (std::size_t f = 0; f < figures.size(); ++f) {
      const ComparisonCell& cell = comparison.cells[f][k];
      const auto& e = cell.estimate;
      const auto& d = cell.difference;
      auto field = [](const std::optional<Estimate>& x, double Estimate::*member) {
        return csv_number(x ? std::optional<double>((*x).*member) : std::nullopt);
      };
      text += fmt::format("{},{},{},{},{},{},{},{},{}\n", csv_field(comparison.columns[k].label),
                          figures[f].key, e ? e->n : 0, field(e, &Estimate::mean),
                          field(e, &Estimate::ci_low), field(e, &Estimate::ci_high),
                          field(d, &Estimate::mean), field(d, &Estimate::ci_low),
                          field(d, &Estimate::ci_high));
    }
  write_text_file(file, text);
}

void write_compare_json(const std::filesystem::path& file, const Comparison& comparison,
                        const std::string& version) {
  const auto& figures = comparison_figures();
  Json j;
  j["schema_version"] = kCompareSchemaVersion;
  j["program"] = {{"name", "wormsim"}, {"version", version}};
  j["seed"] = comparison.seed;
  j["replications"] = comparison.replications;
  j["common_random_numbers"] =
      "replication r of every column draws from the streams of (seed, r): the columns share "
      "their randomness wherever the scenarios agree";
  j["interval_method"] = "Student t over replications, 95%";
  j["difference_method"] =
      "paired by replication: column minus the first column, over the replications where both "
      "have the figure; Student t, 95%";
  Json columns = Json::array();
  for (const auto& c : comparison.columns) {
    columns.push_back({{"label", c.label},
                       {"path", c.path},
                       {"scenario", c.scenario_name},
                       {"variant", c.variant.empty() ? Json(nullptr) : Json(c.variant)},
                       {"hash_fnv1a64", c.text_hash},
                       {"duration", c.duration}});
    // The hash is the file's; the --set overrides beside it say what was changed in it.
    if (!c.overrides.empty()) {
      Json overrides = Json::array();
      for (const auto& o : c.overrides) overrides.push_back({{"key", o.key}, {"value", o.value}});
      columns.back()["overrides"] = overrides;
    }
  }
  j["columns"] = columns;
  Json figure_list = Json::array();
  for (const auto& f : figures)
    figure_list.push_back({{"key", f.key}, {"label", f.label}, {"unit", unit_name(f.unit)}});
  j["figures"] = figure_list;
  Json results = Json::array();
  for (std::size_t k = 0; k < comparison.columns.size(); ++k) {
    Json per_figure = Json::object();
    for (std::size_t f = 0; f < figures.size(); ++f) {
      const ComparisonCell& cell = comparison.cells[f][k];
      Json values = Json::array();
      for (const auto& v : cell.values) values.push_back(json_number(v));
      per_figure[std::string(figures[f].key)] = {{"values", values},
                                                 {"estimate", estimate_json(cell.estimate)},
                                                 {"difference", estimate_json(cell.difference)}};
    }
    results.push_back({{"column", comparison.columns[k].label}, {"figures", per_figure}});
  }
  j["results"] = results;
  write_text_file(file, j.dump(2) + "\n");
}

bool is_compared_curve(std::string_view metric) {
  for (const std::string_view base : {"infected_total", "infected_now"})
    if (metric.substr(0, base.size()) == base &&
        (metric.size() == base.size() || metric[base.size()] == '.'))
      return true;
  return false;
}

sim::MetricTable compared_curves(const sim::MetricTable& curves) {
  sim::MetricTable kept;
  std::vector<std::size_t> source;
  for (std::size_t m = 0; m < curves.metric_count(); ++m)
    if (is_compared_curve(curves.info(m).name)) {
      kept.declare(curves.info(m));
      source.push_back(m);
    }
  for (std::size_t s = 0; s < curves.sample_count(); ++s) {
    kept.begin_sample(curves.time(s));
    for (std::size_t i = 0; i < source.size(); ++i) kept.set(i, curves.value(s, source[i]));
  }
  return kept;
}

void write_compare_curves_csv(const std::filesystem::path& file, const Comparison& comparison,
                              const std::vector<std::vector<sim::MetricTable>>& curves) {
  std::string text = "column,time_s,replication,metric,value\n";
  for (std::size_t k = 0; k < curves.size() && k < comparison.columns.size(); ++k) {
    const std::string column = csv_field(comparison.columns[k].label);
    for (std::size_t r = 0; r < curves[k].size(); ++r) {
      const sim::MetricTable& c = curves[k][r];
      for (std::size_t s = 0; s < c.sample_count(); ++s) {
        const std::string time = format_seconds(c.time(s));
        for (std::size_t m = 0; m < c.metric_count(); ++m)
          text += fmt::format("{},{},{},{},{}\n", column, time, r, c.info(m).name, c.value(s, m));
      }
    }
  }
  write_text_file(file, text);
}

}  // namespace wormsim::analysis
