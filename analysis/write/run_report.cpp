// A run's page (DESIGN.md, "Outputs"): the scenario in words, the figures over the replications,
// the charts of curves.csv, the busiest links, the device changes and the defences.
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

#include "analysis/statistics.hpp"
#include "analysis/write/html.hpp"
#include "analysis/write/report_page.hpp"
#include "models/scenario/diagnostics.hpp"
#include "sim/time.hpp"

namespace wormsim::analysis::report {

namespace {

/// How a figure of summary.json reads in the tables.
enum class Figure { count, seconds, share, bytes };

std::string figure_text(double v, Figure kind) {
  switch (kind) {
    case Figure::seconds:
      return duration_text(v);
    case Figure::share:
      return share_text(v);
    case Figure::bytes:
      return bytes_text(v);
    default:
      return count_text(v);
  }
}

/// A figure over the replications: "mean [low, high]" (95% Student-t interval), or the value of a
/// single replication; "n=2/3" when some replications lack it (a threshold not reached).
std::string estimate_text(const std::vector<std::optional<double>>& values, Figure kind) {
  const auto e = estimate(values);
  if (!e) return kind == Figure::seconds ? "not reached" : "none";
  std::string out = figure_text(e->mean, kind);
  if (values.size() > 1 && e->n > 1)
    out += fmt::format(" <span class=\"ci\">[{}, {}]</span>", figure_text(e->ci_low, kind),
                       figure_text(e->ci_high, kind));
  if (e->n < values.size())
    out += fmt::format(" <span class=\"n\">n={}/{}</span>", e->n, values.size());
  return out;
}

std::string range_text(const std::vector<std::optional<double>>& values, Figure kind) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::size_t n = 0;
  for (const auto& v : values)
    if (v) {
      lo = std::min(lo, *v);
      hi = std::max(hi, *v);
      ++n;
    }
  if (n == 0) return kind == Figure::seconds ? "not reached" : "none";
  if (lo == hi) return figure_text(lo, kind);
  return fmt::format("{} – {}", figure_text(lo, kind), figure_text(hi, kind));
}

/// What a reference model and its curve columns are called on the page.
std::string model_words(const std::string& key) {
  if (key == "rcs") return "random constant spread";
  if (key == "two_factor") return "two-factor model";
  return key;
}

std::string column_words(const std::string& column) {
  if (column == "infected_share" || column == "ever_infected_share") return "ever infected";
  if (column == "infected_now_share") return "infected now";
  return column;
}

/// The fitted curves of summary.json's "reference" block, as dashed lines for the infected-hosts
/// chart: every model in it with a `curve` (rows of `curve_columns`: time_s, then values) gives a
/// line per value column; shares (`..._share`) are turned into hosts with the block's
/// `vulnerable`. Models in the block's order, each in its own colour and dash pattern. None when
/// the block is absent or holds no curve.
std::vector<ChartSeries> reference_series(const Json& summary) {
  static const char* const dashes[] = {"12 8", "4 6", "14 5 3 5"};
  const Json& ref = at(summary, "reference");
  const double vulnerable = number_or(at(ref, "vulnerable"), 0);
  std::vector<ChartSeries> out;
  if (!ref.is_object()) return out;
  std::size_t model = 0;
  for (const auto& [key, m] : ref.items()) {
    const Json& columns = at(m, "curve_columns");
    const Json& curve = at(m, "curve");
    if (!columns.is_array() || !curve.is_array() || columns.size() < 2) continue;
    for (std::size_t c = 1; c < columns.size(); ++c) {
      const std::string column = text_of(columns[c]);
      const bool share = column.size() > 6 && column.compare(column.size() - 6, 6, "_share") == 0;
      if (share && vulnerable <= 0) continue;
      ChartSeries s;
      s.name = columns.size() == 2
                   ? fmt::format("{} fit", model_words(key))
                   : fmt::format("{} fit: {}", model_words(key), column_words(column));
      s.dash = dashes[model % std::size(dashes)];
      s.colour = static_cast<int>(6 + model);  // black, then dark grey: apart from the simulated
      for (const auto& row : curve)
        if (row.is_array() && row.size() > c && row[0].is_number() && row[c].is_number()) {
          s.time_s.push_back(row[0].get<double>());
          s.value.push_back(row[c].get<double>() * (share ? vulnerable : 1.0));
        }
      if (!s.time_s.empty()) out.push_back(std::move(s));
    }
    ++model;
  }
  return out;
}

/// The fitted parameters in words, for the note under the infected-hosts chart.
std::string reference_words(const Json& summary) {
  const Json& ref = at(summary, "reference");
  std::vector<std::string> parts;
  if (!ref.is_object()) return std::string();
  for (const auto& [key, m] : ref.items()) {
    if (!at(m, "curve").is_array()) continue;
    std::string text = model_words(key);
    if (key == "rcs") {
      text += fmt::format(", K = {} per hour, half the vulnerable hosts infected at {}",
                          short_number(number_or(at(m, "k_per_hour"), 0)),
                          duration_text(number_or(at(m, "t_half_s"), 0)));
      const std::string utc = text_of(at(m, "t_half_utc"));
      if (!utc.empty()) text += fmt::format(" ({})", html_escape(clock_text(utc)));
    } else if (key == "two_factor") {
      text += fmt::format(", β0N = {} per hour, η = {}, γ = {} per hour, μN = {} per hour",
                          short_number(number_or(at(m, "beta0_n_per_hour"), 0)),
                          short_number(number_or(at(m, "eta"), 0)),
                          short_number(number_or(at(m, "gamma_per_hour"), 0)),
                          short_number(number_or(at(m, "mu_n_per_hour"), 0)));
    }
    if (const auto r2 = number_of(at(at(m, "fit"), "r_squared")))
      text += fmt::format(", R² = {:.4f}", *r2);
    parts.push_back(text);
  }
  if (parts.empty()) return std::string();
  return fmt::format(
      " Dashed: reference models fitted to the mean curve over the replications{} (summary.json, "
      "\"reference\"): {}.",
      at(at(summary, "parameters"), "worms").size() > 1 ? " of the first worm" : "",
      joined(parts, "; "));
}

/// Operating systems as people name them.
std::string os_words(const std::string& name) {
  static const std::map<std::string, std::string> words = {{"win9x", "Windows 9x"},
                                                           {"nt4-pre-sp6a", "NT 4.0 before SP6a"},
                                                           {"nt4-sp6a", "NT 4.0 SP6a"},
                                                           {"win2000-rtm", "Windows 2000"},
                                                           {"win2000-sp1", "Windows 2000 SP1"},
                                                           {"win2000-sp2", "Windows 2000 SP2"},
                                                           {"win2000-sp3", "Windows 2000 SP3"},
                                                           {"win2000-sp4", "Windows 2000 SP4"},
                                                           {"xp-rtm", "Windows XP"},
                                                           {"xp-sp1", "Windows XP SP1"},
                                                           {"win2003", "Windows Server 2003"},
                                                           {"solaris", "Solaris"},
                                                           {"other", "other systems"}};
  const auto it = words.find(name);
  return it == words.end() ? name : it->second;
}

/// "Windows 2000 SP1 55%, NT 4.0 SP6a 45%" from a mix {"name": share}.
std::string mix_text(const Json& mix, bool os) {
  std::vector<std::string> parts;
  if (mix.is_object())
    for (const auto& [name, share] : mix.items())
      parts.push_back(fmt::format("{} {}", html_escape(os ? os_words(name) : name),
                                  share_text(number_or(share, 0))));
  return joined(parts);
}

std::string worm_words(const Json& worm) {
  const std::string model = text_of(at(worm, "model"));
  std::string out = fmt::format("<b>{}</b>", html_escape(model));
  if (const auto n = number_of(at(worm, "initial_infected")))
    out += fmt::format(" starts on {}", plural(*n, "infected host", "infected hosts"));
  const Json& from = at(worm, "initial_populations");
  if (from.is_array() && !from.empty()) out += fmt::format(" (in {})", list_text(from));
  if (const auto rate = number_of(at(worm, "probe_rate")))
    out += fmt::format(", each probing {} addresses a second ({} a minute)", short_number(*rate),
                       short_number(*rate * 60));
  else if (const auto per_thread = number_of(at(worm, "probe_rate_per_thread")))
    out += fmt::format(", {} probes a second per scanning thread", short_number(*per_thread));
  return out;
}

std::string defence_settings(const Json& d) {
  std::vector<std::string> parts;
  if (!at(d, "fix").is_null())
    parts.push_back(fmt::format("fix {}", html_escape(text_of(at(d, "fix")))));
  for (const char* key : {"block_in", "block_out", "open"}) {
    const Json& rules = at(d, key);
    if (rules.is_array() && !rules.empty())
      parts.push_back(fmt::format("{} {}", key, list_text(rules)));
  }
  // The kind's own keys follow the common ones in summary.json (see write_summary_json).
  static const std::vector<std::string> common = {"kind",
                                                  "name",
                                                  "type",
                                                  "start_s",
                                                  "populations",
                                                  "blocks",
                                                  "unit",
                                                  "coverage",
                                                  "adoption",
                                                  "half_time",
                                                  "spread",
                                                  "coverage_by_time",
                                                  "fix",
                                                  "block_in",
                                                  "block_out",
                                                  "open",
                                                  "web_servers_offline"};
  if (d.is_object())
    for (const auto& [key, value] : d.items())
      if (std::find(common.begin(), common.end(), key) == common.end())
        parts.push_back(fmt::format("{} {}", html_escape(key), html_escape(text_of(value))));
  return joined(parts, "; ");
}

std::string adoption_text(const Json& d) {
  const std::string shape = text_of(at(d, "adoption"));
  const std::string coverage = share_text(number_or(at(d, "coverage"), 1));
  if (shape == "linear")
    return fmt::format("{}, linear: half by {}", coverage,
                       html_escape(text_of(at(d, "half_time"))));
  if (shape == "logistic")
    return fmt::format("{}, logistic: half by {} (spread {})", coverage,
                       html_escape(text_of(at(d, "half_time"))),
                       html_escape(text_of(at(d, "spread"))));
  if (shape == "table") {
    std::vector<std::string> steps;
    const Json& t = at(d, "coverage_by_time");
    if (t.is_object())
      for (const auto& [when, share] : t.items())
        steps.push_back(
            fmt::format("{} by {}", share_text(number_or(share, 0)), html_escape(when)));
    return fmt::format("table: {}", joined(steps));
  }
  return fmt::format("{}, at once", coverage);
}

/// actions.csv's rows grouped by policy: the file lists each policy's replications together, in
/// scenario order, so a policy's group ends where the replication index stops increasing.
std::vector<std::vector<std::size_t>> action_groups(const CsvTable& actions) {
  std::vector<std::vector<std::size_t>> groups;
  const std::size_t rep = actions.column("replication"), name = actions.column("name");
  double last = -1;
  for (std::size_t i = 0; i < actions.rows.size(); ++i) {
    const double r = csv_number(actions, i, rep);
    if (groups.empty() || r <= last ||
        actions.rows[i][name] != actions.rows[groups.back().front()][name])
      groups.emplace_back();
    groups.back().push_back(i);
    last = r;
  }
  return groups;
}

class RunReport {
 public:
  explicit RunReport(const std::filesystem::path& folder) {
    summary_ = read_json(folder / "summary.json");
    auto curves = read_csv(folder / "curves.csv");
    if (!curves)
      throw models::InputError(
          fmt::format("{}: error: expected curves.csv beside summary.json (the report charts it)\n",
                      folder.string()));
    curves_ = read_curves(*curves);
    actions_ = read_csv(folder / "actions.csv");
    links_ = read_csv(folder / "links_summary.csv");
    devices_ = read_csv(folder / "devices.csv");
    std::error_code ec;
    has_bands_ = std::filesystem::exists(folder / "bands.csv", ec);
    params_ = at(summary_, "parameters");
    reps_ = at(summary_, "replications").is_array() ? at(summary_, "replications").size() : 0;
    duration_s_ = 0;
    if (const auto d = sim::parse_duration(text_of(at(at(params_, "simulation"), "duration"))))
      duration_s_ = d->seconds();
  }

