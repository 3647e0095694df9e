// Overrides of a scenario file from the command line (`--set KEY=VALUE`): a dotted path into the
// file's tables and a value written as in TOML. They are applied to the parsed file before the
// loader validates it, so every check of DESIGN.md's "Bad input" applies to them too, and a
// problem with one names the option rather than a place in the file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wormsim::models {

/// One `--set KEY=VALUE`.
///
/// KEY is a dotted path into the file: `simulation.duration`, `worm.probe_rate`. An array of
/// tables ([[population]], [[defence]], [[variant]], ...) is entered by index from 0
/// (`population.0.count`) or by the `name` of one of its tables (`population.iis-servers.count`;
/// for [[worm]], also by `model`). A segment holding a dot is written in double quotes
/// (`population."iis-5.0".count`). Missing tables on the way are created, so a key the file
/// leaves to its default can be set; the loader then rejects unknown keys as it does in a file.
///
/// VALUE is read as a TOML value when it is one (`10`, `0.5`, `true`, `"2h"`, `["iis5-index"]`,
/// `2001-07-19T10:00:00Z`), and as a string otherwise, so values with units need no quotes:
/// `2h` and `"2h"` are the same. Quote a string that would read as another TOML value
/// (`simulation.name="10"`).
struct Override {
  std::string key;    ///< as given, spaces around it trimmed
  std::string value;  ///< as given, spaces around it trimmed

  /// "--set KEY=VALUE": how messages name the override.
  std::string option_text() const;

  friend bool operator==(const Override&, const Override&) = default;
};

/// Splits "KEY=VALUE" at the first '=' outside a quoted key segment. Throws InputError, naming
/// `--set` and the text, when there is no '=', the key is empty or a segment of it is empty or
/// its quotes are not closed.
Override parse_override(std::string_view text);

/// The segments of a dotted KEY, quotes removed: `population."iis-5.0".count` gives
/// {"population", "iis-5.0", "count"}. Empty when the key is malformed (an empty segment,
/// unclosed quotes).
std::vector<std::string> key_segments(std::string_view key);

/// The values of a sweep's "v1,v2,v3": split at the commas that are outside quotes, brackets and
/// braces (`["a","b"],["c"]` is two values), each trimmed. A value may be empty.
std::vector<std::string> split_values(std::string_view values);

/// A value as tables show it: the text of a TOML string without its quotes (`"2h"` shows as
/// `2h`), any other value as given.
std::string display_value(std::string_view value);

}  // namespace wormsim::models
