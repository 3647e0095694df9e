#include "analysis/write/report.hpp"

#include <fmt/format.h>
#include <system_error>

#include "analysis/write/outputs.hpp"
#include "analysis/write/report_page.hpp"
#include "models/scenario/diagnostics.hpp"

namespace wormsim::analysis {

std::string build_report_html(const std::filesystem::path& folder) {
  std::error_code ec;
  if (std::filesystem::exists(folder / "summary.json", ec)) return report::run_report_html(folder);
  if (std::filesystem::exists(folder / "compare.json", ec))
    return report::comparison_report_html(folder);
  if (std::filesystem::exists(folder / "sweep.json", ec)) return report::sweep_report_html(folder);
  if (!std::filesystem::is_directory(folder, ec))
    throw models::InputError(fmt::format(
        "wormsim report: error: {}: expected an output folder of wormsim run, compare or "
        "sweep, but there is no such folder\n",
        folder.string()));
  throw models::InputError(fmt::format(
      "wormsim report: error: {}: expected an output folder of wormsim run (with summary.json), "
      "wormsim compare (with compare.json) or wormsim sweep (with sweep.json), but it holds "
      "none of them\n",
      folder.string()));
}

std::filesystem::path write_report(const std::filesystem::path& folder) {
  const std::filesystem::path file = folder / "report.html";
  write_text_file(file, build_report_html(folder));
  return file;
}

}  // namespace wormsim::analysis
