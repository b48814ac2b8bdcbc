#include "scenario_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <sstream>

#include "latency_model.h"
#include "memory_size.h"

namespace x710 {

namespace {

// ---------------------------------------------------------------------------
// Words for messages.

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%gs", seconds);
  return buf;
}

// What a value is, for "..., found X": the value itself when that says it
// (a string in quotes, an integer), its kind first otherwise.
std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return in_quotes(node.as_string()->get());
    case toml::node_type::integer: return std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", node.as_floating_point()->get());
      return std::string("a float (") + buf + ")";
    }
    case toml::node_type::boolean:
      return std::string("a boolean (") + (node.as_boolean()->get() ? "true" : "false") + ")";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return node.as_array()->empty() ? "an empty array" : "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The known word a typo most likely meant ("bots" -> "boots"), if any is close.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& known) {
  std::optional<std::string> best;
  size_t best_distance = 3;  // two edits at most: further away is a guess, not a typo
  for (const std::string& k : known) {
    const size_t d = edit_distance(word, k);
    if (d < best_distance && d < word.size()) {
      best = k;
      best_distance = d;
    }
  }
  return best;
}

// unknown key "device.foo" (known keys in [device]: a, b); did you mean "device.queues"?
std::string unknown_key(std::string_view prefix, std::string_view name, const std::vector<std::string>& known,
                        std::string_view known_label) {
  std::string message = "unknown key " + in_quotes(std::string(prefix) + std::string(name)) + " (" +
                        std::string(known_label) + ": " + join(known) + ")";
  if (auto guess = closest(name, known)) message += "; did you mean " + in_quotes(std::string(prefix) + *guess) + "?";
  return message;
}

std::string location(const std::string& file, const toml::source_region& source) {
  if (source.begin.line == 0) return file;  // made by --set, or the document itself
  return file + ":" + std::to_string(source.begin.line) + ":" + std::to_string(source.begin.column);
}

// ---------------------------------------------------------------------------
// TOML itself. toml++ reports syntax errors by exception or by result,
// depending on how it was built; both end up here as text.

std::string syntax_error(const toml::parse_error& e) {
  return "TOML syntax error at line " + std::to_string(e.source().begin.line) + ", column " +
         std::to_string(e.source().begin.column) + ": " + std::string(e.description());
}

std::optional<toml::table> parse_toml(std::string_view text, std::string_view path, std::string& error) {
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    error = syntax_error(e);
    return std::nullopt;
  }
#else
  toml::parse_result result = toml::parse(text, path);
  if (result) return std::move(result).table();
  error = syntax_error(result.error());
  return std::nullopt;
#endif
}

// ---------------------------------------------------------------------------
// Durations: "250ms", "1.5s", "2m", or a bare number of seconds.

struct DurationUnit {
  std::string_view suffix;
  double seconds;
};
constexpr DurationUnit kDurationUnits[] = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60}};
constexpr const char* kDurationExpected = "a duration like \"90s\", \"250ms\", \"1.5s\", \"2m\" or a number of seconds";

// Seconds, or nullopt unless TEXT is DIGITS[.DIGITS] and an optional unit:
// no sign, exponent or blank, so what is accepted is what the format says.
std::optional<double> parse_duration_text(std::string_view text) {
  size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
  const std::string_view number = text.substr(0, end);
  const std::string_view unit = text.substr(end);
  if (number.empty() || !std::isdigit(static_cast<unsigned char>(number.front())) ||
      !std::isdigit(static_cast<unsigned char>(number.back())) || std::count(number.begin(), number.end(), '.') > 1) {
    return std::nullopt;
  }
  double scale = 1;  // no unit: seconds, like a bare TOML number
  if (!unit.empty()) {
    const auto* u = std::find_if(std::begin(kDurationUnits), std::end(kDurationUnits),
                                 [&](const DurationUnit& d) { return d.suffix == unit; });
    if (u == std::end(kDurationUnits)) return std::nullopt;
    scale = u->seconds;
  }
  double value = 0;
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || ptr != number.data() + number.size()) return std::nullopt;
  return value * scale;
}

