#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

// Where a value came from in a source file, for messages (1-based; 0 unknown).
struct SourceLocation
{
    int line = 0;
    int column = 0;
};

struct SourceColumn
{
    enum class Visibility { Public, Internal, Hidden };

    QString name;
    QString type; // string | number | time | boolean; empty when inherited
    QString role = QStringLiteral("default"); // time | default
    Visibility visibility = Visibility::Public;
    QString description; // resolved from description / descriptions (user > ai > dbt > db)
    QMap<QString, QString> descriptions;
    QString expr; // computed column; empty for a physical column
    QJsonObject extra; // constraints, enum_values, tests, natural_granularity: kept, not used
    SourceLocation location;

    bool isComputed() const { return !expr.isEmpty(); }
    static QString visibilityName(Visibility v);
};

struct SourceJoin
{
    QString to;
    QString on;
    QString relationship; // many_to_one | one_to_many | one_to_one
    QString alias;
    SourceLocation location;

    QString targetName() const { return alias.isEmpty() ? to : alias; }
};

struct SourceMeasure
{
    QString name;
    QString expr;
    QString filter;
    QStringList segments;
    QString description;
    SourceLocation location;
};

struct SourceSegment
{
    QString name;
    QString expr;
    QString description;
    SourceLocation location;
};

// One semantic-layer source: a physical table or a SQL body with its columns,
// grain, joins, measures and segments (ktx-spec §4). The in-file `name` is the
// identity; the file name is only a label.
struct SemanticSource
{
    QString name;
    QString description;
    QMap<QString, QString> descriptions;
    QString table; // exactly one of table / sql for a standalone source
    QString sql;
    QString sourceType;
    QString inheritsColumnsFrom;
    QStringList grain;
    QList<SourceColumn> columns;
    QList<SourceJoin> joins;
    QList<SourceMeasure> measures;
    QList<SourceSegment> segments;
    QJsonObject extra; // default_time_dimension, tags, freshness, usage: kept verbatim

    // Overlay-only fields (before composition onto a `_schema/` manifest entry).
    bool overlay = false;
    QList<SourceColumn> columnOverrides;
    QStringList excludeColumns;
    QStringList disableJoins;

    QString filePath; // where it was read from; empty for sources built in code
    SourceLocation location;

    bool isSqlSource() const { return !sql.isEmpty(); }
    bool isTableSource() const { return !table.isEmpty(); }
    const SourceColumn *column(const QString &columnName) const;
    const SourceMeasure *measure(const QString &measureName) const;
    const SourceSegment *segment(const QString &segmentName) const;

    // user > ai > dbt > db, then any non-empty one.
    static QString resolveDescription(const QMap<QString, QString> &descriptions);
};

} // namespace ktx