  std::string html() const {
    const std::string name = text_of(at(at(summary_, "scenario"), "name"));
    std::string body;
    body += fmt::format("<header>\n<h1>{}</h1>\n", html_escape(name));
    const std::string variant = text_of(at(at(summary_, "scenario"), "variant"));
    std::string sub =
        fmt::format("wormsim {} · {} · scenario hash {}",
                    html_escape(text_of(at(at(summary_, "program"), "version"))),
                    html_escape(text_of(at(summary_, "mode"))),
                    html_escape(text_of(at(at(summary_, "scenario"), "hash_fnv1a64"))));
    if (!variant.empty()) sub += fmt::format(" · variant <b>{}</b>", html_escape(variant));
    body += fmt::format("<p class=\"sub\">{}</p>\n", sub);
    body +=
        "<nav><a href=\"#scenario\">Scenario</a><a href=\"#figures\">Figures</a>"
        "<a href=\"#spread\">Spread</a><a href=\"#traffic\">Probes and traffic</a>"
        "<a href=\"#hosts\">Hosts</a>";
    if (has_network()) body += "<a href=\"#network\">Network</a>";
    body += "<a href=\"#defences\">Defences</a></nav>\n</header>\n";
    body += scenario_section();
    body += figures_section();
    body += spread_section();
    body += traffic_section();
    body += hosts_section();
    if (has_network()) body += network_section();
    body += defences_section();
    body += footer();
    return page(fmt::format("wormsim report: {}", name), body);
  }