// ---------------------------------------------------------------------------
// One value being read, and the readers every key is built from.

struct Item {
  const toml::node& node;
  std::string key;          // its full path: "device.queues", "guest.append[2]", "steps[3].value"
  const std::string& file;  // for FILE:LINE:COLUMN
  std::string set;          // "KEY=VALUE" when it came from --set, else empty

  std::string where() const { return set.empty() ? location(file, node.source()) : "--set " + set; }

  // Element I (from 0) of an array; it counts from 1 in messages, like steps.
  Item element(size_t i) const {
    return Item{(*node.as_array())[i], key + "[" + std::to_string(i + 1) + "]", file, set};
  }
};

[[noreturn]] void fail(const Item& item, const std::string& what) {
  throw ScenarioError(item.where() + ": " + item.key + ": " + what);
}

[[noreturn]] void fail_expected(const Item& item, const std::string& expected) {
  fail(item, "expected " + expected + ", found " + describe(item.node));
}

constexpr uint64_t kNoLimit = std::numeric_limits<int64_t>::max();  // TOML integers are int64

uint64_t read_uint(const Item& item, uint64_t lo, uint64_t hi) {
  const auto* v = item.node.as_integer();
  if (!v || v->get() < 0 || static_cast<uint64_t>(v->get()) < lo || static_cast<uint64_t>(v->get()) > hi) {
    fail_expected(item, hi == kNoLimit ? "an integer >= " + std::to_string(lo)
                                       : "an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return static_cast<uint64_t>(v->get());
}

uint32_t read_u32(const Item& item, uint32_t lo, uint32_t hi) { return static_cast<uint32_t>(read_uint(item, lo, hi)); }

bool read_bool(const Item& item) {
  const auto* v = item.node.as_boolean();
  if (!v) fail_expected(item, "true or false");
  return v->get();
}

enum class Zero { allowed, refused };

double read_duration(const Item& item, Zero zero) {
  std::optional<double> seconds;
  if (const auto* i = item.node.as_integer()) {
    seconds = static_cast<double>(i->get());
  } else if (const auto* f = item.node.as_floating_point()) {
    seconds = f->get();
  } else if (const auto* s = item.node.as_string()) {
    // A leading '-' is read along so that "-1s" is called negative rather
    // than malformed.
    const std::string_view text = s->get();
    const bool negative = text.starts_with('-');
    seconds = parse_duration_text(negative ? text.substr(1) : text);
    if (seconds && negative) seconds = -*seconds;
  }
  if (!seconds || !std::isfinite(*seconds)) fail_expected(item, kDurationExpected);
  if (*seconds < 0) fail(item, "a duration cannot be negative, found " + describe(item.node));
  if (zero == Zero::refused && *seconds == 0) fail_expected(item, "a duration above 0");
  return *seconds;
}

std::string read_string(const Item& item) {
  const auto* v = item.node.as_string();
  if (!v) fail_expected(item, "a string");
  return v->get();
}

// Memory sizes and latencies are text, but 2048 and 0 read naturally as
// numbers, so an integer stands for its digits.
std::string read_text_or_integer(const Item& item, const std::string& expected) {
  if (const auto* s = item.node.as_string()) return s->get();
  if (const auto* i = item.node.as_integer(); i && i->get() >= 0) return std::to_string(i->get());
  fail_expected(item, expected);
}

std::string read_description(const Item& item) {
  std::string text = read_string(item);
  if (text.empty()) fail_expected(item, "a one-line summary of the scenario");
  return text;
}

Verdict read_expect(const Item& item) {
  const std::string expected = "\"reproduced\" or \"clean\"";
  const std::optional<Verdict> verdict = parse_verdict(item.node.is_string() ? item.node.as_string()->get() : "");
  if (verdict == Verdict::reproduced || verdict == Verdict::clean) return *verdict;
  if (verdict) {
    fail(item, "expected " + expected + ", found " + describe(item.node) +
                   " (a run may end in a hang or an error, but a scenario cannot expect one)");
  }
  fail_expected(item, expected);
}

std::vector<std::string> read_words(const Item& item) {
  const auto* array = item.node.as_array();
  if (!array) fail_expected(item, "an array of kernel parameters like [\"page_poison=1\"]");
  std::vector<std::string> words;
  for (size_t i = 0; i < array->size(); ++i) {
    const Item word = item.element(i);
    const std::string text = read_string(word);
    // Each word becomes one argument of the kernel command line, so a blank
    // inside would silently split it in two.
    if (text.empty()) fail_expected(word, "a kernel parameter");
    if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); })) {
      fail_expected(word, "one kernel parameter without blanks (write each as its own string)");
    }
    words.push_back(text);
  }
  return words;
}

