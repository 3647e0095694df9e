#include "models/scenario/overrides.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <optional>

#include "models/registry.hpp"
#include "models/scenario/override_table.hpp"

namespace wormsim::models {

namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

/// Text as a TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
  return out;
}

/// The value of an override as a one-key table `v = VALUE`, parsed with the option as its source
/// path so that every node in it names the option. A value that is not valid TOML on its own is
/// read as a string. Nullopt only for text TOML cannot hold (invalid UTF-8).
std::optional<toml::table> parse_value(std::string_view value, const std::string& source) {
  if (value.find_first_of("\r\n") == std::string_view::npos) {
    try {
      toml::table t = toml::parse(fmt::format("v = {}\n", value), source);
      if (t.size() == 1 && t.contains("v")) return t;
    } catch (const toml::parse_error&) {
      // Not a TOML value: a string without its quotes, such as 2h or 358/min.
    }
  }
  try {
    return toml::parse(fmt::format("v = {}\n", toml_string(value)), source);
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

/// An empty table whose source is the option: a table an override creates is named by it.
toml::table new_table(const std::string& source) {
  toml::table t = toml::parse("v = {}\n", source);
  return std::move(*t.get("v")->as_table());
}

std::string kind_of(const toml::node& n) {
  if (n.is_string()) return fmt::format("the string \"{}\"", n.as_string()->get());
  if (n.is_integer()) return fmt::format("the integer {}", n.as_integer()->get());
  if (n.is_floating_point()) return fmt::format("the number {}", n.as_floating_point()->get());
  if (n.is_boolean()) return n.as_boolean()->get() ? "true" : "false";
  if (n.is_array()) return "an array";
  return "a date or time";
}

bool is_index(std::string_view segment) {
  return !segment.empty() && segment.size() <= 9 &&
         std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The first table of an array named `segment` by its `name` or, failing that, by its `model`
/// (a [[worm]] has no name).
std::optional<std::size_t> element_named(const toml::array& array, const std::string& segment) {
  for (const char* field : {"name", "model"})
    for (std::size_t i = 0; i < array.size(); ++i)
      if (const toml::table* t = array.get(i)->as_table())
        if (const auto* v = t->get_as<std::string>(field); v != nullptr && v->get() == segment)
          return i;
  return std::nullopt;
}

/// The names the tables of an array can be reached by: their `name` or else their `model`.
std::vector<std::string> element_names(const toml::array& array) {
  std::vector<std::string> names;
  for (const toml::node& element : array)
    if (const toml::table* t = element.as_table())
      for (const char* field : {"name", "model"})
        if (const auto* v = t->get_as<std::string>(field)) {
          names.push_back(v->get());
          break;
        }
  return names;
}

class Applier {
 public:
  Applier(const Override& o, const std::string& file, Diagnostics& diags)
      : override_(o), source_(fmt::format("{}: {}", file, o.option_text())), diags_(diags) {}

  void apply(toml::table& root) {
    const std::vector<std::string> segments = key_segments(override_.key);
    if (segments.empty()) {
      fail("", "expected a dotted key such as simulation.duration or population.0.count");
      return;
    }
    std::optional<toml::table> parsed = parse_value(override_.value, source_);
    if (!parsed) {
      fail(override_.key, "expected a value TOML can hold, got text that is not valid UTF-8");
      return;
    }
    toml::node& value = *parsed->get("v");
    toml::node* at = &root;
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
      at = enter(*at, segments, i);
      if (at == nullptr) return;
    }
    set(*at, segments, std::move(value));
  }

 private:
  void fail(const std::string& key, const std::string& message) {
    diags_.add({source_, 0, 0, "", key, message});
  }

  static std::string path_of(const std::vector<std::string>& segments, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      out += i == 0 ? "" : ".";
      out += segments[i].find_first_of(". \"") == std::string::npos
                 ? segments[i]
                 : fmt::format("\"{}\"", segments[i]);
    }
    return out;
  }

  /// The table or array segment i leads to from `at`, created (as a table) when missing;
  /// nullptr, with the problem reported, when it leads nowhere.
  toml::node* enter(toml::node& at, const std::vector<std::string>& segments, std::size_t i) {
    const std::string& segment = segments[i];
    if (toml::table* t = at.as_table()) {
      if (toml::node* next = t->get(segment)) {
        if (next->is_table() || next->is_array()) return next;
        fail(path_of(segments, i + 1),
             fmt::format("expected a table for the key to go on into ({}), got {} in the file",
                         path_of(segments, segments.size()), kind_of(*next)));
        return nullptr;
      }
      // An index can only enter an array of tables, which an override does not create.
      if (is_index(segments[i + 1])) {
        fail(path_of(segments, i + 1),
             fmt::format("expected a [[{}]] table, but the file has none",
                         path_of(segments, i + 1)));
        return nullptr;
      }
      auto [it, inserted] =
          t->insert(toml::key(segment, toml::source_region(parsed_region())), new_table(source_));
      return &it->second;
    }
    if (toml::array* a = at.as_array()) {
      const auto index = find_element(*a, segments, i);
      if (!index) return nullptr;
      toml::node* element = a->get(*index);
      if (element->is_table() || element->is_array()) return element;
      fail(path_of(segments, i + 1),
           fmt::format("expected a table for the key to go on into ({}), got {} in the file",
                       path_of(segments, segments.size()), kind_of(*element)));
      return nullptr;
    }
    fail(path_of(segments, i), "expected a table or an array of tables");
    return nullptr;
  }

  /// The index of element `segments[i]` of an array, given by index or name; nullopt, reported,
  /// if there is none.
  std::optional<std::size_t> find_element(const toml::array& a,
                                          const std::vector<std::string>& segments,
                                          std::size_t i) {
    const std::string& segment = segments[i];
    const std::string path = path_of(segments, i);
    if (is_index(segment)) {
      const std::size_t index = std::stoul(segment);
      if (index < a.size()) return index;
      fail(path,
           a.empty() ? fmt::format("expected a [[{}]] table, but the file has none", path)
                     : fmt::format("expected an index from 0 to {} (the file has {} [[{}]] "
                                   "table{}), got {}",
                                   a.size() - 1, a.size(), path, a.size() == 1 ? "" : "s",
                                   segment));
      return std::nullopt;
    }
    if (const auto index = element_named(a, segment)) return index;
    const std::vector<std::string> names = element_names(a);
    std::string quoted;
    for (const auto& n : names) {
      quoted += quoted.empty() ? "" : ", ";
      quoted += fmt::format("\"{}\"", n);
    }
    std::string message =
        a.empty() ? fmt::format("expected a [[{}]] table, but the file has none", path)
        : fmt::format("expected the index ({}) or the name{} of a [[{}]] table, got \"{}\"",
                      a.size() == 1 ? std::string("0") : fmt::format("0 to {}", a.size() - 1),
                      names.empty() ? std::string() : fmt::format(" ({})", quoted), path,
                      segment);
    if (auto near = nearest(segment, names)) message += fmt::format("; did you mean \"{}\"?", *near);
    fail(path, message);
    return std::nullopt;
  }

  void set(toml::node& at, const std::vector<std::string>& segments, toml::node&& value) {
    const std::string& last = segments.back();
    if (toml::table* t = at.as_table()) {
      t->insert_or_assign(toml::key(last, toml::source_region(value.source())), std::move(value));
      return;
    }
    if (toml::array* a = at.as_array()) {
      const auto index = find_element(*a, segments, segments.size() - 1);
      if (!index) return;
      a->replace(a->cbegin() + static_cast<std::ptrdiff_t>(*index), std::move(value));
      return;
    }
    fail(path_of(segments, segments.size() - 1), "expected a table or an array of tables");
  }

  toml::source_region parsed_region() const {
    // The region every node parsed from the option has: line 1 of the source "--set KEY=VALUE".
    toml::source_region r;
    r.begin = {1, 1};
    r.end = {1, 1};
    r.path = std::make_shared<const std::string>(source_);
    return r;
  }

  const Override& override_;
  std::string source_;
  Diagnostics& diags_;
};

}  // namespace

