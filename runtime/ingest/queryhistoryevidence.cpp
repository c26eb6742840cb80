#include "ingest/queryhistoryevidence.h"

#include "ingest/livedatabaseevidence.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace ktx {

namespace {

QByteArray toJson(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented);
}

// 0 for fewer than 10, 1 for 10-99, ...: the order of magnitude.
int magnitude(qint64 n)
{
    int m = 0;
    while (n >= 10) {
        n /= 10;
        ++m;
    }
    return m;
}

QJsonObject tableJson(const TableRef &ref)
{
    return QJsonObject {{QStringLiteral("catalog"), ref.catalog},
                        {QStringLiteral("db"), ref.db},
                        {QStringLiteral("name"), ref.name}};
}

QJsonArray columnsJson(const QList<SqlColumnUse> &uses)
{
    QJsonArray out;
    for (const SqlColumnUse &u : uses)
        out.append(
            QJsonObject {{QStringLiteral("table"), u.table}, {QStringLiteral("column"), u.column}});
    return out;
}

QJsonArray joinsJson(const QList<SqlJoinPair> &joins)
{
    QJsonArray out;
    for (const SqlJoinPair &j : joins)
        out.append(QJsonObject {{QStringLiteral("left"),
                                 QJsonObject {{QStringLiteral("table"), j.left.table},
                                              {QStringLiteral("column"), j.left.column}}},
                                {QStringLiteral("right"),
                                 QJsonObject {{QStringLiteral("table"), j.right.table},
                                              {QStringLiteral("column"), j.right.column}}}});
    return out;
}

// Busiest tier first, then by id: within a tier the order does not move as
// the counters grow.
QList<QueryTemplate> stableOrder(QList<QueryTemplate> templates)
{
    std::sort(templates.begin(), templates.end(),
              [](const QueryTemplate &a, const QueryTemplate &b) {
                  const int ma = magnitude(a.executions);
                  const int mb = magnitude(b.executions);
                  return ma != mb ? ma > mb : a.templateId < b.templateId;
              });
    return templates;
}

} // namespace

QString QueryHistoryEvidence::executionsBucket(qint64 executions)
{
    if (executions < 10)
        return QStringLiteral("1-9");
    const int m = magnitude(executions);
    if (m >= 6)
        return QStringLiteral("1000000+");
    const qint64 low = qint64(std::pow(10.0, m));
    return QStringLiteral("%1-%2").arg(low).arg(low * 10 - 1);
}

QString QueryHistoryEvidence::runtimeBucket(double meanMs)
{
    if (meanMs < 1)
        return QStringLiteral("<1ms");
    if (meanMs < 10)
        return QStringLiteral("1-10ms");
    if (meanMs < 100)
        return QStringLiteral("10-100ms");
    if (meanMs < 1000)
        return QStringLiteral("100ms-1s");
    if (meanMs < 10000)
        return QStringLiteral("1-10s");
    return QStringLiteral(">=10s");
}

QString QueryHistoryEvidence::rowsBucket(double rowsPerExecution)
{
    if (rowsPerExecution < 0.5)
        return QStringLiteral("0");
    if (rowsPerExecution < 1.5)
        return QStringLiteral("1");
    if (rowsPerExecution < 10)
        return QStringLiteral("2-9");
    if (rowsPerExecution < 100)
        return QStringLiteral("10-99");
    if (rowsPerExecution < 1000)
        return QStringLiteral("100-999");
    return QStringLiteral("1000+");
}

QJsonObject QueryHistoryEvidence::optionsJson(const QueryHistoryOptions &options)
{
    return QJsonObject {
        {QStringLiteral("minExecutions"), options.minExecutions},
        {QStringLiteral("enabledSchemas"), QJsonArray::fromStringList(options.enabledSchemas)},
        {QStringLiteral("enabledTables"), QJsonArray::fromStringList(options.enabledTables)},
        {QStringLiteral("dropTrivialProbes"), options.dropTrivialProbes},
        {QStringLiteral("serviceAccounts"),
         QJsonObject {{QStringLiteral("patterns"),
                       QJsonArray::fromStringList(options.serviceAccountPatterns)},
                      {QStringLiteral("mode"), options.serviceAccountMode}}},
        {QStringLiteral("redactionPatterns"), int(options.redactionPatterns.size())},
        {QStringLiteral("maxTemplates"), options.maxTemplates}};
}