std::string read_memory(const Item& item) {
  const std::string expected = "a memory size like \"1G\", \"512M\" or 2048 (MiB)";
  const std::string text = read_text_or_integer(item, expected);
  if (!parse_memory_size(text)) fail_expected(item, expected);
  return text;
}

std::string read_latency(const Item& item) {
  const std::string text = read_text_or_integer(item, "a latency like \"50ms\" or \"uniform:100ms:1s\"");
  LatencyModel model;
  std::string why;
  if (!LatencyModel::parse(text, model, why)) fail(item, in_quotes(text) + " is not a latency: " + why);
  return text;
}

void read_pps(const Item& item, Traffic& traffic) {
  constexpr uint64_t kMaxPps = 100'000'000;
  if (const auto* s = item.node.as_string(); s && s->get() == "unlimited") {
    traffic.unlimited = true;
    traffic.pps = 0;
    return;
  }
  if (!item.node.is_integer()) fail_expected(item, "an integer or \"unlimited\"");
  traffic.unlimited = false;
  traffic.pps = read_uint(item, 0, kMaxPps);
}

// ---------------------------------------------------------------------------
// The keys outside [[steps]]: one table per section, each key with what
// reads it into the scenario.

enum FieldFlags : unsigned {
  kRequired = 1,
  // --set keeps the text as written even when it reads as TOML (a number, a
  // date): these keys hold text, and "--set guest.memory=2048" means "2048".
  kText = 2,
};

struct Field {
  std::string_view name;
  void (*set)(const Item&, Scenario&);
  unsigned flags = 0;
};

const Field kTopFields[] = {
    {"description", [](const Item& i, Scenario& s) { s.description = read_description(i); }, kRequired | kText},
    {"expect", [](const Item& i, Scenario& s) { s.expect = read_expect(i); }, kRequired | kText},
    {"boots", [](const Item& i, Scenario& s) { s.boots = read_u32(i, 1, 1000); }},
    {"boot_timeout", [](const Item& i, Scenario& s) { s.boot_timeout_s = read_duration(i, Zero::refused); }},
    {"hang_timeout", [](const Item& i, Scenario& s) { s.hang_timeout_s = read_duration(i, Zero::refused); }},
};

const Field kGuestFields[] = {
    {"append", [](const Item& i, Scenario& s) { s.append = read_words(i); }},
    {"memory", [](const Item& i, Scenario& s) { s.memory = read_memory(i); }, kText},
    {"cpus", [](const Item& i, Scenario& s) { s.cpus = read_u32(i, 1, 64); }},
};

