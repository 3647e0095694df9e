#include "net/xml.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "net/input_error.hpp"

namespace wormsim::net {

const std::string* XmlElement::attribute(std::string_view key) const {
  for (const auto& [attribute_name, value] : attributes)
    if (attribute_name == key) return &value;
  return nullptr;
}

std::pair<std::size_t, std::size_t> XmlDocument::position(std::size_t offset) const {
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());  // >= 1
  return {line, offset - line_starts_[line - 1] + 1};
}

namespace {

constexpr std::size_t kMaxDepth = 256;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_name_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || u >= 0x80;
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/// How a byte is shown in a message: the character if printable ASCII, else its code.
std::string show(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return fmt::format("'{}'", c);
  if (c == ' ') return "a space";
  return fmt::format("byte 0x{:02x}", u);
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file, std::vector<XmlElement>& elements,
         const XmlDocument& doc)
      : s_(text), file_(file), elements_(elements), doc_(doc) {}

  void parse_document() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") p_ = 3;  // UTF-8 byte order mark
    skip_misc();
    if (p_ >= s_.size()) fail(p_, "expected an XML document, got no element at all");
    if (s_[p_] != '<')
      fail(p_, fmt::format("expected an XML document starting with '<', got {}", show(s_[p_])));
    parse_root();
    skip_misc();
    if (p_ < s_.size())
      fail(p_, fmt::format("expected the end of the file after </{}>, got {}",
                           elements_.front().name, show(s_[p_])));
  }

 private:
  [[noreturn]] void fail(std::size_t offset, const std::string& message) const {
    const auto [line, column] = doc_.position(std::min(offset, s_.size()));
    throw InputError(Problem{file_, line, column, message}.format() + "\n");
  }

  bool at(std::string_view prefix) const { return s_.substr(p_, prefix.size()) == prefix; }

  void skip_spaces() {
    while (p_ < s_.size() && is_space(s_[p_])) ++p_;
  }

  /// Skips from `open` to just after `close`; fails at `open` if `close` never comes.
  void skip_to(std::string_view close, const char* what) {
    const std::size_t start = p_;
    const std::size_t end = s_.find(close, p_);
    if (end == std::string_view::npos)
      fail(start, fmt::format("{} is not closed before the end of the file (expected \"{}\")", what,
                              close));
    p_ = end + close.size();
  }

  void skip_doctype() {
    const std::size_t start = p_;
    int brackets = 0;
    char quote = 0;
    for (p_ += 2; p_ < s_.size(); ++p_) {
      const char c = s_[p_];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[') {
        ++brackets;
      } else if (c == ']') {
        --brackets;
      } else if (c == '>' && brackets <= 0) {
        ++p_;
        return;
      }
    }
    fail(start, "<!DOCTYPE is not closed before the end of the file");
  }

  /// Whitespace, comments, processing instructions and a DOCTYPE, outside the root element.
  void skip_misc() {
    for (;;) {
      skip_spaces();
      if (at("<?"))
        skip_to("?>", "a processing instruction");
      else if (at("<!--"))
        skip_to("-->", "a comment");
      else if (at("<!DOCTYPE"))
        skip_doctype();
      else
        return;
    }
  }

  std::string read_name(const char* what) {
    const std::size_t start = p_;
    if (p_ >= s_.size() || !is_name_start(s_[p_]))
      fail(p_, fmt::format("expected {}, got {}", what,
                           p_ >= s_.size() ? std::string("the end of the file") : show(s_[p_])));
    while (p_ < s_.size() && is_name_char(s_[p_])) ++p_;
    return std::string(s_.substr(start, p_ - start));
  }

  static std::string local(const std::string& name) {
    const auto colon = name.rfind(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
  }

  /// Decodes character data from s_[begin, end): entities and character references; rejects
  /// control characters XML does not allow.
  void decode_into(std::string& out, std::size_t begin, std::size_t end) const {
    for (std::size_t i = begin; i < end; ++i) {
      const char c = s_[i];
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 && c != '\t' && c != '\n' && c != '\r')
        fail(i, fmt::format("{} is not allowed in XML text", show(c)));
      if (c != '&') {
        out += c;
        continue;
      }
      const std::size_t semi = s_.find(';', i);
      if (semi == std::string_view::npos || semi >= end || semi - i > 12)
        fail(i, "expected an entity such as &amp; or &#38; after '&'");
      const std::string_view entity = s_.substr(i + 1, semi - i - 1);
      if (entity == "lt") {
        out += '<';
      } else if (entity == "gt") {
        out += '>';
      } else if (entity == "amp") {
        out += '&';
      } else if (entity == "quot") {
        out += '"';
      } else if (entity == "apos") {
        out += '\'';
      } else if (entity.size() >= 2 && entity[0] == '#') {
        const bool hex = entity[1] == 'x';
        const std::string_view digits = entity.substr(hex ? 2 : 1);
        std::uint32_t cp = 0;
        bool ok = !digits.empty();
        for (char d : digits) {
          int v = -1;
          if (d >= '0' && d <= '9') v = d - '0';
          if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
          if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
          if (v < 0 || cp > 0x10FFFF) {
            ok = false;
            break;
          }
          cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(v);
        }
        if (!ok || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
          fail(i, fmt::format("expected a character reference, got &{};", entity));
        append_utf8(out, cp);
      } else {
        fail(i,
             fmt::format("unknown entity &{}; (XML knows &lt; &gt; &amp; &quot; &apos;)", entity));
      }
      i = semi;
    }
  }

  /// Reads a start tag at '<'. Returns the new element's index and whether it closed itself.
  std::pair<std::size_t, bool> open_tag() {
    const std::size_t start = p_;
    ++p_;  // '<'
    XmlElement e;
    e.offset = start;
    e.name = local(read_name("an element name after '<'"));
    for (;;) {
      const std::size_t before = p_;
      skip_spaces();
      if (p_ >= s_.size()) fail(start, fmt::format("the tag <{} is not closed by '>'", e.name));
      if (at("/>")) {
        p_ += 2;
        elements_.push_back(std::move(e));
        return {elements_.size() - 1, true};
      }
      if (s_[p_] == '>') {
        ++p_;
        elements_.push_back(std::move(e));
        return {elements_.size() - 1, false};
      }
      if (p_ == before)
        fail(p_, fmt::format("expected a space, '>' or '/>' in <{}, got {}", e.name, show(s_[p_])));
      const std::size_t name_at = p_;
      std::string name = read_name("an attribute name, '>' or '/>'");
      skip_spaces();
      if (p_ >= s_.size() || s_[p_] != '=')
        fail(p_, fmt::format("expected '=' after attribute {} of <{}>", name, e.name));
      ++p_;
      skip_spaces();
      if (p_ >= s_.size() || (s_[p_] != '"' && s_[p_] != '\''))
        fail(p_, fmt::format("expected a quoted value for attribute {} of <{}>", name, e.name));
      const char quote = s_[p_++];
      const std::size_t value_start = p_;
      const std::size_t value_end = s_.find(quote, p_);
      if (value_end == std::string_view::npos)
        fail(value_start - 1, fmt::format("the value of attribute {} is not closed", name));
      const std::size_t lt = s_.substr(value_start, value_end - value_start).find('<');
      if (lt != std::string_view::npos)
        fail(value_start + lt,
             fmt::format("'<' is not allowed in the value of attribute {}", name));
      if (e.attribute(name))
        fail(name_at, fmt::format("attribute {} appears twice in <{}>", name, e.name));
      std::string value;
      decode_into(value, value_start, value_end);
      e.attributes.emplace_back(std::move(name), std::move(value));
      p_ = value_end + 1;
    }
  }

  void parse_root() {
    std::vector<std::size_t> stack;
    const auto [root, closed] = open_tag();
    if (closed) return;
    stack.push_back(root);
    while (!stack.empty()) {
      XmlElement* top = &elements_[stack.back()];
      if (p_ >= s_.size()) {
        const auto [line, column] = doc_.position(top->offset);
        fail(p_, fmt::format("the file ends inside <{}> (opened at line {}, column {}): is it "
                             "truncated?",
                             top->name, line, column));
      }
      if (s_[p_] != '<') {
        const std::size_t end = std::min(s_.find('<', p_), s_.size());
        decode_into(top->text, p_, end);
        p_ = end;
        continue;
      }
      if (at("</")) {
        const std::size_t start = p_;
        p_ += 2;
        const std::string name = local(read_name("an element name after '</'"));
        skip_spaces();
        if (p_ >= s_.size() || s_[p_] != '>')
          fail(p_, fmt::format("expected '>' to end </{}", name));
        ++p_;
        if (name != top->name) {
          const auto [line, column] = doc_.position(top->offset);
          fail(start, fmt::format("expected </{}> (opened at line {}, column {}), got </{}>",
                                  top->name, line, column, name));
        }
        stack.pop_back();
      } else if (at("<!--")) {
        skip_to("-->", "a comment");
      } else if (at("<![CDATA[")) {
        const std::size_t start = p_;
        p_ += 9;
        const std::size_t end = s_.find("]]>", p_);
        if (end == std::string_view::npos)
          fail(start, "a CDATA section is not closed before the end of the file");
        top->text.append(s_.substr(p_, end - p_));
        p_ = end + 3;
      } else if (at("<?")) {
        skip_to("?>", "a processing instruction");
      } else if (at("<!")) {
        fail(p_, "expected an element, a comment or CDATA after '<!'");
      } else {
        if (stack.size() >= kMaxDepth)
          fail(p_, fmt::format("elements nest deeper than {} levels", kMaxDepth));
        const std::size_t parent = stack.back();
        const auto [child, child_closed] = open_tag();
        elements_[parent].children.push_back(child);
        if (!child_closed) stack.push_back(child);
      }
    }
  }

  std::string_view s_;
  std::size_t p_ = 0;
  const std::string& file_;
  std::vector<XmlElement>& elements_;
  const XmlDocument& doc_;
};

}  // namespace

XmlDocument XmlDocument::parse(std::string_view text, const std::string& file) {
  XmlDocument doc;
  doc.line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') doc.line_starts_.push_back(i + 1);
  Parser parser(text, file, doc.elements_, doc);
  parser.parse_document();
  return doc;
}

}  // namespace wormsim::net
