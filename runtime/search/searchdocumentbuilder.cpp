#include "search/searchdocumentbuilder.h"

#include "db/schemasnapshot.h"
#include "semantic/semanticsource.h"
#include "wiki/wikipage.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace ktx {

namespace {

QString tablePath(const TableRef &ref)
{
    QStringList parts;
    for (const QString &p : {ref.catalog, ref.db, ref.name}) {
        if (!p.isEmpty())
            parts << p;
    }
    return parts.join(QLatin1Char('.'));
}

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QString joined(const QStringList &parts)
{
    QStringList kept;
    for (const QString &p : parts) {
        if (!p.trimmed().isEmpty())
            kept << p;
    }
    return kept.join(QLatin1Char('\n'));
}

QString tagsOf(const QJsonObject &extra)
{
    QStringList tags;
    for (const QJsonValue &v : extra.value(QStringLiteral("tags")).toArray())
        tags << v.toString();
    return tags.join(QLatin1Char(' '));
}

struct ColumnSample
{
    QStringList values;
    std::optional<qint64> distinct;
    QString dimensionType;
};

struct TableSample
{
    std::optional<qint64> sampledRows;
    QHash<QString, ColumnSample> columns;
};

TableSample readProfile(const QJsonObject &profile)
{
    TableSample sample;
    if (profile.contains(QStringLiteral("sampledRows")))
        sample.sampledRows = qint64(profile.value(QStringLiteral("sampledRows")).toDouble());
    for (const QJsonValue &v : profile.value(QStringLiteral("columns")).toArray()) {
        const QJsonObject c = v.toObject();
        ColumnSample column;
        column.dimensionType = c.value(QStringLiteral("dimensionType")).toString();
        if (c.contains(QStringLiteral("distinctCount")))
            column.distinct = qint64(c.value(QStringLiteral("distinctCount")).toDouble());
        for (const QJsonValue &top : c.value(QStringLiteral("topValues")).toArray()) {
            const QJsonValue value
                = top.isObject() ? top.toObject().value(QStringLiteral("value")) : top;
            if (value.isString() && !value.toString().isEmpty())
                column.values << value.toString();
        }
        sample.columns.insert(c.value(QStringLiteral("name")).toString(), column);
    }
    return sample;
}

} // namespace

SearchDocument SearchDocumentBuilder::fromWikiPage(const WikiPage &page)
{
    SearchDocument d;
    d.kind = QStringLiteral("wiki");
    d.id = page.key;
    d.title = page.key;
    d.summary = page.summary;
    d.text = page.searchText();
    d.fields = {{QStringLiteral("name"), page.key},
                {QStringLiteral("description"), page.summary},
                {QStringLiteral("body"),
                 QString(page.body + QLatin1Char('\n') + page.tags.join(QLatin1Char(' ')))}};
    d.scope = page.scopeName();
    d.userId = page.userId;
    d.path = page.relativePath();
    d.connections = page.connections;
    return d;
}

QList<SearchDocument> SearchDocumentBuilder::fromSources(const QString &connectionId,
                                                         const QList<SemanticSource> &sources)
{
    QList<SearchDocument> out;
    for (const SemanticSource &s : sources) {
        QStringList columnText, measureText, exprText;
        for (const SourceColumn &c : s.columns) {
            if (c.visibility == SourceColumn::Visibility::Hidden)
                continue;
            columnText << joined({c.name, c.description});
            if (!c.expr.isEmpty())
                exprText << c.expr;
        }
        for (const SourceMeasure &m : s.measures) {
            measureText << joined({m.name, m.description});
            exprText << m.expr;
        }
        QStringList joinText;
        for (const SourceJoin &j : s.joins)
            joinText << j.targetName();
        for (const SourceSegment &g : s.segments)
            joinText << joined({g.name, g.description});

        SearchDocument source;
        source.kind = QStringLiteral("sl_source");
        source.id = s.name;
        source.connectionId = connectionId;
        source.title = s.name;
        source.summary = s.description;
        source.tableName = s.table;
        source.text = joined(
            {s.name, s.description, s.table, tagsOf(s.extra), columnText.join(QLatin1Char('\n')),
             measureText.join(QLatin1Char('\n')), joinText.join(QLatin1Char(' '))});
        source.fields
            = {{QStringLiteral("name"), s.name},
               {QStringLiteral("display"), s.table},
               {QStringLiteral("description"),
                joined({s.description, columnText.join(QLatin1Char('\n')),
                        measureText.join(QLatin1Char('\n'))})},
               {QStringLiteral("expr"), joined({s.sql, exprText.join(QLatin1Char('\n'))})}};
        out << source;

        for (const SourceMeasure &m : s.measures) {
            SearchDocument d;
            d.kind = QStringLiteral("sl_measure");
            d.id = s.name + QLatin1Char('.') + m.name;
            d.connectionId = connectionId;
            d.title = m.name;
            d.summary = m.description;
            d.text = joined({s.name, m.name, m.description, m.expr, m.filter});
            d.fields = {{QStringLiteral("name"), m.name},
                        {QStringLiteral("display"), d.id},
                        {QStringLiteral("description"), m.description},
                        {QStringLiteral("expr"), joined({m.expr, m.filter})}};
            out << d;
        }
        for (const SourceColumn &c : s.columns) {
            if (c.visibility == SourceColumn::Visibility::Hidden)
                continue;
            SearchDocument d;
            d.kind = QStringLiteral("sl_dimension");
            d.id = s.name + QLatin1Char('.') + c.name;
            d.connectionId = connectionId;
            d.title = c.name;
            d.summary = c.description;
            d.text = joined({s.name, c.name, c.description, c.type, c.expr});
            d.fields = {{QStringLiteral("name"), c.name},
                        {QStringLiteral("display"), d.id},
                        {QStringLiteral("description"), c.description},
                        {QStringLiteral("expr"), c.expr}};
            out << d;
        }
    }
    return out;
}

