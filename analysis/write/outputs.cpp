#include "analysis/write/outputs.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "analysis/reference_models.hpp"
#include "analysis/statistics.hpp"
#include "analysis/write/numbers.hpp"
#include "models/worm/calendar.hpp"

namespace wormsim::analysis {

using Json = nlohmann::ordered_json;

std::string format_seconds(sim::SimTime t) {
  const std::int64_t us = t.us;
  const std::int64_t whole = us / 1'000'000;
  std::int64_t frac = us % 1'000'000;
  if (frac == 0) return std::to_string(whole);
  if (frac < 0) frac = -frac;
  std::string f = fmt::format("{:06d}", frac);
  while (!f.empty() && f.back() == '0') f.pop_back();
  return fmt::format("{}{}.{}", us < 0 && whole == 0 ? "-" : "", whole, f);
}

void write_text_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
}

void write_curves_csv(const std::filesystem::path& file,
                      const std::vector<ReplicationResult>& runs) {
  std::string text = "time_s,replication,metric,value\n";
  for (const auto& run : runs) {
    const sim::MetricTable& c = run.curves;
    const std::string rep = std::to_string(run.summary.replication);
    for (std::size_t s = 0; s < c.sample_count(); ++s) {
      const std::string time = format_seconds(c.time(s));
      for (std::size_t m = 0; m < c.metric_count(); ++m)
        text += fmt::format("{},{},{},{}\n", time, rep, c.info(m).name, c.value(s, m));
    }
  }
  write_text_file(file, text);
}

// A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

namespace {

std::string link_name(const models::NetworkRecord& n, std::uint32_t dl) {
  return csv_field(n.link_from[dl] + "->" + n.link_to[dl]);
}

std::string time_or_empty(sim::SimTime t) {
  return t == sim::SimTime::max() ? std::string() : format_seconds(t);
}

/// Directed links that carried worm traffic, busiest (peak utilisation) first, then by index.
std::vector<std::uint32_t> busiest_links(const models::NetworkRecord& n) {
  std::vector<std::uint32_t> order;
  for (std::uint32_t dl = 0; dl < n.links.size(); ++dl)
    if (n.links[dl].worm_bits > 0) order.push_back(dl);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return n.links[a].peak_utilisation > n.links[b].peak_utilisation;
  });
  return order;
}

}  // namespace

void write_network_csvs(const std::filesystem::path& folder,
                        const std::vector<ReplicationResult>& runs) {
  std::string links =
      "time_s,replication,from,to,worm_bps,worm_pps,offered_bps,capacity_bps,utilisation,"
      "dropped_bps\n";
  std::string summary =
      "replication,link,from,to,capacity_bps,peak_utilisation,peak_time_s,first_above_80_s,"
      "first_above_100_s,worm_bytes,bytes_dropped,peak_offered_bps,needed_capacity_bps\n";
  std::string devices = "time_s,replication,device,name,model,state,cause\n";
  for (const auto& run : runs) {
    const models::NetworkRecord& n = run.network;
    const std::string rep = std::to_string(run.summary.replication);
    for (const models::LinkSample& l : n.samples)
      // Rates to the bit (packet) per second, utilisation to 6 decimals: the fluid model is no
      // more precise, and the file stays readable.
      links += fmt::format("{},{},{},{},{:.0f},{:.1f},{:.0f},{:.0f},{:.6f},{:.0f}\n",
                           format_seconds(l.time), rep, csv_field(n.link_from[l.link]),
                           csv_field(n.link_to[l.link]), l.worm_bps, l.worm_pps, l.offered_bps,
                           n.capacity_bps[l.link], l.utilisation, l.dropped_bps);
    for (std::uint32_t dl : busiest_links(n)) {
      const models::LinkStats& st = n.links[dl];
      summary += fmt::format(
          "{},{},{},{},{:.0f},{:.6f},{},{},{},{:.0f},{:.0f},{:.0f},{:.0f}\n", rep, link_name(n, dl),
          csv_field(n.link_from[dl]), csv_field(n.link_to[dl]), n.capacity_bps[dl],
          st.peak_utilisation, format_seconds(st.peak_time), time_or_empty(st.first_above_80),
          time_or_empty(st.first_above_100), st.worm_bits / 8.0, st.bits_dropped / 8.0,
          st.peak_offered_bps, std::ceil(st.peak_offered_bps / n.target_utilisation));
    }
    for (const models::DeviceEvent& e : n.device_events)
      devices += fmt::format("{},{},{},{},{},{},{}\n", format_seconds(e.time), rep,
                             csv_field(n.device_node[e.device]), csv_field(n.device_name[e.device]),
                             n.device_model[e.device], models::DeviceEvent::name(e.state),
                             models::DeviceEvent::name(e.cause));
  }
  write_text_file(folder / "links.csv", links);
  write_text_file(folder / "links_summary.csv", summary);
  write_text_file(folder / "devices.csv", devices);
}

