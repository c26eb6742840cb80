#include "project/yamlnode.h"

namespace ktx {

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