 private:
  bool has_network() const { return at(params_, "network").is_object(); }

  std::vector<std::optional<double>> per_replication(
      const std::function<const Json&(const Json&)>& pick) const {
    std::vector<std::optional<double>> out;
    const Json& reps = at(summary_, "replications");
    if (reps.is_array())
      for (const auto& r : reps) out.push_back(number_of(pick(r)));
    return out;
  }

  std::vector<std::optional<double>> per_replication(std::string_view key) const {
    return per_replication([key](const Json& r) -> const Json& { return at(r, key); });
  }

  std::string scenario_section() const {
    const Json& sim_ = at(params_, "simulation");
    std::string html = "<section id=\"scenario\">\n<h2>The scenario</h2>\n<div class=\"words\">\n";

    // Worms.
    const Json& worms = at(params_, "worms");
    std::vector<std::string> worm_parts;
    if (worms.is_array())
      for (const auto& w : worms) worm_parts.push_back(worm_words(w));
    html += fmt::format("<p>{}: {}.</p>\n",
                        worm_parts.size() == 1 ? "The worm" : "Worms released together",
                        joined(worm_parts, "; "));

    // Populations.
    const Json& pops = at(params_, "population");
    double hosts = 0;
    std::string items;
    if (pops.is_array())
      for (const auto& p : pops) {
        const double count = number_or(at(p, "count"), 0);
        hosts += count;
        const Json& placement = at(p, "placement");
        std::string where = fmt::format("about {} per {} block",
                                        short_number(number_or(at(placement, "mean_per_block"), 0)),
                                        html_escape(text_of(at(placement, "per"))));
        const Json& within = at(placement, "within");
        if (within.is_array() && !within.empty())
          where += fmt::format(" within {}", list_text(within));
        items += fmt::format("<li><b>{}</b>: {} running {}; {}; {}{}.</li>\n",
                             html_escape(text_of(at(p, "name"))), plural(count, "host", "hosts"),
                             list_text(at(p, "services")), mix_text(at(p, "os"), true), where,
                             at(p, "locale").empty()
                                 ? std::string()
                                 : fmt::format("; locale {}", mix_text(at(p, "locale"), false)));
      }
    html += fmt::format("<p>{} in {}:</p>\n<ul class=\"populations\">\n{}</ul>\n",
                        plural(hosts, "host", "hosts"),
                        pops.is_array() && pops.size() == 1
                            ? std::string("one population")
                            : fmt::format("{} populations", pops.is_array() ? pops.size() : 0),
                        items);

    // Address space.
    const Json& space = at(params_, "address_space");
    const std::string allocated = text_of(at(space, "allocated_blocks"));
    const std::size_t blocks = at(space, "blocks").is_array() ? at(space, "blocks").size() : 0;
    std::string where;
    if (allocated == "all")
      where = "anywhere in it";
    else if (allocated == "iana-2001")
      where = fmt::format("in the {} blocks IANA had allocated by July 2001", blocks);
    else if (allocated == "iana-2003")
      where = fmt::format("in the {} blocks IANA had allocated by August 2003", blocks);
    else
      where = fmt::format("in {} ({} blocks)", html_escape(allocated), blocks);
    html += fmt::format("<p>The {} {} ({} addresses); hosts sit {}.</p>\n",
                        worm_parts.size() == 1 ? "worm scans" : "worms scan",
                        html_escape(text_of(at(space, "prefix"))),
                        count_text(number_or(at(space, "size"), 0)), where);

    // Network.
    if (has_network()) {
      const Json& n = at(params_, "network");
      const Json& topo = at(n, "topology");
      html += fmt::format(
          "<p>The outbreak runs over the network <b>{}</b> ({}, from {}): {} nodes and {} links, "
          "brought up to date every {}; background traffic fills {} of each link's capacity at "
          "the daily peak ({}:00 UTC) and {} of that at the trough.",
          html_escape(text_of(at(topo, "name"))), html_escape(text_of(at(topo, "origin"))),
          html_escape(text_of(at(topo, "source"))), count_text(number_or(at(topo, "nodes"), 0)),
          count_text(number_or(at(topo, "links"), 0)), html_escape(text_of(at(n, "step"))),
          share_text(number_or(at(n, "background_utilisation"), 0)),
          short_number(number_or(at(at(n, "daily_cycle"), "peak_hour"), 0)),
          share_text(number_or(at(at(n, "daily_cycle"), "trough"), 0)));
      const Json& devices = at(n, "devices");
      if (devices.is_array() && !devices.empty()) {
        std::vector<std::string> parts;
        for (const auto& d : devices)
          parts.push_back(fmt::format("{} on {} of the {} nodes ({})",
                                      html_escape(text_of(at(d, "model"))),
                                      share_text(number_or(at(d, "share"), 0)),
                                      list_text(at(d, "on")), html_escape(text_of(at(d, "name")))));
        html += fmt::format(" Devices: {}.", joined(parts, "; "));
      }
      html += "</p>\n";
      const std::string attribution = text_of(at(topo, "attribution"));
      if (!attribution.empty())
        html +=
            fmt::format("<p class=\"attribution\">Topology: {}.</p>\n", html_escape(attribution));
    } else {
      html += "<p>No [network] table: the worms see a network without limits.</p>\n";
    }

    // Defences.
    const Json& defences = at(params_, "defences");
    if (defences.is_array() && !defences.empty()) {
      std::vector<std::string> parts;
      std::size_t i = 0;
      for (const auto& d : defences)
        parts.push_back(
            fmt::format("{}. {} ({} {}, {} {})", ++i, html_escape(text_of(at(d, "name"))),
                        html_escape(text_of(at(d, "kind"))), html_escape(text_of(at(d, "type"))),
                        text_of(at(d, "type")) == "action" ? "at" : "from",
                        duration_text(number_or(at(d, "start_s"), 0))));
      html += fmt::format(
          "<p>Defences and actions, numbered as on the charts and in <a href=\"#defences\">the "
          "table below</a>: {}.</p>\n",
          joined(parts, "; "));
    } else {
      html += "<p>No defences and no actions.</p>\n";
    }

    // The run.
    html += fmt::format(
        "<p>Simulated from {} for {}, sampled every {}; {} with seed {} ({} partitions).</p>\n",
        clock_text(text_of(at(sim_, "start"))), html_escape(text_of(at(sim_, "duration"))),
        html_escape(text_of(at(sim_, "sample_every"))),
        plural(static_cast<double>(reps_), "replication", "replications"),
        html_escape(text_of(at(sim_, "seed"))), html_escape(text_of(at(sim_, "partitions"))));
    html += "</div>\n";

    // Every worm parameter, defaults included, as summary.json records them.
    if (worms.is_array() && !worms.empty()) {
      html += "<details><summary>Worm parameters (defaults included)</summary>\n";
      for (const auto& w : worms) {
        std::vector<std::vector<std::string>> rows;
        if (w.is_object())
          for (const auto& [key, value] : w.items())
            rows.push_back({html_escape(key),
                            html_escape(value.is_array() ? list_text(value) : text_of(value))});
        html += fmt::format("<h3>{}</h3>\n", html_escape(text_of(at(w, "model"))));
        html += table({"key", "value"}, rows);
      }
      html += "</details>\n";
    }
    html += "</section>\n";
    return html;
  }

