#include "models/scenario/loader.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "models/address_plan.hpp"
#include "models/defence/defence_catalog.hpp"
#include "models/registry.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/override_table.hpp"
#include "models/worm/calendar.hpp"
#include "models/worm/worm_catalog.hpp"
#include "net/as_graph.hpp"
#include "net/generators.hpp"
#include "net/graphml.hpp"
#include "net/input_error.hpp"
#include "net/traffic.hpp"
#include "net/units.hpp"

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

/// A value from the file as it appears in a message: in double quotes, with control characters
/// escaped (a message is one line) and long text cut short.
std::string as_quoted(std::string_view text) {
  constexpr std::size_t kMaxBytes = 60;
  std::string_view shown = text;
  bool cut = false;
  if (shown.size() > kMaxBytes) {
    std::size_t end = kMaxBytes;
    // Never cut a UTF-8 sequence in half: back off to the start of a character.
    while (end > 0 && (static_cast<unsigned char>(shown[end]) & 0xC0) == 0x80) --end;
    shown = shown.substr(0, end);
    cut = true;
  }
  std::string out = "\"";
  for (char ch : shown) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"')
      out += "\\\"";
    else if (ch == '\\')
      out += "\\\\";
    else if (ch == '\n')
      out += "\\n";
    else if (ch == '\t')
      out += "\\t";
    else if (ch == '\r')
      out += "\\r";
    else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
      out += buf;
    } else
      out += ch;
  }
  out += cut ? "\"..." : "\"";
  return out;
}

/// A key as it appears in a message: as written when it is a TOML bare key, quoted otherwise.
std::string key_text(std::string_view key) {
  const bool bare =
      !key.empty() && key.size() <= 60 && std::all_of(key.begin(), key.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               ch == '_' || ch == '-';
      });
  return bare ? std::string(key) : as_quoted(key);
}

/// A number for a message: whole numbers in full ("1000000000", not "1e+09").
std::string number_text(double v) {
  char buf[32];
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) <= 9007199254740992.0)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string describe(const toml::node& n) {
  std::ostringstream os;
  if (n.is_string())
    os << "string " << as_quoted(n.as_string()->get());
  else if (n.is_integer())
    os << "integer " << n.as_integer()->get();
  else if (n.is_floating_point())
    os << "number " << number_text(n.as_floating_point()->get());
  else if (n.is_boolean())
    os << "boolean " << (n.as_boolean()->get() ? "true" : "false");
  else if (n.is_table())
    os << "a table";
  else if (n.is_array())
    os << "an array";
  else if (n.is_date_time())
    os << "the date-time " << n.as_date_time()->get();
  else if (n.is_date())
    os << "the date " << n.as_date()->get() << " without a time of day";
  else if (n.is_time())
    os << "the time of day " << n.as_time()->get() << " without a date";
  else
    os << "something else";
  return os.str();
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool is_bare_number(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char ch) {
    return (ch >= '0' && ch <= '9') || ch == '.' || ch == '_';
  }) && std::any_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

/// Parses "358/min", "6/s", "0.5/ms" into events per second (negative values included, for the
/// range check to name them).
std::optional<double> parse_rate(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string number(text.substr(0, slash));
  std::erase(number, '_');
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc{} || end != number.data() + number.size() || !std::isfinite(value))
    return std::nullopt;
  const std::string_view unit = text.substr(slash + 1);
  double per_s;
  if (unit == "s")
    per_s = 1;
  else if (unit == "ms")
    per_s = 1e3;
  else if (unit == "min" || unit == "m")
    per_s = 1.0 / 60;
  else if (unit == "h")
    per_s = 1.0 / 3600;
  else if (unit == "d")
    per_s = 1.0 / 86400;
  else
    return std::nullopt;
  return value * per_s;
}

/// Rounds a positive limit down to two significant digits, so that the figure printed in a
/// message still satisfies the limit.
double round_down_2(double x) {
  if (!(x > 0) || !std::isfinite(x)) return x;
  const double scale = std::pow(10.0, std::floor(std::log10(x)) - 1);
  return std::floor(x / scale) * scale;
}

/// Hosts are spread over ceil(count / mean) blocks, each host in a uniformly chosen one, so a
/// block's load is Binomial with mean mu <= mean; the world builder redraws collisions inside
/// the block, which never ends if a block receives more hosts than its usable addresses. With
/// t = usable + 1, the Chernoff bound P(X >= t) <= e^-mu (e mu / t)^t and a union bound over
/// the blocks give the chance that any block overflows; we accept at most one in a million.
bool blocks_cannot_overflow(std::uint64_t count, double mean, double usable) {
  if (static_cast<double>(count) <= usable) return true;  // even one block holds everyone
  const double blocks = std::ceil(static_cast<double>(count) / mean);
  // More blocks than IPv4 holds: the capacity check reports it, with a clearer message.
  if (!(blocks <= 4294967296.0)) return true;
  const double mu = static_cast<double>(count) / blocks;
  const double t = usable + 1;
  if (mu >= t) return false;
  const double log_bound = -mu + t * (1 + std::log(mu) - std::log(t));
  return std::log(blocks) + log_bound <= std::log(1e-6);
}

/// The largest mean_per_block for which blocks_cannot_overflow holds (it falls as the mean
/// grows), found by bisection on a log scale.
double max_safe_mean(std::uint64_t count, double usable) {
  double lo = std::log(1e-12), hi = std::log(usable);
  if (blocks_cannot_overflow(count, usable, usable)) return usable;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    if (blocks_cannot_overflow(count, std::exp(mid), usable))
      lo = mid;
    else
      hi = mid;
  }
  return std::exp(lo);
}

/// toml++ describes an unterminated string as an unescaped control character (the newline);
/// say what the user did instead.
std::string explain_parse_error(std::string_view text, const toml::parse_error& e) {
  std::string what(e.description());
  const auto& b = e.source().begin;
  // Find the character the error points at: line and column are 1-based, columns count
  // code points.
  std::size_t pos = 0;
  for (std::size_t line = 1; line < b.line && pos < text.size(); ++line) {
    const auto nl = text.find('\n', pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  for (std::size_t col = 1; col < b.column && pos < text.size() && text[pos] != '\n'; ++col) {
    ++pos;
    while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
  }
  const bool at_line_end = pos >= text.size() || text[pos] == '\n' || text[pos] == '\r';
  if (what.find("parsing string") != std::string::npos ||
      what.find("parsing literal string") != std::string::npos) {
    if (at_line_end) return "a string is not closed before the end of the line (missing '\"')";
    if (what.find("end-of-file") != std::string::npos)
      return "a string is not closed before the end of the file";
  }
  if ((what.find("parsing decimal integer: expected digit") != std::string::npos ||
       what.find("parsing floating-point") != std::string::npos) &&
      pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos])))
    what += "; values with units are strings, e.g. duration = \"24h\"";
  return what;
}

/// Where a population's values sit in the file, and which of them were read without error (the
/// cross-checks skip what they cannot judge, so one mistake is reported once).
struct PopulationPlace {
  const toml::table* table = nullptr;
  const toml::node* count = nullptr;
  const toml::node* placement = nullptr;
  const toml::node* per = nullptr;
  const toml::node* mean = nullptr;
  bool count_ok = false;
  bool placement_ok = true;
  bool services_ok = true;
};

/// Where a defence or action sits in the file, and which of its values were read without error
/// (for the cross-checks, as PopulationPlace).
struct DefencePlace {
  const toml::table* table = nullptr;
  const toml::node* kind = nullptr;  ///< `kind` or `do`
  std::string table_name;            ///< "defence", "action", "variant.defence", "variant.action"
  const toml::node* block_in_tcp80 = nullptr;  ///< the first block_in rule covering TCP port 80
  bool populations_ok = true;
  bool block_in_ok = true;
  bool web_servers_offline_ok = true;
};

class Loader {
 public:
  Loader(std::string file) : file_(std::move(file)) {}

  Scenario load(std::string_view text, const std::vector<Override>& overrides) {
    Scenario s;
    s.path = file_;
    s.text_hash = fnv1a64_hex(text);
    toml::table root;
    try {
      root = toml::parse(text, file_);
    } catch (const toml::parse_error& e) {
      const auto& b = e.source().begin;
      diags_.add({file_, std::max(1, static_cast<int>(b.line)),
                  std::max(1, static_cast<int>(b.column)), "", "",
                  "not valid TOML: " + explain_parse_error(text, e)});
      throw InputError(diags_.format());
    }
    // Overrides are set in the parsed file, so that every check below judges them as it would
    // the file's own values (a key that leads nowhere is reported and skipped).
    apply_overrides(root, overrides, file_, diags_);
    s.overrides = overrides;
    check_keys(
        root, "",
        {"simulation", "address_space", "population", "worm", "defence", "action", "variant",
         "network", "device"});
    s.simulation.name = default_name();
    if (auto* t = table_at(root, "simulation", true)) read_simulation(*t, s.simulation);
    if (auto* t = table_at(root, "address_space", false))
      read_address_space(*t, s.address_space);
    else
      s.address_space.allocated = allocated_blocks("all", s.address_space.prefix);
    read_populations(root, s);
    read_worms(root, s);
    read_defences(root, s);
    if (auto* t = table_at(root, "network", false)) read_network(*t, s);
    read_devices(root, s);
    cross_check(s);
    cross_check_defences(s);
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
    // A value set with --set has the option as its source: name it, not a place in the file.
    if (where.path && *where.path != file_) {
      diags_.add({*where.path, 0, 0, table, key, message});
      return;
    }
    diags_.add({file_, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
                table, key, message});
  }

