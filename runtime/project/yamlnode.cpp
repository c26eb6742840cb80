#include "project/yamlnode.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>
#include <cstdlib>

namespace ktx {

namespace {

// YAML 1.2 core schema for plain scalars; quoted scalars are always strings.
QJsonValue scalarToJson(const YamlNode &node)
{
    if (node.scalarStyle != YamlNode::ScalarStyle::Plain)
        return node.text;
    if (node.isNull())
        return QJsonValue::Null;
    const QString &t = node.text;
    if (t == QLatin1String("true") || t == QLatin1String("True") || t == QLatin1String("TRUE"))
        return true;
    if (t == QLatin1String("false") || t == QLatin1String("False") || t == QLatin1String("FALSE"))
        return false;
    static const QRegularExpression integer(QStringLiteral("^[-+]?[0-9]+$"));
    static const QRegularExpression real(
        QStringLiteral("^[-+]?(?:[0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?$"));
    if (integer.match(t).hasMatch()) {
        bool ok = false;
        const qint64 v = t.toLongLong(&ok);
        // Beyond 2^53 a double would change the value: keep such ids as text.
        if (ok && std::llabs(v) < (qint64(1) << 53))
            return double(v);
        return t;
    }
    if (real.match(t).hasMatch()) {
        bool ok = false;
        const double v = t.toDouble(&ok);
        if (ok && std::isfinite(v))
            return v;
    }
    return t;
}

} // namespace

QJsonValue YamlNode::toJson() const
{
    const YamlNode &node = *this;
    switch (node.kind) {
    case YamlNode::Kind::Scalar:
        return scalarToJson(node);
    case YamlNode::Kind::Alias:
        return node.text;
    case YamlNode::Kind::Sequence: {
        QJsonArray array;
        for (const YamlNode &item : node.items)
            array.append(item.toJson());
        return array;
    }
    case YamlNode::Kind::Mapping: {
        QJsonObject object;
        for (const YamlEntry &entry : node.entries)
            object.insert(entry.key.text, entry.value.toJson());
        return object;
    }
    }
    return QJsonValue::Null;
}

bool YamlNode::isNull() const
{
    if (kind != Kind::Scalar || scalarStyle != ScalarStyle::Plain)
        return false;
    return empty || text.isEmpty() || text == QLatin1String("~") || text == QLatin1String("null")
        || text == QLatin1String("Null") || text == QLatin1String("NULL");
}

const YamlEntry *YamlNode::findEntry(QStringView key) const
{
    for (const YamlEntry &entry : entries)
        if (entry.key.kind == Kind::Scalar && entry.key.text == key)
            return &entry;
    return nullptr;
}

const YamlNode *YamlNode::find(QStringView key) const
{
    const YamlEntry *entry = findEntry(key);
    return entry ? &entry->value : nullptr;
}

} // namespace ktx
