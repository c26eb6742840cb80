#pragma once

#include "testdatabaseserver.h"

namespace ktx::test {

// PostgreSQL from the Debian postgresql-15 package: initdb, then the postmaster
// as our child (as `nobody` when we are root); stopped with an immediate
// shutdown (SIGQUIT, what `pg_ctl -m immediate` sends).
class PostgresTestServer : public TestDatabaseServer
{
public:
    PostgresTestServer();
    ~PostgresTestServer() override;

    // The newest /usr/lib/postgresql/<version>/bin, or empty.
    static QString binDir();

protected:
    bool launch(QString *error) override;
    void shutdown() override;
    QString adminDriver() const override;
    void configureAdmin(QSqlDatabase &db, const QString &database) const override;

private:
    bool waitUntilReady(QString *error);
    QString socketDir() const;
    QString dataDir() const;
};

} // namespace ktx::test
