#include "models/scenario/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "models/address_plan.hpp"
#include "models/registry.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/worm/calendar.hpp"

namespace wormsim::models {

std::string fnv1a64_hex(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {

std::string describe(const toml::node& n) {
  std::ostringstream os;
  if (n.is_string()) os << "string \"" << n.as_string()->get() << "\"";
  else if (n.is_integer()) os << "integer " << n.as_integer()->get();
  else if (n.is_floating_point()) os << "number " << n.as_floating_point()->get();
  else if (n.is_boolean()) os << "boolean " << (n.as_boolean()->get() ? "true" : "false");
  else if (n.is_table()) os << "a table";
  else if (n.is_array()) os << "an array";
  else if (n.is_date_time()) os << "a date-time";
  else if (n.is_date()) os << "a date without time";
  else if (n.is_time()) os << "a time of day";
  else os << "something else";
  return os.str();
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

/// Parses "358/min", "6/s", "0.5/ms" into events per second.
std::optional<double> parse_rate(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string number(text.substr(0, slash));
  std::erase(number, '_');
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) return std::nullopt;
  const std::string_view unit = text.substr(slash + 1);
  double per_s;
  if (unit == "s") per_s = 1;
  else if (unit == "ms") per_s = 1e3;
  else if (unit == "min" || unit == "m") per_s = 1.0 / 60;
  else if (unit == "h") per_s = 1.0 / 3600;
  else if (unit == "d") per_s = 1.0 / 86400;
  else return std::nullopt;
  return value * per_s;
}

class Loader {
 public:
  Loader(std::string file) : file_(std::move(file)) {}

  Scenario load(std::string_view text) {
    Scenario s;
    s.path = file_;
    s.text_hash = fnv1a64_hex(text);
    toml::table root;
    try {
      root = toml::parse(text, file_);
    } catch (const toml::parse_error& e) {
      const auto& b = e.source().begin;
      diags_.add({file_, static_cast<int>(b.line), static_cast<int>(b.column), "", "",
                  "not valid TOML: " + std::string(e.description())});
      throw InputError(diags_.format());
    }
    check_keys(root, "", {"simulation", "address_space", "population", "worm"});
    s.simulation.name = default_name();
    if (auto* t = table_at(root, "simulation", true)) read_simulation(*t, s.simulation);
    if (auto* t = table_at(root, "address_space", false)) read_address_space(*t, s.address_space);
    else s.address_space.allocated = allocated_blocks("all", s.address_space.prefix);
    read_populations(root, s);
    if (auto* t = table_at(root, "worm", true)) read_worm(*t, s);
    cross_check(s);
    if (!diags_.empty()) throw InputError(diags_.format());
    return s;
  }

 private:
  std::string default_name() const {
    const auto slash = file_.find_last_of('/');
    std::string base = slash == std::string::npos ? file_ : file_.substr(slash + 1);
    if (base.size() > 5 && base.ends_with(".toml")) base.resize(base.size() - 5);
    return base;
  }

  void error(const toml::source_region& where, const std::string& table, const std::string& key,
             const std::string& message) {
    diags_.add({file_, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
                table, key, message});
  }

  const toml::table* table_at(const toml::table& root, const std::string& key, bool required) {
    const toml::node* n = root.get(key);
    if (n == nullptr) {
      if (required)
        diags_.add({file_, 0, 0, "", key, "missing table [" + key + "]"});
      return nullptr;
    }
    if (!n->is_table()) {
      error(n->source(), "", key, "expected a table [" + key + "], got " + describe(*n));
      return nullptr;
    }
    return n->as_table();
  }

  void check_keys(const toml::table& t, const std::string& table,
                  const std::vector<std::string>& allowed) {
    for (const auto& [k, v] : t) {
      const std::string key(k.str());
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string msg = "unknown key";
      if (auto near = nearest(key, allowed)) msg += "; did you mean '" + *near + "'?";
      else msg += "; valid keys: " + join(allowed);
      error(k.source(), table, key, msg);
    }
  }

  static std::vector<std::string> keys_of(const ModelInfo& info) {
    std::vector<std::string> keys;
    for (const auto& p : info.params) keys.push_back(p.key);
    return keys;
  }

  const ModelInfo& table_info(std::string_view name) {
    for (const auto& t : scenario_tables())
      if (t.name == name) return t;
    throw std::logic_error("no scenario table named " + std::string(name));
  }

  // --- typed readers: each reports its own problem and returns nullopt on failure ---

  std::optional<std::int64_t> read_integer(const toml::node& n, const std::string& table,
                                           const ParamSpec& spec) {
    if (!n.is_integer()) {
      error(n.source(), table, spec.key, "expected an integer, got " + describe(n));
      return std::nullopt;
    }
    const std::int64_t v = n.as_integer()->get();
    if (static_cast<double>(v) < spec.min || static_cast<double>(v) > spec.max) {
      std::ostringstream msg;
      msg << "expected an integer from " << static_cast<std::int64_t>(spec.min) << " to "
          << static_cast<std::int64_t>(spec.max) << ", got " << v;
      error(n.source(), table, spec.key, msg.str());
      return std::nullopt;
    }
    return v;
  }

  std::optional<double> read_real(const toml::node& n, const std::string& table,
                                  const ParamSpec& spec) {
    double v;
    if (n.is_floating_point()) v = n.as_floating_point()->get();
    else if (n.is_integer()) v = static_cast<double>(n.as_integer()->get());
    else {
      error(n.source(), table, spec.key, "expected a number, got " + describe(n));
      return std::nullopt;
    }
    const double lo = spec.type == ParamType::probability ? 0.0 : spec.min;
    const double hi = spec.type == ParamType::probability ? 1.0 : spec.max;
    if (!std::isfinite(v) || v < lo || v > hi) {
      std::ostringstream msg;
      msg << "expected a " << (spec.type == ParamType::probability ? "probability" : "number")
          << " from " << lo << " to " << hi << ", got " << describe(n);
      error(n.source(), table, spec.key, msg.str());
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::string> read_string(const toml::node& n, const std::string& table,
                                         const std::string& key) {
    if (!n.is_string()) {
      error(n.source(), table, key, "expected a string, got " + describe(n));
      return std::nullopt;
    }
    return n.as_string()->get();
  }

  std::optional<sim::SimTime> read_duration(const toml::node& n, const std::string& table,
                                            const ParamSpec& spec) {
    if (!n.is_string()) {
      std::string msg = "expected a duration with units (" + std::string(sim::duration_units) +
                        "), got " + describe(n);
      if (n.is_integer() || n.is_floating_point()) msg += ": a number needs a unit";
      error(n.source(), table, spec.key, msg);
      return std::nullopt;
    }
    const std::string& text = n.as_string()->get();
    const auto t = sim::parse_duration(text);
    if (!t) {
      error(n.source(), table, spec.key,
            "expected a duration with units (" + std::string(sim::duration_units) + "), got \"" +
                text + "\"");
      return std::nullopt;
    }
    if (t->seconds() < spec.min || t->seconds() > spec.max) {
      error(n.source(), table, spec.key,
            "expected a duration from " + sim::format_duration(sim::SimTime::from_seconds(spec.min)) +
                " to " + sim::format_duration(sim::SimTime::from_seconds(spec.max)) + ", got \"" +
                text + "\"");
      return std::nullopt;
    }
    return t;
  }

  std::optional<double> read_rate(const toml::node& n, const std::string& table,
                                  const ParamSpec& spec) {
    if (!n.is_string()) {
      error(n.source(), table, spec.key,
            "expected a rate with units such as \"358/min\" or \"6/s\", got " + describe(n));
      return std::nullopt;
    }
    const std::string& text = n.as_string()->get();
    const auto r = parse_rate(text);
    if (!r) {
      error(n.source(), table, spec.key,
            "expected a rate with units such as \"358/min\" or \"6/s\" (per s, ms, min, h, d), "
            "got \"" + text + "\"");
      return std::nullopt;
    }
    if (*r < spec.min || *r > spec.max) {
      std::ostringstream msg;
      msg << "expected a rate from " << spec.min << "/s to " << spec.max << "/s, got \"" << text
          << "\"";
      error(n.source(), table, spec.key, msg.str());
      return std::nullopt;
    }
    return r;
  }

  std::optional<std::string> read_choice(const toml::node& n, const std::string& table,
                                         const std::string& key,
                                         const std::vector<std::string>& choices) {
    auto s = read_string(n, table, key);
    if (!s) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *s) != choices.end()) return s;
    std::string msg = "unknown value \"" + *s + "\"";
    if (auto near = nearest(*s, choices)) msg += "; did you mean \"" + *near + "\"?";
    msg += " Valid values: " + join(choices);
    error(n.source(), table, key, msg);
    return std::nullopt;
  }

  template <typename T, std::size_t N>
  std::optional<Mix<T>> read_mix(const toml::node& n, const std::string& table,
                                 const std::string& key,
                                 const std::array<std::string_view, N>& names) {
    if (!n.is_table()) {
      error(n.source(), table, key,
            "expected an inline table of name = fraction, e.g. { \"" + std::string(names[0]) +
                "\" = 1.0 }, got " + describe(n));
      return std::nullopt;
    }
    Mix<T> mix;
    double sum = 0;
    bool ok = true;
    std::vector<std::string> valid(names.begin(), names.end());
    for (const auto& [k, v] : *n.as_table()) {
      const std::string name(k.str());
      const auto value = enum_from_name<T>(names, name);
      if (!value) {
        std::string msg = "unknown name \"" + name + "\"";
        if (auto near = nearest(name, valid)) msg += "; did you mean \"" + *near + "\"?";
        msg += " Valid names: " + join(valid);
        error(k.source(), table, key, msg);
        ok = false;
        continue;
      }
      double w;
      if (v.is_floating_point()) w = v.as_floating_point()->get();
      else if (v.is_integer()) w = static_cast<double>(v.as_integer()->get());
      else {
        error(v.source(), table, key + "." + name, "expected a fraction, got " + describe(v));
        ok = false;
        continue;
      }
      if (!(w >= 0 && w <= 1)) {
        std::ostringstream msg;
        msg << "expected a fraction from 0 to 1, got " << describe(v);
        error(v.source(), table, key + "." + name, msg.str());
        ok = false;
        continue;
      }
      sum += w;
      mix.emplace_back(*value, w);
    }
    if (!ok) return std::nullopt;
    if (mix.empty() || std::abs(sum - 1.0) > 1e-6) {
      std::ostringstream msg;
      msg << "expected fractions summing to 1, got a sum of " << sum;
      error(n.source(), table, key, msg.str());
      return std::nullopt;
    }
    return mix;
  }

  // --- tables ---

  void read_simulation(const toml::table& t, SimulationConfig& c) {
    const ModelInfo& info = table_info("simulation");
    const std::string tn = "simulation";
    check_keys(t, tn, keys_of(info));
    if (auto* n = t.get("name")) {
      if (auto v = read_string(*n, tn, "name")) c.name = *v;
    }
    c.start_epoch_s = days_from_civil(2001, 7, 19) * 86400 + 10 * 3600;
    if (auto* n = t.get("start")) {
      if (!n->is_date_time()) {
        error(n->source(), tn, "start",
              "expected a TOML date-time in UTC such as 2001-07-19T10:00:00Z, got " + describe(*n));
      } else {
        const toml::date_time dt = n->as_date_time()->get();
        if (!dt.offset) {
          error(n->source(), tn, "start",
                "expected a date-time with an offset (Z for UTC), got a local date-time");
        } else {
          c.start_epoch_s = days_from_civil(dt.date.year, dt.date.month, dt.date.day) * 86400 +
                            dt.time.hour * 3600 + dt.time.minute * 60 + dt.time.second -
                            dt.offset->minutes * 60;
        }
      }
    }
    if (auto* n = t.get("duration"))
      if (auto v = read_duration(*n, tn, *info.find("duration"))) c.duration = *v;
    if (auto* n = t.get("seed"))
      if (auto v = read_integer(*n, tn, *info.find("seed"))) c.seed = static_cast<std::uint64_t>(*v);
    if (auto* n = t.get("sample_every")) {
      if (auto v = read_duration(*n, tn, *info.find("sample_every"))) {
        c.sample_every = *v;
        if (c.sample_every > c.duration)
          error(n->source(), tn, "sample_every",
                "expected at most the duration (" + sim::format_duration(c.duration) + "), got \"" +
                    sim::format_duration(*v) + "\"");
      }
    }
    if (auto* n = t.get("partitions"))
      if (auto v = read_integer(*n, tn, *info.find("partitions")))
        c.partitions = static_cast<std::uint32_t>(*v);
    if (auto* n = t.get("replications"))
      if (auto v = read_integer(*n, tn, *info.find("replications")))
        c.replications = static_cast<std::uint32_t>(*v);
  }

  void read_address_space(const toml::table& t, AddressSpaceConfig& c) {
    const ModelInfo& info = table_info("address_space");
    const std::string tn = "address_space";
    check_keys(t, tn, keys_of(info));
    if (auto* n = t.get("prefix")) {
      if (auto s = read_string(*n, tn, "prefix")) {
        if (auto p = sim::parse_prefix(*s)) c.prefix = *p;
        else
          error(n->source(), tn, "prefix",
                "expected an IPv4 prefix such as \"0.0.0.0/0\" or \"10.0.0.0/12\" (host bits "
                "zero), got \"" + *s + "\"");
      }
    }
    if (auto* n = t.get("allocated_blocks")) {
      const auto* spec = info.find("allocated_blocks");
      if (auto s = read_choice(*n, tn, "allocated_blocks", spec->choices)) {
        c.allocated_name = *s;
        c.allocated = allocated_blocks(*s, c.prefix);
        if (c.allocated.empty())
          error(n->source(), tn, "allocated_blocks",
                "no block of \"" + *s + "\" lies inside the prefix " + sim::format_prefix(c.prefix));
        return;
      }
    }
    c.allocated = allocated_blocks(c.allocated_name, c.prefix);
  }

  void read_populations(const toml::table& root, Scenario& s) {
    const toml::node* n = root.get("population");
    if (n == nullptr) {
      diags_.add({file_, 0, 0, "", "population",
                  "missing [[population]]: a scenario needs at least one population of hosts"});
      return;
    }
    if (!n->is_array_of_tables() || n->as_array()->empty()) {
      error(n->source(), "", "population",
            "expected one or more [[population]] tables, got " + describe(*n));
      return;
    }
    const ModelInfo& info = table_info("population");
    for (const auto& elem : *n->as_array()) {
      const toml::table& t = *elem.as_table();
      const std::string tn = "population";
      check_keys(t, tn, keys_of(info));
      PopulationConfig p;
      p.name = "population-" + std::to_string(s.populations.size() + 1);
      if (auto* v = t.get("name"))
        if (auto str = read_string(*v, tn, "name")) p.name = *str;
      if (auto* v = t.get("count")) {
        if (auto c = read_integer(*v, tn, *info.find("count"))) p.count = static_cast<std::uint64_t>(*c);
      } else {
        error(t.source(), tn, "count", "missing: how many hosts the population has");
      }
      if (auto* v = t.get("placement")) read_placement(*v, p.placement);
      if (auto* v = t.get("os")) {
        if (auto m = read_mix<Os>(*v, tn, "os", kOsNames)) p.os = *m;
      } else {
        error(t.source(), tn, "os", "missing: the population's mix of operating systems, e.g. "
                                    "os = { \"win2000-sp1\" = 1.0 }");
      }
      if (auto* v = t.get("locale")) {
        if (auto m = read_mix<Locale>(*v, tn, "locale", kLocaleNames)) p.locale = *m;
      } else {
        p.locale = {{Locale::en, 1.0}};
      }
      if (auto* v = t.get("services")) read_services(*v, p);
      s.populations.push_back(std::move(p));
      population_places_.push_back(&t);
    }
  }

  void read_placement(const toml::node& n, PlacementConfig& c) {
    const std::string tn = "population";
    if (!n.is_table()) {
      error(n.source(), tn, "placement",
            "expected an inline table such as { per = \"/16\", mean_per_block = 35 }, got " +
                describe(n));
      return;
    }
    const toml::table& t = *n.as_table();
    check_keys(t, "population.placement", {"per", "mean_per_block"});
    if (auto* v = t.get("per")) {
      if (auto s = read_string(*v, tn, "placement.per")) {
        unsigned len = 0;
        bool ok = s->size() >= 2 && (*s)[0] == '/';
        if (ok) {
          const auto [p, ec] = std::from_chars(s->data() + 1, s->data() + s->size(), len);
          ok = ec == std::errc{} && p == s->data() + s->size() && len >= 8 && len <= 30;
        }
        if (ok) c.block_length = static_cast<std::uint8_t>(len);
        else
          error(v->source(), tn, "placement.per",
                "expected a block size from \"/8\" to \"/30\", got \"" + *s + "\"");
      }
    }
    if (auto* v = t.get("mean_per_block")) {
      ParamSpec spec{"placement.mean_per_block", ParamType::real, "", "", 1e-9, 1e9, "", "", {}};
      if (auto m = read_real(*v, tn, spec)) {
        c.mean_per_block = *m;
        const double block_hosts = std::ldexp(1.0, 32 - c.block_length) - 2;
        if (*m <= 0 || *m > block_hosts) {
          std::ostringstream msg;
          msg << "expected a positive mean of at most " << block_hosts << " hosts per /"
              << int(c.block_length) << ", got " << *m;
          error(v->source(), tn, "placement.mean_per_block", msg.str());
        }
      }
    }
  }

  void read_services(const toml::node& n, PopulationConfig& p) {
    const std::string tn = "population";
    if (!n.is_array()) {
      error(n.source(), tn, "services",
            "expected an array of service names such as [\"iis5-index\"], got " + describe(n));
      return;
    }
    std::vector<std::string> valid;
    for (const auto& s : kServiceNames) valid.emplace_back(s.name);
    for (const auto& item : *n.as_array()) {
      if (auto s = read_choice(item, tn, "services", valid)) p.services |= *service_from_name(*s);
    }
  }

  void read_worm(const toml::table& t, Scenario& s) {
    const std::string tn = "worm";
    const toml::node* model_node = t.get("model");
    if (model_node == nullptr) {
      error(t.source(), tn, "model", "missing: which worm to release (" + model_names("worm") + ")");
      return;
    }
    std::vector<std::string> worms;
    for (const auto& m : builtin_models())
      if (m.kind == "worm") worms.push_back(m.name);
    const auto model = read_choice(*model_node, tn, "model", worms);
    if (!model) return;
    s.worm.model = *model;
    const ModelInfo& info = *find_model("worm", *model);
    std::vector<std::string> keys = keys_of(info);
    keys.insert(keys.begin(), "model");
    check_keys(t, tn, keys);
    // Defaults come from the parameter table itself, so the docs and the loader cannot disagree.
    auto value_node = [&](const std::string& key, toml::table& defaults) -> const toml::node* {
      if (auto* v = t.get(key)) return v;
      const ParamSpec* spec = info.find(key);
      defaults = toml::parse("v = " + quote_default(*spec));
      return defaults.get("v");
    };
    toml::table defaults;
    if (auto* v = value_node("initial_infected", defaults))
      if (auto x = read_integer(*v, tn, *info.find("initial_infected")))
        s.worm.initial_infected = static_cast<std::uint64_t>(*x);
    if (auto* v = value_node("probe_rate", defaults))
      if (auto x = read_rate(*v, tn, *info.find("probe_rate"))) s.worm.probe_rate_per_s = *x;
    if (auto* v = value_node("exploit_delay", defaults))
      if (auto x = read_duration(*v, tn, *info.find("exploit_delay"))) s.worm.exploit_delay = *x;
    if (auto* v = value_node("spread_until_day", defaults))
      if (auto x = read_integer(*v, tn, *info.find("spread_until_day")))
        s.worm.spread_until_day = static_cast<int>(*x);
    worm_place_ = &t;
  }

  static std::string quote_default(const ParamSpec& spec) {
    switch (spec.type) {
      case ParamType::duration:
      case ParamType::rate:
      case ParamType::string:
      case ParamType::choice:
      case ParamType::prefix: return "\"" + spec.default_value + "\"";
      default: return spec.default_value;
    }
  }

  void cross_check(const Scenario& s) {
    // Every population must fit in its blocks, and the blocks in the allocated space.
    std::uint64_t vulnerable = 0;
    for (std::size_t i = 0; i < s.populations.size(); ++i) {
      const PopulationConfig& p = s.populations[i];
      const toml::table& where = *population_places_[i];
      if (p.placement.block_length < s.address_space.prefix.length) {
        error(where.source(), "population", "placement.per",
              "blocks of /" + std::to_string(p.placement.block_length) +
                  " are larger than the address space " + sim::format_prefix(s.address_space.prefix));
        continue;
      }
      double available_blocks = 0;
      for (const auto& b : s.address_space.allocated)
        available_blocks += std::ldexp(1.0, p.placement.block_length - std::max(b.length, s.address_space.prefix.length));
      const double needed = std::ceil(static_cast<double>(p.count) / p.placement.mean_per_block);
      if (p.count > 0 && needed > available_blocks) {
        std::ostringstream msg;
        msg << "expected at most " << static_cast<std::uint64_t>(available_blocks)
            << " blocks of /" << int(p.placement.block_length)
            << " in the allocated space, but " << p.count << " hosts at "
            << p.placement.mean_per_block << " per block need " << needed;
        error(where.source(), "population", "count", msg.str());
      }
      if (p.services & (kIis4Index | kIis5Index)) vulnerable += p.count;
    }
    if (worm_place_ != nullptr && !s.worm.model.empty() && !s.populations.empty()) {
      if (vulnerable == 0) {
        error(worm_place_->source(), "worm", "model",
              "no population runs a service " + s.worm.model +
                  " infects (iis4-index or iis5-index)");
      } else if (s.worm.initial_infected > vulnerable) {
        const toml::node* n = worm_place_->get("initial_infected");
        error(n ? n->source() : worm_place_->source(), "worm", "initial_infected",
              "expected at most the " + std::to_string(vulnerable) +
                  " vulnerable hosts, got " + std::to_string(s.worm.initial_infected));
      }
    }
  }

  std::string file_;
  Diagnostics diags_;
  std::vector<const toml::table*> population_places_;
  const toml::table* worm_place_ = nullptr;
};

}  // namespace

Scenario load_scenario_text(std::string_view text, const std::string& display_name) {
  return Loader(display_name).load(text);
}

Scenario load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": error: cannot read the scenario file: " + std::strerror(errno) + "\n");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(path + ": error: cannot read the scenario file\n");
  return load_scenario_text(ss.str(), path);
}

}  // namespace wormsim::models