void write_actions_csv(const std::filesystem::path& file,
                       const std::vector<ReplicationResult>& runs) {
  std::string text = "time_s,replication,name,type,kind,unit,selected,eligible,adopting\n";
  std::size_t policies = 0;
  for (const auto& run : runs) policies = std::max(policies, run.actions.size());
  for (std::size_t p = 0; p < policies; ++p)
    for (const auto& run : runs) {
      if (p >= run.actions.size()) continue;
      const models::ActionLogEntry& a = run.actions[p];
      text += fmt::format("{},{},{},{},{},{},{},{},{}\n", format_seconds(a.time),
                          run.summary.replication, csv_field(a.name),
                          a.is_action ? "action" : "defence", a.kind,
                          a.per_site ? "sites" : "hosts", a.selected, a.eligible, a.adopting);
    }
  write_text_file(file, text);
}

namespace {

/// The worm column of events.csv: the worm's model, the defence's name for defence events, "-"
/// for reboots and returns.
std::string event_subject(const models::Scenario& scenario, const models::OutbreakEvent& e) {
  using Kind = models::OutbreakEvent::Kind;
  switch (e.kind) {
    case Kind::reboot:
    case Kind::back_up:
      return "-";
    case Kind::patched:
    case Kind::defended:
    case Kind::disconnected:
    case Kind::cleaned:
      return static_cast<std::size_t>(e.worm) < scenario.defences.size()
                 ? csv_field(scenario.defences[e.worm].name)
                 : "-";
    default:
      return static_cast<std::size_t>(e.worm) < scenario.worms.size() ? scenario.worms[e.worm].model
                                                                      : "-";
  }
}

}  // namespace

void write_events_csv(const std::filesystem::path& file, const models::Scenario& scenario,
                      const std::vector<ReplicationResult>& runs) {
  std::string text = "time_s,replication,host,site,event,worm,cause\n";
  for (const auto& run : runs)
    for (const auto& e : run.events)
      text += fmt::format("{},{},{},{},{},{},{}\n", format_seconds(e.time), run.summary.replication,
                          sim::format_address(e.address), sim::format_prefix(e.site),
                          models::OutbreakEvent::name(e.kind), event_subject(scenario, e),
                          sim::format_address(e.cause_address));
  write_text_file(file, text);
}

namespace {

std::string iso_utc(std::int64_t epoch_s) {
  const std::int64_t days = epoch_s >= 0 ? epoch_s / 86400 : (epoch_s - 86399) / 86400;
  const std::int64_t secs = epoch_s - days * 86400;
  const models::CivilDate d = models::civil_from_days(days);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", d.year, d.month, d.day,
                     secs / 3600, (secs / 60) % 60, secs % 60);
}

Json optional_number(const std::optional<double>& v) {
  if (v) return *v;
  return nullptr;
}

/// A parameter value as the scenario gives it: integer, number, text, or duration with units.
Json param_json(const models::ParamValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* t = std::get_if<std::string>(&value)) return *t;
  return sim::format_duration(std::get<sim::SimTime>(value));
}

/// Seconds as an integer when whole, else as a number.
Json seconds_json(sim::SimTime t) {
  if (t.us % 1'000'000 == 0) return t.us / 1'000'000;
  return static_cast<double>(t.us) * 1e-6;
}

const char* adoption_shape_name(models::Adoption::Shape shape) {
  switch (shape) {
    case models::Adoption::Shape::linear:
      return "linear";
    case models::Adoption::Shape::logistic:
      return "logistic";
    case models::Adoption::Shape::table:
      return "table";
    default:
      return "immediate";
  }
}

