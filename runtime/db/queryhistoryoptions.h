#pragma once

#include "core/result.h"

#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

struct ConnectionConfig;

// connections.<id>.context.queryHistory (or the legacy `historicSql`), as the
// original spells it:
//   enabled, minExecutions (5), enabledSchemas (["*"]: no scope floor),
//   enabledTables, windowDays (BigQuery/Snowflake only),
//   filters.dropTrivialProbes (true),
//   filters.serviceAccounts.patterns (regular expressions on the role name,
//   matched anywhere: anchor with ^...$) and .mode exclude|include|mark-only,
//   redactionPatterns (regular expressions; matches in the SQL become <redacted>).
struct QueryHistoryOptions
{
    bool configured = false; // the block (or historicSql) is present
    bool enabled = false;
    int minExecutions = 5;
    QStringList enabledSchemas; // empty: the connection's own schemas
    QStringList enabledTables; // empty: every table in scope
    std::optional<int> windowDays;
    bool dropTrivialProbes = true;
    QStringList serviceAccountPatterns;
    QString serviceAccountMode = QStringLiteral("exclude"); // exclude | include | mark-only
    QStringList redactionPatterns;
    // Ours: the committed evidence keeps the busiest templates only, so one
    // noisy warehouse cannot write megabytes per ingest.
    int maxTemplates = 500;

    bool noScopeFloor() const { return enabledSchemas.contains(QStringLiteral("*")); }
    // The compiled patterns; fromConnection has checked that they compile.
    QList<QRegularExpression> serviceAccountExpressions() const;
    QList<QRegularExpression> redactionExpressions() const;

    // Reads the block; errors (code invalid_query_history_config) name the key.
    static Result<QueryHistoryOptions> fromConnection(const ConnectionConfig &connection);
    // The drivers whose warehouse keeps a query history ktx can read.
    static bool driverSupported(const QString &driver);
};

} // namespace ktx