  std::string figures_section() const {
    struct Row {
      std::string label;
      std::vector<std::optional<double>> values;
      Figure kind;
    };
    std::vector<Row> rows;
    rows.push_back({"vulnerable hosts", per_replication("vulnerable"), Figure::count});
    rows.push_back({"hosts ever infected", per_replication("infected_total"), Figure::count});
    {
      std::vector<std::optional<double>> share;
      const auto total = per_replication("infected_total"),
                 vulnerable = per_replication("vulnerable");
      for (std::size_t i = 0; i < total.size(); ++i)
        share.push_back(total[i] && vulnerable[i] && *vulnerable[i] > 0
                            ? std::optional<double>(*total[i] / *vulnerable[i])
                            : std::nullopt);
      rows.push_back({"share of the vulnerable ever infected", share, Figure::share});
    }
    rows.push_back({"infected at the end", per_replication("infected_now"), Figure::count});
    rows.push_back(
        {"time to 10% of the vulnerable", per_replication("time_to_10pct_s"), Figure::seconds});
    rows.push_back({"time to 50%", per_replication("time_to_50pct_s"), Figure::seconds});
    rows.push_back({"time to 90%", per_replication("time_to_90pct_s"), Figure::seconds});
    rows.push_back({"peak new infections in one minute",
                    per_replication("peak_infections_per_minute"), Figure::count});
    // Several worms: each worm's own spread.
    const Json& worms = at(params_, "worms");
    if (worms.is_array() && worms.size() > 1)
      for (std::size_t w = 0; w < worms.size(); ++w) {
        const std::string model = html_escape(text_of(at(worms[w], "model")));
        auto pick = [w](std::string_view key) {
          return [w, key](const Json& r) -> const Json& {
            const Json& list = at(r, "worms");
            static const Json null;
            return list.is_array() && w < list.size() ? at(list[w], key) : null;
          };
        };
        rows.push_back({fmt::format("{}: hosts ever infected", model),
                        per_replication(pick("infected_total")), Figure::count});
        rows.push_back({fmt::format("{}: time to 50% of its vulnerable", model),
                        per_replication(pick("time_to_50pct_s")), Figure::seconds});
      }
    // Host outcomes, where any replication has some.
    const std::pair<const char*, const char*> outcomes[] = {
        {"rpc_crashes", "RPC crashes"},
        {"iis_crashes", "IIS crashes"},
        {"reboots", "reboots"},
        {"defaced", "hosts defaced"},
        {"backdoored", "hosts backdoored"},
        {"patched_by_welchia", "hosts patched by Welchia"},
        {"flood_packets", "flood packets"}};
    for (const auto& [key, label] : outcomes) {
      auto values = per_replication(key);
      if (std::any_of(values.begin(), values.end(), [](const auto& v) { return v && *v != 0; }))
        rows.push_back({label, values, Figure::count});
    }
    const Json& defences = at(params_, "defences");
    if (defences.is_array() && !defences.empty()) {
      rows.push_back({"hosts patched by the defences", per_replication("patched"), Figure::count});
      rows.push_back({"hosts protected (workarounds, firewalls, anti-virus)",
                      per_replication("protected_hosts"), Figure::count});
      rows.push_back({"probes blocked", per_replication("probes_blocked"), Figure::count});
      rows.push_back(
          {"hosts cleaned by quarantine", per_replication("hosts_cleaned"), Figure::count});
    }
    if (has_network()) {
      auto net = [this](std::string_view key) {
        return per_replication(
            [key](const Json& r) -> const Json& { return at(at(r, "network"), key); });
      };
      rows.push_back({"hits lost in the network", net("hits_lost"), Figure::count});
      rows.push_back({"device crashes and reloads", net("device_crashes"), Figure::count});
      rows.push_back({"most devices down at once", net("peak_devices_down"), Figure::count});
      rows.push_back({"most sites cut off at once", net("peak_sites_cut_off"), Figure::count});
      rows.push_back({"most hosts cut off at once", net("peak_hosts_cut_off"), Figure::count});
      rows.push_back({"links saturated", net("links_saturated"), Figure::count});
      rows.push_back({"highest link utilisation", net("max_link_utilisation"), Figure::share});
      rows.push_back({"traffic dropped", net("bytes_dropped"), Figure::bytes});
    }

    std::vector<std::vector<std::string>> cells;
    for (const auto& row : rows)
      cells.push_back(
          reps_ > 1 ? std::vector<std::string>{row.label, estimate_text(row.values, row.kind),
                                               range_text(row.values, row.kind)}
                    : std::vector<std::string>{row.label, estimate_text(row.values, row.kind)});
    std::string html = "<section id=\"figures\">\n<h2>Figures</h2>\n";
    if (reps_ > 1)
      html += table({"figure", fmt::format("mean [95% interval] over {} replications", reps_),
                     "lowest – highest replication"},
                    cells, "tnn");
    else
      html += table({"figure", "replication 0"}, cells, "tn");
    html += fmt::format(
        "<p class=\"note\">{}</p>\n</section>\n",
        reps_ > 1 ? "Intervals: Student t over the replications, 95%. n=k/N: only k of the N "
                    "replications reached the figure; the estimate covers those."
                  : "One replication: no interval. Run with --replications 10 or more for "
                    "useful intervals.");
    return html;
  }