/// One [[defence]] or [[action]] with every field, defaults included: the common keys, then
/// those of its kind (`params`) as the worm parameters are written.
Json defence_json(const models::DefenceConfig& d) {
  Json j;
  j["kind"] = std::string(models::defence_kind_name(d.kind));
  j["name"] = d.name;
  j["type"] = d.is_action ? "action" : "defence";
  j["start_s"] = seconds_json(d.start);
  j["populations"] = d.populations;
  Json blocks = Json::array();
  for (const auto& b : d.blocks) blocks.push_back(sim::format_prefix(b));
  j["blocks"] = blocks;
  j["unit"] = models::defence_per_site(d.kind) ? "sites" : "hosts";
  j["coverage"] = d.adoption.coverage;
  j["adoption"] = adoption_shape_name(d.adoption.shape);
  j["half_time"] = sim::format_duration(d.adoption.half_time);
  j["spread"] = sim::format_duration(d.adoption.spread);
  Json table = Json::object();
  for (const auto& [t, share] : d.adoption.table) table[sim::format_duration(t)] = share;
  j["coverage_by_time"] = table;
  if (d.kind == models::DefenceKind::patch) {
    j["fix"] = nullptr;
    for (const auto& p : models::kPatchNames)
      if (p.bit == d.fix) j["fix"] = std::string(p.name);
  }
  j["block_in"] = d.block_in;
  j["block_out"] = d.block_out;
  j["open"] = d.open;
  j["web_servers_offline"] = d.web_servers_offline;
  for (const auto& [key, value] : d.params) j[key] = param_json(value);
  return j;
}

Json within_json(const std::vector<sim::Prefix>& blocks) {
  Json out = Json::array();
  for (const auto& b : blocks) out.push_back(sim::format_prefix(b));
  return out;
}

Json parameters(const models::Scenario& s, std::uint32_t partitions) {
  Json p;
  p["simulation"] = {
      {"name", s.simulation.name},
      {"start", iso_utc(s.simulation.start_epoch_s)},
      {"duration", sim::format_duration(s.simulation.duration)},
      {"seed", s.simulation.seed},
      {"sample_every", sim::format_duration(s.simulation.sample_every)},
      {"partitions", partitions},
      {"replications", s.simulation.replications},
  };
  Json blocks = Json::array();
  for (const auto& b : s.address_space.allocated) blocks.push_back(sim::format_prefix(b));
  p["address_space"] = {{"prefix", sim::format_prefix(s.address_space.prefix)},
                        {"size", s.address_space.prefix.size()},
                        {"allocated_blocks", s.address_space.allocated_name},
                        {"blocks", blocks}};
  Json pops = Json::array();
  for (const auto& pop : s.populations) {
    Json os = Json::object(), locale = Json::object(), services = Json::array();
    for (const auto& [v, w] : pop.os)
      os[std::string(models::kOsNames[static_cast<std::size_t>(v)])] = w;
    for (const auto& [v, w] : pop.locale)
      locale[std::string(models::kLocaleNames[static_cast<std::size_t>(v)])] = w;
    for (const auto& sv : models::kServiceNames)
      if (pop.services & sv.bit) services.push_back(std::string(sv.name));
    pops.push_back({{"name", pop.name},
                    {"count", pop.count},
                    {"placement",
                     {{"per", fmt::format("/{}", pop.placement.block_length)},
                      {"mean_per_block", pop.placement.mean_per_block},
                      {"within", within_json(pop.placement.within)}}},
                    {"os", os},
                    {"services", services},
                    {"locale", locale}});
  }
  p["population"] = pops;
  Json worms = Json::array();
  for (const auto& w : s.worms) {
    Json j;
    j["model"] = w.model;
    for (const auto& [key, value] : w.params) j[key] = param_json(value);
    j["initial_populations"] = w.initial_populations;  // empty: every population
    worms.push_back(j);
  }
  p["worms"] = worms;
  Json defences = Json::array();
  for (const auto& d : s.defences) defences.push_back(defence_json(d));
  p["defences"] = defences;
  if (s.network.enabled) {
    const models::NetworkConfig& n = s.network;
    const net::Topology& t = *n.topology;
    Json inside = Json::array(), devices = Json::array(), settings = Json::object();
    for (const auto& b : n.inside) inside.push_back(sim::format_prefix(b));
    for (const auto& [k, v] : t.info.parameters) settings[k] = v;
    for (const auto& d : n.devices) {
      Json dj = {{"name", d.name}, {"model", d.model}, {"on", d.on}, {"share", d.share}};
      for (const auto& [key, value] : d.params) dj[key] = param_json(value);
      devices.push_back(dj);
    }
    Json topo = {{"source", n.source},
                 {"name", t.info.name},
                 {"origin", t.info.origin},
                 {"nodes", t.node_count()},
                 {"links", t.link_count()},
                 {"generator_parameters", settings}};
    if (t.info.is_topology_zoo)
      topo["attribution"] =
          "Internet Topology Zoo, Knight et al., IEEE JSAC 29(9), 2011; CC BY 4.0";
    p["network"] = {{"topology", topo},
                    {"inside", inside},
                    {"step", sim::format_duration(n.step)},
                    {"background_utilisation", n.background_utilisation},
                    {"daily_cycle", {{"trough", n.cycle_trough}, {"peak_hour", n.peak_hour}}},
                    {"syn_attempts", n.syn_attempts},
                    {"syn_bytes", n.syn_bytes},
                    {"echo_bytes", n.echo_bytes},
                    {"flood_bytes", n.flood_bytes},
                    {"links_every", sim::format_duration(n.links_every.us > 0
                                                             ? n.links_every
                                                             : s.simulation.sample_every)},
                    {"links", n.all_links ? "all" : "loaded"},
                    {"target_utilisation", n.target_utilisation},
                    {"devices", devices}};
  }
  return p;
}

