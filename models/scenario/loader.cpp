#include "models/scenario/loader.hpp"

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
#include "models/registry.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/worm/calendar.hpp"
#include "models/worm/worm_catalog.hpp"

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
      diags_.add({file_, std::max(1, static_cast<int>(b.line)),
                  std::max(1, static_cast<int>(b.column)), "", "",
                  "not valid TOML: " + explain_parse_error(text, e)});
      throw InputError(diags_.format());
    }
    check_keys(root, "", {"simulation", "address_space", "population", "worm"});
    s.simulation.name = default_name();
    if (auto* t = table_at(root, "simulation", true)) read_simulation(*t, s.simulation);
    if (auto* t = table_at(root, "address_space", false))
      read_address_space(*t, s.address_space);
    else
      s.address_space.allocated = allocated_blocks("all", s.address_space.prefix);
    read_populations(root, s);
    read_worms(root, s);
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
    bool duration_ok = true;
    if (auto* n = t.get("duration")) {
      if (auto v = read_duration(*n, tn, *info.find("duration")))
        c.duration = *v;
      else
        duration_ok = false;
    }
    if (auto* n = t.get("seed"))
      if (auto v = read_integer(*n, tn, *info.find("seed")))
        c.seed = static_cast<std::uint64_t>(*v);
    if (auto* n = t.get("sample_every")) {
      if (auto v = read_duration(*n, tn, *info.find("sample_every"))) {
        c.sample_every = *v;
        // Against a duration that failed to read, the comparison would judge a default.
        if (duration_ok && c.sample_every > c.duration)
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
      if (auto* v = t.get("name"))
        if (auto str = read_string(*v, tn, "name")) p.name = *str;
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
    check_keys(t, "population.placement", {"per", "mean_per_block"});
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
    double available_blocks = 0;
    for (const auto& b : s.address_space.allocated)
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
  bool space_ok_ = true;  ///< prefix and allocated blocks read without error
};

}  // namespace

Scenario load_scenario_text(std::string_view text, const std::string& display_name) {
  return Loader(display_name).load(text);
}

Scenario load_scenario_file(const std::string& path) {
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
  return load_scenario_text(ss.str(), path);
}

}  // namespace wormsim::models