  /// The defences' times as numbered vertical lines (numbered as in the defences table).
  std::vector<ChartMark> defence_times() const {
    std::vector<ChartMark> out;
    const Json& defences = at(params_, "defences");
    if (defences.is_array())
      for (std::size_t i = 0; i < defences.size(); ++i)
        if (const auto t = number_of(at(defences[i], "start_s")))
          out.push_back({*t, std::to_string(i + 1)});
    return out;
  }

  Chart chart(std::string id, std::string title, std::string unit, ValueFormat format) const {
    Chart c;
    c.id = std::move(id);
    c.title = std::move(title);
    c.unit = std::move(unit);
    c.format = format;
    c.duration_s = duration_s_;
    return c;
  }

  std::string band_note() const {
    return reps_ > 1 ? std::string(kBandNote)
                     : std::string("One replication: its values, without a band.");
  }

  /// The series of `metrics` that are not zero throughout, or a sentence instead of the chart
  /// when every one is: a chart of flat zero lines says less than the sentence.
  std::string optional_chart(Chart c,
                             const std::vector<std::pair<std::string, std::string>>& metrics,
                             Transform transform, const std::string& when_empty) const {
    std::vector<std::string> zero;
    for (const auto& [metric, label] : metrics) {
      if (!curves_.has(metric)) continue;
      if (any_nonzero(curves_, metric))
        c.series.push_back(series_of(curves_, metric, label, transform));
      else
        zero.push_back(label);
    }
    if (c.series.empty()) return fmt::format("<p>{}</p>\n", when_empty);
    if (!zero.empty())
      c.note += fmt::format("{}Zero throughout, not drawn: {}.", c.note.empty() ? "" : " ",
                            html_escape(joined(zero)));
    return render_chart(c);
  }