Json network_figures(const models::ReplicationSummary& s, const models::NetworkRecord& n) {
  Json busiest = Json::array();
  const auto order = busiest_links(n);
  for (std::size_t i = 0; i < order.size() && i < 10; ++i) {
    const std::uint32_t dl = order[i];
    const models::LinkStats& st = n.links[dl];
    auto when = [](sim::SimTime t) -> Json {
      return t == sim::SimTime::max() ? Json(nullptr) : Json(t.seconds());
    };
    busiest.push_back({{"from", n.link_from[dl]},
                       {"to", n.link_to[dl]},
                       {"capacity_bps", n.capacity_bps[dl]},
                       {"peak_utilisation", st.peak_utilisation},
                       {"peak_time_s", st.peak_time.seconds()},
                       {"first_above_80_s", when(st.first_above_80)},
                       {"first_above_100_s", when(st.first_above_100)},
                       {"bytes_dropped", st.bits_dropped / 8.0},
                       {"needed_capacity_bps",
                        std::ceil(st.peak_offered_bps / n.target_utilisation)}});
  }
  return {{"hits_lost", s.hits_lost},
          {"device_crashes", s.device_crashes},
          {"peak_devices_down", s.peak_devices_down},
          {"peak_sites_cut_off", s.peak_sites_cut_off},
          {"peak_hosts_cut_off", s.peak_hosts_cut_off},
          {"links_saturated", s.links_saturated},
          {"max_link_utilisation", s.max_link_utilisation},
          {"bytes_dropped", s.bytes_dropped},
          {"busiest_links", busiest}};
}

Json worm_figures(const models::ReplicationSummary& s) {
  Json out = Json::array();
  for (const auto& w : s.worms)
    out.push_back({{"model", w.model},
                   {"vulnerable", w.vulnerable},
                   {"initial_infected", w.initial_infected},
                   {"infected_total", w.infected_total},
                   {"infected_now", w.infected_now},
                   {"time_to_10pct_s", optional_number(w.time_to_fraction_s[0])},
                   {"time_to_50pct_s", optional_number(w.time_to_fraction_s[1])},
                   {"time_to_90pct_s", optional_number(w.time_to_fraction_s[2])},
                   {"peak_infections_per_minute", w.peak_infections_per_minute}});
  return out;
}

using numbers::estimate_json;

/// A share rounded to 1e-6: the reference curves need no more, and summary.json stays short.
double share_json(double share) {
  return std::round(share * 1e6) / 1e6;
}

