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

} // namespace

TableScope::TableScope(const QStringList &entries)
{
    for (const QString &entry : entries) {
        const QString trimmed = entry.trimmed();
        if (trimmed.isEmpty())
            continue;
        m_entries << trimmed;
        if (trimmed.contains(QLatin1Char('*')) || trimmed.contains(QLatin1Char('?')))
            m_globs << globExpression(trimmed);
        else
            m_globs << QRegularExpression();
    }
}

bool TableScope::entryMatches(int index, const TableRef &ref) const
{
    const QStringList names = spellings(ref);
    const QRegularExpression &glob = m_globs.at(index);
    for (const QString &name : names) {
        if (glob.isValid() && !glob.pattern().isEmpty() ? glob.match(name).hasMatch()
                                                        : name == m_entries.at(index))
            return true;
    }
    return false;
}

bool TableScope::matches(const TableRef &ref) const
{
    if (m_entries.isEmpty())
        return true;
    for (int i = 0; i < m_entries.size(); ++i) {
        if (entryMatches(i, ref))
            return true;
    }
    return false;
}

Result<QList<SchemaTable>> TableScope::apply(const QList<SchemaTable> &tables,
                                             const QString &connectionId,
                                             QStringList &warnings) const
{
    if (m_entries.isEmpty())
        return tables;
    QList<SchemaTable> kept;
    QList<bool> used(m_entries.size(), false);
    for (const SchemaTable &table : tables) {
        bool keep = false;
        for (int i = 0; i < m_entries.size(); ++i) {
            if (entryMatches(i, table.ref)) {
                used[i] = true;
                keep = true;
            }
        }
        if (keep)
            kept << table;
    }
    if (kept.isEmpty()) {
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
        return makeError(QStringLiteral("tables_not_found"),
                         QStringLiteral("None of connections.%1.enabled_tables (%2) matches a "
                                        "table in scope. Available tables: %3.")
                             .arg(connectionId, m_entries.join(QStringLiteral(", ")), list),
                         QStringLiteral("Write entries as name, schema.name or a glob such as "
                                        "orders_*."));
    }
    for (int i = 0; i < m_entries.size(); ++i) {
        if (!used[i])
            warnings << QStringLiteral("connections.%1.enabled_tables entry \"%2\" matches no "
                                       "table in scope.")
                            .arg(connectionId, m_entries[i]);
    }
    return kept;
}

} // namespace ktx
