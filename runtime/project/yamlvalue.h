#pragma once

#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace ktx {

// A value to write into a YAML file: a typed scalar, or an ordered mapping or
// list of values. Ordered on purpose: keys are written in the order given.
class YamlValue
{
public:
    enum class Type { Null, String, Bool, Integer, Float, Mapping, List };

    YamlValue() = default;
    static YamlValue null() { return YamlValue(Type::Null, {}); }
    static YamlValue string(const QString &text) { return YamlValue(Type::String, text); }
    static YamlValue boolean(bool value)
    {
        return YamlValue(Type::Bool, value ? QStringLiteral("true") : QStringLiteral("false"));
    }
    static YamlValue integer(qint64 value)
    {
        return YamlValue(Type::Integer, QString::number(value));
    }
    static YamlValue number(double value) { return YamlValue(Type::Float, QString::number(value)); }
    static YamlValue mapping() { return YamlValue(Type::Mapping, {}); }
    static YamlValue list() { return YamlValue(Type::List, {}); }
    static YamlValue stringList(const QStringList &items);

    YamlValue &insert(const QString &key, YamlValue value); // mappings; replaces an existing key
    YamlValue &append(YamlValue value); // lists

    Type type() const { return m_type; }
    bool isScalar() const { return m_type != Type::Mapping && m_type != Type::List; }
    const QString &scalarText() const { return m_text; }
    const std::vector<std::pair<QString, YamlValue>> &entries() const { return m_entries; }
    const std::vector<YamlValue> &items() const { return m_items; }

private:
    YamlValue(Type type, QString text)
        : m_type(type)
        , m_text(std::move(text))
    { }

    Type m_type = Type::Null;
    QString m_text;
    std::vector<std::pair<QString, YamlValue>> m_entries;
    std::vector<YamlValue> m_items;
};

} // namespace ktx