  const toml::table* table_at(const toml::table& root, const std::string& key, bool required) {
    const toml::node* n = root.get(key);
    if (n == nullptr) {
      if (required) diags_.add({file_, 0, 0, "", key, "missing table [" + key + "]"});
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
      if (auto near = nearest(key, allowed))
        msg += "; did you mean '" + *near + "'?";
      else
        msg += "; valid keys: " + join(allowed);
      error(k.source(), table, key_text(key), msg);
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
      error(n.source(), table, spec.key,
            "expected an integer from " + number_text(spec.min) + " to " + number_text(spec.max) +
                ", got " + std::to_string(v));
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
    const std::string expected =
        "expected a duration with one of the units " + std::string(sim::duration_units);
    if (!n.is_string()) {
      std::string msg = expected + ", got " + describe(n);
      const double v = n.is_integer()          ? static_cast<double>(n.as_integer()->get())
                       : n.is_floating_point() ? n.as_floating_point()->get()
                                               : 0.0;
      if (v > 0 && std::isfinite(v))
        msg += "; a number needs a unit, such as \"" + number_text(v) + "s\"";
      error(n.source(), table, spec.key, msg);
      return std::nullopt;
    }
    const std::string& text = n.as_string()->get();
    const auto t = sim::parse_duration(text);
    const std::string range = "expected a duration from " +
                              sim::format_duration(sim::SimTime::from_seconds(spec.min)) + " to " +
                              sim::format_duration(sim::SimTime::from_seconds(spec.max));
    if (!t) {
      std::string msg;
      if (text.starts_with('-') && sim::parse_duration(std::string_view(text).substr(1)))
        msg = range + ", got " + as_quoted(text) + ", which is negative";
      else if (is_bare_number(text))
        msg = expected + ", got " + as_quoted(text) + "; a number needs a unit, such as " +
              as_quoted(text + "s");
      else
        msg = expected + ", got " + as_quoted(text);
      error(n.source(), table, spec.key, msg);
      return std::nullopt;
    }
    if (t->seconds() < spec.min || t->seconds() > spec.max) {
      error(n.source(), table, spec.key, range + ", got " + as_quoted(text));
      return std::nullopt;
    }
    return t;
  }

  std::optional<double> read_rate(const toml::node& n, const std::string& table,
                                  const ParamSpec& spec) {
    const std::string expected =
        "expected a rate with units such as \"358/min\" or \"6/s\" (per s, ms, min, h or d)";
    if (!n.is_string()) {
      std::string msg = expected + ", got " + describe(n);
      const double v = n.is_integer()          ? static_cast<double>(n.as_integer()->get())
                       : n.is_floating_point() ? n.as_floating_point()->get()
                                               : 0.0;
      if (v > 0 && std::isfinite(v))
        msg += "; a number needs a unit, such as \"" + number_text(v) + "/min\"";
      error(n.source(), table, spec.key, msg);
      return std::nullopt;
    }
    const std::string& text = n.as_string()->get();
    const auto r = parse_rate(text);
    if (!r) {
      std::string msg = expected + ", got " + as_quoted(text);
      if (is_bare_number(text))
        msg += "; a number needs a unit, such as " + as_quoted(text + "/min");
      error(n.source(), table, spec.key, msg);
      return std::nullopt;
    }
    if (!(*r > 0)) {
      error(n.source(), table, spec.key,
            "expected a positive rate such as \"358/min\", got " + as_quoted(text));
      return std::nullopt;
    }
    if (*r < spec.min || *r > spec.max) {
      error(n.source(), table, spec.key,
            "expected a rate from " + number_text(spec.min) + "/s to " + number_text(spec.max) +
                "/s, got " + as_quoted(text));
      return std::nullopt;
    }
    return r;
  }

  /// `what` names the kind of value in the message: "a worm model", "a service", ...
  std::optional<std::string> read_choice(const toml::node& n, const std::string& table,
                                         const std::string& key, const std::string& what,
                                         const std::vector<std::string>& choices) {
    auto s = read_string(n, table, key);
    if (!s) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *s) != choices.end()) return s;
    std::string msg = "expected " + what + " (one of: " + join(choices) + "), got " + as_quoted(*s);
    if (auto near = nearest(*s, choices)) msg += "; did you mean \"" + *near + "\"?";
    error(n.source(), table, key, msg);
    return std::nullopt;
  }

  template <typename T, std::size_t N>
  std::optional<Mix<T>> read_mix(const toml::node& n, const std::string& table,
                                 const std::string& key, const std::string& what,
                                 const std::array<std::string_view, N>& names,
                                 bool sums_to_one = true) {
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
        std::string msg =
            "expected " + what + " (one of: " + join(valid) + "), got " + as_quoted(name);
        if (auto near = nearest(name, valid)) msg += "; did you mean \"" + *near + "\"?";
        error(k.source(), table, key, msg);
        ok = false;
        continue;
      }
      double w;
      if (v.is_floating_point())
        w = v.as_floating_point()->get();
      else if (v.is_integer())
        w = static_cast<double>(v.as_integer()->get());
      else {
        error(v.source(), table, key + "." + key_text(name),
              "expected a fraction from 0 to 1, got " + describe(v));
        ok = false;
        continue;
      }
      if (!(w >= 0 && w <= 1)) {
        error(v.source(), table, key + "." + key_text(name),
              "expected a fraction from 0 to 1, got " + describe(v));
        ok = false;
        continue;
      }
      sum += w;
      mix.emplace_back(*value, w);
    }
    if (!ok) return std::nullopt;
    if (sums_to_one && (mix.empty() || std::abs(sum - 1.0) > 1e-6)) {
      // Ten digits: a sum off by more than the 1e-6 tolerance never prints as "1".
      char sum_text[32];
      std::snprintf(sum_text, sizeof sum_text, "%.10g", sum);
      error(n.source(), table, key,
            std::string("expected fractions summing to 1, got a sum of ") + sum_text);
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
    if (auto* n = t.get("start")) read_start(*n, c);
    if (auto* n = t.get("duration")) {
      duration_given_ = true;
      if (auto v = read_duration(*n, tn, *info.find("duration")))
        c.duration = *v;
      else
        duration_ok_ = false;
    }
    if (auto* n = t.get("seed"))
      if (auto v = read_integer(*n, tn, *info.find("seed")))
        c.seed = static_cast<std::uint64_t>(*v);
    if (auto* n = t.get("sample_every")) {
      if (auto v = read_duration(*n, tn, *info.find("sample_every"))) {
        c.sample_every = *v;
        // Against a duration that failed to read, the comparison would judge a default.
        if (duration_ok_ && c.sample_every > c.duration)
          error(n->source(), tn, "sample_every",
                "expected at most the duration (" + sim::format_duration(c.duration) + "), got " +
                    as_quoted(n->as_string()->get()));
      }
    }
    if (auto* n = t.get("partitions"))
      if (auto v = read_integer(*n, tn, *info.find("partitions")))
        c.partitions = static_cast<std::uint32_t>(*v);
    if (auto* n = t.get("replications"))
      if (auto v = read_integer(*n, tn, *info.find("replications")))
        c.replications = static_cast<std::uint32_t>(*v);
  }

  void read_start(const toml::node& n, SimulationConfig& c) {
    const std::string tn = "simulation";
    const std::string expected =
        "expected a TOML date-time in UTC such as 2001-07-19T10:00:00Z, got " + describe(n);
    if (n.is_string()) {
      // A quoted date-time is a common slip: say so when the text would be one unquoted.
      const std::string& text = n.as_string()->get();
      bool unquoted_is_date_time = false;
      if (text.find_first_of("\r\n\"#") == std::string::npos) {
        try {
          const toml::table probe = toml::parse("v = " + text);
          unquoted_is_date_time = probe.get("v") != nullptr && probe.get("v")->is_date_time();
        } catch (const toml::parse_error&) {
        }
      }
      error(n.source(), tn, "start",
            expected + (unquoted_is_date_time ? "; write a date-time without quotes" : ""));
      return;
    }
    if (!n.is_date_time()) {
      error(n.source(), tn, "start", expected);
      return;
    }
    const toml::date_time dt = n.as_date_time()->get();
    if (!dt.offset) {
      std::ostringstream written;
      written << dt;
      error(n.source(), tn, "start",
            "expected a date-time with an offset such as 2001-07-19T10:00:00Z (Z for UTC), got "
            "the local date-time " +
                written.str());
      return;
    }
    c.start_epoch_s = days_from_civil(dt.date.year, dt.date.month, dt.date.day) * 86400 +
                      dt.time.hour * 3600 + dt.time.minute * 60 + dt.time.second -
                      dt.offset->minutes * 60;
  }

  void read_address_space(const toml::table& t, AddressSpaceConfig& c) {
    const ModelInfo& info = table_info("address_space");
    const std::string tn = "address_space";
    check_keys(t, tn, keys_of(info));
    if (auto* n = t.get("prefix")) {
      if (auto s = read_string(*n, tn, "prefix")) {
        if (auto p = sim::parse_prefix(*s))
          c.prefix = *p;
        else {
          error(n->source(), tn, "prefix", explain_bad_prefix(*s));
          space_ok_ = false;
        }
      } else {
        space_ok_ = false;
      }
    }
    if (auto* n = t.get("allocated_blocks")) {
      const auto* spec = info.find("allocated_blocks");
      if (auto s = read_choice(*n, tn, "allocated_blocks", "a block list", spec->choices)) {
        c.allocated_name = *s;
        c.allocated = allocated_blocks(*s, c.prefix);
        if (c.allocated.empty() && space_ok_) {
          error(n->source(), tn, "allocated_blocks",
                "expected a block list with at least one block inside the prefix " +
                    sim::format_prefix(c.prefix) + ", got " + as_quoted(*s) +
                    ", whose blocks all lie outside it (\"all\" places hosts anywhere in the "
                    "prefix)");
        }
        if (c.allocated.empty()) space_ok_ = false;
        return;
      }
      space_ok_ = false;
    }
    c.allocated = allocated_blocks(c.allocated_name, c.prefix);
  }

  static std::string explain_bad_prefix(const std::string& text) {
    const std::string expected = "expected an IPv4 prefix such as \"0.0.0.0/0\" or \"10.0.0.0/12\"";
    const auto slash = text.find('/');
    if (slash != std::string::npos) {
      const auto base = sim::parse_address(std::string_view(text).substr(0, slash));
      unsigned length = 0;
      const char* first = text.data() + slash + 1;
      const char* last = text.data() + text.size();
      const auto [p, ec] = std::from_chars(first, last, length);
      if (base && first != last && ec == std::errc{} && p == last) {
        if (length > 32) return "expected a prefix length from 0 to 32, got " + as_quoted(text);
        const sim::Prefix fixed = sim::Prefix::of(*base, static_cast<std::uint8_t>(length));
        if (fixed.base != *base)
          return "expected a prefix whose host bits are zero, got " + as_quoted(text) +
                 "; did you mean \"" + sim::format_prefix(fixed) + "\"?";
      }
    }
    return expected + ", got " + as_quoted(text);
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
      PopulationPlace place;
      place.table = &t;
      p.name = "population-" + std::to_string(s.populations.size() + 1);
      if (auto* v = t.get("name")) {
        if (auto str = read_string(*v, tn, "name"))
          p.name = *str;
        else
          population_names_ok_ = false;
      }
      if (auto* v = t.get("count")) {
        place.count = v;
        if (auto c = read_integer(*v, tn, *info.find("count"))) {
          p.count = static_cast<std::uint64_t>(*c);
          place.count_ok = true;
        }
      } else {
        error(t.source(), tn, "count",
              "missing: how many hosts the population has, e.g. count = 1_000");
      }
      if (auto* v = t.get("placement")) {
        place.placement = v;
        read_placement(*v, p.placement, place);
      }
      if (auto* v = t.get("os")) {
        if (auto m = read_mix<Os>(*v, tn, "os", "an OS name", kOsNames)) p.os = *m;
      } else {
        error(t.source(), tn, "os",
              "missing: the population's mix of operating systems, e.g. "
              "os = { \"win2000-sp1\" = 1.0 }");
      }
      if (auto* v = t.get("locale")) {
        if (auto m = read_mix<Locale>(*v, tn, "locale", "a locale", kLocaleNames)) p.locale = *m;
      } else {
        p.locale = {{Locale::en, 1.0}};
      }
      if (auto* v = t.get("services")) place.services_ok = read_services(*v, p);
      if (auto* v = t.get("antivirus"))
        if (auto x = read_number(*v, tn, *info.find("antivirus"))) p.antivirus = *x;
      if (auto* v = t.get("unreachable"))
        if (auto x = read_number(*v, tn, *info.find("unreachable"))) p.unreachable = *x;
      if (auto* v = t.get("patched")) {
        std::array<std::string_view, kPatchNames.size()> names;
        for (std::size_t i = 0; i < names.size(); ++i) names[i] = kPatchNames[i].name;
        if (auto m = read_mix<std::size_t>(*v, tn, "patched", "a fix", names, false))
          for (const auto& [index, share] : *m)
            p.patched.emplace_back(static_cast<Patch>(kPatchNames[index].bit), share);
      }
      s.populations.push_back(std::move(p));
      population_places_.push_back(place);
    }
  }

  void read_placement(const toml::node& n, PlacementConfig& c, PopulationPlace& place) {
    const std::string tn = "population";
    if (!n.is_table()) {
      error(n.source(), tn, "placement",
            "expected an inline table such as { per = \"/16\", mean_per_block = 35 }, got " +
                describe(n));
      place.placement_ok = false;
      return;
    }
    const toml::table& t = *n.as_table();
    check_keys(t, "population.placement", {"per", "mean_per_block", "within"});
    if (auto* v = t.get("within")) {
      if (!v->is_array() || v->as_array()->empty()) {
        error(v->source(), tn, "placement.within",
              fmt::format("expected a non-empty array of address blocks such as "
                          "[\"128.2.0.0/16\"], got {}",
                          describe(*v)));
        place.placement_ok = false;
      } else {
        for (const auto& item : *v->as_array()) {
          const auto text = read_string(item, tn, "placement.within");
          const auto prefix = text ? sim::parse_prefix(*text) : std::nullopt;
          if (text && !prefix) error(item.source(), tn, "placement.within", explain_bad_prefix(*text));
          if (!prefix) {
            place.placement_ok = false;
            continue;
          }
          c.within.push_back(*prefix);
        }
      }
    }
    if (auto* v = t.get("per")) {
      place.per = v;
      if (auto s = read_string(*v, tn, "placement.per")) {
        unsigned len = 0;
        bool ok = s->size() >= 2 && (*s)[0] == '/';
        if (ok) {
          const auto [p, ec] = std::from_chars(s->data() + 1, s->data() + s->size(), len);
          ok = ec == std::errc{} && p == s->data() + s->size() && len >= 8 && len <= 30;
        }
        if (ok) {
          c.block_length = static_cast<std::uint8_t>(len);
        } else {
          error(v->source(), tn, "placement.per",
                "expected a block size from \"/8\" to \"/30\", got " + as_quoted(*s));
          place.placement_ok = false;
        }
      } else {
        place.placement_ok = false;
      }
    }
    if (auto* v = t.get("mean_per_block")) {
      place.mean = v;
      double m = 0;
      bool ok = true;
      if (v->is_floating_point())
        m = v->as_floating_point()->get();
      else if (v->is_integer())
        m = static_cast<double>(v->as_integer()->get());
      else
        ok = false;
      if (!ok || !std::isfinite(m) || m <= 0) {
        error(v->source(), tn, "placement.mean_per_block",
              "expected a positive number of hosts per block, got " + describe(*v));
        place.placement_ok = false;
      } else {
        c.mean_per_block = m;
      }
    }
  }

  /// Returns whether every service named is known.
  bool read_services(const toml::node& n, PopulationConfig& p) {
    const std::string tn = "population";
    if (!n.is_array()) {
      error(n.source(), tn, "services",
            "expected an array of service names such as [\"iis5-index\"], got " + describe(n));
      return false;
    }
    std::vector<std::string> valid;
    for (const auto& s : kServiceNames) valid.emplace_back(s.name);
    bool ok = true;
    for (const auto& item : *n.as_array()) {
      if (auto s = read_choice(item, tn, "services", "a service", valid))
        p.services |= *service_from_name(*s);
      else
        ok = false;
    }
    return ok;
  }

  /// [worm] (one worm) or [[worm]] (several released together).
  void read_worms(const toml::table& root, Scenario& s) {
    const toml::node* n = root.get("worm");
    if (n == nullptr) {
      diags_.add({file_, 0, 0, "", "worm", "missing table [worm]"});
      return;
    }
    if (n->is_table()) {
      read_worm(*n->as_table(), s);
    } else if (n->is_array_of_tables() && !n->as_array()->empty()) {
      for (const auto& elem : *n->as_array()) read_worm(*elem.as_table(), s);
    } else {
      error(n->source(), "", "worm",
            "expected a table [worm] or tables [[worm]], got " + describe(*n));
    }
  }

  void read_worm(const toml::table& t, Scenario& s) {
    const std::string tn = "worm";
    const toml::node* model_node = t.get("model");
    if (model_node == nullptr) {
      error(t.source(), tn, "model",
            "missing: which worm to release (" + model_names("worm") + ")");
      return;
    }
    std::vector<std::string> worms;
    for (const auto& m : builtin_models())
      if (m.kind == "worm") worms.push_back(m.name);
    const auto model = read_choice(*model_node, tn, "model", "a worm model", worms);
    if (!model) return;
    WormConfig w;
    w.model = *model;
    const ModelInfo& info = *find_model("worm", *model);
    std::vector<std::string> keys = keys_of(info);
    keys.insert(keys.begin(), "model");
    check_keys(t, tn, keys);
    WormPlace place{&t, true};
    // Every key of the model's table is read, from the file or from the table's default, so the
    // docs and the loader cannot disagree and summary.json records every value used.
    for (const ParamSpec& spec : info.params) {
      toml::table defaults;
      const toml::node* v = t.get(spec.key);
      if (v == nullptr) {
        defaults = toml::parse("v = " + quote_default(spec));
        v = defaults.get("v");
      }
      bool ok = false;
      auto store = [&](auto value) {
        if (!value) return;
        w.params[spec.key] = *value;
        ok = true;
      };
      switch (spec.type) {
        case ParamType::integer:
          store(read_integer(*v, tn, spec));
          break;
        case ParamType::real:
        case ParamType::probability:
          store(read_number(*v, tn, spec));
          break;
        case ParamType::rate:
          store(read_rate(*v, tn, spec));
          break;
        case ParamType::duration:
          store(read_duration(*v, tn, spec));
          break;
        case ParamType::choice:
          store(read_choice(*v, tn, spec.key, "a value", spec.choices));
          break;
        case ParamType::list:
          if (spec.key == "initial_populations") {
            ok = read_population_names(*v, tn, s, w.initial_populations, spec.key) ||
                 w.initial_populations.empty();
            place.initial_infected_ok = place.initial_infected_ok && ok;
            break;
          }
          [[fallthrough]];
        default:
          throw std::logic_error("worm parameter " + spec.key +
                                 " has a type the loader cannot read");
      }
      if (spec.key == "initial_infected") {
        place.initial_infected_ok = ok;
        if (ok)
          w.initial_infected =
              static_cast<std::uint64_t>(std::get<std::int64_t>(w.params[spec.key]));
      }
    }
    if (w.model == "codered-ii" && w.params.count("same_slash8") &&
        w.params.count("same_slash16")) {
      // The third class ("anywhere") takes what the first two leave.
      const double local = w.number("same_slash8") + w.number("same_slash16");
      if (local > 1.0 + 1e-12) {
        const toml::node* n = t.get("same_slash16") ? t.get("same_slash16") : t.get("same_slash8");
        std::ostringstream msg;
        msg << "expected same_slash8 + same_slash16 of at most 1 (the rest scans anywhere), got "
            << local;
        error(n ? n->source() : t.source(), tn, "same_slash16", msg.str());
      }
    }
    if ((w.model == "codered-v1" || w.model == "codered-v2") &&
        w.params.count("spread_until_day") && w.params.count("dormant_from_day") &&
        w.integer("dormant_from_day") < w.integer("spread_until_day")) {
      // The flood runs from the day spreading stops to the day before the worm sleeps.
      const toml::node* n =
          t.get("dormant_from_day") ? t.get("dormant_from_day") : t.get("spread_until_day");
      error(n ? n->source() : t.source(), tn, "dormant_from_day",
            "expected a day no earlier than spread_until_day (" +
                std::to_string(w.integer("spread_until_day")) + "), got " +
                std::to_string(w.integer("dormant_from_day")));
    }
    s.worms.push_back(std::move(w));
    worm_places_.push_back(place);
  }

  std::optional<double> read_number(const toml::node& n, const std::string& table,
                                    const ParamSpec& spec) {
    double v;
    if (n.is_floating_point())
      v = n.as_floating_point()->get();
    else if (n.is_integer())
      v = static_cast<double>(n.as_integer()->get());
    else {
      error(n.source(), table, spec.key, "expected a number, got " + describe(n));
      return std::nullopt;
    }
    const bool probability = spec.type == ParamType::probability;
    const double lo = probability ? 0.0 : spec.min, hi = probability ? 1.0 : spec.max;
    if (!(v >= lo && v <= hi)) {
      std::ostringstream msg;
      msg << "expected " << (probability ? "a probability" : "a number") << " from " << lo << " to "
          << hi << ", got " << describe(n);
      error(n.source(), table, spec.key, msg.str());
      return std::nullopt;
    }
    return v;
  }

  static std::string quote_default(const ParamSpec& spec) {
    switch (spec.type) {
      case ParamType::duration:
      case ParamType::rate:
      case ParamType::string:
      case ParamType::choice:
      case ParamType::prefix:
        return "\"" + spec.default_value + "\"";
      default:
        return spec.default_value;
    }
  }


  // --- the network ---

  /// The directory of the scenario file, against which its relative paths are read.
  std::string relative_to_file(const std::string& path) const {
    const std::filesystem::path p(path);
    if (p.is_absolute()) return path;
    return (std::filesystem::path(file_).parent_path() / p).lexically_normal().string();
  }

  void read_network(const toml::table& t, Scenario& s) {
    const ModelInfo& info = table_info("network");
    const std::string tn = "network";
    check_keys(t, tn, keys_of(info));
    NetworkConfig& c = s.network;
    c.enabled = true;
    const toml::node* topo = t.get("topology");
    if (topo == nullptr) {
      error(t.source(), tn, "topology",
            "missing: a generator (transit-stub, as-powerlaw, campus) or a topology file");
      return;
    }
    const auto source = read_string(*topo, tn, "topology");
    if (!source) return;
    c.source = *source;
    std::vector<std::pair<std::string, std::string>> settings;
    if (const toml::node* n = t.get("parameters")) {
      if (!n->is_table()) {
        error(n->source(), tn, "parameters",
              fmt::format("expected an inline table of generator parameters such as "
                          "{{ sites_per_access = 8, site_capacity = \"1.5Mbps\" }}, got {}",
                          describe(*n)));
      } else {
        for (const auto& [k, v] : *n->as_table()) {
          std::string text;
          if (v.is_string())
            text = v.as_string()->get();
          else if (v.is_integer())
            text = std::to_string(v.as_integer()->get());
          else if (v.is_floating_point())
            text = number_text(v.as_floating_point()->get());
          else if (v.is_boolean())
            text = v.as_boolean()->get() ? "true" : "false";
          else {
            error(v.source(), tn, fmt::format("parameters.{}", k.str()),
                  fmt::format("expected a number, a boolean or a value with its unit, got {}",
                              describe(v)));
            continue;
          }
          settings.emplace_back(std::string(k.str()), text);
        }
      }
    }
    std::optional<std::uint64_t> nodes;
    if (const toml::node* n = t.get("nodes"))
      if (auto v = read_integer(*n, tn, *info.find("nodes")); v && *v > 0)
        nodes = static_cast<std::uint64_t>(*v);
    std::uint64_t seed = s.simulation.seed;
    if (const toml::node* n = t.get("seed"))
      if (auto v = read_integer(*n, tn, *info.find("seed"))) seed = static_cast<std::uint64_t>(*v);
    std::string traffic;
    if (const toml::node* n = t.get("traffic"))
      if (auto v = read_string(*n, tn, "traffic")) traffic = *v;

    // Build the topology now: a bad generator setting or file is reported like any bad key.
    const bool is_generator = std::any_of(net::generators().begin(), net::generators().end(),
                                          [&](const auto& g) { return g.name == c.source; });
    try {
      net::Topology topology;
      if (is_generator) {
        topology = net::generate(c.source, seed, settings, nodes);
      } else {
        if (!settings.empty() || nodes)
          error(topo->source(), tn, "topology",
                fmt::format("parameters and nodes are for generators ({}); got the file {}",
                            "transit-stub, as-powerlaw, campus", as_quoted(c.source)));
        const std::string path = relative_to_file(c.source);
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) {
          error(topo->source(), tn, "topology",
                fmt::format("expected a topology file (relative paths start at the scenario "
                            "file's folder), got {}, which {}",
                            as_quoted(c.source),
                            std::filesystem::exists(path, ec) ? "is not a file"
                                                              : "does not exist"));
          return;
        }
        if (path.ends_with(".txt")) {
          topology = net::read_as_graph(path);
        } else if (path.ends_with(".graphml") || path.ends_with(".xml")) {
          topology = net::read_graphml(path);
        } else {
          error(topo->source(), tn, "topology",
                fmt::format("expected a generator (transit-stub, as-powerlaw, campus), a "
                            "GraphML file (.graphml) or an AS graph (.txt), got {}",
                            as_quoted(c.source)));
          return;
        }
      }
      if (!traffic.empty()) net::read_background_traffic(topology, relative_to_file(traffic));
      c.topology = std::make_shared<const net::Topology>(std::move(topology));
    } catch (const net::InputError& e) {
      std::string what = e.what();
      while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
      error(topo->source(), tn, is_generator ? "parameters" : "topology", what);
      return;
    } catch (const std::invalid_argument& e) {
      error(topo->source(), tn, "topology", e.what());
      return;
    }

    if (const toml::node* n = t.get("inside")) {
      if (!n->is_array()) {
        error(n->source(), tn, "inside",
              fmt::format("expected an array of address blocks such as [\"62.0.0.0/8\"], got {}",
                          describe(*n)));
      } else {
        for (const auto& item : *n->as_array()) {
          const auto text = read_string(item, tn, "inside");
          if (!text) continue;
          const auto p = sim::parse_prefix(*text);
          if (!p) {
            error(item.source(), tn, "inside", explain_bad_prefix(*text));
            continue;
          }
          for (const sim::Prefix& q : c.inside)
            if (q.contains(p->base) || p->contains(q.base))
              error(item.source(), tn, "inside",
                    fmt::format("expected blocks that do not overlap; {} overlaps {}", *text,
                                sim::format_prefix(q)));
          c.inside.push_back(*p);
        }
      }
    }
    if (c.topology && c.topology->internet() && c.inside.empty())
      error(t.get("inside") ? t.get("inside")->source() : t.source(), tn, "inside",
            fmt::format("missing: the address blocks behind {}'s nodes, e.g. inside = "
                        "[\"128.2.0.0/16\"] (everything else lies behind its internet node)",
                        c.topology->info.name));
    if (const toml::node* n = t.get("step"))
      if (auto v = read_duration(*n, tn, *info.find("step"))) c.step = *v;
    if (const toml::node* n = t.get("background_utilisation"))
      if (auto v = read_number(*n, tn, *info.find("background_utilisation")))
        c.background_utilisation = *v;
    if (const toml::node* n = t.get("daily_cycle")) {
      if (!n->is_table()) {
        error(n->source(), tn, "daily_cycle",
              fmt::format("expected an inline table such as {{ trough = 0.4, peak_hour = 15 }}, "
                          "got {}",
                          describe(*n)));
      } else {
        const toml::table& d = *n->as_table();
        check_keys(d, "network.daily_cycle", {"trough", "peak_hour"});
        const ParamSpec trough{"daily_cycle.trough", ParamType::probability, "", "1", 0, 1, "",
                               "", {}};
        const ParamSpec hour{"daily_cycle.peak_hour", ParamType::real, "", "15", 0, 24, "",
                             "", {}};
        if (auto* v = d.get("trough"))
          if (auto x = read_number(*v, tn, trough)) c.cycle_trough = *x;
        if (auto* v = d.get("peak_hour"))
          if (auto x = read_number(*v, tn, hour)) c.peak_hour = *x;
      }
    }
    if (const toml::node* n = t.get("syn_attempts"))
      if (auto v = read_integer(*n, tn, *info.find("syn_attempts")))
        c.syn_attempts = static_cast<std::uint32_t>(*v);
    for (const char* key : {"syn_bytes", "echo_bytes", "flood_bytes"}) {
      const toml::node* n = t.get(key);
      if (n == nullptr) continue;
      if (!n->is_string()) {
        error(n->source(), tn, key,
              fmt::format("expected a packet size with its unit ({}), got {}", net::size_units,
                          describe(*n)));
        continue;
      }
      const std::string text_value = n->as_string()->get();
      const std::optional<std::string> text = text_value;
      const auto bytes = net::parse_size(*text);
      if (!bytes || *bytes == 0 || *bytes > 65535) {
        error(n->source(), tn, key,
              fmt::format("expected a packet size from 1B to 65535B with its unit ({}), got {}",
                          net::size_units, as_quoted(*text)));
        continue;
      }
      (std::string_view(key) == "syn_bytes"    ? c.syn_bytes
       : std::string_view(key) == "echo_bytes" ? c.echo_bytes
                                               : c.flood_bytes) = static_cast<double>(*bytes);
    }
    if (const toml::node* n = t.get("links_every")) {
      if (auto v = read_duration(*n, tn, *info.find("links_every"))) {
        if (v->us % s.simulation.sample_every.us != 0)
          error(n->source(), tn, "links_every",
                fmt::format("expected a multiple of sample_every ({}), got {}",
                            sim::format_duration(s.simulation.sample_every),
                            as_quoted(n->as_string()->get())));
        else
          c.links_every = *v;
      }
    }
    if (const toml::node* n = t.get("links"))
      if (auto v = read_choice(*n, tn, "links", "a value", {"loaded", "all"}))
        c.all_links = *v == "all";
    if (const toml::node* n = t.get("target_utilisation"))
      if (auto v = read_number(*n, tn, *info.find("target_utilisation"))) {
        if (*v <= 0)
          error(n->source(), tn, "target_utilisation",
                fmt::format("expected a utilisation above 0 and at most 1, got {}", describe(*n)));
        else
          c.target_utilisation = *v;
      }
  }

  void read_devices(const toml::table& root, Scenario& s) {
    const auto tables = tables_at(root, "device", "", "device");
    if (tables.empty()) return;
    if (!s.network.enabled) {
      error(root.get("device")->source(), "", "device",
            "expected a [network] table: devices sit on its nodes");
      return;
    }
    const ModelInfo& common = table_info("device");
    const ParamSpec& model_spec = *common.find("model");
    std::size_t index = 0;
    for (const toml::table* tp : tables) {
      const toml::table& t = *tp;
      const std::string tn = "device";
      ++index;
      const toml::node* model_node = t.get("model");
      if (model_node == nullptr) {
        error(t.source(), tn, "model",
              fmt::format("missing: which device (one of: {})", join(model_spec.choices)));
        continue;
      }
      const auto model = read_choice(*model_node, tn, "model", "a device", model_spec.choices);
      if (!model) continue;
      const ModelInfo* info = find_model("device", *model);
      if (info == nullptr) throw std::logic_error("device " + *model + " has no model");
      std::vector<std::string> keys = keys_of(common);
      for (const std::string& k : keys_of(*info)) keys.push_back(k);
      check_keys(t, tn, keys);
      DeviceConfig d;
      d.model = *model;
      d.name = fmt::format("{} #{}", *model, index);
      if (const toml::node* n = t.get("name"))
        if (auto v = read_string(*n, tn, "name")) d.name = *v;
      const toml::node* on = t.get("on");
      if (on == nullptr) {
        error(t.source(), tn, "on",
              "missing: the node kinds or node ids the device sits on, e.g. on = [\"site\"]");
      } else if (!on->is_array() || on->as_array()->empty()) {
        error(on->source(), tn, "on",
              fmt::format("expected a non-empty array of node kinds or ids such as [\"site\"], "
                          "got {}",
                          describe(*on)));
      } else if (s.network.topology) {
        for (const auto& item : *on->as_array()) {
          const auto text = read_string(item, tn, "on");
          if (!text) continue;
          if (!net::parse_node_kind(*text) && !s.network.topology->find(*text))
            error(item.source(), tn, "on",
                  fmt::format("expected a node kind ({}) or a node id of the topology, got {}",
                              net::node_kind_names(), as_quoted(*text)));
          else
            d.on.push_back(*text);
        }
      }
      if (const toml::node* n = t.get("share"))
        if (auto v = read_number(*n, tn, *common.find("share"))) d.share = *v;
      for (const ParamSpec& spec : info->params) {
        toml::table defaults;
        const toml::node* v = t.get(spec.key);
        if (v == nullptr) {
          defaults = toml::parse(fmt::format("v = {}", quote_default(spec)));
          v = defaults.get("v");
        }
        switch (spec.type) {
          case ParamType::duration:
            if (auto x = read_duration(*v, tn, spec)) d.params[spec.key] = *x;
            break;
          case ParamType::real:
          case ParamType::probability:
            if (auto x = read_number(*v, tn, spec)) d.params[spec.key] = *x;
            break;
          case ParamType::boolean:
            if (auto x = read_boolean(*v, tn, spec.key))
              d.params[spec.key] = std::int64_t{*x ? 1 : 0};
            break;
          default:
            throw std::logic_error("device key " + spec.key + " has a type the loader ignores");
        }
      }
      s.network.devices.push_back(std::move(d));
    }
  }

  // --- defences, actions, variants ---

  /// The [[key]] tables of `parent` (the file, or a variant); none if the key is absent or an
  /// empty array. `shown` names them in messages ("defence", "variant.defence").
  std::vector<const toml::table*> tables_at(const toml::table& parent, const std::string& key,
                                            const std::string& table, const std::string& shown) {
    std::vector<const toml::table*> out;
    const toml::node* n = parent.get(key);
    if (n == nullptr || (n->is_array() && n->as_array()->empty())) return out;
    if (!n->is_array_of_tables()) {
      std::string msg =
          fmt::format("expected one or more [[{}]] tables, got {}", shown, describe(*n));
      if (n->is_table())
        msg += fmt::format("; write [[{}]], with two brackets, before each one", shown);
      error(n->source(), table, key, msg);
      return out;
    }
    for (const auto& elem : *n->as_array()) out.push_back(elem.as_table());
    return out;
  }

  /// [[defence]] and [[action]] of the scenario, then [[variant]] with theirs.
  void read_defences(const toml::table& root, Scenario& s) {
    for (const toml::table* t : tables_at(root, "defence", "", "defence"))
      read_defence(*t, false, "defence", s, s.defences, defence_places_);
    for (const toml::table* t : tables_at(root, "action", "", "action"))
      read_defence(*t, true, "action", s, s.defences, defence_places_);
    read_variants(root, s);
    name_defences(s);
  }

  void read_variants(const toml::table& root, Scenario& s) {
    const ModelInfo& info = table_info("variant");
    const std::string tn = "variant";
    std::vector<std::pair<std::string, const toml::node*>> seen;
    for (const toml::table* t : tables_at(root, "variant", "", "variant")) {
      check_keys(*t, tn, keys_of(info));
      VariantConfig v;
      std::vector<DefencePlace> places;
      if (const toml::node* n = t->get("name")) {
        if (auto name = read_string(*n, tn, "name")) {
          const auto first = std::find_if(seen.begin(), seen.end(),
                                          [&](const auto& e) { return e.first == *name; });
          if (name->empty())
            error(n->source(), tn, "name",
                  "expected a name for the variant (a column of wormsim compare, the argument of "
                  "wormsim run --variant), got an empty string");
          else if (first != seen.end())
            error(n->source(), tn, "name",
                  fmt::format("expected a name no other variant has, got {} again (the first at "
                              "line {})",
                              as_quoted(*name), first->second->source().begin.line));
          else
            seen.emplace_back(*name, n);
          v.name = *name;
        }
      } else {
        error(t->source(), tn, "name",
              "missing: the variant's name, e.g. name = \"patch-early\" (a column of wormsim "
              "compare; wormsim run --variant NAME runs it)");
      }
      if (const toml::node* n = t->get("description"))
        if (auto d = read_string(*n, tn, "description")) v.description = *d;
      for (const toml::table* d : tables_at(*t, "defence", tn, "variant.defence"))
        read_defence(*d, false, "variant.defence", s, v.defences, places);
      for (const toml::table* d : tables_at(*t, "action", tn, "variant.action"))
        read_defence(*d, true, "variant.action", s, v.defences, places);
      s.variants.push_back(std::move(v));
      variant_defence_places_.push_back(std::move(places));
    }
  }

  /// Default names: "<kind> #<n>", n the table's place among the scenario's own [[defence]] and
  /// [[action]] tables from the top of the file, then among the variants' tables, in file order.
  void name_defences(Scenario& s) {
    std::size_t n = 0;
    auto name_all = [&](std::vector<DefenceConfig>& ds, const std::vector<DefencePlace>& places) {
      std::vector<std::size_t> order(ds.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto& pa = places[a].table->source().begin;
        const auto& pb = places[b].table->source().begin;
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
      });
      for (std::size_t i : order) {
        ++n;
        if (ds[i].name.empty())
          ds[i].name = fmt::format("{} #{}", defence_kind_name(ds[i].kind), n);
      }
    };
    name_all(s.defences, defence_places_);
    for (std::size_t v = 0; v < s.variants.size(); ++v)
      name_all(s.variants[v].defences, variant_defence_places_[v]);
  }

  /// One [[defence]] or [[action]] table (of the scenario or of a variant): its common keys
  /// (scenario table "defence" or "action") and those of its kind (registry.cpp's defence
  /// models), the kind's scalar keys stored in `params` with their defaults filled in.
  void read_defence(const toml::table& t, bool is_action, const std::string& tn, const Scenario& s,
                    std::vector<DefenceConfig>& out, std::vector<DefencePlace>& places) {
    const ModelInfo& common = table_info(is_action ? "action" : "defence");
    const std::string kind_key = is_action ? "do" : "kind";
    const ParamSpec& kind_spec = *common.find(kind_key);
    const toml::node* kind_node = t.get(kind_key);
    if (kind_node == nullptr) {
      error(t.source(), tn, kind_key,
            fmt::format("missing: which defence{} (one of: {})",
                        is_action ? " the action applies" : "", join(kind_spec.choices)));
      return;
    }
    const auto kind_name = read_choice(*kind_node, tn, kind_key, "a defence", kind_spec.choices);
    if (!kind_name) return;
    const ModelInfo* info = find_model("defence", *kind_name);
    const auto kind = defence_kind_from_name(*kind_name);
    if (info == nullptr || !kind)
      throw std::logic_error(fmt::format("defence {} has no model in the registry", *kind_name));
    DefenceConfig d;
    d.kind = *kind;
    d.is_action = is_action;
    std::vector<std::string> keys = keys_of(common);
    for (const std::string& k : keys_of(*info)) keys.push_back(k);
    check_keys(t, tn, keys);
    DefencePlace place;
    place.table = &t;
    place.kind = kind_node;
    place.table_name = tn;

    if (const toml::node* n = t.get("name")) {
      if (auto v = read_string(*n, tn, "name")) {
        if (v->empty())
          error(n->source(), tn, "name",
                fmt::format("expected a name for the outputs and the action log, got an empty "
                            "string (leave name out for \"{} #N\")",
                            *kind_name));
        d.name = *v;
      }
    }
    read_when(t, is_action, tn, common, s, d);
    if (const toml::node* n = t.get("populations"))
      place.populations_ok = read_population_names(*n, tn, s, d.populations);
    if (const toml::node* n = t.get("blocks")) read_blocks(*n, tn, s, d.blocks);
    read_adoption(t, tn, common, d);

    for (const ParamSpec& spec : info->params) {
      const toml::node* v = t.get(spec.key);
      toml::table defaults;
      if (v == nullptr) {
        if (spec.is_required()) {
          std::string doc = spec.doc;
          if (!doc.empty() && doc.back() == '.') doc.pop_back();
          if (!doc.empty())
            doc[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(doc[0])));
          error(
              t.source(), tn, spec.key,
              fmt::format("missing: {} the {} {} needs{}", doc, *kind_name,
                          is_action ? "action" : "defence",
                          spec.choices.empty() ? std::string()
                                               : fmt::format(" (one of: {})", join(spec.choices))));
          continue;
        }
        defaults = toml::parse(fmt::format("v = {}", quote_default(spec)));
        v = defaults.get("v");
      }
      switch (spec.type) {
        case ParamType::duration:
          if (auto x = read_duration(*v, tn, spec)) d.params[spec.key] = *x;
          break;
        case ParamType::choice:
          if (auto x = read_choice(*v, tn, spec.key, spec.key == "fix" ? "a fix" : "a value",
                                   spec.choices)) {
            d.params[spec.key] = *x;
            if (spec.key == "fix")
              for (const auto& p : kPatchNames)
                if (p.name == *x) d.fix = static_cast<std::uint8_t>(p.bit);
          }
          break;
        case ParamType::boolean: {
          const auto x = read_boolean(*v, tn, spec.key);
          if (spec.key != "web_servers_offline")
            throw std::logic_error(
                fmt::format("defence key {} is a boolean the loader ignores", spec.key));
          place.web_servers_offline_ok = x.has_value();
          if (x) d.web_servers_offline = *x;
          break;
        }
        case ParamType::list:
          if (spec.key == "block_in")
            place.block_in_ok =
                read_port_rules(*v, tn, spec.key, d.block_in, d.flows_in, &place.block_in_tcp80);
          else if (spec.key == "block_out")
            read_port_rules(*v, tn, spec.key, d.block_out, d.flows_out, nullptr);
          else if (spec.key == "open")
            read_port_rules(*v, tn, spec.key, d.open, d.flows_open, nullptr);
          else
            throw std::logic_error(
                fmt::format("defence key {} is a list the loader ignores", spec.key));
          break;
        default:
          throw std::logic_error(
              fmt::format("defence parameter {} has a type the loader cannot read", spec.key));
      }
    }
    out.push_back(std::move(d));
    places.push_back(place);
  }

  /// `start` ([[defence]], default 0s) or `at` ([[action]], required): before the simulation's
  /// end.
  void read_when(const toml::table& t, bool is_action, const std::string& tn,
                 const ModelInfo& common, const Scenario& s, DefenceConfig& d) {
    const std::string key = is_action ? "at" : "start";
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (is_action)
        error(t.source(), tn, key,
              "missing: when the action is taken, since the scenario's start, e.g. at = "
              "\"2h30m\"");
      return;
    }
    const auto v = read_duration(*n, tn, *common.find(key));
    if (!v) return;
    d.start = *v;
    if (duration_ok_ && *v >= s.simulation.duration)
      error(n->source(), tn, key,
            fmt::format("expected a time before the end of the simulation ([simulation] duration = "
                        "{}{}), got {}",
                        as_quoted(sim::format_duration(s.simulation.duration)),
                        duration_given_ ? "" : ", the default", as_quoted(n->as_string()->get())));
  }

  /// Returns whether every name is a population of the scenario.
  bool read_population_names(const toml::node& n, const std::string& tn, const Scenario& s,
                             std::vector<std::string>& out,
                             const std::string& key = "populations") {
    if (!n.is_array()) {
      error(n.source(), tn, key,
            fmt::format("expected an array of population names such as [\"{}\"], got {}",
                        s.populations.empty() ? std::string("iis-servers") : s.populations[0].name,
                        describe(n)));
      return false;
    }
    // Names of populations that failed to read are unknown: judge none then.
    const bool judge = population_names_ok_ && !s.populations.empty();
    std::vector<std::string> names;
    for (const PopulationConfig& p : s.populations) names.push_back(p.name);
    bool ok = true;
    for (const auto& item : *n.as_array()) {
      const auto name = judge ? read_choice(item, tn, key, "a population name", names)
                              : read_string(item, tn, key);
      if (name)
        out.push_back(*name);
      else
        ok = false;
    }
    return ok && judge;
  }

  void read_blocks(const toml::node& n, const std::string& tn, const Scenario& s,
                   std::vector<sim::Prefix>& out) {
    if (!n.is_array()) {
      error(n.source(), tn, "blocks",
            fmt::format("expected an array of address blocks such as [\"10.1.0.0/16\"], got {}",
                        describe(n)));
      return;
    }
    const sim::Prefix space = s.address_space.prefix;
    for (const auto& item : *n.as_array()) {
      const auto text = read_string(item, tn, "blocks");
      if (!text) continue;
      const auto p = sim::parse_prefix(*text);
      if (!p) {
        error(item.source(), tn, "blocks", explain_bad_prefix(*text));
        continue;
      }
      if (space_ok_ &&
          (p->length < space.length || sim::Prefix::of(p->base, space.length).base != space.base))
        error(item.source(), tn, "blocks",
              fmt::format("expected a block inside the address space {}, got {}",
                          sim::format_prefix(space), as_quoted(*text)));
      out.push_back(*p);
    }
  }

  /// coverage, adoption, half_time, spread, coverage_by_time → DefenceConfig::adoption.
  void read_adoption(const toml::table& t, const std::string& tn, const ModelInfo& common,
                     DefenceConfig& d) {
    Adoption& a = d.adoption;
    const std::string kind(defence_kind_name(d.kind));
    const bool per_site = defence_per_site(d.kind);
    const toml::node* coverage = t.get("coverage");
    if (coverage != nullptr)
      if (auto v = read_number(*coverage, tn, *common.find("coverage"))) a.coverage = *v;
    for (const char* key : {"half_time", "spread"}) {
      const ParamSpec& spec = *common.find(key);
      toml::table defaults;
      const toml::node* v = t.get(key);
      if (v == nullptr) {
        defaults = toml::parse(fmt::format("v = {}", quote_default(spec)));
        v = defaults.get("v");
      }
      if (auto x = read_duration(*v, tn, spec))
        (spec.key == "spread" ? a.spread : a.half_time) = *x;
    }
    const toml::node* shape_node = t.get("adoption");
    std::string shape = "immediate";
    if (shape_node != nullptr) {
      const auto v = read_choice(*shape_node, tn, "adoption", "an adoption shape",
                                 common.find("adoption")->choices);
      if (!v) return;
      shape = *v;
    }
    a.shape = shape == "linear"     ? Adoption::Shape::linear
              : shape == "logistic" ? Adoption::Shape::logistic
              : shape == "table"    ? Adoption::Shape::table
                                    : Adoption::Shape::immediate;
    const toml::node* by_time = t.get("coverage_by_time");
    const std::string site_note = fmt::format(
        "{}, a site defence (its coverage is the share of sites deploying it, all at its start)",
        kind);
    if (per_site && shape != "immediate") {
      error(shape_node->source(), tn, "adoption",
            fmt::format("expected \"immediate\" for {}, got {}", site_note, as_quoted(shape)));
      return;
    }
    if (per_site && by_time != nullptr) {
      error(by_time->source(), tn, "coverage_by_time",
            fmt::format("expected no coverage_by_time for {}, got {}", site_note,
                        describe(*by_time)));
      return;
    }
    if (shape != "table") {
      if (by_time != nullptr)
        error(by_time->source(), tn, "coverage_by_time",
              fmt::format("expected coverage_by_time only with adoption = \"table\", got adoption "
                          "= {}{}",
                          as_quoted(shape), shape_node ? "" : " (the default)"));
      return;
    }
    if (coverage != nullptr)
      error(coverage->source(), tn, "coverage",
            fmt::format("expected no coverage with adoption = \"table\" (the last share of "
                        "coverage_by_time is the final coverage), got {}",
                        describe(*coverage)));
    if (by_time == nullptr) {
      error(shape_node->source(), tn, "coverage_by_time",
            "missing: the share adopted by each time since the start, which adoption = "
            "\"table\" needs, e.g. coverage_by_time = { \"1d\" = 0.3, \"3d\" = 0.6 }");
      return;
    }
    read_coverage_table(*by_time, tn, common, a);
  }

  void read_coverage_table(const toml::node& n, const std::string& tn, const ModelInfo& common,
                           Adoption& a) {
    const std::string key = "coverage_by_time";
    if (!n.is_table()) {
      error(
          n.source(), tn, key,
          fmt::format("expected an inline table of time = share such as {{ \"1d\" = 0.3, \"3d\" = "
                      "0.6 }}, got {}",
                      describe(n)));
      return;
    }
    const ParamSpec& range = *common.find("half_time");  // the same range of times
    struct Point {
      sim::SimTime at;
      double share;
      std::string text;
      const toml::source_region* key_place;
      const toml::source_region* value_place;
    };
    std::vector<Point> points;
    bool ok = true;
    for (const auto& [k, v] : *n.as_table()) {
      const std::string text(k.str());
      const auto at = sim::parse_duration(text);
      if (!at || at->seconds() > range.max) {
        std::string msg =
            fmt::format("expected times from 0s to {} with one of the units {} as keys, got {}",
                        sim::format_duration(sim::SimTime::from_seconds(range.max)),
                        sim::duration_units, as_quoted(text));
        if (is_bare_number(text))
          msg += fmt::format("; a number needs a unit, such as {}", as_quoted(text + "d"));
        error(k.source(), tn, key, msg);
        ok = false;
        continue;
      }
      const double share = v.is_floating_point() ? v.as_floating_point()->get()
                           : v.is_integer()      ? static_cast<double>(v.as_integer()->get())
                                                 : -1.0;
      if (!(v.is_number() && share >= 0 && share <= 1)) {
        error(v.source(), tn, key + "." + key_text(text),
              fmt::format("expected a share from 0 to 1, got {}", describe(v)));
        ok = false;
        continue;
      }
      points.push_back({*at, share, text, &k.source(), &v.source()});
    }
    if (!ok) return;
    if (points.empty()) {
      error(n.source(), tn, key,
            "expected at least one time = share such as { \"1d\" = 0.3 }, got an empty table");
      return;
    }
    std::stable_sort(points.begin(), points.end(),
                     [](const Point& x, const Point& y) { return x.at < y.at; });
    for (std::size_t i = 1; i < points.size(); ++i) {
      const Point& prev = points[i - 1];
      const Point& cur = points[i];
      if (cur.at == prev.at) {
        error(*cur.key_place, tn, key,
              fmt::format("expected one share per time, got {} and {}, both {}",
                          as_quoted(prev.text), as_quoted(cur.text), sim::format_duration(cur.at)));
        ok = false;
      } else if (cur.share < prev.share) {
        error(*cur.value_place, tn, key + "." + key_text(cur.text),
              fmt::format(
                  "expected shares that do not decrease over time, got {} at {} after {} at {}",
                  number_text(cur.share), as_quoted(cur.text), number_text(prev.share),
                  as_quoted(prev.text)));
        ok = false;
      }
    }
    if (!ok) return;
    a.table.clear();
    for (const Point& p : points) a.table.emplace_back(p.at, p.share);
    a.coverage = points.back().share;
  }

  std::optional<bool> read_boolean(const toml::node& n, const std::string& table,
                                   const std::string& key) {
    if (n.is_boolean()) return n.as_boolean()->get();
    std::string msg = fmt::format("expected true or false, got {}", describe(n));
    if (n.is_string() && (n.as_string()->get() == "true" || n.as_string()->get() == "false"))
      msg += fmt::format("; write {} without quotes", n.as_string()->get());
    error(n.source(), table, key, msg);
    return std::nullopt;
  }

  /// A list of port rules: the rules as written and the flows they stop. `tcp80` (if given)
  /// receives the first rule covering TCP port 80. Returns whether every rule was read.
  bool read_port_rules(const toml::node& n, const std::string& tn, const std::string& key,
                       std::vector<std::string>& texts, std::uint16_t& flows,
                       const toml::node** tcp80) {
    if (!n.is_array()) {
      error(
          n.source(), tn, key,
          fmt::format("expected an array of port rules such as [\"tcp/135\", \"udp/135\"], got {}",
                      describe(n)));
      return false;
    }
    std::vector<PortRule> rules;
    bool ok = true;
    for (const auto& item : *n.as_array()) {
      const auto text = read_string(item, tn, key);
      if (!text) {
        ok = false;
        continue;
      }
      const auto rule = parse_port_rule(*text);
      if (!rule) {
        error(item.source(), tn, key, explain_bad_port_rule(*text));
        ok = false;
        continue;
      }
      if (tcp80 != nullptr && *tcp80 == nullptr && rule->proto == PortRule::Proto::tcp &&
          rule->low <= 80 && rule->high >= 80)
        *tcp80 = &item;
      rules.push_back(*rule);
      texts.push_back(*text);
    }
    flows = flows_blocked(rules);
    return ok;
  }

  static std::string explain_bad_port_rule(const std::string& text) {
    std::string msg = fmt::format(
        "expected a port rule such as \"tcp/135\", \"udp/137-139\" or \"icmp\" (ports from 1 to "
        "65535, the lower first), got {}",
        as_quoted(text));
    std::string plain;
    for (char ch : text)
      if (ch != ' ' && ch != '\t')
        plain += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (plain != text && parse_port_rule(plain))
      msg += fmt::format("; did you mean {}?", as_quoted(plain));
    else if (!plain.empty() && std::all_of(plain.begin(), plain.end(), [](char ch) {
               return (ch >= '0' && ch <= '9') || ch == '-';
             }))
      msg += fmt::format("; a rule names its protocol, such as {} or {}",
                         as_quoted(fmt::format("tcp/{}", plain)),
                         as_quoted(fmt::format("udp/{}", plain)));
    else if (plain == "tcp" || plain == "udp")
      msg += fmt::format("; a {} rule names its ports, such as {} for all of them", plain,
                         as_quoted(plain + "/1-65535"));
    return msg;
  }

  /// Checks between defences, and between a defence and the populations it acts on.
  void cross_check_defences(const Scenario& s) {
    check_defence_counts(s);
    for (std::size_t i = 0; i < s.defences.size(); ++i)
      check_web_servers(s, s.defences[i], defence_places_[i]);
    for (std::size_t v = 0; v < s.variants.size(); ++v)
      for (std::size_t i = 0; i < s.variants[v].defences.size(); ++i)
        check_web_servers(s, s.variants[v].defences[i], variant_defence_places_[v][i]);
    // The outbreak keeps one blacklist and one content filter per run: the scenario's own and
    // those of the variant being run count together.
    for (const DefenceKind kind : {DefenceKind::blacklist, DefenceKind::content_filter}) {
      auto check = [&](const std::vector<DefenceConfig>& ds,
                       const std::vector<DefencePlace>& places, const toml::node*& first) {
        for (std::size_t i = 0; i < ds.size(); ++i) {
          if (ds[i].kind != kind) continue;
          if (first == nullptr) {
            first = places[i].kind;
            continue;
          }
          const std::string name(defence_kind_name(kind));
          error(places[i].kind->source(), places[i].table_name, key_of(places[i]),
                fmt::format("expected at most one {0} in the scenario and any one of its variants "
                            "together, got a second {0} (the first at line {1})",
                            name, first->source().begin.line));
        }
      };
      const toml::node* base_first = nullptr;
      check(s.defences, defence_places_, base_first);
      for (std::size_t v = 0; v < s.variants.size(); ++v) {
        const toml::node* first = base_first;
        check(s.variants[v].defences, variant_defence_places_[v], first);
      }
    }
  }

  /// A run holds at most 32 patch policies and 255 defences and actions (the scenario's own and
  /// one variant's): the outbreak keeps a host's waiting installs in 32 bits and logs a policy
  /// in 8.
  void check_defence_counts(const Scenario& s) {
    auto check = [&](const std::vector<DefenceConfig>& ds, const std::vector<DefencePlace>& places,
                     std::size_t& all, std::size_t& patches) {
      for (std::size_t i = 0; i < ds.size(); ++i) {
        const bool patch = ds[i].kind == DefenceKind::patch;
        if (++all == 256 || (patch && ++patches == 33))
          error(places[i].kind->source(), places[i].table_name, key_of(places[i]),
                patch && patches == 33
                    ? std::string("expected at most 32 patch policies in the scenario and any one "
                                  "of its variants together, got a 33rd")
                    : std::string("expected at most 255 defences and actions in the scenario and "
                                  "any one of its variants together, got a 256th"));
      }
    };
    std::size_t all = 0, patches = 0;
    check(s.defences, defence_places_, all, patches);
    for (std::size_t v = 0; v < s.variants.size(); ++v) {
      std::size_t a = all, p = patches;
      check(s.variants[v].defences, variant_defence_places_[v], a, p);
    }
  }

  static std::string key_of(const DefencePlace& place) {
    return place.table_name.ends_with("action") ? "do" : "kind";
  }

  /// A border firewall blocking TCP 80 inbound cuts off the web servers of its sites: the
  /// scenario must say it means it when the hosts it selects run one.
  void check_web_servers(const Scenario& s, const DefenceConfig& d, const DefencePlace& place) {
    if (d.kind != DefenceKind::border_firewall || (d.flows_in & kFlowTcp80) == 0 ||
        d.web_servers_offline || place.block_in_tcp80 == nullptr || !place.block_in_ok ||
        !place.web_servers_offline_ok || !place.populations_ok)
      return;
    constexpr std::uint16_t kWebServers =
        kIis4Index | kIis5Index | kIis4Redirect | kIis4 | kIis5 | kWebdav;
    for (std::size_t i = 0; i < s.populations.size(); ++i) {
      const PopulationConfig& p = s.populations[i];
      if (!d.populations.empty() &&
          std::find(d.populations.begin(), d.populations.end(), p.name) == d.populations.end())
        continue;
      if (!population_places_[i].services_ok) return;  // cannot judge
      if ((p.services & kWebServers) == 0) continue;
      std::vector<std::string> web;
      for (const auto& svc : kServiceNames)
        if ((p.services & kWebServers & svc.bit) != 0) web.emplace_back(svc.name);
      error(place.block_in_tcp80->source(), place.table_name, "block_in",
            fmt::format("expected tcp/80 left open inbound while population {} runs a web server "
                        "({}), got {}, which takes the sites' own web servers off the net; add "
                        "web_servers_offline = true to accept that, or leave tcp/80 out of "
                        "block_in",
                        as_quoted(p.name), join(web),
                        as_quoted(place.block_in_tcp80->as_string()->get())));
      return;
    }
  }

  /// Checks that involve more than one value. Each runs only on values that were read without
  /// error, so that one mistake is reported once.
  void cross_check(const Scenario& s) {
    bool hosts_known = true;
    for (std::size_t i = 0; i < s.populations.size(); ++i) {
      const PopulationConfig& p = s.populations[i];
      const PopulationPlace& place = population_places_[i];
      if (!place.count_ok || !place.services_ok || p.os.empty()) hosts_known = false;
      if (place.count_ok && place.placement_ok && space_ok_) check_placement(s, p, place);
    }
    if (s.populations.empty() || !hosts_known) return;
    for (std::size_t w = 0; w < s.worms.size(); ++w) {
      const WormConfig& worm = s.worms[w];
      const WormPlace& place = worm_places_[w];
      // Hosts the worm can infect: whole populations whose services and some OS qualify; the
      // count is exact where the whole OS mix qualifies and an upper bound otherwise.
      std::uint64_t vulnerable = 0;
      for (const PopulationConfig& p : s.populations) {
        if (!worm.initial_populations.empty() &&
            std::find(worm.initial_populations.begin(), worm.initial_populations.end(), p.name) ==
                worm.initial_populations.end())
          continue;  // the initially infected are drawn elsewhere
        double share = 0;
        for (const auto& [os, weight] : p.os) {
          // Fixes every host of this OS has: its service pack's, and those applied by all.
          std::uint8_t patches = included_in_service_pack(os);
          for (const auto& [patch, applied] : p.patched)
            if (applied >= 1.0 && can_install(patch, os)) patches |= patch;
          if (is_infectable(worm.model, os, p.services, patches)) share += weight;
        }
        if (share > 0 && p.unreachable < 1.0) vulnerable += p.count;
      }
      if (vulnerable == 0) {
        error(place.table->source(), "worm", "model",
              "expected at least one population running a service that " + worm.model +
                  " infects (" + std::string(infectable_description(worm.model)) + "), got none");
      } else if (place.initial_infected_ok && worm.initial_infected > vulnerable) {
        const toml::node* n = place.table->get("initial_infected");
        error(n ? n->source() : place.table->source(), "worm", "initial_infected",
              "expected at most the " + std::to_string(vulnerable) + " vulnerable hosts, got " +
                  std::to_string(worm.initial_infected) + (n ? "" : " (the default)"));
      }
    }
  }

  /// Every population must fit in its blocks, and its blocks in the allocated space.
  void check_placement(const Scenario& s, const PopulationConfig& p, const PopulationPlace& place) {
    const sim::Prefix space = s.address_space.prefix;
    const std::uint8_t len = p.placement.block_length;
    const toml::node* placement = place.placement ? place.placement : place.table;
    const auto& where_per = place.per ? place.per->source() : placement->source();
    const auto& where_mean = place.mean ? place.mean->source() : placement->source();
    const auto& where_count = place.count ? place.count->source() : place.table->source();
    if (len < space.length) {
      error(where_per, "population", "placement.per",
            "expected blocks no larger than the address space " + sim::format_prefix(space) +
                ", got \"/" + std::to_string(len) + "\"" + (place.per ? "" : " (the default)"));
      return;
    }
    const std::string mean_text =
        number_text(p.placement.mean_per_block) + (place.mean ? "" : " (the default)");
    const double usable = std::ldexp(1.0, 32 - len) - 2;  // less the block's first and last
    if (p.placement.mean_per_block > usable) {
      error(where_mean, "population", "placement.mean_per_block",
            "expected at most " + number_text(usable) + " hosts per /" + std::to_string(len) +
                " (its usable addresses), got " + mean_text);
      return;
    }
    if (!blocks_cannot_overflow(p.count, p.placement.mean_per_block, usable)) {
      error(where_mean, "population", "placement.mean_per_block",
            "expected at most " + number_text(round_down_2(max_safe_mean(p.count, usable))) +
                " hosts per /" + std::to_string(len) +
                " on average, so that no block receives "
                "more of the " +
                std::to_string(p.count) + " hosts than its " + number_text(usable) +
                " usable addresses, got " + mean_text);
      return;
    }
    for (const sim::Prefix& w : p.placement.within) {
      const std::string text = as_quoted(sim::format_prefix(w));
      if (w.length < space.length || sim::Prefix::of(w.base, space.length).base != space.base) {
        error(placement->source(), "population", "placement.within",
              fmt::format("expected blocks inside the address space {}, got {}",
                          sim::format_prefix(space), text));
        return;
      }
      if (w.length > len) {
        error(placement->source(), "population", "placement.within",
              fmt::format("expected blocks no smaller than the placement blocks (/{}), got {}",
                          len, text));
        return;
      }
    }
    double available_blocks = 0;
    for (const auto& b : p.placement.within.empty() ? s.address_space.allocated
                                                     : p.placement.within)
      available_blocks += std::ldexp(1.0, len - std::max(b.length, space.length));
    const double needed = std::ceil(static_cast<double>(p.count) / p.placement.mean_per_block);
    if (needed > available_blocks) {
      error(where_count, "population", "count",
            "expected at most " +
                number_text(std::floor(available_blocks * p.placement.mean_per_block)) +
                " hosts (" + number_text(available_blocks) + " blocks of /" + std::to_string(len) +
                " in the allocated space at " + mean_text + " per block), got " +
                std::to_string(p.count));
    }
  }

  std::string file_;
  Diagnostics diags_;
  std::vector<PopulationPlace> population_places_;
  struct WormPlace {
    const toml::table* table = nullptr;
    bool initial_infected_ok = true;
  };
  std::vector<WormPlace> worm_places_;
  bool space_ok_ = true;             ///< prefix and allocated blocks read without error
  bool duration_ok_ = true;          ///< [simulation] duration read without error (or the default)
  bool duration_given_ = false;      ///< [simulation] duration written in the file
  bool population_names_ok_ = true;  ///< every population's name read without error
  /// Where each defence or action sits, parallel to Scenario::defences (base) and to each
  /// variant's defences.
  std::vector<DefencePlace> defence_places_;
  std::vector<std::vector<DefencePlace>> variant_defence_places_;
};

}  // namespace

Scenario load_scenario_text(std::string_view text, const std::string& display_name) {
  return Loader(display_name).load(text, {});
}

Scenario load_scenario_text(std::string_view text, const std::string& display_name,
                            const std::vector<Override>& overrides) {
  return Loader(display_name).load(text, overrides);
}

Scenario load_scenario_file(const std::string& path) {
  return load_scenario_file(path, {});
}

Scenario load_scenario_file(const std::string& path, const std::vector<Override>& overrides) {
  const std::string prefix = path + ": error: cannot read the scenario file: ";
  // Opening a directory succeeds on Linux and reading it fails quietly: check first.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(prefix + std::make_error_code(std::errc::is_a_directory).message() + "\n");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno != 0 ? errno : EIO;
    throw InputError(prefix + std::generic_category().message(err) + "\n");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    const int err = errno != 0 ? errno : EIO;
    throw InputError(prefix + std::generic_category().message(err) + "\n");
  }
  return load_scenario_text(ss.str(), path, overrides);
}

}  // namespace wormsim::models
