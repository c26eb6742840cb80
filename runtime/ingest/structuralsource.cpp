#include "ingest/structuralsource.h"

#include "project/yamleditor.h"
#include "scan/columnprofile.h"

#include <QRegularExpression>
#include <QSet>

namespace ktx {

namespace {

// The default time dimension: the first time column whose name says it is the
// row's own moment, else the first time column.
QString defaultTimeColumn(const SchemaTable &table)
{
    static const QRegularExpression preferred(
        QStringLiteral("(^|_)(created|ordered|order|occurred|opened|started|signup|signed_up|event|"
                       "paid|placed)(_at|_date|_on|_time)?$"));
    QString first;
    for (const SchemaColumn &column : table.columns) {
        if (column.dimensionType != QLatin1String("time"))
            continue;
        if (first.isEmpty())
            first = column.name;
        if (preferred.match(column.name.toLower()).hasMatch())
            return column.name;
    }
    return first;
}

} // namespace

QMap<QString, QString> StructuralSource::sourceNames(const SchemaSnapshot &snapshot)
{
    QMap<QString, int> uses;
    for (const SchemaTable &table : snapshot.tables)
        ++uses[table.ref.name];
    QMap<QString, QString> names;
    for (const SchemaTable &table : snapshot.tables) {
        const bool ambiguous = uses.value(table.ref.name) > 1 && !table.ref.db.isEmpty();
        names.insert(table.ref.displayName(),
                     ambiguous ? table.ref.db + QLatin1Char('_') + table.ref.name : table.ref.name);
    }
    return names;
}

QString StructuralSource::tableReference(const TableRef &ref, const QString &driver)
{
    if (driver == QLatin1String("sqlite") && (ref.db.isEmpty() || ref.db == QLatin1String("main")))
        return ref.name;
    return ref.db.isEmpty() ? ref.name : ref.db + QLatin1Char('.') + ref.name;
}

void StructuralSource::refineTypes(SchemaTable &table, const TableProfile &profile)
{
    static const QRegularExpression iso(QStringLiteral(
        "^\\d{4}-\\d{2}-\\d{2}([ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$"));
    const auto isTime = [](const QVariant &value) {
        return iso.match(value.toString()).hasMatch();
    };
    for (SchemaColumn &column : table.columns) {
        if (column.dimensionType != QLatin1String("string"))
            continue;
        const ColumnProfile *p = profile.column(column.name);
        if (!p || p->nonNullCount() == 0 || !isTime(p->minValue) || !isTime(p->maxValue))
            continue;
        if (std::all_of(p->topValues.cbegin(), p->topValues.cend(),
                        [&](const ValueCount &v) { return isTime(v.value); }))
            column.dimensionType = QStringLiteral("time");
    }
}

QByteArray StructuralSource::yaml(const SchemaTable &table, const QString &driver,
                                  const QMap<QString, QString> &names,
                                  const QList<StructuralJoin> &joins)
{
    const QString name = names.value(table.ref.displayName(), table.ref.name);
    YamlValue source = YamlValue::mapping();
    source.insert(QStringLiteral("name"), YamlValue::string(name));
    if (!table.comment.trimmed().isEmpty())
        source.insert(QStringLiteral("descriptions"),
                      YamlValue::mapping().insert(QStringLiteral("db"),
                                                  YamlValue::string(table.comment.trimmed())));
    source.insert(QStringLiteral("table"), YamlValue::string(tableReference(table.ref, driver)));

    // Grain: the primary key; a table without one is identified by all its columns.
    QStringList grain = table.primaryKey();
    if (grain.isEmpty())
        for (const SchemaColumn &column : table.columns)
            grain << column.name;
    source.insert(QStringLiteral("grain"), YamlValue::stringList(grain));

    const QString timeColumn = defaultTimeColumn(table);
    YamlValue columns = YamlValue::list();
    for (const SchemaColumn &column : table.columns) {
        YamlValue c = YamlValue::mapping();
        c.insert(QStringLiteral("name"), YamlValue::string(column.name));
        c.insert(QStringLiteral("type"),
                 YamlValue::string(column.dimensionType.isEmpty() ? QStringLiteral("string")
                                                                  : column.dimensionType));
        if (column.name == timeColumn)
            c.insert(QStringLiteral("role"), YamlValue::string(QStringLiteral("time")));
        if (!column.comment.trimmed().isEmpty())
            c.insert(QStringLiteral("descriptions"),
                     YamlValue::mapping().insert(QStringLiteral("db"),
                                                 YamlValue::string(column.comment.trimmed())));
        columns.append(c);
    }
    source.insert(QStringLiteral("columns"), columns);

    YamlValue joinList = YamlValue::list();
    QSet<QString> seen;
    for (const StructuralJoin &join : joins) {
        const QString target = names.value(join.to.displayName());
        if (target.isEmpty() || join.fromColumns.size() != join.toColumns.size()
            || join.fromColumns.isEmpty())
            continue;
        QStringList conditions;
        for (int i = 0; i < join.fromColumns.size(); ++i)
            conditions << QStringLiteral("%1.%2 = %3.%4")
                              .arg(name, join.fromColumns[i], target, join.toColumns[i]);
        const QString on = conditions.join(QStringLiteral(" AND "));
        if (seen.contains(on))
            continue;
        seen.insert(on);
        YamlValue j = YamlValue::mapping();
        j.insert(QStringLiteral("to"), YamlValue::string(target));
        j.insert(QStringLiteral("on"), YamlValue::string(on));
        j.insert(QStringLiteral("relationship"),
                 YamlValue::string(join.relationship.isEmpty() ? QStringLiteral("many_to_one")
                                                               : join.relationship));
        joinList.append(j);
    }
    source.insert(QStringLiteral("joins"), joinList);

    QString measure = QStringLiteral("row_count");
    if (table.column(measure))
        measure = name + QStringLiteral("_row_count");
    source.insert(
        QStringLiteral("measures"),
        YamlValue::list().append(
            YamlValue::mapping()
                .insert(QStringLiteral("name"), YamlValue::string(measure))
                .insert(QStringLiteral("expr"), YamlValue::string(QStringLiteral("COUNT(*)")))
                .insert(QStringLiteral("description"),
                        YamlValue::string(QStringLiteral("Number of rows in %1.").arg(name)))));

    auto rendered = YamlEditor::renderDocument(source);
    return rendered.ok() ? *rendered : QByteArray(); // the caller reports an empty result
}

} // namespace ktx
