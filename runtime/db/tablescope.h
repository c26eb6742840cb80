#pragma once

#include "core/result.h"
#include "db/schemasnapshot.h"

#include <QRegularExpression>
#include <QStringList>

namespace ktx {

// connections.<id>.enabled_tables and excluded_tables: which tables an
// introspection keeps. An entry is `name`, `db.name` or `catalog.db.name`
// (SQLite: `main.x` is `x`), matched exactly, or a glob when it contains * or ?.
// No enabled entries: every table; then excluded entries drop tables.
// (excluded_tables is ours: the original has only the allowlist.)
class TableScope
{
public:
    explicit TableScope(const QStringList &entries, const QStringList &excluded = {});

    bool isEmpty() const { return m_enabled.entries.isEmpty() && m_excluded.entries.isEmpty(); }
    bool matches(const TableRef &ref) const;

    // The tables that match. Fails (code tables_not_found, naming the available
    // tables) when entries were given and no table is left; entries that match
    // nothing while others do become warnings.
    Result<QList<SchemaTable>> apply(const QList<SchemaTable> &tables, const QString &connectionId,
                                     QStringList &warnings) const;

private:
    struct Patterns
    {
        QStringList entries;
        QList<QRegularExpression> globs; // invalid for exact entries

        void add(const QStringList &list);
        bool matches(int index, const TableRef &ref) const;
        bool any(const TableRef &ref) const;
    };

    Patterns m_enabled;
    Patterns m_excluded;
};

} // namespace ktx