SearchDocumentBuilder::Evidence
SearchDocumentBuilder::fromEvidence(const QString &connectionId, const QString &syncId,
                                    const QMap<QString, QByteArray> &files)
{
    Evidence out;
    out.coverage.connectionId = connectionId;
    out.coverage.syncId = syncId;
    const QJsonObject connection
        = QJsonDocument::fromJson(files.value(QStringLiteral("connection.json"))).object();
    out.coverage.profiledAt = connection.value(QStringLiteral("extractedAt")).toString();

    // Profiles by table path, from profiles.json and from table files.
    QHash<QString, TableSample> samples;
    bool sawProfiles = false;
    const QJsonObject profiles
        = QJsonDocument::fromJson(files.value(QStringLiteral("profiles.json"))).object();
    for (const QJsonValue &v : profiles.value(QStringLiteral("tables")).toArray()) {
        const QJsonObject t = v.toObject();
        const QJsonObject ref = t.value(QStringLiteral("table")).toObject();
        const TableRef tableRef {ref.value(QStringLiteral("catalog")).toString(),
                                 ref.value(QStringLiteral("db")).toString(),
                                 ref.value(QStringLiteral("name")).toString()};
        samples.insert(tablePath(tableRef), readProfile(t));
        sawProfiles = true;
    }
    if (profiles.contains(QStringLiteral("profiledAt")))
        out.coverage.profiledAt = profiles.value(QStringLiteral("profiledAt")).toString();

    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (!it.key().startsWith(QLatin1String("tables/"))
            || !it.key().endsWith(QLatin1String(".json")))
            continue;
        const QJsonObject object = QJsonDocument::fromJson(it.value()).object();
        const SchemaTable table = SchemaTable::fromJson(object);
        if (table.ref.name.isEmpty())
            continue;
        const QString path = tablePath(table.ref);
        if (object.value(QStringLiteral("profile")).isObject()) {
            samples.insert(path, readProfile(object.value(QStringLiteral("profile")).toObject()));
            sawProfiles = true;
        }
        const TableSample sample = samples.value(path);
        const QJsonObject ref {{QStringLiteral("catalog"), orNull(table.ref.catalog)},
                               {QStringLiteral("db"), orNull(table.ref.db)},
                               {QStringLiteral("name"), table.ref.name}};
        const QString display = table.ref.displayName();

        QStringList columnText;
        for (const SchemaColumn &c : table.columns)
            columnText << joined({c.name, c.comment});
        SearchDocument t;
        t.kind = QStringLiteral("table");
        t.id = display;
        t.connectionId = connectionId;
        t.title = table.ref.name;
        t.summary = table.comment;
        t.tableRef = ref;
        t.text = joined({display, table.comment, columnText.join(QLatin1Char('\n'))});
        t.fields = {{QStringLiteral("name"), table.ref.name},
                    {QStringLiteral("display"), display},
                    {QStringLiteral("comment"), table.comment}};
        out.documents << t;

        for (const SchemaColumn &c : table.columns) {
            const ColumnSample columnSample = sample.columns.value(c.name);
            SearchDocument d;
            d.kind = QStringLiteral("column");
            d.id = display + QLatin1Char('.') + c.name;
            d.connectionId = connectionId;
            d.title = c.name;
            d.summary = c.comment;
            d.tableRef = ref;
            d.columnName = c.name;
            const QString values = columnSample.values.mid(0, 20).join(QLatin1Char(' '));
            d.text = joined({table.ref.name, c.name, c.nativeType, c.comment, values});
            d.fields = {{QStringLiteral("name"), c.name},
                        {QStringLiteral("display"), d.id},
                        {QStringLiteral("comment"), c.comment},
                        {QStringLiteral("sample_value"), values}};
            out.documents << d;
        }

        // Dictionary values: text columns only (numbers and dates are not
        // business values a person names).
        for (auto c = sample.columns.cbegin(); c != sample.columns.cend(); ++c) {
            ++out.coverage.profiledColumns;
            if (sample.sampledRows)
                out.coverage.sampledRows
                    = std::max(out.coverage.sampledRows.value_or(0), *sample.sampledRows);
            const QString type = c->dimensionType;
            if (c->values.isEmpty() || (!type.isEmpty() && type != QLatin1String("string")))
                continue;
            out.coverage.valuesPerColumn
                = std::max(out.coverage.valuesPerColumn.value_or(0), qint64(c->values.size()));
            for (const QString &value : c->values)
                out.dictionary << DictionaryEntry {connectionId, path,  table.ref.name,
                                                   c.key(),      value, c->distinct};
        }
    }
    if (!sawProfiles)
        out.coverage.status = QStringLiteral("no_profile_artifact");
    else if (out.dictionary.isEmpty())
        out.coverage.status = QStringLiteral("no_candidate_columns");
    else
        out.coverage.status = QStringLiteral("ready");
    // Deterministic row order (the hash iteration above is not).
    std::sort(out.dictionary.begin(), out.dictionary.end(),
              [](const DictionaryEntry &a, const DictionaryEntry &b) {
                  return std::tie(a.tablePath, a.columnName, a.value)
                      < std::tie(b.tablePath, b.columnName, b.value);
              });
    return out;
}

} // namespace ktx