const Field kDeviceFields[] = {
    {"rx_disable_latency", [](const Item& i, Scenario& s) { s.device.rx_disable_latency = read_latency(i); }, kText},
    {"tx_disable_latency", [](const Item& i, Scenario& s) { s.device.tx_disable_latency = read_latency(i); }, kText},
    {"disable_seed", [](const Item& i, Scenario& s) { s.device.disable_seed = read_uint(i, 0, kNoLimit); }},
    {"rx_enable_cancels_disable",
     [](const Item& i, Scenario& s) { s.device.rx_enable_cancels_disable = read_bool(i); }},
    {"rx_desc_cache", [](const Item& i, Scenario& s) { s.device.rx_desc_cache = read_u32(i, 1, 512); }},
    {"queues", [](const Item& i, Scenario& s) { s.device.queues = read_u32(i, 0, 64); }},
};

const Field kTrafficFields[] = {
    {"pps", [](const Item& i, Scenario& s) { read_pps(i, s.traffic); }},
    {"size", [](const Item& i, Scenario& s) { s.traffic.size = read_u32(i, 60, 9018); }},
    {"flows", [](const Item& i, Scenario& s) { s.traffic.flows = read_u32(i, 1, 65536); }},
};

struct Section {
  std::string_view name;
  std::span<const Field> fields;
};

const Section kSections[] = {{"guest", kGuestFields}, {"device", kDeviceFields}, {"traffic", kTrafficFields}};

std::vector<std::string> field_names(std::span<const Field> fields) {
  std::vector<std::string> names;
  for (const Field& f : fields) names.emplace_back(f.name);
  return names;
}

std::vector<std::string> top_level_names() {
  std::vector<std::string> names = field_names(kTopFields);
  for (const Section& s : kSections) names.emplace_back(s.name);
  names.emplace_back("steps");
  return names;
}

const Field* find_field(std::span<const Field> fields, std::string_view name) {
  const auto it = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == name; });
  return it == fields.end() ? nullptr : &*it;
}

const Section* find_section(std::string_view name) {
  const auto* it =
      std::find_if(std::begin(kSections), std::end(kSections), [&](const Section& s) { return s.name == name; });
  return it == std::end(kSections) ? nullptr : it;
}

// ---------------------------------------------------------------------------
// [[steps]]: per action, the keys it takes and their defaults.

struct StepKey {
  std::string_view name;
  void (*set)(const Item&, GuestStep&);
  bool required = false;
};

struct ActionSpec {
  GuestStep::Action action;
  std::vector<StepKey> keys;
  GuestStep defaults;  // the values of the keys it may leave out
};

using A = GuestStep::Action;
const ActionSpec kActions[] = {
    {A::up, {}, {}},
    {A::wait_traffic,
     {{"packets", [](const Item& i, GuestStep& s) { s.packets = read_uint(i, 1, kNoLimit); }, true},
      {"timeout", [](const Item& i, GuestStep& s) { s.seconds = read_duration(i, Zero::refused); }}},
     {.seconds = 30}},
    {A::down, {}, {}},
    {A::down_up,
     {{"count", [](const Item& i, GuestStep& s) { s.count = read_u32(i, 1, 1000); }},
      {"pause", [](const Item& i, GuestStep& s) { s.pause_seconds = read_duration(i, Zero::allowed); }}},
     {.count = 1}},
    {A::mtu, {{"value", [](const Item& i, GuestStep& s) { s.value = read_u32(i, 68, 9702); }, true}}, {}},
    {A::channels, {{"value", [](const Item& i, GuestStep& s) { s.value = read_u32(i, 1, 64); }, true}}, {}},
    {A::reload, {}, {}},
    {A::churn,
     {{"duration", [](const Item& i, GuestStep& s) { s.seconds = read_duration(i, Zero::refused); }, true},
      {"parallel", [](const Item& i, GuestStep& s) { s.parallel = read_u32(i, 1, 64); }}},
     {.parallel = 4}},
    {A::sleep,
     {{"duration", [](const Item& i, GuestStep& s) { s.seconds = read_duration(i, Zero::allowed); }, true}},
     {}},
    {A::reboot, {}, {}},
};

