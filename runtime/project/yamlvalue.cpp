#include "project/yamlvalue.h"

namespace ktx {

YamlValue YamlValue::stringList(const QStringList &items)
{
    YamlValue value = list();
    for (const QString &item : items)
        value.append(string(item));
    return value;
}

YamlValue &YamlValue::insert(const QString &key, YamlValue value)
{
    m_type = Type::Mapping;
    for (auto &entry : m_entries) {
        if (entry.first == key) {
            entry.second = std::move(value);
            return *this;
        }
    }
    m_entries.emplace_back(key, std::move(value));
    return *this;
}

YamlValue &YamlValue::append(YamlValue value)
{
    m_type = Type::List;
    m_items.push_back(std::move(value));
    return *this;
}

} // namespace ktx
