#pragma once

#include "db/qtsqlsession.h"

#include <QDeadlineTimer>

struct sqlite3;

namespace ktx {

// A SQLite file opened read-only (QSQLITE_OPEN_READONLY, plus PRAGMA query_only).
// The statement timeout is a progress handler that interrupts a statement at its
// deadline, since SQLite has no server to enforce one.
class SqliteSession : public QtSqlSession
{
public:
    explicit SqliteSession(const ConnectionSettings &settings);

protected:
    Result<void> preflight() override;
    void configure(QSqlDatabase &db) override;
    Result<void> afterOpen() override;
    Result<QList<SchemaTable>> readCatalog(QStringList &warnings,
                                           const CancellationToken &cancel) override;
    bool wantsExactCount(const SchemaTable &table) const override;
    QJsonObject metadata() override;
    QStringList resultColumnNames(const QSqlQuery &query) const override;
    void beginStatement() override;
    void endStatement() override;

private:
    static int progress(void *session);

    sqlite3 *m_handle = nullptr;
    QDeadlineTimer m_deadline = QDeadlineTimer::Forever;
};

} // namespace ktx
