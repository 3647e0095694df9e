// wormsim exercise: a scenario run in steps for a training room. At each pause a situation
// report, then the trainee's commands: actions (the scenario's [[action]] entries, typed as
// `do KIND key=value ...`), help, status; the run goes on with `step`. An action taken at a pause
// is added to the scenario as an [[action]] at that time and the replication is run again from
// the start to the pause: the run is deterministic, so the history up to the pause is the one
// the room saw, and the session's end is exactly what the scenario with those actions gives
// (replay.toml, written at the end, is that scenario).
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "analysis/write/outputs.hpp"
#include "analysis/write/report.hpp"
#include "app/commands/commands.hpp"
#include "app/commands/line_editor.hpp"
#include "app/commands/options.hpp"
#include "models/registry.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/loader.hpp"
#include "models/simulation.hpp"

namespace wormsim::app {

namespace {

struct ExerciseOptions {
  std::string file;
  std::string step = "15m";
  std::string out = "wormsim-exercise";
};

const std::vector<std::string> kCommands = {"help",   "step",  "run",     "do",
                                            "status", "links", "actions", "quit"};
const std::vector<std::string> kListKeys = {"populations", "blocks", "block_in", "block_out",
                                            "open"};

std::vector<std::string> defence_kinds() {
  std::vector<std::string> out;
  for (const auto& m : models::builtin_models())
    if (m.kind == "defence") out.push_back(m.name);
  return out;
}

const models::ModelInfo& action_table() {
  for (const auto& t : models::scenario_tables())
    if (t.name == "action") return t;
  throw std::logic_error("no [[action]] table in the registry");
}

/// Keys an action of this kind takes, besides `at` and `do`.
std::vector<std::string> action_keys(const std::string& kind) {
  std::vector<std::string> keys;
  for (const auto& p : action_table().params)
    if (p.key != "at" && p.key != "do") keys.push_back(p.key);
  if (const auto* m = models::find_model("defence", kind))
    for (const auto& p : m->params) keys.push_back(p.key);
  return keys;
}

std::vector<std::string> split_words(const std::string& line) {
  // Words separated by spaces, except inside quotes or brackets.
  std::vector<std::string> words;
  std::string cur;
  int depth = 0;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '[' || c == '{')) ++depth;
    if (!quoted && (c == ']' || c == '}')) --depth;
    if (c == ' ' && !quoted && depth <= 0) {
      if (!cur.empty()) words.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) words.push_back(cur);
  return words;
}