std::vector<std::string> action_names() {
  std::vector<std::string> names;
  for (const ActionSpec& a : kActions) names.emplace_back(step_action_name(a.action));
  return names;
}

// ---------------------------------------------------------------------------
// --set KEY=VALUE, applied to the parsed file before anything is checked.

// Where an override key leads: its section ("" at the top) and its field.
struct Target {
  std::string_view section;
  const Field* field;
};

Target resolve_set_key(const std::string& key, const std::string& spec) {
  const std::string at = "--set " + spec + ": ";
  if (key == "steps" || key.starts_with("steps.") || key.starts_with("steps[")) {
    throw ScenarioError(at +
                        "steps cannot be overridden; they are what the scenario is, so write a scenario "
                        "file with the steps you want");
  }
  const size_t dot = key.find('.');
  const std::string head = key.substr(0, dot);
  if (const Field* field = find_field(kTopFields, head)) {
    if (dot != std::string::npos) {
      throw ScenarioError(at + in_quotes(head) + " is not a table: set it as --set " + head + "=VALUE");
    }
    return {"", field};
  }
  if (const Section* section = find_section(head)) {
    const std::string prefix = head + ".";
    if (dot == std::string::npos) {
      std::vector<std::string> keys;
      for (const std::string& name : field_names(section->fields)) keys.push_back(prefix + name);
      throw ScenarioError(at + "[" + head + "] is a table; set one of its keys: " + join(keys));
    }
    const std::string name = key.substr(dot + 1);
    if (const Field* field = find_field(section->fields, name)) return {section->name, field};
    throw ScenarioError(at + unknown_key(prefix, name, field_names(section->fields), "known keys in [" + head + "]"));
  }
  throw ScenarioError(at + unknown_key("", key, top_level_names(), "known top-level keys"));
}

// VALUE as TOML (3, true, ["a"], "text"), or the text as written when it is
// not a TOML value or the key holds text anyway. Returned as the only entry,
// "v", of a table, the simplest owner of a node of any kind.
toml::table set_value(const std::string& value, bool text) {
  std::string ignored;
  std::optional<toml::table> parsed = parse_toml("v = " + value, "--set", ignored);
  // A value with a newline could smuggle in more keys: then it is text too.
  if (parsed && parsed->size() == 1 && parsed->contains("v") && (!text || parsed->get("v")->is_string())) {
    return std::move(*parsed);
  }
  toml::table holder;
  holder.insert("v", value);
  return holder;
}

// SETS maps each overridden key to its last "KEY=VALUE", for messages.
void apply_set(toml::table& root, const std::string& spec, std::map<std::string, std::string>& sets) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ScenarioError("--set " + spec +
                        ": expected KEY=VALUE, e.g. --set boots=3 or --set device.rx_disable_latency=500ms");
  }
  const std::string key = spec.substr(0, eq);
  const Target target = resolve_set_key(key, spec);
  toml::table value = set_value(spec.substr(eq + 1), target.field->flags & kText);

  toml::table* table = &root;
  if (!target.section.empty()) {
    // A section the file lacks starts empty. One that is not a table at all
    // is the file's mistake, which reading the file reports with its line.
    table = root.emplace<toml::table>(target.section).first->second.as_table();
    if (!table) return;
  }
  value.get("v")->visit([&](auto& node) { table->insert_or_assign(target.field->name, std::move(node)); });
  sets[key] = spec;
}

// ---------------------------------------------------------------------------
// Reading the whole (overridden) document into a Scenario.

class Reader {
 public:
  Reader(const std::string& file, const toml::table& root, const std::map<std::string, std::string>& sets)
      : file_(file), root_(root), sets_(sets) {}

  Scenario read() {
    Scenario s;
    check_keys(root_, "", top_level_names(), "known top-level keys");
    read_fields(root_, "", kTopFields, s);
    for (const Section& section : kSections) read_section(section, s);
    read_steps(s);
    check_timeouts(s);
    return s;
  }