QMap<QString, QByteArray> QueryHistoryEvidence::files(const QueryHistorySummary &summary,
                                                      const Context &context)
{
    QMap<QString, QByteArray> out;
    QJsonObject dropped;
    for (auto it = summary.dropped.cbegin(); it != summary.dropped.cend(); ++it)
        dropped.insert(it.key(), double(it.value()));
    out.insert(
        QStringLiteral("manifest.json"),
        toJson(QJsonObject {
            {QStringLiteral("connectionId"), context.connectionId},
            {QStringLiteral("driver"), context.driver},
            {QStringLiteral("dialect"), QStringLiteral("postgres")},
            {QStringLiteral("catalog"), QStringLiteral("pg_stat_statements")},
            {QStringLiteral("extractedAt"), context.extractedAt},
            {QStringLiteral("stats"),
             QStringLiteral("bucketed: executions, runtime and rows are orders of "
                            "magnitude")},
            {QStringLiteral("options"), context.options},
            {QStringLiteral("counts"),
             QJsonObject {{QStringLiteral("statementsRead"), double(summary.statementsRead)},
                          {QStringLiteral("templates"), int(summary.templates.size())},
                          {QStringLiteral("tables"), int(summary.tables.size())},
                          {QStringLiteral("dropped"), dropped}}},
            {QStringLiteral("parseFailures"), QJsonArray::fromStringList(summary.parseFailures)},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(context.warnings)}}));

    QHash<QString, int> tier;
    QJsonArray templates;
    for (const QueryTemplate &t : stableOrder(summary.templates)) {
        tier.insert(t.templateId, magnitude(t.executions));
        QJsonObject json {
            {QStringLiteral("templateId"), t.templateId},
            {QStringLiteral("sql"), t.sql},
            {QStringLiteral("tables"), QJsonArray::fromStringList(t.tables)},
            {QStringLiteral("joins"), joinsJson(t.joins)},
            {QStringLiteral("filterColumns"), columnsJson(t.filterColumns)},
            {QStringLiteral("groupByColumns"), columnsJson(t.groupByColumns)},
            {QStringLiteral("roles"), QJsonArray::fromStringList(t.roles)},
            {QStringLiteral("stats"),
             QJsonObject {
                 {QStringLiteral("executions"), executionsBucket(t.executions)},
                 {QStringLiteral("meanRuntime"), runtimeBucket(t.meanMs())},
                 {QStringLiteral("rowsPerExecution"),
                  rowsBucket(t.executions > 0 ? double(t.rows) / double(t.executions) : 0.0)}}}};
        if (t.serviceAccount)
            json.insert(QStringLiteral("serviceAccount"), true);
        templates.append(json);
    }
    out.insert(QStringLiteral("templates.json"), toJson(templates));

    for (const QueryTableUsage &usage : summary.tables) {
        QStringList ids = usage.templateIds;
        std::sort(ids.begin(), ids.end(), [&](const QString &a, const QString &b) {
            const int ta = tier.value(a);
            const int tb = tier.value(b);
            return ta != tb ? ta > tb : a < b;
        });
        QJsonArray joins;
        for (const QueryJoinUsage &join : usage.joins) {
            QJsonArray on;
            for (const auto &[column, other] : join.on)
                on.append(QJsonObject {{QStringLiteral("column"), column},
                                       {QStringLiteral("withColumn"), other}});
            joins.append(
                QJsonObject {{QStringLiteral("withTable"), join.withTable.displayName()},
                             {QStringLiteral("on"), on},
                             {QStringLiteral("templates"), join.templates},
                             {QStringLiteral("executions"), executionsBucket(join.executions)}});
        }
        const QJsonObject json {
            {QStringLiteral("table"), tableJson(usage.table)},
            {QStringLiteral("stats"),
             QJsonObject {{QStringLiteral("executions"), executionsBucket(usage.executions)},
                          {QStringLiteral("templates"), int(usage.templateIds.size())}}},
            {QStringLiteral("roles"), QJsonArray::fromStringList(usage.roles)},
            {QStringLiteral("columnsByClause"),
             QJsonObject {
                 {QStringLiteral("where"), QJsonArray::fromStringList(usage.filterColumns)},
                 {QStringLiteral("join"), QJsonArray::fromStringList(usage.joinColumns)},
                 {QStringLiteral("groupBy"), QJsonArray::fromStringList(usage.groupByColumns)}}},
            {QStringLiteral("observedJoins"), joins},
            {QStringLiteral("topTemplates"), QJsonArray::fromStringList(ids.mid(0, 20))}};
        out.insert(LiveDatabaseEvidence::tableFileName(usage.table), toJson(json));
    }
    return out;
}

