#pragma once

#include "core/result.h"
#include "db/schemasnapshot.h"

#include <QRegularExpression>
#include <QStringList>

namespace ktx {

// connections.<id>.enabled_tables: which tables an introspection keeps. An entry
// is `name`, `db.name` or `catalog.db.name` (SQLite: `main.x` is `x`), matched
// exactly, or a glob when it contains * or ?. No entries: every table.
class TableScope
{
public:
    explicit TableScope(const QStringList &entries);

    bool isEmpty() const { return m_entries.isEmpty(); }
    bool matches(const TableRef &ref) const;

    // The tables that match. Fails (code tables_not_found, naming the available
    // tables) when entries were given and none matches; entries that match
    // nothing while others do become warnings.
    Result<QList<SchemaTable>> apply(const QList<SchemaTable> &tables, const QString &connectionId,
                                     QStringList &warnings) const;

private:
    bool entryMatches(int index, const TableRef &ref) const;

    QStringList m_entries;
    QList<QRegularExpression> m_globs; // invalid for exact entries
};

} // namespace ktx
