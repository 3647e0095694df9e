// A small, strict XML reader for topology files: enough of XML 1.0 for GraphML (elements,
// attributes, text, comments, CDATA, processing instructions, a skipped DOCTYPE, the five named
// entities and character references), with line and column for every element, so that bad input
// is reported where it is (STYLE.md, "Errors"). No validation against a schema, no namespaces
// beyond dropping a prefix, no external entities. Any text gives a document or an InputError.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wormsim::net {

struct XmlElement {
  std::string name;  ///< local name: a prefix such as "y:" is dropped
  std::vector<std::pair<std::string, std::string>> attributes;  ///< decoded values, file order
  std::string text;  ///< the element's own character data (CDATA included), decoded, untrimmed
  std::vector<std::size_t> children;  ///< indices into XmlDocument::elements, file order
  std::size_t offset = 0;             ///< byte offset of the '<' that opens it

  /// The value of attribute `key`, or nullptr.
  const std::string* attribute(std::string_view key) const;
};

class XmlDocument {
 public:
  /// Parses `text`; `file` names it in error messages. Elements may nest at most 256 deep.
  static XmlDocument parse(std::string_view text, const std::string& file);

  /// The root element is elements()[0].
  const std::vector<XmlElement>& elements() const { return elements_; }
  const XmlElement& root() const { return elements_.front(); }
  const XmlElement& element(std::size_t i) const { return elements_[i]; }

  /// 1-based line and column (in bytes) of a byte offset.
  std::pair<std::size_t, std::size_t> position(std::size_t offset) const;

 private:
  std::vector<XmlElement> elements_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace wormsim::net
