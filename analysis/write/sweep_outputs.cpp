#include "analysis/write/sweep_outputs.hpp"

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "analysis/write/comparison_outputs.hpp"
#include "analysis/write/numbers.hpp"
#include "analysis/write/outputs.hpp"
#include "models/scenario/diagnostics.hpp"

namespace wormsim::analysis {

using Json = nlohmann::ordered_json;

namespace {

using numbers::csv_number;
using numbers::estimate_json;
using numbers::json_number;
using numbers::tidy;

/// `point,<parameter keys>` of a header, and the same fields of one point.
std::string parameter_header(const SweepGrid& grid) {
  std::string out = "point";
  for (const auto& p : grid.parameters()) {
    out += ',';
    out += csv_field(p.key);
  }
  return out;
}

std::string parameter_fields(const SweepGrid& grid, std::size_t point) {
  std::string out = std::to_string(point);
  for (const auto& o : grid.overrides(point)) {
    out += ',';
    out += csv_field(models::display_value(o.value));
  }
  return out;
}

/// The units of the figures, found by key among every figure a sweep can have.
std::string_view figure_unit(const std::string& key) {
  for (const auto& f : sweep_figures(true, true))
    if (f.key == key) return unit_name(f.unit);
  return "";
}

Json identity_json(const SweepIdentity& id) {
  Json parameters = Json::array();
  for (const auto& p : id.parameters) parameters.push_back({{"key", p.key}, {"values", p.values}});
  return {{"wormsim_sweep_progress", kSweepProgressVersion},
          {"program_version", id.version},
          {"scenario",
           {{"path", id.scenario_path}, {"hash_fnv1a64", id.text_hash}, {"variant", id.variant}}},
          {"parameters", parameters},
          {"seed", id.seed},
          {"replications", id.replications},
          {"figures", id.figures}};
}

SweepIdentity identity_from(const Json& j) {
  SweepIdentity id;
  id.version = j.at("program_version").get<std::string>();
  const Json& scenario = j.at("scenario");
  id.scenario_path = scenario.at("path").get<std::string>();
  id.text_hash = scenario.at("hash_fnv1a64").get<std::string>();
  id.variant = scenario.at("variant").get<std::string>();
  for (const Json& p : j.at("parameters"))
    id.parameters.push_back(
        {p.at("key").get<std::string>(), p.at("values").get<std::vector<std::string>>()});
  id.seed = j.at("seed").get<std::uint64_t>();
  id.replications = j.at("replications").get<std::uint32_t>();
  id.figures = j.at("figures").get<std::vector<std::string>>();
  return id;
}

std::string record_line(const SweepRecord& r) {
  Json values = Json::array();
  for (const auto& v : r.values) values.push_back(json_number(v));
  const Json j = {{"point", r.point}, {"replication", r.replication}, {"values", values}};
  return j.dump() + "\n";
}

/// A record line, checked against the header; nullopt for anything else.
std::optional<SweepRecord> parse_record(const std::string& line, std::size_t points,
                                        const SweepIdentity& id) {
  const Json j = Json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const auto point = j.find("point");
  const auto replication = j.find("replication");
  const auto values = j.find("values");
  if (point == j.end() || replication == j.end() || values == j.end()) return std::nullopt;
  if (!point->is_number_unsigned() || !replication->is_number_unsigned() || !values->is_array())
    return std::nullopt;
  SweepRecord r;
  r.point = point->get<std::size_t>();
  const auto rep = replication->get<std::uint64_t>();
  if (r.point >= points || rep >= id.replications || values->size() != id.figures.size())
    return std::nullopt;
  r.replication = static_cast<std::uint32_t>(rep);
  for (const Json& v : *values) {
    if (v.is_null())
      r.values.emplace_back();
    else if (v.is_number())
      r.values.emplace_back(v.get<double>());
    else
      return std::nullopt;
  }
  return r;
}

std::runtime_error write_error(const std::filesystem::path& file) {
  return std::runtime_error(
      fmt::format("cannot write {}: {}", file.string(), std::strerror(errno)));
}

}  // namespace

void write_sweep_csv(const std::filesystem::path& file, const SweepResults& results) {
  const SweepGrid grid(results.identity.parameters);
  std::string text = parameter_header(grid) + ",replication";
  for (const auto& f : results.identity.figures) {
    text += ',';
    text += f;
  }
  text += "\n";
  for (std::size_t p = 0; p < results.values.size(); ++p) {
    const std::string parameters = parameter_fields(grid, p);
    for (std::size_t r = 0; r < results.values[p].size(); ++r) {
      text += fmt::format("{},{}", parameters, r);
      for (const auto& v : results.values[p][r]) {
        text += ',';
        text += csv_number(v);
      }
      text += "\n";
    }
  }
  write_text_file(file, text);
}

void write_sweep_summary_csv(const std::filesystem::path& file, const SweepResults& results) {
  const SweepGrid grid(results.identity.parameters);
  std::string text = parameter_header(grid) + ",figure,replications,mean,ci_low,ci_high\n";
  for (std::size_t p = 0; p < results.values.size(); ++p) {
    const std::string parameters = parameter_fields(grid, p);
    for (std::size_t f = 0; f < results.identity.figures.size(); ++f) {
      const auto e = point_estimate(results, p, f);
      text += fmt::format("{},{},{},{},{},{}\n", parameters, results.identity.figures[f],
                          e ? e->n : 0, csv_number(e ? std::optional(e->mean) : std::nullopt),
                          csv_number(e ? std::optional(e->ci_low) : std::nullopt),
                          csv_number(e ? std::optional(e->ci_high) : std::nullopt));
    }
  }
  write_text_file(file, text);
}

void write_sweep_json(const std::filesystem::path& file, const SweepResults& results) {
  const SweepIdentity& id = results.identity;
  const SweepGrid grid(id.parameters);
  Json j;
  j["schema_version"] = kSweepSchemaVersion;
  j["program"] = {{"name", "wormsim"}, {"version", id.version}};
  j["scenario"] = {{"path", id.scenario_path},
                   {"hash_fnv1a64", id.text_hash},
                   {"variant", id.variant.empty() ? Json(nullptr) : Json(id.variant)}};
  j["seed"] = id.seed;
  j["replications"] = id.replications;
  j["common_random_numbers"] =
      "replication r of every point draws from the streams of (seed, r): the points share their "
      "randomness wherever they agree";
  j["interval_method"] = "Student t over replications, 95%";
  Json parameters = Json::array();
  for (const auto& p : id.parameters) {
    Json shown = Json::array();
    for (const auto& v : p.values) shown.push_back(models::display_value(v));
    parameters.push_back({{"key", p.key}, {"values", shown}});
  }
  j["parameters"] = parameters;
  Json figures = Json::array();
  for (const auto& f : id.figures) figures.push_back({{"key", f}, {"unit", figure_unit(f)}});
  j["figures"] = figures;
  Json points = Json::array();
  for (std::size_t p = 0; p < results.values.size(); ++p) {
    Json values_at = Json::object();
    for (const auto& o : grid.overrides(p)) values_at[o.key] = models::display_value(o.value);
    Json per_figure = Json::object();
    for (std::size_t f = 0; f < id.figures.size(); ++f) {
      Json values = Json::array();
      for (const auto& replication : results.values[p])
        values.push_back(json_number(replication[f]));
      per_figure[id.figures[f]] = {{"values", values},
                                   {"estimate", estimate_json(point_estimate(results, p, f))}};
    }
    points.push_back({{"point", p},
                      {"parameters", values_at},
                      {"scenario", p < results.scenario_names.size() ? results.scenario_names[p]
                                                                     : std::string()},
                      {"figures", per_figure}});
  }
  j["points"] = points;
  write_text_file(file, j.dump(2) + "\n");
}

std::optional<SweepProgressContents> read_sweep_progress(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw std::runtime_error(
        fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();

  const std::string not_ours = fmt::format(
      "{}: error: not the progress file of a wormsim sweep (its first line is not a sweep's "
      "header); remove it, or choose another --out folder\n",
      file.string());
  const auto first_break = text.find('\n');
  if (first_break == std::string::npos) throw models::InputError(not_ours);
  SweepProgressContents contents;
  std::size_t points = 0;
  try {
    const Json header = Json::parse(text.substr(0, first_break));
    if (header.value("wormsim_sweep_progress", 0) != kSweepProgressVersion)
      throw models::InputError(not_ours);
    contents.identity = identity_from(header);
    points = SweepGrid(contents.identity.parameters).size();
  } catch (const nlohmann::json::exception&) {
    throw models::InputError(not_ours);
  } catch (const std::invalid_argument&) {
    throw models::InputError(not_ours);
  }
  std::size_t pos = first_break + 1;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    if (end == std::string::npos) {
      // The last line lacks its line break: the write was cut short.
      ++contents.dropped_lines;
      break;
    }
    if (auto r = parse_record(text.substr(pos, end - pos), points, contents.identity))
      contents.records.push_back(std::move(*r));
    else
      ++contents.dropped_lines;
    pos = end + 1;
  }
  return contents;
}

SweepProgressFile::SweepProgressFile(const std::filesystem::path& file,
                                     const SweepIdentity& identity,
                                     const std::vector<SweepRecord>& done)
    : path_(file) {
  // A fresh file beside the old one, renamed over it: at no moment is there a progress file
  // with fewer records than were done.
  std::filesystem::path fresh = file;
  fresh += ".new";
  std::string text = identity_json(identity).dump() + "\n";
  for (const auto& r : done) text += record_line(r);
  write_text_file(fresh, text);
  std::error_code ec;
  std::filesystem::rename(fresh, file, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot write {}: {}", file.string(), ec.message()));
  file_ = std::fopen(file.c_str(), "ab");
  if (file_ == nullptr) throw write_error(file);
}

SweepProgressFile::~SweepProgressFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void SweepProgressFile::append(const SweepRecord& record) {
  const std::string line = record_line(record);
  const std::lock_guard<std::mutex> lock(mutex_);
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
    throw write_error(path_);
}

}  // namespace wormsim::analysis