  std::string spread_section() const {
    std::string html = "<section id=\"spread\">\n<h2>Spread</h2>\n";
    const auto suffixes = worm_suffixes(curves_);
    Chart infection = chart("infection", "Infected hosts", "hosts", ValueFormat::count);
    for (const auto& s : suffixes) {
      infection.series.push_back(series_of(curves_, "infected_total" + s,
                                           "ever infected" + worm_label(s), Transform::level));
      infection.series.back().width = 7;  // under "infected now", which equals it until a recovery
      infection.series.push_back(
          series_of(curves_, "infected_now" + s, "infected now" + worm_label(s), Transform::level));
    }
    for (auto& ref : reference_series(summary_)) infection.series.push_back(std::move(ref));
    infection.times = defence_times();
    infection.note = band_note();
    if (!infection.times.empty())
      infection.note += " Dotted lines: the defences and actions, numbered as in the table below.";
    infection.note += reference_words(summary_);
    html += render_chart(infection);

    Chart rate = chart("new-infections", "New infections per minute", "hosts per minute",
                       ValueFormat::count);
    for (const auto& s : suffixes)
      rate.series.push_back(series_of(curves_, "new_infections" + s,
                                      "new infections" + worm_label(s), Transform::per_minute));
    rate.times = defence_times();
    rate.note = band_note() + " Infections in each sample interval, scaled to one minute.";
    html += render_chart(rate);
    html += "</section>\n";
    return html;
  }

  std::string traffic_section() const {
    std::string html = "<section id=\"traffic\">\n<h2>Probes and traffic</h2>\n";
    Chart probes = chart("probes", "Probes sent per second", "probes or packets per second",
                         ValueFormat::count);
    probes.note = band_note() + " The rate between consecutive samples.";
    std::vector<std::pair<std::string, std::string>> by_port = {
        {"probes_tcp80", "TCP 80 probes"},
        {"probes_tcp135", "TCP 135 probes"},
        {"pings_icmp", "ICMP echo requests"},
        {"flood_packets", "flood packets"}};
    // Without per-port counts (an older file), the worms' probes_sent.
    if (std::none_of(by_port.begin(), by_port.end(),
                     [&](const auto& m) { return curves_.has(m.first); })) {
      by_port.clear();
      for (const auto& s : worm_suffixes(curves_))
        by_port.emplace_back("probes_sent" + s, "probes sent" + worm_label(s));
    }
    html += optional_chart(probes, by_port, Transform::per_second, "No probe was sent.");
    if (curves_.has("worm_traffic_bps")) {
      Chart traffic = chart("traffic", "Worm traffic sent", "bit/s", ValueFormat::bits_per_second);
      traffic.series.push_back(
          series_of(curves_, "worm_traffic_bps", "worm traffic", Transform::level));
      traffic.note = band_note() +
                     " SYN packets and echo requests of the scanning hosts, read at "
                     "the network step of each sample.";
      html += render_chart(traffic);
    }
    html += "</section>\n";
    return html;
  }

