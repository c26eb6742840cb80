#include "project/projectconfig.h"

#include "project/configissue.h"

#include <QFileInfo>

namespace ktx {

QString ConfigIssue::location() const
{
    QString text = file.isEmpty() ? QStringLiteral("ktx.yaml") : QFileInfo(file).fileName();
    if (line > 0)
        text += QStringLiteral(":%1:%2").arg(line).arg(column);
    return text;
}

ConnectionKind ConnectionConfig::kind() const
{
    if (ProjectConfig::warehouseDrivers().contains(driver))
        return ConnectionKind::Warehouse;
    if (ProjectConfig::contextSourceDrivers().contains(driver))
        return ConnectionKind::ContextSource;
    return ConnectionKind::Unknown;
}

const QStringList &LlmConfig::roles()
{
    static const QStringList list = {QStringLiteral("default"),
                                     QStringLiteral("triage"),
                                     QStringLiteral("candidateExtraction"),
                                     QStringLiteral("curator"),
                                     QStringLiteral("reconcile"),
                                     QStringLiteral("repair")};
    return list;
}

const QStringList &LlmConfig::backends()
{
    static const QStringList list = {QStringLiteral("none"),
                                     QStringLiteral("anthropic"),
                                     QStringLiteral("vertex"),
                                     QStringLiteral("gateway"),
                                     QStringLiteral("openai-compatible"),
                                     QStringLiteral("claude-code"),
                                     QStringLiteral("codex")};
    return list;
}

QString LlmConfig::modelFor(const QString &role) const
{
    const QString specific = models.value(role);
    return specific.isEmpty() ? models.value(QStringLiteral("default")) : specific;
}

const ConnectionConfig *ProjectConfig::connection(const QString &id) const
{
    for (const ConnectionConfig &c : connections)
        if (c.id == id)
            return &c;
    return nullptr;
}

QStringList ProjectConfig::databaseConnectionIds() const
{
    if (setup.databaseConnectionIds)
        return *setup.databaseConnectionIds;
    QStringList ids;
    for (const ConnectionConfig &c : connections)
        if (c.kind() == ConnectionKind::Warehouse)
            ids << c.id;
    return ids;
}

QStringList ProjectConfig::contextSourceConnectionIds() const
{
    QStringList ids;
    for (const ConnectionConfig &c : connections)
        if (c.kind() == ConnectionKind::ContextSource)
            ids << c.id;
    return ids;
}

const QStringList &ProjectConfig::warehouseDrivers()
{
    static const QStringList list
        = {QStringLiteral("postgres"),  QStringLiteral("mysql"),     QStringLiteral("snowflake"),
           QStringLiteral("bigquery"),  QStringLiteral("sqlite"),    QStringLiteral("clickhouse"),
           QStringLiteral("sqlserver"), QStringLiteral("duckdb"),    QStringLiteral("mongodb"),
           QStringLiteral("athena"),    QStringLiteral("databricks")};
    return list;
}

const QStringList &ProjectConfig::contextSourceDrivers()
{
    static const QStringList list
        = {QStringLiteral("dbt"),    QStringLiteral("metricflow"), QStringLiteral("lookml"),
           QStringLiteral("looker"), QStringLiteral("metabase"),   QStringLiteral("notion"),
           QStringLiteral("sigma"),  QStringLiteral("gdrive"),     QStringLiteral("jira")};
    return list;
}

} // namespace ktx