QByteArray QueryHistoryEvidence::contentHash(const QMap<QString, QByteArray> &files)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        QByteArray bytes = it.value();
        if (it.key() == QLatin1String("manifest.json")) {
            QJsonObject object = QJsonDocument::fromJson(bytes).object();
            for (const char *volatileKey : {"extractedAt", "parseFailures", "warnings"})
                object.remove(QLatin1String(volatileKey));
            QJsonObject counts = object.value(QStringLiteral("counts")).toObject();
            counts.remove(QStringLiteral("statementsRead"));
            counts.remove(QStringLiteral("dropped"));
            object.insert(QStringLiteral("counts"), counts);
            bytes = QJsonDocument(object).toJson(QJsonDocument::Compact);
        }
        hash.addData(it.key().toUtf8());
        hash.addData(QByteArrayView("\0", 1));
        hash.addData(bytes);
        hash.addData(QByteArrayView("\0", 1));
    }
    return hash.result().toHex();
}

QByteArray QueryHistoryEvidence::exactJson(const QueryHistorySummary &summary,
                                           const Context &context)
{
    QJsonArray templates;
    for (const QueryTemplate &t : summary.templates)
        templates.append(
            QJsonObject {{QStringLiteral("templateId"), t.templateId},
                         {QStringLiteral("executions"), double(t.executions)},
                         {QStringLiteral("totalMs"), t.totalMs},
                         {QStringLiteral("meanMs"), t.meanMs()},
                         {QStringLiteral("rows"), double(t.rows)},
                         {QStringLiteral("roles"), QJsonArray::fromStringList(t.roles)},
                         {QStringLiteral("sql"), t.sql}});
    QJsonObject dropped;
    for (auto it = summary.dropped.cbegin(); it != summary.dropped.cend(); ++it)
        dropped.insert(it.key(), double(it.value()));
    return toJson(QJsonObject {{QStringLiteral("connectionId"), context.connectionId},
                               {QStringLiteral("extractedAt"), context.extractedAt},
                               {QStringLiteral("statementsRead"), double(summary.statementsRead)},
                               {QStringLiteral("dropped"), dropped},
                               {QStringLiteral("templates"), templates}});
}

QString QueryHistoryEvidence::latestSyncDir(const QString &projectDir, const QString &connectionId)
{
    const QDir dir(
        QDir(projectDir)
            .filePath(QStringLiteral("raw-sources/%1/%2").arg(connectionId, sourceKey())));
    QStringList syncs = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    while (!syncs.isEmpty()
           && !QFileInfo::exists(dir.filePath(syncs.last() + QStringLiteral("/manifest.json"))))
        syncs.removeLast();
    return syncs.isEmpty() ? QString() : dir.filePath(syncs.last());
}

} // namespace ktx
