#include "analysis/write/contact_outputs.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "analysis/statistics.hpp"
#include "analysis/write/numbers.hpp"
#include "analysis/write/outputs.hpp"

namespace wormsim::analysis {

using Json = nlohmann::ordered_json;

std::string format_contact_time(double t) {
  return fmt::format("{:.12g}", t);
}

void write_contact_curves_csv(const std::filesystem::path& file,
                              const std::vector<models::ContactRunResult>& runs) {
  std::string text = "time,replication,metric,value\n";
  for (const auto& run : runs)
    for (const auto& s : run.samples) {
      const std::string time = format_contact_time(s.time);
      text += fmt::format("{},{},susceptible,{}\n", time, run.replication, s.susceptible);
      text += fmt::format("{},{},infected,{}\n", time, run.replication, s.infected);
      text += fmt::format("{},{},recovered,{}\n", time, run.replication, s.recovered);
    }
  write_text_file(file, text);
}

namespace {

using numbers::estimate_json;

Json optional_json(const std::optional<std::uint64_t>& v) {
  if (v) return *v;
  return nullptr;
}

}  // namespace

void write_contact_summary_json(const std::filesystem::path& file, const ContactRunInfo& info,
                                const std::vector<models::ContactRunResult>& runs,
                                const std::string& version) {
  Json j;
  j["schema_version"] = kContactSummarySchemaVersion;
  j["program"] = {{"name", "wormsim"}, {"version", version}};
  j["model"] = "contact-sir";
  Json graph_parameters = Json::object();
  for (const auto& [key, value] : info.graph_parameters) graph_parameters[key] = value;
  j["parameters"] = {
      {"graph",
       {{"source", info.graph},
        {"origin", info.graph_origin},
        {"seed", optional_json(info.graph_seed)},
        {"parameters", graph_parameters},
        {"nodes", info.nodes},
        {"edges", info.edges}}},
      {"tau", info.transmission_rate},
      {"gamma", info.recovery_rate},
      {"initial_fraction", info.initial_fraction ? Json(*info.initial_fraction) : Json(nullptr)},
      {"initial_infected", info.initial_infected},
      {"seed", info.seed},
      {"replications", info.replications},
      {"sample_every", info.sample_every},
      {"time_unit", "the rates' unit of time: with gamma = 1, the mean time to recovery"},
  };
  Json reps = Json::array();
  std::vector<std::optional<double>> final_size, final_fraction, peak, peak_time, end_time;
  for (const auto& r : runs) {
    const double fraction =
        r.nodes == 0 ? 0.0 : static_cast<double>(r.final_size) / static_cast<double>(r.nodes);
    reps.push_back({{"replication", r.replication},
                    {"initial_infected", r.initial_infected},
                    {"final_size", r.final_size},
                    {"final_fraction", fraction},
                    {"peak_infected", r.peak_infected},
                    {"peak_time", r.peak_time},
                    {"end_time", r.end_time},
                    {"infected_at_end", r.infected_at_end}});
    final_size.push_back(static_cast<double>(r.final_size));
    final_fraction.push_back(fraction);
    peak.push_back(static_cast<double>(r.peak_infected));
    peak_time.push_back(r.peak_time);
    end_time.push_back(r.end_time);
  }
  j["replications"] = reps;
  j["aggregate"] = {{"interval_method", "Student t over replications, 95%"},
                    {"final_size", estimate_json(final_size)},
                    {"final_fraction", estimate_json(final_fraction)},
                    {"peak_infected", estimate_json(peak)},
                    {"peak_time", estimate_json(peak_time)},
                    {"end_time", estimate_json(end_time)}};
  write_text_file(file, j.dump(2) + "\n");
}

}  // namespace wormsim::analysis
