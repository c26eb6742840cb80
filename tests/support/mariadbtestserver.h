#pragma once

#include "testdatabaseserver.h"

namespace ktx::test {

// MariaDB from the Debian mariadb-server package: mariadb-install-db, then
// mariadbd as our child (as `mysql` when we are root); stopped with SHUTDOWN,
// killed if that does not finish.
class MariaDbTestServer : public TestDatabaseServer
{
public:
    MariaDbTestServer();
    ~MariaDbTestServer() override;

protected:
    bool launch(QString *error) override;
    void shutdown() override;
    QString adminDriver() const override;
    void configureAdmin(QSqlDatabase &db, const QString &database) const override;

private:
    bool waitUntilReady(QString *error);
    QString socketPath() const;
    QStringList commonArgs() const;
};

} // namespace ktx::test