std::string Override::option_text() const {
  return fmt::format("--set {}={}", key, value);
}

std::vector<std::string> key_segments(std::string_view key) {
  std::vector<std::string> segments;
  std::size_t i = 0;
  while (true) {
    std::string segment;
    if (i < key.size() && key[i] == '"') {
      const auto close = key.find('"', i + 1);
      if (close == std::string_view::npos) return {};
      segment = std::string(key.substr(i + 1, close - i - 1));
      i = close + 1;
      if (i < key.size() && key[i] != '.') return {};
    } else {
      const auto dot = std::min(key.find('.', i), key.size());
      segment = std::string(trim(key.substr(i, dot - i)));
      if (segment.empty() || segment.find('"') != std::string::npos) return {};
      i = dot;
    }
    segments.push_back(std::move(segment));
    if (i >= key.size()) return segments;
    ++i;  // the dot
    if (i >= key.size()) return {};  // a trailing dot
  }
}

Override parse_override(std::string_view text) {
  // The '=' that ends the key: the first one outside a quoted segment.
  bool quoted = false;
  std::size_t eq = std::string_view::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (text[i] == '=' && !quoted) {
      eq = i;
      break;
    }
  }
  if (eq == std::string_view::npos)
    throw InputError(fmt::format(
        "--set {}: error: expected KEY=VALUE, such as simulation.duration=2h, got no '='\n",
        text));
  Override o{std::string(trim(text.substr(0, eq))), std::string(trim(text.substr(eq + 1)))};
  if (key_segments(o.key).empty())
    throw InputError(fmt::format(
        "{}: error: expected a dotted key such as simulation.duration or population.0.count "
        "before '=', got \"{}\"\n",
        o.option_text(), o.key));
  return o;
}

std::vector<std::string> split_values(std::string_view values) {
  std::vector<std::string> out;
  int depth = 0;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const char c = values[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"')
        ++i;  // an escaped character, the quote included
      else if (c == quote)
        quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.emplace_back(trim(values.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.emplace_back(trim(values.substr(start)));
  return out;
}

std::string display_value(std::string_view value) {
  if (value.find_first_of("\r\n") == std::string_view::npos) {
    try {
      const toml::table t = toml::parse(fmt::format("v = {}\n", value));
      if (const auto* s = t.get_as<std::string>("v"); s != nullptr && t.size() == 1)
        return s->get();
    } catch (const toml::parse_error&) {
      // Not TOML: shown as given.
    }
  }
  return std::string(value);
}

void apply_overrides(toml::table& root, const std::vector<Override>& overrides,
                     const std::string& file, Diagnostics& diags) {
  for (const Override& o : overrides) Applier(o, file, diags).apply(root);
}

}  // namespace wormsim::models
