#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringView>

#include <vector>

namespace ktx {

// A position in a YAML text: byte offset (0-based) plus line and column (1-based,
// columns counted in bytes, as editors show them for ASCII YAML).
struct YamlMark
{
    qsizetype offset = 0;
    int line = 0;
    int column = 0;
};

struct YamlEntry;

// A YAML node with the exact byte span it occupies in the source. Readers use the
// values and the line/column for messages; YamlEditor uses the spans to splice
// edits into the original text without touching anything else.
struct YamlNode
{
    enum class Kind { Scalar, Mapping, Sequence, Alias };
    enum class ScalarStyle { Plain, SingleQuoted, DoubleQuoted, Literal, Folded };

    Kind kind = Kind::Scalar;
    ScalarStyle scalarStyle = ScalarStyle::Plain;
    bool flow = false; // `{}` / `[]` collections
    bool empty = false; // `key:` with nothing after it (an implicit null)
    QString text; // scalar value (after unquoting), or alias name
    YamlMark start;
    YamlMark end; // one past the last byte of the node
    std::vector<YamlEntry> entries; // Mapping
    std::vector<YamlNode> items; // Sequence

    bool isScalar() const { return kind == Kind::Scalar; }
    bool isMapping() const { return kind == Kind::Mapping; }
    bool isSequence() const { return kind == Kind::Sequence; }
    // A plain scalar that YAML reads as null: empty, `~`, `null`.
    bool isNull() const;

    const YamlNode *find(QStringView key) const;
    const YamlEntry *findEntry(QStringView key) const;

    // As JSON, by YAML 1.2's core schema: plain scalars become null, booleans
    // and numbers (integers beyond 2^53 stay text), quoted ones strings.
    QJsonValue toJson() const;
};

struct YamlEntry
{
    YamlNode key;
    YamlNode value;
};

} // namespace ktx