  std::string hosts_section() const {
    std::string html = "<section id=\"hosts\">\n<h2>Hosts</h2>\n";
    Chart out = chart("hosts-out", "Hosts out of service", "hosts now", ValueFormat::count);
    out.note = band_note();
    out.times = defence_times();
    html += optional_chart(out,
                           {{"hosts_down", "rebooting (down)"},
                            {"hosts_cut_off", "cut off from the Internet"},
                            {"hosts_disconnected", "disconnected by quarantine"}},
                           Transform::level,
                           "No host was down, cut off or disconnected at any sample.");
    Chart crashes = chart("crashes", "Crashes and reboots", "since the start", ValueFormat::count);
    crashes.note = band_note();
    html += optional_chart(
        crashes,
        {{"rpc_crashes", "RPC crashes"}, {"iis_crashes", "IIS crashes"}, {"reboots", "reboots"}},
        Transform::level, "No service crashed and no host rebooted.");
    html += "</section>\n";
    return html;
  }

  std::string network_section() const {
    std::string html = "<section id=\"network\">\n<h2>Network</h2>\n";
    Chart outage =
        chart("network-outage", "Routers down and sites cut off", "now", ValueFormat::count);
    outage.note = band_note();
    html += optional_chart(
        outage, {{"devices_down", "devices (routers) down"}, {"sites_cut_off", "sites cut off"}},
        Transform::level, "No device went down and no site was cut off.");
    if (curves_.has("max_link_utilisation")) {
      Chart util = chart("utilisation", "Highest link utilisation",
                         "of capacity, worm and "
                         "background traffic",
                         ValueFormat::percent);
      util.series.push_back(
          series_of(curves_, "max_link_utilisation", "busiest link", Transform::level));
      util.levels = {{0.8, "80%"}, {1.0, "100%"}};
      util.note = band_note() +
                  " The busiest directed link at each sample; above 100% the link "
                  "drops the excess.";
      html += render_chart(util);
    }
    html += links_table();
    html += devices_table();
    html += "</section>\n";
    return html;
  }