/// A sample time in seconds: an integer when whole (as every sample time of a run in whole
/// seconds is), else a number.
Json time_json(double t_s) {
  if (t_s == std::floor(t_s) && std::abs(t_s) < 9e15) return static_cast<std::int64_t>(t_s);
  return t_s;
}

/// At most 289 evenly strided samples of n (every one when there are fewer), the last always
/// included: a curve a report can overlay without repeating every row of curves.csv.
std::vector<std::size_t> overlay_samples(std::size_t n) {
  std::vector<std::size_t> out;
  if (n == 0) return out;
  const std::size_t stride = std::max<std::size_t>(1, (n - 1 + 287) / 288);
  for (std::size_t i = 0; i < n; i += stride) out.push_back(i);
  if (out.back() != n - 1) out.push_back(n - 1);
  return out;
}

Json fit_quality_json(const FitQuality& q) {
  return {{"points", q.points},
          {"rss", q.rss},
          {"r_squared", q.r_squared},
          {"iterations", q.iterations},
          {"converged", q.converged}};
}

/// The `reference` block: random constant spread and the two-factor model fitted to the mean
/// curve over replications of the first worm's shares of its vulnerable hosts (each replication's
/// count divided by its own vulnerable count, then averaged sample by sample).
Json reference_json(const models::Scenario& scenario, const std::vector<ReplicationResult>& runs) {
  std::vector<double> times, total, now;
  double vulnerable = 0;
  std::size_t used = 0;
  for (const auto& run : runs) {
    const auto& s = run.summary;
    if (s.vulnerable == 0 || s.worms.empty()) continue;
    const std::string suffix = s.worms.size() > 1 ? "." + s.worms.front().model : "";
    const sim::MetricTable& c = run.curves;
    const std::size_t m_total = c.find("infected_total" + suffix);
    const std::size_t m_now = c.find("infected_now" + suffix);
    if (m_total == c.metric_count() || m_now == c.metric_count()) continue;
    if (used == 0) {
      for (std::size_t i = 0; i < c.sample_count(); ++i) times.push_back(c.time(i).seconds());
      total.assign(times.size(), 0);
      now.assign(times.size(), 0);
    }
    if (c.sample_count() != times.size()) continue;
    const auto v = static_cast<double>(s.vulnerable);
    for (std::size_t i = 0; i < times.size(); ++i) {
      total[i] += c.value(i, m_total) / v;
      now[i] += c.value(i, m_now) / v;
    }
    vulnerable += v;
    ++used;
  }
  Json j;
  j["fitted_to"] =
      "the mean over replications, sample by sample, of the first worm's infected_total "
      "(random constant spread: a; two-factor: J) and infected_now (two-factor: I), each "
      "divided by that replication's vulnerable hosts; every sample, least squares on the shares";
  j["replications"] = used;
  if (used == 0) {
    j["rcs"] = nullptr;
    j["two_factor"] = nullptr;
    return j;
  }
  const double n_reps = static_cast<double>(used);
  for (std::size_t i = 0; i < times.size(); ++i) {
    total[i] /= n_reps;
    now[i] /= n_reps;
  }
  vulnerable /= n_reps;
  j["vulnerable"] = vulnerable;
  const std::vector<std::size_t> shown = overlay_samples(times.size());

  const auto rcs = fit_rcs(times, total);
  if (rcs) {
    const RcsParameters& p = rcs->parameters;
    Json curve = Json::array();
    for (std::size_t i : shown)
      curve.push_back(Json::array({time_json(times[i]), share_json(rcs_fraction(p, times[i]))}));
    j["rcs"] = {
        {"model",
         "random constant spread (Staniford, Paxson, Weaver, USENIX Security 2002): "
         "a(t) = e^{K(t-T)} / (1 + e^{K(t-T)})"},
        {"method",
         "least squares on a(t): weighted linear regression of logit(a) on t for the start, then "
         "Levenberg-Marquardt"},
        {"k_per_hour", p.k_per_s * 3600},
        {"k_per_s", p.k_per_s},
        {"t_half_s", p.t_half_s},
        {"t_half_utc", iso_utc(scenario.simulation.start_epoch_s +
                               static_cast<std::int64_t>(std::llround(p.t_half_s)))},
        {"fit", fit_quality_json(rcs->quality)},
        {"curve_columns", Json::array({"time_s", "infected_share"})},
        {"curve", curve}};
  } else {
    j["rcs"] = nullptr;
  }

  // The two-factor fit starts from the random-constant-spread curve it contains (beta0 N = K,
  // I0 from T, no congestion, no removal), and takes only steps that lower the sum of squares.
  std::optional<TwoFactorFit> two;
  if (rcs) {
    TwoFactorParameters start;
    start.population = vulnerable;
    start.beta0 = rcs->parameters.k_per_s / vulnerable;
    start.initial_infected =
        vulnerable / (1 + std::exp(std::min(rcs->parameters.k_per_s * rcs->parameters.t_half_s,
                                            27.6)));  // I0 >= 1e-12 N, the fit's bound
    two = fit_two_factor(times, now, total, start);
  }
  if (two) {
    const TwoFactorParameters& p = two->parameters;
    Json curve = Json::array();
    for (std::size_t i : shown)
      curve.push_back(Json::array({time_json(times[i]),
                                   share_json(two->curve[i].infected / p.population),
                                   share_json(two->curve[i].ever_infected() / p.population)}));
    j["two_factor"] = {
        {"model",
         "two-factor worm model (Zou, Gong, Towsley, ACM CCS 2002): dI/dt = beta(t) S I - dR/dt, "
         "dR/dt = gamma I, dQ/dt = mu S J, beta(t) = beta0 (1 - I/N)^eta, S = N - I - R - Q, "
         "J = I + R, R(0) = Q(0) = 0"},
        {"method",
         fmt::format("least squares on I/N and J/N together: projected Levenberg-Marquardt from "
                     "the random-constant-spread fit; classical Runge-Kutta (RK4) with a fixed "
                     "step of at most {:.6g} s (lambda h <= 0.05)",
                     two->max_step_s)},
        {"fitted", Json::array({"beta0", "initial_infected", "eta", "gamma", "mu"})},
        {"population", p.population},
        {"initial_infected", p.initial_infected},
        {"beta0_per_s", p.beta0},
        {"beta0_n_per_hour", p.beta0 * p.population * 3600},
        {"eta", p.eta},
        {"gamma_per_hour", p.gamma * 3600},
        {"mu_n_per_hour", p.mu * p.population * 3600},
        {"fit", fit_quality_json(two->quality)},
        {"curve_columns", Json::array({"time_s", "infected_now_share", "ever_infected_share"})},
        {"curve", curve}};
  } else {
    j["two_factor"] = nullptr;
  }
  return j;
}

}  // namespace

