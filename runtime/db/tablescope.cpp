#include "db/tablescope.h"

namespace ktx {

namespace {

QStringList spellings(const TableRef &ref)
{
    QStringList names {ref.name};
    if (!ref.db.isEmpty()) {
        names << ref.db + QLatin1Char('.') + ref.name;
        if (!ref.catalog.isEmpty())
            names << ref.catalog + QLatin1Char('.') + ref.db + QLatin1Char('.') + ref.name;
    }
    return names;
}

// `*` and `?` only; a dot is a dot (Qt 6.4's wildcard conversion treats `/` specially).
QRegularExpression globExpression(const QString &glob)
{
    QString pattern = QRegularExpression::escape(glob);
    pattern.replace(QLatin1String("\\*"), QLatin1String(".*"));
    pattern.replace(QLatin1String("\\?"), QLatin1String("."));
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern));
}

QString availableList(const QList<SchemaTable> &tables)
{
    QStringList available;
    for (const SchemaTable &table : tables)
        available << table.ref.displayName();
    available.sort();
    const int shown = 50;
    QString list = available.isEmpty()
        ? QStringLiteral("none")
        : QStringList(available.mid(0, shown)).join(QStringLiteral(", "));
    if (available.size() > shown)
        list += QStringLiteral(" and %1 more").arg(available.size() - shown);
    return list;
}

} // namespace

void TableScope::Patterns::add(const QStringList &list)
{
    for (const QString &entry : list) {
        const QString trimmed = entry.trimmed();
        if (trimmed.isEmpty())
            continue;
        entries << trimmed;
        if (trimmed.contains(QLatin1Char('*')) || trimmed.contains(QLatin1Char('?')))
            globs << globExpression(trimmed);
        else
            globs << QRegularExpression();
    }
}

bool TableScope::Patterns::matches(int index, const TableRef &ref) const
{
    const QStringList names = spellings(ref);
    const QRegularExpression &glob = globs.at(index);
    for (const QString &name : names) {
        if (glob.isValid() && !glob.pattern().isEmpty() ? glob.match(name).hasMatch()
                                                        : name == entries.at(index))
            return true;
    }
    return false;
}

bool TableScope::Patterns::any(const TableRef &ref) const
{
    for (int i = 0; i < entries.size(); ++i) {
        if (matches(i, ref))
            return true;
    }
    return false;
}

TableScope::TableScope(const QStringList &entries, const QStringList &excluded)
{
    m_enabled.add(entries);
    m_excluded.add(excluded);
}

bool TableScope::matches(const TableRef &ref) const
{
    if (!m_enabled.entries.isEmpty() && !m_enabled.any(ref))
        return false;
    return !m_excluded.any(ref);
}

Result<QList<SchemaTable>> TableScope::apply(const QList<SchemaTable> &tables,
                                             const QString &connectionId,
                                             QStringList &warnings) const
{
    if (isEmpty())
        return tables;
    QList<SchemaTable> enabled;
    QList<bool> used(m_enabled.entries.size(), false);
    if (m_enabled.entries.isEmpty()) {
        enabled = tables;
    } else {
        for (const SchemaTable &table : tables) {
            bool keep = false;
            for (int i = 0; i < m_enabled.entries.size(); ++i) {
                if (m_enabled.matches(i, table.ref)) {
                    used[i] = true;
                    keep = true;
                }
            }
            if (keep)
                enabled << table;
        }
        if (enabled.isEmpty())
            return makeError(QStringLiteral("tables_not_found"),
                             QStringLiteral("None of connections.%1.enabled_tables (%2) matches a "
                                            "table in scope. Available tables: %3.")
                                 .arg(connectionId, m_enabled.entries.join(QStringLiteral(", ")),
                                      availableList(tables)),
                             QStringLiteral("Write entries as name, schema.name or a glob such as "
                                            "orders_*."));
        for (int i = 0; i < m_enabled.entries.size(); ++i) {
            if (!used[i])
                warnings << QStringLiteral("connections.%1.enabled_tables entry \"%2\" matches no "
                                           "table in scope.")
                                .arg(connectionId, m_enabled.entries[i]);
        }
    }
    if (m_excluded.entries.isEmpty())
        return enabled;

    QList<SchemaTable> kept;
    QList<bool> excludedSomething(m_excluded.entries.size(), false);
    for (const SchemaTable &table : std::as_const(enabled)) {
        bool drop = false;
        for (int i = 0; i < m_excluded.entries.size(); ++i) {
            if (m_excluded.matches(i, table.ref)) {
                excludedSomething[i] = true;
                drop = true;
            }
        }
        if (!drop)
            kept << table;
    }
    if (kept.isEmpty() && !enabled.isEmpty())
        return makeError(QStringLiteral("tables_not_found"),
                         QStringLiteral("connections.%1.excluded_tables (%2) excludes every table "
                                        "in scope (%3).")
                             .arg(connectionId, m_excluded.entries.join(QStringLiteral(", ")),
                                  availableList(enabled)),
                         QStringLiteral("Narrow the excluded_tables entries, or remove the "
                                        "connection if none of its tables should be read."));
    for (int i = 0; i < m_excluded.entries.size(); ++i) {
        if (!excludedSomething[i])
            warnings << QStringLiteral("connections.%1.excluded_tables entry \"%2\" matches no "
                                       "table in scope.")
                            .arg(connectionId, m_excluded.entries[i]);
    }
    return kept;
}

} // namespace ktx