  std::string links_table() const {
    if (!links_) return "<p>No links_summary.csv in the folder.</p>\n";
    const CsvTable& t = *links_;
    struct Link {
      std::string from, to;
      double capacity = 0, peak = -1, peak_time = 0, needed = 0, dropped = 0;
      std::optional<double> above80, above100;
      std::size_t replications = 0;
    };
    std::vector<Link> links;
    std::map<std::pair<std::string, std::string>, std::size_t> index;
    const std::size_t from = t.column("from"), to = t.column("to"),
                      capacity = t.column("capacity_bps"), peak = t.column("peak_utilisation"),
                      peak_time = t.column("peak_time_s"), a80 = t.column("first_above_80_s"),
                      a100 = t.column("first_above_100_s"), dropped = t.column("bytes_dropped"),
                      needed = t.column("needed_capacity_bps");
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      const auto& row = t.rows[i];
      auto [it, inserted] = index.try_emplace({row[from], row[to]}, links.size());
      if (inserted) {
        links.emplace_back();
        links.back().from = row[from];
        links.back().to = row[to];
      }
      Link& l = links[it->second];
      l.capacity = csv_number(t, i, capacity);
      const double p = csv_number(t, i, peak);
      if (p > l.peak) {
        l.peak = p;
        l.peak_time = csv_number(t, i, peak_time);
      }
      if (!row[a80].empty()) {
        const double v = csv_number(t, i, a80);
        l.above80 = l.above80 ? std::min(*l.above80, v) : v;
      }
      if (!row[a100].empty()) {
        const double v = csv_number(t, i, a100);
        l.above100 = l.above100 ? std::min(*l.above100, v) : v;
      }
      l.dropped += csv_number(t, i, dropped);
      l.needed = std::max(l.needed, csv_number(t, i, needed));
      ++l.replications;
    }
    // Busiest first; ties keep the file's order (replication 0's busiest first).
    std::stable_sort(links.begin(), links.end(),
                     [](const Link& a, const Link& b) { return a.peak > b.peak; });
    const std::size_t shown = std::min<std::size_t>(links.size(), 10);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < shown; ++i) {
      const Link& l = links[i];
      rows.push_back({fmt::format("{} → {}", html_escape(l.from), html_escape(l.to)),
                      bits_text(l.capacity), share_text(l.peak), duration_text(l.peak_time),
                      l.above80 ? duration_text(*l.above80) : "never",
                      l.above100 ? duration_text(*l.above100) : "never",
                      bytes_text(l.dropped / static_cast<double>(std::max<std::size_t>(reps_, 1))),
                      bits_text(l.needed),
                      fmt::format("{}/{}", l.replications, std::max<std::size_t>(reps_, 1))});
    }
    const double target = number_or(at(at(params_, "network"), "target_utilisation"), 0.8);
    std::string html = fmt::format("<h3>The most loaded links</h3>\n");
    if (rows.empty()) return html + "<p>No link carried worm traffic.</p>\n";
    html += table({"link", "capacity", "peak", "at", "above 80% from", "above 100% from", "dropped",
                   fmt::format("needed for a {} peak", share_text(target)), "replications"},
                  rows, "knnnnnnnn");
    html += fmt::format(
        "<p class=\"note\">The {} busiest of {} directed links that carried worm traffic "
        "(links_summary.csv). Over the replications: the highest peak utilisation and its time, "
        "the earliest time above 80% and 100% of capacity, the mean traffic dropped per "
        "replication, the largest capacity that keeps the link's peak at {} of it, and how many "
        "replications loaded the link. Times since the start.</p>\n",
        shown, links.size(), share_text(target));
    return html;
  }

  std::string devices_table() const {
    if (!devices_ || devices_->rows.empty()) return std::string();
    const CsvTable& t = *devices_;
    const std::size_t model = t.column("model"), state = t.column("state"),
                      cause = t.column("cause"), time = t.column("time_s");
    struct Change {
      std::size_t count = 0;
      double first = 0;
    };
    std::map<std::tuple<std::string, std::string, std::string>, Change> changes;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      Change& c = changes[{t.rows[i][model], t.rows[i][state], t.rows[i][cause]}];
      const double when = csv_number(t, i, time);
      c.first = c.count == 0 ? when : std::min(c.first, when);
      ++c.count;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& [key, c] : changes)
      rows.push_back({html_escape(std::get<0>(key)), html_escape(std::get<1>(key)),
                      html_escape(std::get<2>(key)),
                      count_text(static_cast<double>(c.count) /
                                 static_cast<double>(std::max<std::size_t>(reps_, 1))),
                      duration_text(c.first)});
    return "<h3>Device state changes</h3>\n" +
           table({"model", "state", "cause", "per replication (mean)", "first at"}, rows, "kkknn") +
           "<p class=\"note\">From devices.csv: every change of a device's state, counted per "
           "replication; the first over all replications.</p>\n";
  }

  std::string defences_section() const {
    std::string html = "<section id=\"defences\">\n<h2>Defences and actions</h2>\n";
    const Json& defences = at(params_, "defences");
    if (!defences.is_array() || defences.empty())
      return html +
             "<p>None: the scenario has no [[defence]] or [[action]] tables.</p>\n</section>\n";
    std::vector<std::vector<std::size_t>> groups;
    if (actions_) groups = action_groups(*actions_);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < defences.size(); ++i) {
      const Json& d = defences[i];
      std::vector<std::string> selection;
      if (at(d, "populations").is_array() && !at(d, "populations").empty())
        selection.push_back(fmt::format("populations {}", list_text(at(d, "populations"))));
      if (at(d, "blocks").is_array() && !at(d, "blocks").empty())
        selection.push_back(fmt::format("blocks {}", list_text(at(d, "blocks"))));
      const std::string settings = defence_settings(d);
      selection.push_back(settings);
      std::vector<std::string> row = {
          std::to_string(i + 1),
          html_escape(text_of(at(d, "name"))),
          fmt::format("{} {}", html_escape(text_of(at(d, "kind"))),
                      html_escape(text_of(at(d, "type")))),
          duration_text(number_or(at(d, "start_s"), 0)),
          adoption_text(d),
          selection.size() == 1 && settings.empty() ? std::string("—") : joined(selection, "; ")};
      // actions.csv's counts for this policy, when the file lists as many policies.
      if (groups.size() == defences.size()) {
        const CsvTable& a = *actions_;
        const std::size_t sel = a.column("selected"), eli = a.column("eligible"),
                          ado = a.column("adopting"), unit = a.column("unit");
        std::vector<std::optional<double>> s, e, ad;
        for (const std::size_t r : groups[i]) {
          s.push_back(csv_number(a, r, sel));
          e.push_back(csv_number(a, r, eli));
          ad.push_back(csv_number(a, r, ado));
        }
        row.push_back(fmt::format("{} / {} / {} {}", range_text(s, Figure::count),
                                  range_text(e, Figure::count), range_text(ad, Figure::count),
                                  html_escape(a.rows[groups[i].front()][unit])));
      } else {
        row.emplace_back("—");
      }
      rows.push_back(std::move(row));
    }
    html += table({"#", "name", "kind", "start / at", "adoption", "selection and settings",
                   "selected / eligible / adopting"},
                  rows, "nttntt");
    html +=
        "<p class=\"note\">From summary.json's parameters and actions.csv. Adoption: the share of "
        "the selected hosts (or sites) that adopt it in the end, and how fast. Selected: the hosts "
        "(or sites) its populations and blocks select, everywhere unless said; eligible: those it "
        "can act on; adopting: those that adopt it by the end of its adoption curve, lowest – "
        "highest over the replications. Times since the start.</p>\n</section>\n";
    return html;
  }

  std::string footer() const {
    std::vector<std::string> files = {"summary.json", "curves.csv"};
    if (actions_) files.emplace_back("actions.csv");
    if (links_) files.emplace_back("links_summary.csv");
    if (devices_) files.emplace_back("devices.csv");
    return fmt::format(
        "<footer>\n<p>Built by wormsim {} from {} in this folder; <code>wormsim report "
        "DIR</code> rebuilds it. Charts: {}{} Times on the charts count from the scenario's "
        "start.</p>\n</footer>\n",
        html_escape(text_of(at(at(summary_, "program"), "version"))), joined(files), kBandNote,
        has_bands_ ? " The 95% Student-t interval for the mean curve at each sample is in "
                     "bands.csv."
                   : "");
  }

  Json summary_;
  Json params_;
  CurveSet curves_;
  std::optional<CsvTable> actions_, links_, devices_;
  std::size_t reps_ = 0;
  bool has_bands_ = false;  ///< bands.csv beside curves.csv (not in a `wormsim exercise` folder)
  double duration_s_ = 0;
};

}  // namespace

std::string run_report_html(const std::filesystem::path& folder) {
  return RunReport(folder).html();
}

}  // namespace wormsim::analysis::report