 private:
  Item item(const toml::node& node, std::string key) const {
    const auto it = sets_.find(key);
    return Item{node, std::move(key), file_, it == sets_.end() ? "" : it->second};
  }

  std::string where(const toml::source_region& source) const { return location(file_, source); }

  // Reports the first unknown key in file order (a table iterates sorted).
  void check_keys(const toml::table& table, std::string_view prefix, const std::vector<std::string>& known,
                  std::string_view known_label) const {
    const toml::key* first = nullptr;
    for (auto&& [key, value] : table) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      if (!first || std::pair(key.source().begin.line, key.source().begin.column) <
                        std::pair(first->source().begin.line, first->source().begin.column)) {
        first = &key;
      }
    }
    if (first) {
      throw ScenarioError(where(first->source()) + ": " + unknown_key(prefix, first->str(), known, known_label));
    }
  }

  void read_fields(const toml::table& table, const std::string& prefix, std::span<const Field> fields,
                   Scenario& s) const {
    for (const Field& field : fields) {
      const std::string key = prefix + std::string(field.name);
      if (const toml::node* node = table.get(field.name)) {
        field.set(item(*node, key), s);
      } else if (field.flags & kRequired) {
        // The document "begins" at 1:1, which would point at an unrelated line.
        const std::string at = &table == &root_ ? file_ : where(table.source());
        throw ScenarioError(at + ": missing required key " + in_quotes(key));
      }
    }
  }

  void read_section(const Section& section, Scenario& s) const {
    const std::string name(section.name);
    const toml::node* node = root_.get(name);
    if (!node) return;  // every key keeps its default
    const toml::table* table = node->as_table();
    if (!table) fail_expected(item(*node, name), "a table ([" + name + "])");
    check_keys(*table, name + ".", field_names(section.fields), "known keys in [" + name + "]");
    read_fields(*table, name + ".", section.fields, s);
  }

  void read_steps(Scenario& s) const {
    const toml::node* node = root_.get("steps");
    if (!node) {
      throw ScenarioError(file_ + ": missing required key \"steps\" (at least one [[steps]] table, e.g. do = \"up\")");
    }
    const toml::array* steps = node->as_array();
    if (!steps || steps->empty()) fail_expected(item(*node, "steps"), "at least one [[steps]] table");
    for (size_t i = 0; i < steps->size(); ++i) s.steps.push_back(read_step((*steps)[i], i));

    // The guest reboots at once, so anything after a reboot would never run.
    for (size_t i = 0; i + 1 < s.steps.size(); ++i) {
      if (s.steps[i].action != A::reboot) continue;
      throw ScenarioError(where((*steps)[i].source()) + ": " + step_label(i) + ": \"reboot\" must be the last step (" +
                          step_label(i + 1) + " follows it)");
    }
  }

  static std::string step_label(size_t index) { return "steps[" + std::to_string(index + 1) + "]"; }

  GuestStep read_step(const toml::node& node, size_t index) const {
    const std::string label = step_label(index);
    const toml::table* table = node.as_table();
    if (!table) fail_expected(item(node, label), "a table ([[steps]])");
    const toml::node* action = table->get("do");
    if (!action) {
      throw ScenarioError(where(table->source()) + ": " + label +
                          ": missing key \"do\" (one of: " + join(action_names()) + ")");
    }
    const ActionSpec& spec = find_action(item(*action, label + ".do"));
    const std::string name = step_action_name(spec.action);
    // Messages about the step's keys say what it does: the keys depend on it.
    const std::string step_is = label + " (do = " + in_quotes(name) + "): ";

    std::vector<std::string> known;
    for (const StepKey& k : spec.keys) known.emplace_back(k.name);
    for (auto&& [key, value] : *table) {
      if (key.str() == "do" || std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      const std::string what = known.empty()
                                   ? "unknown key " + in_quotes(key.str()) + " (" + name + " takes no other keys)"
                                   : unknown_key("", key.str(), known, name + " takes");
      throw ScenarioError(where(key.source()) + ": " + step_is + what);
    }

    GuestStep step = spec.defaults;
    step.action = spec.action;
    step.line = static_cast<int>(table->source().begin.line);
    for (const StepKey& k : spec.keys) {
      if (const toml::node* value = table->get(k.name)) {
        k.set(item(*value, label + "." + std::string(k.name)), step);
      } else if (k.required) {
        throw ScenarioError(where(table->source()) + ": " + step_is + "missing key " + in_quotes(k.name));
      }
    }
    return step;
  }

  static const ActionSpec& find_action(const Item& item) {
    const std::string expected = "an action, one of: " + join(action_names());
    if (!item.node.is_string()) fail_expected(item, expected);
    for (const ActionSpec& spec : kActions) {
      if (item.node.as_string()->get() == step_action_name(spec.action)) return spec;
    }
    std::string what = "expected " + expected + ", found " + describe(item.node);
    if (auto guess = closest(item.node.as_string()->get(), action_names())) {
      what += "; did you mean " + in_quotes(*guess) + "?";
    }
    fail(item, what);
  }

  // A boot that ends before its console could be silent for hang_timeout
  // would never be called a hang.
  void check_timeouts(const Scenario& s) const {
    if (s.hang_timeout_s <= s.boot_timeout_s) return;
    if (const toml::node* hang = root_.get("hang_timeout")) {
      fail(item(*hang, "hang_timeout"), seconds_text(s.hang_timeout_s) + " is longer than boot_timeout (" +
                                            seconds_text(s.boot_timeout_s) + "); it must be at most that");
    }
    // hang_timeout is the default, so boot_timeout was set below it.
    fail(item(*root_.get("boot_timeout"), "boot_timeout"),
         seconds_text(s.boot_timeout_s) + " is shorter than hang_timeout (" + seconds_text(s.hang_timeout_s) +
             " by default); set hang_timeout to at most that too");
  }

  const std::string& file_;
  const toml::table& root_;
  const std::map<std::string, std::string>& sets_;
};

}  // namespace

