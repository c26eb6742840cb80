#pragma once

#include "core/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

class DatabaseSession;

// Whether a connection's query history can be read, and if not, the one fix.
struct QueryHistoryReadiness
{
    enum class Status { Ok, Warn, Fail };

    Status status = Status::Ok;
    // ok | version_unsupported | extension_unavailable | extension_missing |
    // extension_not_preloaded | grants_missing | probe_failed | unsupported_driver
    QString code = QStringLiteral("ok");
    QString detail;
    QString fix;
    QStringList warnings; // with Status::Warn
    QString extensionSchema; // where pg_stat_statements lives (Ok/Warn)

    bool canRead() const { return status != Status::Fail; }
    QString statusName() const; // ok | warn | fail
};

// One pg_stat_statements entry of the current database (top-level statements).
struct QueryHistoryStatement
{
    QString role;
    qint64 calls = 0;
    double totalMs = 0;
    qint64 rows = 0;
    QString query;
};

// Query history from pg_stat_statements (PostgreSQL 14+), through an open,
// read-only, guarded session.
class PostgresQueryHistory
{
public:
    // What the probe learnt, for assess(); a test can state any combination.
    struct Facts
    {
        QString connectionId;
        QString database;
        QString user;
        int serverVersionNum = 0; // 150018
        bool extensionAvailable = true; // in pg_available_extensions
        bool extensionCreated = false;
        QString extensionSchema;
        std::optional<bool> preloaded; // unknown when the setting is not visible
        std::optional<QString> readError; // reading the view failed with this text
        bool superuser = false;
        bool readAllStats = false;
        QString track; // pg_stat_statements.track
    };

    static constexpr int minimumVersionNum = 140000;

    static QueryHistoryReadiness probe(DatabaseSession &session, const QString &connectionId);
    // The decision alone, from facts.
    static QueryHistoryReadiness assess(const Facts &facts);

    // Every top-level statement recorded for the current database, busiest
    // first, at most maxStatements (warnings say when more were left out).
    static Result<QList<QueryHistoryStatement>> read(DatabaseSession &session,
                                                     const QueryHistoryReadiness &readiness,
                                                     int maxStatements, QStringList &warnings);
};

} // namespace ktx