void write_summary_json(const std::filesystem::path& file, const models::Scenario& scenario,
                        const std::vector<ReplicationResult>& runs, const std::string& version,
                        bool per_probe) {
  Json j;
  j["schema_version"] = kSummarySchemaVersion;
  j["program"] = {{"name", "wormsim"}, {"version", version}};
  j["scenario"] = {{"name", scenario.simulation.name}, {"hash_fnv1a64", scenario.text_hash}};
  if (!scenario.variant.empty()) j["scenario"]["variant"] = scenario.variant;
  // The hash is the file's; the --set overrides beside it say what was changed in it.
  if (!scenario.overrides.empty()) {
    Json overrides = Json::array();
    for (const auto& o : scenario.overrides)
      overrides.push_back({{"key", o.key}, {"value", o.value}});
    j["scenario"]["overrides"] = overrides;
  }
  j["mode"] = per_probe ? "per-probe" : "exact-sampling";
  j["parameters"] = parameters(scenario, runs.empty() ? 0 : runs.front().partitions);
  Json reps = Json::array();
  std::vector<std::optional<double>> t10, t50, t90, peak, total, now, patched, protected_hosts,
      probes_blocked, hosts_cleaned, hits_lost, device_crashes, sites_cut, saturated, dropped;
  // The rest of the headline figures (those of `wormsim compare` and the outbreak's own counts).
  std::vector<std::optional<double>> vulnerable, susceptible, total_pct, peak_start, rpc_crashes,
      iis_crashes, crashes, reboots, defaced, backdoored, patched_by_welchia, flood_packets,
      ever_crashed, crashed_first;
  for (const auto& run : runs) {
    const auto& s = run.summary;
    reps.push_back({{"replication", s.replication},
                    {"hosts", s.hosts},
                    {"vulnerable", s.vulnerable},
                    {"initial_infected", s.initial_infected},
                    {"infected_total", s.infected_total},
                    {"infected_now", s.infected_now},
                    {"susceptible", s.susceptible},
                    {"time_to_10pct_s", optional_number(s.time_to_fraction_s[0])},
                    {"time_to_50pct_s", optional_number(s.time_to_fraction_s[1])},
                    {"time_to_90pct_s", optional_number(s.time_to_fraction_s[2])},
                    {"peak_infections_per_minute", s.peak_infections_per_minute},
                    {"peak_minute_start_s", s.peak_minute_start_s},
                    {"worms", worm_figures(s)},
                    {"rpc_crashes", s.rpc_crashes},
                    {"iis_crashes", s.iis_crashes},
                    {"reboots", s.reboots},
                    {"defaced", s.defaced},
                    {"backdoored", s.backdoored},
                    {"patched_by_welchia", s.patched_by_welchia},
                    {"flood_packets", s.flood_packets},
                    {"infected_ever_crashed", s.infected_ever_crashed},
                    {"crashed_before_infection", s.crashed_before_infection},
                    {"patched", s.patched},
                    {"protected_hosts", s.protected_hosts},
                    {"probes_blocked", s.probes_blocked},
                    {"hosts_cleaned", s.hosts_cleaned},
                    {"events", s.events}});
    if (s.has_network) {
      reps.back()["network"] = network_figures(s, run.network);
      hits_lost.push_back(static_cast<double>(s.hits_lost));
      device_crashes.push_back(static_cast<double>(s.device_crashes));
      sites_cut.push_back(static_cast<double>(s.peak_sites_cut_off));
      saturated.push_back(static_cast<double>(s.links_saturated));
      dropped.push_back(s.bytes_dropped);
    }
    t10.push_back(s.time_to_fraction_s[0]);
    t50.push_back(s.time_to_fraction_s[1]);
    t90.push_back(s.time_to_fraction_s[2]);
    peak.push_back(static_cast<double>(s.peak_infections_per_minute));
    total.push_back(static_cast<double>(s.infected_total));
    now.push_back(static_cast<double>(s.infected_now));
    patched.push_back(static_cast<double>(s.patched));
    protected_hosts.push_back(static_cast<double>(s.protected_hosts));
    probes_blocked.push_back(static_cast<double>(s.probes_blocked));
    hosts_cleaned.push_back(static_cast<double>(s.hosts_cleaned));
    vulnerable.push_back(static_cast<double>(s.vulnerable));
    susceptible.push_back(static_cast<double>(s.susceptible));
    if (s.vulnerable > 0)
      total_pct.push_back(100.0 * static_cast<double>(s.infected_total) /
                          static_cast<double>(s.vulnerable));
    peak_start.push_back(s.peak_minute_start_s);
    rpc_crashes.push_back(static_cast<double>(s.rpc_crashes));
    iis_crashes.push_back(static_cast<double>(s.iis_crashes));
    crashes.push_back(static_cast<double>(s.rpc_crashes + s.iis_crashes));
    reboots.push_back(static_cast<double>(s.reboots));
    defaced.push_back(static_cast<double>(s.defaced));
    backdoored.push_back(static_cast<double>(s.backdoored));
    patched_by_welchia.push_back(static_cast<double>(s.patched_by_welchia));
    flood_packets.push_back(static_cast<double>(s.flood_packets));
    ever_crashed.push_back(static_cast<double>(s.infected_ever_crashed));
    crashed_first.push_back(static_cast<double>(s.crashed_before_infection));
  }
  j["replications"] = reps;
  j["aggregate"] = {
      {"interval_method", "Student t over replications, 95%"},
      {"method",
       "over the replications that have the figure (n): mean; median (the middle value, or the "
       "mean of the two middle ones when n is even); 95% Student-t interval for the mean, "
       "mean +- t(0.975, n-1) s / sqrt(n) with s the sample standard deviation (replications are "
       "independent by construction of their random streams), the mean itself when n = 1"},
      {"vulnerable", estimate_json(vulnerable)},
      {"infected_total", estimate_json(total)},
      {"infected_total_pct", estimate_json(total_pct)},
      {"infected_now", estimate_json(now)},
      {"susceptible", estimate_json(susceptible)},
      {"time_to_10pct_s", estimate_json(t10)},
      {"time_to_50pct_s", estimate_json(t50)},
      {"time_to_90pct_s", estimate_json(t90)},
      {"peak_infections_per_minute", estimate_json(peak)},
      {"peak_minute_start_s", estimate_json(peak_start)},
      {"crashes", estimate_json(crashes)},
      {"rpc_crashes", estimate_json(rpc_crashes)},
      {"iis_crashes", estimate_json(iis_crashes)},
      {"reboots", estimate_json(reboots)},
      {"defaced", estimate_json(defaced)},
      {"backdoored", estimate_json(backdoored)},
      {"patched_by_welchia", estimate_json(patched_by_welchia)},
      {"flood_packets", estimate_json(flood_packets)},
      {"infected_ever_crashed", estimate_json(ever_crashed)},
      {"crashed_before_infection", estimate_json(crashed_first)},
      {"patched", estimate_json(patched)},
      {"protected_hosts", estimate_json(protected_hosts)},
      {"probes_blocked", estimate_json(probes_blocked)},
      {"hosts_cleaned", estimate_json(hosts_cleaned)}};
  // Per worm when several are released (the figures above are the first worm's).
  const std::size_t worm_count = runs.empty() ? 0 : runs.front().summary.worms.size();
  if (worm_count > 1) {
    Json per_worm = Json::array();
    for (std::size_t w = 0; w < worm_count; ++w) {
      std::vector<std::optional<double>> w_total, w_now, w_pct, w_t10, w_t50, w_t90, w_peak;
      for (const auto& run : runs) {
        if (w >= run.summary.worms.size()) continue;
        const models::WormSummary& ws = run.summary.worms[w];
        w_total.push_back(static_cast<double>(ws.infected_total));
        w_now.push_back(static_cast<double>(ws.infected_now));
        if (ws.vulnerable > 0)
          w_pct.push_back(100.0 * static_cast<double>(ws.infected_total) /
                          static_cast<double>(ws.vulnerable));
        w_t10.push_back(ws.time_to_fraction_s[0]);
        w_t50.push_back(ws.time_to_fraction_s[1]);
        w_t90.push_back(ws.time_to_fraction_s[2]);
        w_peak.push_back(static_cast<double>(ws.peak_infections_per_minute));
      }
      per_worm.push_back({{"model", runs.front().summary.worms[w].model},
                          {"infected_total", estimate_json(w_total)},
                          {"infected_total_pct", estimate_json(w_pct)},
                          {"infected_now", estimate_json(w_now)},
                          {"time_to_10pct_s", estimate_json(w_t10)},
                          {"time_to_50pct_s", estimate_json(w_t50)},
                          {"time_to_90pct_s", estimate_json(w_t90)},
                          {"peak_infections_per_minute", estimate_json(w_peak)}});
    }
    j["aggregate"]["worms"] = per_worm;
  }
  if (scenario.network.enabled) {
    j["aggregate"]["network"] = {{"hits_lost", estimate_json(hits_lost)},
                                 {"device_crashes", estimate_json(device_crashes)},
                                 {"peak_sites_cut_off", estimate_json(sites_cut)},
                                 {"links_saturated", estimate_json(saturated)},
                                 {"bytes_dropped", estimate_json(dropped)}};
  }
  j["reference"] = reference_json(scenario, runs);
  write_text_file(file, j.dump(2) + "\n");
}

void write_run_json(const std::filesystem::path& file, const RunInfo& info) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown");
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  Json j;
  j["program"] = {{"name", "wormsim"}, {"version", info.version}};
  j["command_line"] = info.command_line;
  j["scenario_path"] = info.scenario_path;
  j["threads"] = info.threads;
  j["scheduler"] = info.scheduler;
  j["wall_seconds"] = info.wall_seconds;
  j["events"] = info.events;
  j["events_per_second"] =
      info.wall_seconds > 0 ? static_cast<double>(info.events) / info.wall_seconds : 0.0;
  j["host"] = host;
  j["finished_utc"] = iso_utc(static_cast<std::int64_t>(now));
  write_text_file(file, j.dump(2) + "\n");
}

}  // namespace wormsim::analysis