std::vector<std::string> list_scenarios(const std::string& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(fs::path(root) / "scenarios", ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->path().extension() == ".toml" && it->is_regular_file(type_ec)) names.push_back(it->path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string find_scenario_file(const std::string& name_or_path, const std::string& root) {
  const bool is_path = name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".toml");
  const std::string path = is_path ? name_or_path : root + "/scenarios/" + name_or_path + ".toml";
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return path;

  const std::vector<std::string> names = list_scenarios(root);
  std::string message = is_path ? "scenario file " + path + " does not exist"
                                : "unknown scenario " + in_quotes(name_or_path) + " (there is no " + path + ")";
  if (names.empty()) throw ScenarioError(message + "; there are no scenarios in " + root + "/scenarios");
  message += "; the scenarios are: " + join(names);
  if (auto guess = closest(is_path ? std::filesystem::path(path).stem().string() : name_or_path, names)) {
    message += "; did you mean " + in_quotes(*guess) + "?";
  }
  throw ScenarioError(message);
}

Scenario parse_scenario(std::string_view text, const std::string& path, const std::vector<std::string>& overrides) {
  std::string error;
  std::optional<toml::table> root = parse_toml(text, path, error);
  if (!root) throw ScenarioError(path + ": " + error);
  std::map<std::string, std::string> sets;
  for (const std::string& spec : overrides) apply_set(*root, spec, sets);
  Scenario s = Reader(path, *root, sets).read();
  s.name = std::filesystem::path(path).stem().string();
  s.path = path;
  return s;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path + ": cannot read the scenario: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path, overrides);
}

}  // namespace x710