std::string toml_string(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// A value typed after `key=` as TOML: kept as written if it is TOML already (a number, a
/// boolean, a quoted string, an array), a comma list for the list keys, else a string.
std::string toml_value(const std::string& key, const std::string& v) {
  if (!v.empty() && (v[0] == '[' || v[0] == '"' || v[0] == '{')) return v;
  if (v == "true" || v == "false") return v;
  char* end = nullptr;
  std::strtod(v.c_str(), &end);
  if (!v.empty() && end == v.c_str() + v.size()) return v;
  if (std::find(kListKeys.begin(), kListKeys.end(), key) != kListKeys.end()) {
    std::string out = "[";
    std::stringstream ss(v);
    std::string item;
    bool first = true;
    while (std::getline(ss, item, ',')) {
      out += first ? "" : ", ";
      out += toml_string(item);
      first = false;
    }
    return out + "]";
  }
  return toml_string(v);
}

/// The loader's diagnostics without the file position (they point into the appended action).
std::string without_positions(const std::string& message) {
  std::string out;
  std::stringstream ss(message);
  std::string line;
  while (std::getline(ss, line)) {
    const auto at = line.find(": error: ");
    out += "  " + (at == std::string::npos ? line : line.substr(at + 2)) + "\n";
  }
  return out;
}

class Exercise {
 public:
  Exercise(const ExerciseOptions& o, std::string text, sim::SimTime step)
      : options_(o), base_text_(std::move(text)), step_(step) {
    scenario_ = std::make_unique<models::Scenario>(models::load_scenario_text(base_text_, o.file));
    population_names_.clear();
    for (const auto& p : scenario_->populations) population_names_.push_back(p.name);
    session_ =
        std::make_unique<models::ReplicationSession>(*scenario_, 0, models::OutbreakOptions{});
    session_->advance_to(sim::SimTime{0});
  }

  int run(const std::string& command_line) {
    LineEditor editor([this](const std::string& line) { return complete(line); });
    fmt::print("wormsim exercise: {}\n", scenario_->simulation.name);
    fmt::print("  {} of simulated time in steps of {}; type help for the commands.\n",
               sim::format_duration(end()), sim::format_duration(step_));
    sitrep();
    while (!session_->finished() && session_->now() < end()) {
      const auto line = editor.read_line(fmt::format("[{}] > ", sim::format_duration(now())));
      if (!line) {  // end of input: play the rest
        advance(end());
        break;
      }
      if (!command(*line)) break;
    }
    return finish(command_line);
  }

 private:
  sim::SimTime now() const { return session_->now(); }
  sim::SimTime end() const { return scenario_->simulation.duration; }

  void advance(sim::SimTime t) {
    session_->advance_to(std::min(t, end()));
    sitrep();
  }

  /// Returns false to end the session.
  bool command(const std::string& line) {
    const auto words = split_words(line);
    const std::string cmd = words.empty() ? "step" : words[0];
    if (cmd == "step" || cmd == "next" || cmd == "n") {
      sim::SimTime by = step_;
      if (words.size() > 1) {
        const auto d = sim::parse_duration(words[1]);
        if (!d || d->us <= 0) {
          fmt::print("  step: expected a positive duration ({}), got \"{}\"\n", sim::duration_units,
                     words[1]);
          return true;
        }
        by = *d;
      }
      advance(now() + by);
    } else if (cmd == "run") {
      advance(end());
    } else if (cmd == "quit" || cmd == "exit") {
      fmt::print("  ending the exercise at {}\n", sim::format_duration(now()));
      return false;
    } else if (cmd == "help" || cmd == "?") {
      help(words.size() > 1 ? words[1] : "");
    } else if (cmd == "status") {
      sitrep();
    } else if (cmd == "links") {
      links(10);
    } else if (cmd == "actions") {
      if (log_.empty()) fmt::print("  no action taken yet\n");
      for (const auto& a : log_) fmt::print("  {}\n", a);
    } else if (cmd == "do") {
      take_action(words);
    } else {
      std::string msg = fmt::format("  unknown command \"{}\"", cmd);
      if (auto near = models::nearest(cmd, kCommands))
        msg += fmt::format("; did you mean {}?", *near);
      fmt::print("{}; type help for the commands\n", msg);
    }
    return true;
  }

  void help(const std::string& topic) {
    if (topic.empty()) {
      fmt::print(
          "  (empty line), step [DURATION]   run one step ({}) or DURATION, then report\n"
          "  run                             run to the end\n"
          "  do KIND key=value ...           take an action now, e.g.\n"
          "                                  do patch fix=ms03-026 coverage=0.5 "
          "populations=enterprise\n"
          "                                  do border-firewall block_in=tcp/135,udp/135\n"
          "  help KIND                       the keys of an action (kinds: {})\n"
          "  status, links, actions          the situation, the busiest links, actions so far\n"
          "  quit                            end the exercise now\n"
          "  Tab completes commands, kinds, keys and names; values with spaces go in quotes.\n",
          sim::format_duration(step_), fmt::join(defence_kinds(), ", "));
      return;
    }
    const auto* m = models::find_model("defence", topic);
    if (m == nullptr) {
      std::string msg = fmt::format("  no action kind \"{}\"", topic);
      if (auto near = models::nearest(topic, defence_kinds()))
        msg += fmt::format("; did you mean {}?", *near);
      fmt::print("{} (kinds: {})\n", msg, fmt::join(defence_kinds(), ", "));
      return;
    }
    fmt::print("  {}: {}\n", m->name, m->summary);
    auto show = [](const models::ParamSpec& p) {
      fmt::print(
          "    {:<20} {}{}\n", p.key, p.doc,
          p.default_value.empty() ? " (required)" : fmt::format(" (default {})", p.default_value));
    };
    for (const auto& p : m->params) show(p);
    for (const auto& p : action_table().params)
      if (p.key != "at" && p.key != "do") show(p);
  }

  void take_action(const std::vector<std::string>& words) {
    if (words.size() < 2) {
      fmt::print("  do: which action? (kinds: {})\n", fmt::join(defence_kinds(), ", "));
      return;
    }
    std::string table = fmt::format(
        "\n[[action]]  # taken in the exercise at {}\nat = \"{}\"\ndo = {}\n",
        sim::format_duration(now()), sim::format_duration(now()), toml_string(words[1]));
    for (std::size_t i = 2; i < words.size(); ++i) {
      const auto eq = words[i].find('=');
      if (eq == std::string::npos || eq == 0) {
        fmt::print("  do: expected key=value, got \"{}\" (help {} lists the keys)\n", words[i],
                   words[1]);
        return;
      }
      const std::string key = words[i].substr(0, eq);
      table += fmt::format("{} = {}\n", key, toml_value(key, words[i].substr(eq + 1)));
    }
    const std::string text = base_text_ + actions_text_ + table;
    std::unique_ptr<models::Scenario> next;
    try {
      next = std::make_unique<models::Scenario>(models::load_scenario_text(text, options_.file));
    } catch (const models::InputError& e) {
      fmt::print("  not taken:\n{}", without_positions(e.what()));
      return;
    }
    // The history to now again, with the action from now on.
    const sim::SimTime t = now();
    auto session =
        std::make_unique<models::ReplicationSession>(*next, 0, models::OutbreakOptions{});
    session->advance_to(t);
    session_ = std::move(session);
    scenario_ = std::move(next);
    actions_text_ += table;
    std::string shown = "do";
    for (std::size_t i = 1; i < words.size(); ++i) shown += " " + words[i];
    log_.push_back(fmt::format("{}: {}", sim::format_duration(t), shown));
    fmt::print("  taken at {}: {}\n", sim::format_duration(t), shown);
  }

  std::vector<std::string> complete(const std::string& line) {
    const auto words = split_words(line);
    const bool fresh = line.empty() || line.back() == ' ';
    const std::size_t index = words.size() - (fresh || words.empty() ? 0 : 1);
    const std::string partial = fresh || words.empty() ? "" : words.back();
    std::vector<std::string> pool;
    if (index == 0) {
      pool = kCommands;
    } else if (index == 1 && (words[0] == "do" || words[0] == "help")) {
      pool = defence_kinds();
    } else if (words[0] == "do" && words.size() >= 2) {
      const auto eq = partial.find('=');
      if (eq == std::string::npos) {
        for (const auto& k : action_keys(words[1])) pool.push_back(k + "=");
      } else {
        const std::string key = partial.substr(0, eq);
        std::vector<std::string> values;
        if (key == "populations") values = population_names_;
        if (const auto* m = models::find_model("defence", words[1]))
          if (const auto* p = m->find(key)) values = p->choices;
        for (const auto& p : action_table().params)
          if (p.key == key && !p.choices.empty()) values = p.choices;
        for (const auto& v : values) pool.push_back(key + "=" + v);
      }
    }
    std::vector<std::string> out;
    for (const auto& p : pool)
      if (p.compare(0, partial.size(), partial) == 0) out.push_back(p);
    return out;
  }

  double metric(const char* name, std::size_t sample) const {
    const auto& c = session_->curves();
    const auto m = c.find(name);
    return m < c.metric_count() ? c.value(sample, m) : 0.0;
  }

  void sitrep() {
    const auto& c = session_->curves();
    if (c.sample_count() == 0) return;
    const std::size_t s = c.sample_count() - 1;
    const sim::SimTime t = c.time(s);
    const std::int64_t clock = scenario_->simulation.start_epoch_s + t.us / 1'000'000;
    const std::int64_t secs = ((clock % 86400) + 86400) % 86400;
    fmt::print("\n== {:02d}:{:02d} UTC, {} into the scenario ==\n", secs / 3600, (secs / 60) % 60,
               sim::format_duration(t));
    const auto summary = session_->summary();
    // The sample one step back, for the rate.
    const std::int64_t back_us = std::max<std::int64_t>(0, t.us - step_.us);
    std::size_t b = s;
    while (b > 0 && c.time(b).us > back_us) --b;
    const double minutes = static_cast<double>(t.us - c.time(b).us) / 6e7;
    const bool several = summary.worms.size() > 1;
    for (const auto& w : summary.worms) {
      const std::string suffix = several ? "." + w.model : "";
      const double now_inf = metric(("infected_now" + suffix).c_str(), s);
      const double total = metric(("infected_total" + suffix).c_str(), s);
      const double before = metric(("infected_total" + suffix).c_str(), b);
      fmt::print("  {:<12} infected now {} ({:.1f}% of {}), ever {}", w.model, with_commas(now_inf),
                 w.vulnerable ? 100.0 * now_inf / static_cast<double>(w.vulnerable) : 0.0,
                 with_commas(static_cast<double>(w.vulnerable)), with_commas(total));
      if (minutes > 0)
        fmt::print(", {}/min over the last {}", with_commas((total - before) / minutes),
                   sim::format_duration(sim::SimTime{t.us - c.time(b).us}));
      fmt::print("\n");
    }
    fmt::print("  hosts down {}, RPC crashes {}, IIS crashes {}, reboots {}",
               with_commas(metric("hosts_down", s)), with_commas(metric("rpc_crashes", s)),
               with_commas(metric("iis_crashes", s)), with_commas(metric("reboots", s)));
    if (!scenario_->defences.empty())
      fmt::print("; patched {}, protected {}, probes blocked {}", with_commas(metric("patched", s)),
                 with_commas(metric("protected", s)), with_commas(metric("probes_blocked", s)));
    fmt::print("\n");
    if (session_->network() != nullptr) {
      fmt::print(
          "  network: {} devices down ({} crashes so far), {} sites ({} hosts) cut off, "
          "{} links over capacity\n",
          with_commas(metric("devices_down", s)), with_commas(metric("device_crashes", s)),
          with_commas(metric("sites_cut_off", s)), with_commas(metric("hosts_cut_off", s)),
          with_commas(metric("links_above_100", s)));
      links(3);
    }
  }

  void links(std::size_t k) {
    const auto* n = session_->network();
    if (n == nullptr) {
      fmt::print("  the scenario has no [network]\n");
      return;
    }
    const auto busiest = n->busiest_links_now(k);
    if (busiest.empty()) fmt::print("  no worm traffic on any link\n");
    for (const auto& [name, u] : busiest)
      fmt::print("    {:<40} {:.0f}% of capacity\n", name, 100 * u);
  }

  int finish(const std::string& command_line) {
    const std::filesystem::path out(options_.out);
    std::filesystem::create_directories(out);
    models::ReplicationRun run = session_->finish();
    std::vector<analysis::ReplicationResult> results(1);
    results[0] = {run.summary,           std::move(run.curves),  run.partitions,
                  std::move(run.events), std::move(run.actions), std::move(run.network)};
    analysis::write_curves_csv(out / "curves.csv", results);
    analysis::write_actions_csv(out / "actions.csv", results);
    if (scenario_->network.enabled) analysis::write_network_csvs(out, results);
    analysis::write_summary_json(out / "summary.json", *scenario_, results, WORMSIM_VERSION, false);
    analysis::write_run_json(out / "run.json", {WORMSIM_VERSION, command_line, options_.file, 1,
                                                "sequential", 0.0, results[0].summary.events});
    analysis::write_report(out);  // from the files just written, as `wormsim report` reads them
    std::string replay = base_text_;
    // A topology file named relative to the scenario is named relative to the output folder.
    const std::string& source = scenario_->network.source;
    if (scenario_->network.enabled && source.find('/') != std::string::npos &&
        !std::filesystem::path(source).is_absolute()) {
      const auto file = std::filesystem::path(options_.file).parent_path() / source;
      const std::string moved =
          std::filesystem::relative(std::filesystem::absolute(file), std::filesystem::absolute(out))
              .string();
      const auto at = replay.find("\"" + source + "\"");
      if (at != std::string::npos) replay.replace(at + 1, source.size(), moved);
    }
    if (!actions_text_.empty())
      replay += fmt::format("\n# The actions taken in `wormsim exercise` ({}).\n", log_.size()) +
                actions_text_;
    analysis::write_text_file(out / "replay.toml", replay);
    fmt::print("\nexercise over at {}; {} action{} taken\n", sim::format_duration(now()),
               log_.size(), log_.size() == 1 ? "" : "s");
    fmt::print(
        "outputs in {}/ (curves.csv, actions.csv, summary.json, report.html, replay.toml: "
        "the scenario with the actions, for `wormsim run`)\n",
        out.string());
    return kExitOk;
  }

  ExerciseOptions options_;
  std::string base_text_, actions_text_;
  sim::SimTime step_;
  std::unique_ptr<models::Scenario> scenario_;
  std::unique_ptr<models::ReplicationSession> session_;
  std::vector<std::string> log_, population_names_;
};

}  // namespace

Action add_exercise_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<ExerciseOptions>();
  CLI::App* cmd = app.add_subcommand(
      "exercise", "Run a scenario in steps for a training exercise: situation reports, actions");
  cmd->add_option("FILE", o->file, "Scenario file (TOML)")->required();
  cmd->add_option("--step", o->step, "Simulated time between pauses (default 15m)");
  cmd->add_option("--out", o->out, "Output folder (default wormsim-exercise)");
  return [o, command_line]() -> int {
    const auto step = sim::parse_duration(o->step);
    if (!step || step->us <= 0)
      throw models::InputError(fmt::format(
          "wormsim exercise: error: --step: expected a positive duration ({}), got \"{}\"\n",
          sim::duration_units, o->step));
    std::ifstream in(o->file, std::ios::binary);
    if (!in)
      throw models::InputError(fmt::format("{}: error: cannot read the scenario file\n", o->file));
    std::stringstream text;
    text << in.rdbuf();
    Exercise exercise(*o, text.str(), *step);
    return exercise.run(command_line);
  };
}

}  // namespace wormsim::app
