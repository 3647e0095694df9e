#include "analysis/output_reader.hpp"

#include <fmt/format.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "models/scenario/diagnostics.hpp"

namespace wormsim::analysis {

namespace {

[[noreturn]] void bad_file(const std::filesystem::path& file, std::size_t line,
                           const std::string& message) {
  throw models::InputError(fmt::format("{}:{}: error: {}\n", file.string(), line, message));
}

}  // namespace

std::size_t CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  bad_file(file, 1, fmt::format("expected a column \"{}\" in the header", name));
}

std::optional<CsvTable> read_csv(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  CsvTable table;
  table.file = file;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;      // inside a quoted field
  bool had_field = false;   // the record has begun (so an empty last field counts)
  std::size_t line = 1;     // the line the current record starts on, for messages
  std::size_t at_line = 1;  // the line being read
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    if (table.header.empty()) {
      table.header = std::move(record);
    } else if (record.size() != table.header.size()) {
      bad_file(file, line,
               fmt::format("expected {} fields as in the header, got {}", table.header.size(),
                           record.size()));
    } else {
      table.rows.push_back(std::move(record));
    }
    record.clear();
    had_field = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++at_line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      had_field = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      had_field = true;
    } else if (c == '\n') {
      ++at_line;
      end_record();
      line = at_line;
    } else if (c != '\r') {
      field.push_back(c);
      had_field = true;
    }
  }
  if (quoted) bad_file(file, line, "expected a closing quote before the end of the file");
  if (had_field || !field.empty() || !record.empty()) end_record();
  if (table.header.empty()) bad_file(file, 1, "expected a header line, got an empty file");
  return table;
}

double csv_number(const CsvTable& table, std::size_t row, std::size_t column) {
  const std::string& text = table.rows[row][column];
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    bad_file(table.file, row + 2,
             fmt::format("{}: expected a number, got \"{}\"", table.header[column], text));
  return value;
}

void CurveSet::add(std::uint32_t replication, double time_s, const std::string& metric,
                   double value) {
  auto [it, inserted] = index_.try_emplace(metric, names_.size());
  if (inserted) names_.push_back(metric);
  std::vector<double>& times = times_[replication];
  std::vector<double>& values = values_[{it->second, replication}];
  // A new sample time opens a row; the metric's values follow the row count, so a metric missing
  // at some sample (never the case in curves.csv) cannot shift the others.
  if (times.empty() || time_s > times.back()) times.push_back(time_s);
  values.resize(times.size() - 1, 0.0);
  values.push_back(value);
}

std::vector<std::uint32_t> CurveSet::replications() const {
  std::vector<std::uint32_t> out;
  for (const auto& [r, times] : times_) out.push_back(r);
  return out;
}

const std::vector<double>& CurveSet::times(std::uint32_t replication) const {
  static const std::vector<double> none;
  const auto it = times_.find(replication);
  return it == times_.end() ? none : it->second;
}

const std::vector<double>& CurveSet::values(const std::string& metric,
                                            std::uint32_t replication) const {
  static const std::vector<double> none;
  const auto m = index_.find(metric);
  if (m == index_.end()) return none;
  const auto it = values_.find({m->second, replication});
  return it == values_.end() ? none : it->second;
}

namespace {

std::uint32_t replication_of(const CsvTable& table, std::size_t row, std::size_t column) {
  const double r = csv_number(table, row, column);
  if (r < 0 || r > 4e9 || r != static_cast<double>(static_cast<std::uint32_t>(r)))
    bad_file(
        table.file, row + 2,
        fmt::format("replication: expected a whole number, got \"{}\"", table.rows[row][column]));
  return static_cast<std::uint32_t>(r);
}

}  // namespace

CurveSet read_curves(const CsvTable& curves) {
  const std::size_t t = curves.column("time_s"), r = curves.column("replication"),
                    m = curves.column("metric"), v = curves.column("value");
  CurveSet set;
  for (std::size_t i = 0; i < curves.rows.size(); ++i)
    set.add(replication_of(curves, i, r), csv_number(curves, i, t), curves.rows[i][m],
            csv_number(curves, i, v));
  return set;
}

std::vector<std::pair<std::string, CurveSet>> read_column_curves(const CsvTable& curves) {
  const std::size_t c = curves.column("column"), t = curves.column("time_s"),
                    r = curves.column("replication"), m = curves.column("metric"),
                    v = curves.column("value");
  std::vector<std::pair<std::string, CurveSet>> columns;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < curves.rows.size(); ++i) {
    const std::string& label = curves.rows[i][c];
    auto [it, inserted] = index.try_emplace(label, columns.size());
    if (inserted) columns.emplace_back(label, CurveSet{});
    columns[it->second].second.add(replication_of(curves, i, r), csv_number(curves, i, t),
                                   curves.rows[i][m], csv_number(curves, i, v));
  }
  return columns;
}

}  // namespace wormsim::analysis
